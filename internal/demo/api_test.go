package demo_test

import (
	"testing"

	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestDemoThroughTheAPI starts the App with TRAILMARK_DEMO's setting and
// asks the demo tenant the API.md example filter over HTTP.
func TestDemoThroughTheAPI(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		admin := s.PlatformAdmin(t)
		var out struct {
			Tenants struct {
				Edges []struct {
					Node struct{ ID, Name string }
				}
			}
		}
		s.GraphQL(t, admin, `{ tenants(where: {slug: "acme"}) { edges { node { id name } } } }`, nil).NoErrors(t).Decode(t, &out)
		if len(out.Tenants.Edges) != 1 || out.Tenants.Edges[0].Node.Name != "Acme Inc" {
			t.Fatalf("tenant acme = %+v", out.Tenants)
		}
		var res struct {
			AuditEntries struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Action string
						Actor  struct{ Email string }
					}
				}
			}
			AuditFacets struct{ Total int }
		}
		s.GraphQL(t, admin, `query($t: ID!) {
			auditEntries(tenantID: $t, first: 5, filter: "action like 'member.%' and occurred_at > now() - interval '30 days' and actor_email ilike '%@acme.io'") {
				totalCount edges { node { action actor { email } } } }
			auditFacets(tenantID: $t) { total }
		}`, map[string]any{"t": out.Tenants.Edges[0].Node.ID}).NoErrors(t).Decode(t, &res)
		if res.AuditEntries.TotalCount < 50 || len(res.AuditEntries.Edges) != 5 || res.AuditFacets.Total < 5000 {
			t.Fatalf("example filter: %d entries, facets total %d", res.AuditEntries.TotalCount, res.AuditFacets.Total)
		}
	}, func(c *app.Config) { c.Demo = true })
}
