package audit_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"syscall"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testdb"
)

// cpuTime is this process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchEntries(b *testing.B, tenantID string, n int) []audit.Entry {
	b.Helper()
	return benchEntriesFrom(b, tenantID, n, nil)
}

// benchEntriesFrom is benchEntries with the fields the indexes hold
// (occurred_at, action, resource, actor) drawn from r when it is given, as
// the bench's batches are: inserts then land all over each index instead
// of next to each other.
func benchEntriesFrom(b *testing.B, tenantID string, n int, r *rand.Rand) []audit.Entry {
	b.Helper()
	in := make([]audit.Input, n)
	now := time.Now()
	for i := range in {
		k := i
		if r != nil {
			k = r.IntN(1 << 20)
		}
		method, path, ip := "POST", fmt.Sprintf("/api/v1/invoices/res_%d", k%977), "203.0.113.7"
		ua := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
		id, name, ws, actor := fmt.Sprintf("res_%d", k%977), fmt.Sprintf("Resource %d", k%977), "ws3", fmt.Sprintf("usr_%d", k%31)
		in[i] = audit.Input{Action: fmt.Sprintf("billing.invoice_%d", k%7), ResourceType: "invoice",
			ResourceID: &id, ResourceName: &name, Workspace: &ws,
			Actor:    &audit.Actor{Type: schematype.ActorUser, ID: &actor},
			Metadata: schematype.RawJSON(`{"ip":"10.0.0.1","plan":"pro","seats":12,"source":"billing-service","trace":"4bf92f3577b34da6a3ce929d0e0e4736"}`),
			OldValue: schematype.RawJSON(`{"amount":1100,"currency":"EUR","status":"draft","lines":[{"sku":"seat","qty":11}]}`),
			NewValue: schematype.RawJSON(`{"amount":1200,"currency":"EUR","status":"open","lines":[{"sku":"seat","qty":12}]}`),
			Request: &schematype.RequestInfo{Method: &method, Path: &path, SourceIP: &ip, UserAgent: &ua,
				Payload: schematype.RawJSON(`{"invoice":{"amount":1200,"currency":"EUR"},"notify":true}`)}}
		if r != nil {
			at := now.Add(-time.Duration(r.IntN(600)) * time.Second)
			in[i].OccurredAt = &at
		}
	}
	es, err := audit.Prepare(tenantID, in, audit.Actor{Type: schematype.ActorSystem}, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return es
}

// BenchmarkRecordSQLite records batches on a SQLite file, from `clients`
// goroutines at once, through the Writer as the server does; cpu-µs/entry is
// the process's CPU time (SQLite runs in it), steadier than wall time on a
// shared machine.
func BenchmarkRecordSQLite(b *testing.B) {
	for _, c := range []struct {
		batch, clients, committers int
		values, spread             bool
	}{
		{1000, 1, 0, false, false}, {1000, 4, 0, false, false}, {1000, 4, 1, false, false}, {1000, 4, 1, true, false},
		{50, 32, 0, false, false}, {50, 32, 1, false, false}, {50, 32, 1, true, false},
		{50, 32, 1, false, true}, {50, 32, 1, true, true},
		{1, 32, 0, false, false}, {1, 32, 1, false, false}, {1, 32, 1, true, false},
	} {
		// values: the group's rows in shared VALUES statements (the
		// server's SQLite writer) instead of ent's INSERT a request.
		// spread: 64 batches with the bench's spread of index keys
		// instead of one batch over and over.
		b.Run(fmt.Sprintf("batch=%d/clients=%d/group=%d/values=%v/spread=%v", c.batch, c.clients, c.committers, c.values, c.spread), func(b *testing.B) {
			d := testdb.Open(b, dialect.SQLite)
			ctx := rule.AsSystem(context.Background())
			tn, err := d.Client.Tenant.Create().SetSlug("acme").SetName("Acme").Save(ctx)
			if err != nil {
				b.Fatal(err)
			}
			batches := [][]audit.Entry{benchEntries(b, tn.ID, c.batch)}
			if c.spread {
				r := rand.New(rand.NewPCG(5, 6))
				batches = batches[:0]
				for range 64 {
					batches = append(batches, benchEntriesFrom(b, tn.ID, c.batch, r))
				}
			}
			es := batches[0]
			w := audit.NewWriter(d.Client, audit.WriterOptions{Committers: c.committers, MaxBatch: audit.MaxBatch,
				Arrays: c.values, Dialect: dialect.SQLite})
			defer w.Close(ctx)
			// Warm up: the first batches create the tables' first pages.
			for range 3 {
				if _, err := w.Record(ctx, es); err != nil {
					b.Fatal(err)
				}
			}
			cpu0, t0 := cpuTime(), time.Now()
			var wg sync.WaitGroup
			next := make(chan int)
			for range c.clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						if _, err := w.Record(ctx, batches[i%len(batches)]); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			for i := 0; b.Loop(); i++ {
				next <- i
			}
			close(next)
			wg.Wait()
			n := float64(b.N * c.batch)
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/n, "cpu-µs/entry")
			b.ReportMetric(n/time.Since(t0).Seconds(), "entries/s")
		})
	}
}
