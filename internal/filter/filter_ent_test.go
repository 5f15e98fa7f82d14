package filter_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/viewer"
)

// TestThroughEnt runs filters as ent predicates on the migrated schema,
// with rows written by ent, so the column types and the way ent and the
// drivers store JSON and times are the real ones.
func TestThroughEnt(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := viewer.NewContext(context.Background(), viewer.SystemViewer())
		c := d.Client
		tenant := c.Tenant.Create().SetSlug("acme").SetName("Acme").SaveX(ctx)
		other := c.Tenant.Create().SetSlug("other").SetName("Other").SaveX(ctx)

		type entry struct {
			label, action, workspace, email string
			actor                           schematype.ActorType
			status                          auditentry.Status
			at                              time.Time
			metadata, newValue              string
			tenant                          *ent.Tenant
		}
		entries := []entry{
			{"e1", "member.invite", "ws-a", "alice@acme.io", schematype.ActorUser, auditentry.StatusSUCCESS, ago(time.Hour),
				`{"plan": "pro", "seats": 5, "flag": true, "tags": ["x"]}`, `{"plan":"pro"}`, tenant},
			{"e2", "member.remove", "", "BOB@ACME.IO", schematype.ActorAPIKey, auditentry.StatusFAILURE, ago(10 * day),
				`{"plan":"free","seats":12,"flag":false,"a.b":{"c":"d"}}`, "", tenant},
			{"e3", "Member.Invite", "ws-b", "", schematype.ActorSystem, auditentry.StatusSUCCESS, ago(40 * day),
				`{"plan":null}`, `null`, tenant},
			{"e4", "user.login", "ws-a", "carol@example.com", schematype.ActorUser, auditentry.StatusSUCCESS, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
				"", "", tenant},
			{"e5", "member.invite", "ws-a", "dave@acme.io", schematype.ActorUser, auditentry.StatusFAILURE, ago(2 * time.Hour),
				`{"plan":"pro"}`, "", other},
		}
		for _, e := range entries {
			cr := c.AuditEntry.Create().SetTenant(e.tenant).SetResourceID(e.label).SetAction(e.action).
				SetResourceType("user").SetActorType(e.actor).SetStatus(e.status).
				SetOccurredAt(e.at).SetReceivedAt(e.at.Add(time.Second)).SetHash("h-" + e.label)
			if e.workspace != "" {
				cr.SetWorkspace(e.workspace)
			}
			if e.email != "" {
				cr.SetActorEmail(e.email)
			}
			if e.metadata != "" {
				cr.SetMetadata(schematype.RawJSON(e.metadata))
			}
			if e.newValue != "" {
				cr.SetNewValue(schematype.RawJSON(e.newValue))
			}
			cr.SaveX(ctx)
		}

		cases := []struct {
			src  string
			want []string
		}{
			{"action like 'member.%'", []string{"e1", "e2"}},
			{"action ilike 'member.%'", []string{"e1", "e2", "e3"}},
			{"status = 'failure'", []string{"e2"}},
			{"actor_type in ('api_key', 'system')", []string{"e2", "e3"}},
			{"workspace != 'ws-a'", []string{"e3"}},
			{"workspace is null", []string{"e2"}},
			{"actor_email ilike '%@acme.io'", []string{"e1", "e2"}},
			{"occurred_at > now() - interval '1 month'", []string{"e1", "e2"}},
			{"occurred_at = '2026-01-01T01:00:00+01:00'", []string{"e4"}},
			{"occurred_at < '2026-01-01'", []string{}},
			{"received_at >= '2026-01-01T00:00:01Z' and received_at < '2026-01-02'", []string{"e4"}},
			{"metadata->>'plan' = 'pro'", []string{"e1"}},
			{"metadata->>'plan' is null", []string{"e3", "e4"}},
			{"metadata->>'flag' = 'true'", []string{"e1"}},
			{"metadata->>'flag' = 'false'", []string{"e2"}},
			{"metadata->>'seats' > 10", []string{"e2"}},
			{"metadata->>'seats' = '5'", []string{"e1"}},
			{"metadata->'a.b'->>'c' = 'd'", []string{"e2"}},
			{"metadata->'tags'->>0 = 'x'", []string{"e1"}},
			{"metadata is null", []string{"e4"}},
			{"new_value is null", []string{"e2", "e3", "e4"}},
			{"new_value->>'plan' = 'pro'", []string{"e1"}},
			// e3 and e4 have no plan: unknown or false is unknown, and not unknown is unknown
			{"not (metadata->>'plan' = 'pro' or status = 'failure')", []string{}},
			{"not (metadata->>'plan' = 'free') and status = 'success'", []string{"e1"}},
		}
		for _, tc := range cases {
			pred, err := filter.Compile(tc.src, filter.AuditEntries, testNow)
			if err != nil {
				t.Fatalf("%q: %v", tc.src, err)
			}
			// Scoped to one tenant the way resolvers will be; e5 in the
			// other tenant must never show up.
			got := c.AuditEntry.Query().
				Where(auditentry.TenantID(tenant.ID), predicate.AuditEntry(pred)).
				Select(auditentry.FieldResourceID).StringsX(ctx)
			slices.Sort(got)
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: %q\n got %v\nwant %v", d.Dialect, tc.src, got, tc.want)
			}
			// The same predicate through an edge query, where ent builds
			// the selector around a join.
			viaEdge := tenant.QueryAuditEntries().Where(predicate.AuditEntry(pred)).
				Select(auditentry.FieldResourceID).StringsX(ctx)
			slices.Sort(viaEdge)
			if len(viaEdge) != len(got) || len(got) > 0 && !slices.Equal(viaEdge, got) {
				t.Errorf("%s: %q through the tenant edge: %v, want %v", d.Dialect, tc.src, viaEdge, got)
			}
		}

		procs := []struct {
			kind    schematype.ProcessKind
			status  process.Status
			started *time.Time
		}{
			{schematype.ProcessArchive, process.StatusSUCCEEDED, ptr(ago(2 * day))},
			{schematype.ProcessExport, process.StatusRUNNING, ptr(ago(time.Hour))},
			{schematype.ProcessRetention, process.StatusQUEUED, nil},
		}
		for _, p := range procs {
			c.Process.Create().SetTenant(tenant).SetKind(p.kind).SetStatus(p.status).
				SetInitiatorType(schematype.ActorSystem).SetNillableStartedAt(p.started).SaveX(ctx)
		}
		for _, tc := range []struct {
			src  string
			want int
		}{
			{"kind = 'archive'", 1},
			{"status in ('queued', 'running')", 2},
			{"started_at < now() - interval '1 day'", 1},
			{"not (started_at < now() - interval '1 day')", 1},
			{"started_at is null", 1},
		} {
			pred, err := filter.Compile(tc.src, filter.Processes, testNow)
			if err != nil {
				t.Fatalf("%q: %v", tc.src, err)
			}
			if n := c.Process.Query().Where(predicate.Process(pred)).CountX(ctx); n != tc.want {
				t.Errorf("%s: processes %q: %d, want %d", d.Dialect, tc.src, n, tc.want)
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }
