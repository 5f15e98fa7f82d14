package demo_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/user"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/demo"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/testdb"
)

func TestSeed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		now := time.Date(2026, 5, 20, 15, 4, 5, 0, time.UTC)
		var hooked demo.Tenants
		start := time.Now()
		res, err := demo.Seed(ctx, d.Client, demo.Options{Now: now, Users: func(ctx context.Context, c *ent.Client, tn demo.Tenants) error {
			hooked = tn
			return c.User.Create().SetID(demo.AcmePeople[0].ID).SetEmail(demo.AcmePeople[0].Email).SetName(demo.AcmePeople[0].Name).Exec(ctx)
		}})
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		// Speed is a benchmark's business (a loaded CI machine must not fail
		// this test); the time is logged for whoever reads -v output.
		t.Logf("%s: seeded %d entries in %s", d.Dialect, res.Entries, took)
		if !res.Seeded || hooked.Acme == nil || hooked.Acme.ID != res.Tenants.Acme.ID || res.Tenants.Globex.Slug != "globex" {
			t.Fatalf("result = %+v, hook saw %+v", res, hooked)
		}
		acme := d.Client.AuditEntry.Query().Where(auditentry.TenantID(res.Tenants.Acme.ID))
		if n := acme.Clone().CountX(ctx); n < 5000 {
			t.Fatalf("acme has %d entries, want ≥ 5000", n)
		}
		entries := acme.Clone().Order(ent.Asc(auditentry.FieldOccurredAt)).AllX(ctx)
		if first := entries[0].OccurredAt; first.Before(now.AddDate(0, 0, -demo.Days)) || entries[len(entries)-1].OccurredAt.After(now) {
			t.Errorf("entries span %s … %s; want the last %d days before %s", first, entries[len(entries)-1].OccurredAt, demo.Days, now)
		}
		families := map[string]int{}
		var failures, keys, withOld, actorTypes = 0, 0, 0, map[schematype.ActorType]int{}
		for _, e := range entries {
			families[e.Action]++
			actorTypes[e.ActorType]++
			if e.Status == auditentry.StatusFAILURE {
				failures++
			}
			if e.IdempotencyKey != nil {
				keys++
			}
			if len(e.OldValue) > 0 && len(e.NewValue) > 0 {
				withOld++
			}
			if e.Request != nil && strings.Contains(string(e.Request.Payload), "assword\":\"") &&
				!strings.Contains(string(e.Request.Payload), audit.Redacted) {
				t.Fatalf("unredacted password in %s", e.Request.Payload)
			}
			if e.Hash != audit.Hash(audit.Entry{
				ID: e.ID, ReceivedAt: e.ReceivedAt, TenantID: e.TenantID, OccurredAt: e.OccurredAt, Action: e.Action, ResourceType: e.ResourceType,
				ResourceID: e.ResourceID, ResourceName: e.ResourceName, Workspace: e.Workspace,
				Actor:  audit.Actor{Type: e.ActorType, ID: e.ActorID, Name: e.ActorName, Email: e.ActorEmail},
				Status: e.Status, OldValue: e.OldValue, NewValue: e.NewValue, Metadata: e.Metadata, Request: e.Request,
				IdempotencyKey: e.IdempotencyKey,
			}) {
				t.Fatalf("entry %s: stored hash does not recompute", e.ID)
			}
		}
		for _, a := range []string{
			"workspace.create", "workspace.update", "workspace.deploy", "workspace.terminate", "workspace.suspend", "workspace.resume",
			"member.add", "member.role.update", "member.remove", "user.create", "user.update", "invitation.create", "invitation.accept",
			"organization.update", "plan.upgrade", "plan.downgrade", "billing.invoice.paid", "billing.payment.failed",
			"process.start", "process.complete", "api_key.create", "api_key.deactivate", "settings.update",
			"billing.subscription.update", "workspace.scale", "workspace.restart",
		} {
			if families[a] == 0 {
				t.Errorf("no %s entries", a)
			}
		}
		if failures < 50 || keys < 100 || withOld < 1000 || actorTypes[schematype.ActorUser] == 0 || actorTypes[schematype.ActorAPIKey] == 0 || actorTypes[schematype.ActorSystem] == 0 || actorTypes[schematype.ActorWebhook] < 24 {
			t.Errorf("failures %d, idempotency keys %d, with old/new %d, actor types %v", failures, keys, withOld, actorTypes)
		}
		redacted := 0
		for _, e := range entries {
			if e.Request != nil && strings.Contains(string(e.Request.Payload), audit.Redacted) {
				redacted++
			}
		}
		if redacted == 0 {
			t.Error("no payload shows redaction")
		}
		// The API.md example filter finds entries (relative to the seed's now,
		// the filter's now() is the same instant).
		p, err := filter.Compile(`action like 'member.%' and occurred_at > now() - interval '30 days' and actor_email ilike '%@acme.io'`, filter.AuditEntries, now)
		if err != nil {
			t.Fatal(err)
		}
		if n := acme.Clone().Where(p).CountX(ctx); n < 50 {
			t.Errorf("the API.md example filter matches %d entries", n)
		}
		// actor.user can resolve: entries name the fixed user IDs.
		if n := acme.Clone().Where(auditentry.ActorID(demo.AcmePeople[0].ID)).CountX(ctx); n == 0 || !d.Client.User.Query().Where(user.ID(demo.AcmePeople[0].ID)).ExistX(ctx) {
			t.Errorf("owner %s: %d entries", demo.AcmePeople[0].ID, n)
		}
		globex := d.Client.AuditEntry.Query().Where(auditentry.TenantID(res.Tenants.Globex.ID)).CountX(ctx)
		if globex < 500 {
			t.Errorf("globex has %d entries", globex)
		}

		// Idempotent: a second run does nothing.
		again, err := demo.Seed(ctx, d.Client, demo.Options{Now: now})
		if err != nil || again.Seeded {
			t.Fatalf("second seed: %+v, %v", again, err)
		}
		if n := d.Client.AuditEntry.Query().CountX(ctx); n != res.Entries {
			t.Fatalf("after a second seed: %d entries, want %d", n, res.Entries)
		}
	})
}

// TestSeedDeterministic seeds two databases at the same instant and gets
// the same entries.
func TestSeedDeterministic(t *testing.T) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	now := time.Date(2026, 5, 20, 15, 4, 5, 0, time.UTC)
	var runs [2]string
	for i := range runs {
		d := testdb.Open(t, "sqlite3")
		if _, err := demo.Seed(ctx, d.Client, demo.Options{Now: now}); err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, e := range d.Client.AuditEntry.Query().AllX(ctx) {
			lines = append(lines, fmt.Sprintf("%s %s %s %s %s %s", e.OccurredAt.Format(time.RFC3339Nano), e.Action,
				deref(e.ResourceID), deref(e.ActorID), e.OldValue, e.NewValue))
		}
		slices.Sort(lines)
		runs[i] = strings.Join(lines, "\n")
	}
	if runs[0] != runs[1] {
		t.Fatal("two seeds at the same instant differ")
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
