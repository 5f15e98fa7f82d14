package audit_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testdb"
)

// BenchmarkRecordBatch is the cost of writing one prepared batch on
// PostgreSQL, one at a time: the writer's own work plus the database's
// (same machine), with ent's multi-row INSERT and with the array
// statement. A third of the entries carry an idempotency key, as in the
// bench data. docs/performance.md "Batch ingestion".
//
//	CI=true go test -run '^$' -bench RecordBatch -benchmem ./internal/audit/
func BenchmarkRecordBatch(b *testing.B) {
	testdb.RequirePostgres(b)
	d := testdb.Open(b, dialect.Postgres)
	ctx := rule.AsSystem(context.Background())
	tn, err := d.Client.Tenant.Create().SetSlug("acme").SetName("Acme").Save(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{50, 1000} {
		for _, arrays := range []bool{false, true} {
			b.Run(fmt.Sprintf("entries=%d/arrays=%v", n, arrays), func(b *testing.B) {
				w := audit.NewWriter(d.Client, audit.WriterOptions{Arrays: arrays})
				b.ReportAllocs()
				cpu := processCPU()
				for i := 0; b.Loop(); i++ {
					b.StopTimer()
					batch := benchBatch(b, tn.ID, n, fmt.Sprintf("%d-%v-%d", n, arrays, i))
					b.StartTimer()
					if _, err := w.Record(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
				// The writer's CPU (this process, batch preparation
				// included, which is the same for both), not the wall
				// time: that is mostly the commit's WAL flush, and
				// noise on a shared machine.
				b.ReportMetric(float64(processCPU()-cpu)/float64(b.N*n), "cpu-ns/entry")
			})
		}
	}
}

// processCPU is the user and system CPU time of this process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchBatch(b *testing.B, tenantID string, n int, run string) []audit.Entry {
	in := make([]audit.Input, n)
	for i := range in {
		id, name := fmt.Sprintf("res_%d", i), "Quarterly plan"
		in[i] = audit.Input{
			Action: "billing.plan.update", ResourceType: "plan", ResourceID: &id, ResourceName: &name,
			Actor:    &audit.Actor{Type: schematype.ActorSystem},
			OldValue: schematype.RawJSON(`{"plan":"pro","seats":5}`), NewValue: schematype.RawJSON(`{"plan":"team","seats":12}`),
			Metadata: schematype.RawJSON(`{"region":"eu","source":"bench"}`),
		}
		if i%3 == 0 {
			k := fmt.Sprintf("%s-%d", run, i)
			in[i].IdempotencyKey = &k
		}
	}
	es, err := audit.Prepare(tenantID, in, audit.Actor{Type: schematype.ActorSystem}, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return es
}
