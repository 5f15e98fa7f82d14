package graph_test

import (
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/testserver"
)

// TestWebhookActor records entries caused by inbound webhooks, reads them
// back as actor type WEBHOOK, selects them with the filter language and the
// where input (the audit log's "Triggers & webhooks" tab), and checks that
// another tenant's webhooks stay out of sight.
func TestWebhookActor(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		g := newFixture(t, s, "globex")
		hook := func(name, id string) map[string]any {
			return map[string]any{"type": "WEBHOOK", "name": name, "id": id}
		}
		base := time.Now().Add(-time.Hour).UTC()
		at := func(min int) string { return base.Add(time.Duration(min) * time.Minute).Format(time.RFC3339) }
		out := mustRecord(t, s, f.ingest, f.tenantID,
			entry("deployment.create", "resourceID", "acme-push", "occurredAt", at(1), "actor", hook("GitHub push", "gh-delivery-1"),
				"request", map[string]any{"method": "POST", "path": "/hooks/github", "payload": map[string]any{"ref": "refs/heads/main"}}),
			entry("invoice.pay", "resourceID", "acme-stripe", "occurredAt", at(2), "actor", hook("Stripe webhook", "evt_1")),
			entry("workspace.create", "resourceID", "acme-user", "occurredAt", at(3), "actor", map[string]any{"type": "USER", "id": "u-1", "name": "Ada"}))
		if got := out.RecordAuditEntries.Entries[0].Actor; got.Type != "WEBHOOK" || got.Name != "GitHub push" || got.ID != "gh-delivery-1" {
			t.Fatalf("recorded actor = %+v", got)
		}
		mustRecord(t, s, g.ingest, g.tenantID,
			entry("deployment.create", "resourceID", "globex-push", "occurredAt", at(4), "actor", hook("GitHub push", "gh-delivery-2")))

		// A webhook actor needs a name or an id, like a user.
		res := record(t, s, f.ingest, f.tenantID, entry("invoice.pay", "actor", map[string]any{"type": "WEBHOOK"}))
		if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != "entries[0].actor" {
			t.Fatalf("nameless webhook: %s", res.Body)
		}
		// An unknown type is still refused by the schema's enum.
		res = record(t, s, f.ingest, f.tenantID, entry("invoice.pay", "actor", map[string]any{"type": "CRON", "name": "x"}))
		if len(res.Errors) == 0 || res.Errors[0].Code() != "GRAPHQL_VALIDATION_FAILED" && res.Errors[0].Code() != "BAD_USER_INPUT" {
			t.Fatalf("unknown actor type: %s", res.Body)
		}

		admin := s.PlatformAdmin(t)
		for _, tt := range []struct {
			name, token string
			vars        map[string]any
			want        string
		}{
			{"filter, any case", f.reader, map[string]any{"t": f.tenantID, "filter": "actor_type = 'webhook'"}, "acme-stripe,acme-push"},
			{"filter in", f.reader, map[string]any{"t": f.tenantID, "filter": "actor_type in ('WEBHOOK', 'user')"}, "acme-user,acme-stripe,acme-push"},
			{"filter and search", f.reader, map[string]any{"t": f.tenantID, "filter": "actor_type = 'WEBHOOK'", "search": "github"}, "acme-push"},
			{"where", f.reader, map[string]any{"t": f.tenantID, "where": map[string]any{"actorType": "WEBHOOK"}}, "acme-stripe,acme-push"},
			{"not webhook", f.reader, map[string]any{"t": f.tenantID, "filter": "actor_type != 'webhook'"}, "acme-user"},
			// Tenant isolation: a key of acme never sees globex's webhooks, even asking
			// without a tenant or with globex's ID.
			{"no tenant, acme key", f.reader, map[string]any{"filter": "actor_type = 'webhook'"}, "acme-stripe,acme-push"},
			{"globex tenant, acme key", f.reader, map[string]any{"t": g.tenantID, "filter": "actor_type = 'webhook'"}, ""},
			{"acme tenant, globex admin", g.admin, map[string]any{"t": f.tenantID, "filter": "actor_type = 'webhook'", "search": "push"}, ""},
			{"platform admin, every tenant", admin, map[string]any{"filter": "actor_type = 'webhook' and action = 'deployment.create'"}, "globex-push,acme-push"},
		} {
			vars := tt.vars
			vars["first"] = 100
			if got := list(t, s, tt.token, vars).resources(); got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
		}

		// The facets name the webhook source like any actor.
		var facets struct {
			AuditFacets struct{ ByActor []struct{ Value string } }
		}
		s.GraphQL(t, f.reader, `query($t: ID!) { auditFacets(tenantID: $t, filter: "actor_type = 'webhook'") { byActor { value } } }`,
			map[string]any{"t": f.tenantID}).NoErrors(t).Decode(t, &facets)
		if len(facets.AuditFacets.ByActor) != 2 {
			t.Errorf("byActor = %+v", facets.AuditFacets.ByActor)
		}
	})
}
