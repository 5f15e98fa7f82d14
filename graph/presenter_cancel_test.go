package graph

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestPresentCanceledRequest: when the caller has gone away, the error
// its request ended with — a commit on a transaction its cancellation
// already rolled back, a read cut short — is "request canceled", logged
// at debug level: neither an internal error (ERROR) nor the database's
// failure (WARN "unavailable"), which is what a disconnecting client used
// to produce under load.
func TestPresentCanceledRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range []error{
		fmt.Errorf("recordAuditEntries commit: %w", sql.ErrTxDone),
		fmt.Errorf("recordAuditEntries begin: %w", context.Canceled),
	} {
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
		got := present(ctx, log, err)
		if got.Message != "request canceled" || got.Extensions["code"] != CodeInternal {
			t.Errorf("%v: %q %v, want request canceled", err, got.Message, got.Extensions)
		}
		if strings.Contains(logs.String(), "level=ERROR") || strings.Contains(logs.String(), "level=WARN") {
			t.Errorf("%v logged %q", err, logs.String())
		}
	}
	// A live request's ErrTxDone is still the server's own failure.
	var logs bytes.Buffer
	got := present(context.Background(), slog.New(slog.NewTextHandler(&logs, nil)), sql.ErrTxDone)
	if !strings.HasPrefix(got.Message, "internal error") || !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a live request's ErrTxDone: %q, logged %q", got.Message, logs.String())
	}
}
