package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
	"github.com/trailmark/trailmark/internal/viewer"
)

// TestPlatformVerifySchedule: a platform admin schedules VERIFY of the
// platform log with the schedule API; it fires a VERIFY process of no
// tenant. Tenant OWNERs and ADMINs can neither create such a schedule nor
// see, change or delete one, and the platform log schedules nothing else.
func TestPlatformVerifySchedule(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		platformAdmin := s.PlatformAdmin(t)
		_, owner := s.Member(t, acme.ID, schematype.RoleOwner, nil)
		_, admin := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		const createQ = `mutation($t: ID, $p: Boolean, $k: ProcessKind!) {
			createSchedule(tenantID: $t, platform: $p, input: {kind: $k, cron: "0 4 * * *"}) { id kind platform enabled nextRunAt } }`
		var c struct {
			CreateSchedule struct {
				ID, Kind          string
				Platform, Enabled bool
				NextRunAt         time.Time
			}
		}
		s.GraphQL(t, platformAdmin, createQ, map[string]any{"p": true, "k": "VERIFY"}).NoErrors(t).Decode(t, &c)
		sch := c.CreateSchedule
		if sch.Kind != "VERIFY" || !sch.Platform || !sch.Enabled || sch.NextRunAt.Hour() != 4 {
			t.Fatalf("platform schedule %+v", sch)
		}
		ctx := testserver.SystemContext()
		if n, err := s.Client().AuditEntry.Query().Where(auditentry.TenantIDIsNil(), auditentry.Action("schedule.create"),
			auditentry.ResourceID(sch.ID)).Count(ctx); err != nil || n != 1 {
			t.Fatalf("schedule.create in the platform log: %d %v", n, err)
		}

		// Bad calls.
		for _, c := range []struct {
			name  string
			token string
			vars  map[string]any
			code  string
		}{
			{"platform ARCHIVE", platformAdmin, map[string]any{"p": true, "k": "ARCHIVE"}, "BAD_USER_INPUT"},
			{"both", platformAdmin, map[string]any{"p": true, "t": acme.ID, "k": "VERIFY"}, "BAD_USER_INPUT"},
			{"neither", platformAdmin, map[string]any{"k": "VERIFY"}, "BAD_USER_INPUT"},
			{"owner", owner, map[string]any{"p": true, "k": "VERIFY"}, "FORBIDDEN"},
			{"admin", admin, map[string]any{"p": true, "k": "VERIFY"}, "FORBIDDEN"},
			{"anonymous", "", map[string]any{"p": true, "k": "VERIFY"}, "UNAUTHENTICATED"},
		} {
			if res := s.GraphQL(t, c.token, createQ, c.vars); !res.HasCode(c.code) || string(res.Data) != "null" && res.Data != nil {
				t.Fatalf("%s: want %s: %s", c.name, c.code, res.Body)
			}
		}

		// Tenant managers do not see it, nor change or delete it.
		for _, token := range []string{owner, admin} {
			if res := s.GraphQL(t, token, `{ schedules(platform: true) { id } }`, nil); !res.HasCode("FORBIDDEN") {
				t.Fatalf("a tenant manager lists the platform's schedules: %s", res.Body)
			}
			var out struct {
				Schedules []struct{ ID string }
				Node      *struct{ ID string }
			}
			s.GraphQL(t, token, `query($t: ID!, $id: ID!) { schedules(tenantID: $t) { id } node(id: $id) { id } }`,
				map[string]any{"t": acme.ID, "id": sch.ID}).NoErrors(t).Decode(t, &out)
			if len(out.Schedules) != 0 || out.Node != nil {
				t.Fatalf("a tenant manager sees the platform's schedule: %+v", out)
			}
			for _, q := range []string{`mutation($id: ID!) { updateSchedule(id: $id, input: {enabled: false}) { id } }`,
				`mutation($id: ID!) { deleteSchedule(id: $id) }`} {
				if res := s.GraphQL(t, token, q, map[string]any{"id": sch.ID}); !res.HasCode("NOT_FOUND") {
					t.Fatalf("a tenant manager changes the platform's schedule: %s", res.Body)
				}
			}
		}
		// A tenant's own schedule is still theirs; the platform admin sees each list apart.
		var own struct{ CreateSchedule struct{ ID string } }
		s.GraphQL(t, admin, createQ, map[string]any{"t": acme.ID, "k": "VERIFY"}).NoErrors(t).Decode(t, &own)
		var lists struct {
			Platform []struct {
				ID       string
				Platform bool
			}
			Tenant []struct{ ID string }
		}
		s.GraphQL(t, platformAdmin, `query($t: ID!) { platform: schedules(platform: true) { id platform } tenant: schedules(tenantID: $t) { id } }`,
			map[string]any{"t": acme.ID}).NoErrors(t).Decode(t, &lists)
		if len(lists.Platform) != 1 || lists.Platform[0].ID != sch.ID || len(lists.Tenant) != 1 || lists.Tenant[0].ID != own.CreateSchedule.ID {
			t.Fatalf("lists %+v", lists)
		}
		if res := s.GraphQL(t, platformAdmin, `query($id: ID!) { node(id: $id) { ... on Schedule { tenant { id } } } }`,
			map[string]any{"id": sch.ID}); !res.HasCode("NOT_FOUND") {
			t.Fatalf("a platform schedule's tenant: %s", res.Body)
		}

		// Due now: it starts a VERIFY process of the platform log.
		if _, err := s.Client().Schedule.UpdateOneID(sch.ID).SetNextRunAt(clock.Now().Add(-time.Minute)).Save(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.App.Runner.FireDue(); err != nil {
			t.Fatal(err)
		}
		p, err := s.Client().Process.Query().Where(process.ScheduleID(sch.ID)).Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if p.TenantID != "" || p.Kind != schematype.ProcessVerify || p.InitiatorType != schematype.ActorSystem {
			t.Fatalf("scheduled process %+v", p)
		}
		testwait.Eventually(t, 30*time.Second, func() (bool, string) {
			st := status(t, s, p.ID)
			return st == "SUCCEEDED", st
		})
		var last struct {
			Node struct {
				LastProcess struct{ ID, Kind, Status string }
			}
		}
		s.GraphQL(t, platformAdmin, `query($id: ID!) { node(id: $id) { ... on Schedule { lastProcess { id kind status } } } }`,
			map[string]any{"id": sch.ID}).NoErrors(t).Decode(t, &last)
		if last.Node.LastProcess.ID != p.ID {
			t.Fatalf("lastProcess %+v", last.Node)
		}
		// The rule itself (ent/rule), under the resolvers: a tenant OWNER's
		// context may neither make a schedule of no tenant nor change one.
		tenantOwner := viewer.NewContext(context.Background(), &viewer.Viewer{Kind: viewer.User, UserID: "usr_x",
			Memberships: []viewer.Membership{{ID: "mem_x", TenantID: acme.ID, Role: viewer.Owner}}})
		if _, err := s.Client().Schedule.Create().SetKind(schematype.ProcessVerify).SetCron("0 4 * * *").Save(tenantOwner); !errors.Is(err, privacy.Deny) {
			t.Fatalf("a tenant owner creates a platform schedule: %v", err)
		}
		if _, err := s.Client().Schedule.UpdateOneID(sch.ID).SetEnabled(false).Save(tenantOwner); !errors.Is(err, privacy.Deny) {
			t.Fatalf("a tenant owner changes a platform schedule: %v", err)
		}
		// The platform admin changes and deletes it like any schedule.
		s.GraphQL(t, platformAdmin, `mutation($id: ID!) { updateSchedule(id: $id, input: {enabled: false}) { id } }`, map[string]any{"id": sch.ID}).NoErrors(t)
		s.GraphQL(t, platformAdmin, `mutation($id: ID!) { deleteSchedule(id: $id) }`, map[string]any{"id": sch.ID}).NoErrors(t)
	}, fastJobs)
}
