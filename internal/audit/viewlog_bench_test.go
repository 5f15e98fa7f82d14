package audit

import (
	"io"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/viewer"
)

// BenchmarkViewLogRecord is one read's cost of Record on the read's path
// and in the writer, for a read that folds into an open window (the
// common case: a client paging through one filter).
func BenchmarkViewLogRecord(b *testing.B) {
	l := NewViewLog(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), ViewLogOptions{FlushInterval: time.Hour, FlushSize: 1 << 30, QueueSize: 1 << 16})
	v := &viewer.Viewer{Kind: viewer.APIKey, APIKeyID: "key_1", APIKeyName: "bench", APIKeyTenantID: "ten_1",
		Request: &viewer.Request{Method: "POST", Path: "/graphql", SourceIP: "127.0.0.1", UserAgent: "bench"}}
	t := "ten_1"
	b.ReportAllocs()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	n, c0 := 0, cpu()
	for b.Loop() {
		n++
		l.Record(v, View{TenantIDs: []*string{&t},
			Details: map[string]any{"tenantID": t, "orderBy": map[string]any{"field": "OCCURRED_AT", "direction": "DESC"}},
			Paging:  map[string]any{"first": int64(25)}})
	}
	for len(l.queue) > 0 {
		time.Sleep(time.Millisecond)
	}
	b.ReportMetric(float64((cpu()-c0).Nanoseconds())/float64(n), "cpu-ns/op")
}
