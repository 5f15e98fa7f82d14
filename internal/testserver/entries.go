package testserver

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
)

// Entry returns a minimal audit entry of tenantID (nil: the platform log)
// with action, occurring at at (zero: now), by a SYSTEM actor.
func Entry(tenantID *string, action string, at time.Time) audit.Entry {
	if at.IsZero() {
		at = time.Now()
	}
	return audit.Entry{
		TenantID:     tenantID,
		OccurredAt:   at,
		Action:       action,
		ResourceType: "test",
		Actor:        audit.Actor{Type: schematype.ActorSystem},
	}
}

// RecordEntries stores entries in one transaction, as ingestion does (the
// rows go through the server's ent client, hooks included), and returns them.
func (s *Server) RecordEntries(t testing.TB, entries ...audit.Entry) []*ent.AuditEntry {
	t.Helper()
	ctx := rule.AsSystem(context.Background())
	tx, err := s.Client().Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	builders := make([]*ent.AuditEntryCreate, len(entries))
	for i, e := range entries {
		builders[i] = audit.Create(tx.AuditEntry, e)
	}
	var out []*ent.AuditEntry
	for start := 0; start < len(builders); start += 500 {
		rows, err := tx.AuditEntry.CreateBulk(builders[start:min(start+500, len(builders))]...).Save(ctx)
		if err != nil {
			_ = tx.Rollback()
			t.Fatalf("record entries: %v", err)
		}
		out = append(out, rows...)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit entries: %v", err)
	}
	for _, e := range out {
		e.Unwrap()
	}
	return out
}

// RecordEntry stores one entry outside any transaction (as a self-audit
// helper may) and returns it.
func (s *Server) RecordEntry(t testing.TB, e audit.Entry) *ent.AuditEntry {
	t.Helper()
	ctx := rule.AsSystem(context.Background())
	row, err := audit.Create(s.Client().AuditEntry, e).Save(ctx)
	if err != nil {
		t.Fatalf("record entry: %v", err)
	}
	return row
}

// Actions returns numbered actions prefix.0 … prefix.n-1.
func Actions(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s.%d", prefix, i)
	}
	return out
}

// SystemContext is a context in which fixtures act as Trailmark itself.
func SystemContext() context.Context {
	return rule.AsSystem(context.Background())
}
