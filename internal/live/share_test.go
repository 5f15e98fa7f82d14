package live_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// TestTailSharedLoadsKeepEachViewersScope: subscribers of one tenant with
// different visibility — two tenant-wide ADMINs and a tenant-wide AUDITOR,
// two AUDITORs scoped to workspace ws-a, two MEMBERs (one scoped to ws-a),
// a READ API key, and a filtered ADMIN — each get exactly the entries they
// may read, in order, although subscribers with the same scope and filter
// share one load per notice. Fields under @hasRole are still decided per
// subscriber: the AUDITOR shares the ADMINs' load but not Tenant.apiKeys.
func TestTailSharedLoadsKeepEachViewersScope(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		wsA, wsB := "ws-a", "ws-b"
		_, admin1 := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		_, admin2 := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		_, auditor := s.Member(t, acme.ID, schematype.RoleAuditor, nil)
		_, auditorA1 := s.Member(t, acme.ID, schematype.RoleAuditor, &wsA)
		_, auditorA2 := s.Member(t, acme.ID, schematype.RoleAuditor, &wsA)
		m1, member1 := s.Member(t, acme.ID, schematype.RoleMember, nil)
		m2, member2 := s.Member(t, acme.ID, schematype.RoleMember, &wsA)
		readKey, _ := s.APIKey(t, acme.ID, schematype.ScopeRead)

		const q = `subscription($t: ID, $f: String) {
		  auditEntryCreated(tenantID: $t, filter: $f) { id workspace request { method } tenant { apiKeys(first: 1) { totalCount } } }
		}`
		type sub struct {
			name  string
			token string
			vars  map[string]any
			// want are the indexes of the entries below it may read.
			want []int
			// request, apiKeys: whether those fields are readable.
			request, apiKeys bool
		}
		subs := []sub{
			{"admin 1", admin1, map[string]any{"t": acme.ID}, []int{0, 1, 2, 3}, true, true},
			{"admin 2", admin2, map[string]any{"t": acme.ID}, []int{0, 1, 2, 3}, true, true},
			{"auditor", auditor, map[string]any{"t": acme.ID}, []int{0, 1, 2, 3}, true, false},
			{"auditor ws-a 1", auditorA1, map[string]any{"t": acme.ID}, []int{0, 2}, true, false},
			{"auditor ws-a 2", auditorA2, nil, []int{0, 2}, true, false},
			{"member", member1, map[string]any{"t": acme.ID}, []int{0, 1}, false, false},
			{"member ws-a", member2, map[string]any{"t": acme.ID}, []int{2}, false, false},
			{"read key", readKey, map[string]any{"t": acme.ID}, []int{0, 1, 2, 3}, true, false},
			{"admin, filtered", admin2, map[string]any{"t": acme.ID, "f": "workspace = 'ws-b'"}, []int{1, 3}, true, true},
		}
		conns := make([]*testserver.Subscription, len(subs))
		for i, c := range subs {
			conns[i] = s.Subscribe(t, c.token, q, c.vars)
		}
		waitActive(t, s, int64(len(subs)))
		// The admins and the tenant-wide auditor share one load, the first ws-a auditor one (the
		// second, without tenantID, asks another query), each member
		// one, the key one (its rule is another predicate), the filtered
		// admin one.
		testwait.Eventually(t, 5*time.Second, func() (bool, string) {
			n := s.App.Feed.Shares()
			return n == 7, fmt.Sprintf("%d shared loads for %d subscriptions, want 7", n, len(subs))
		})

		entry := func(action, ws string, actor *ent.User) audit.Entry {
			e := testserver.Entry(&acme.ID, action, time.Time{})
			e.Workspace = &ws
			if actor != nil {
				e.Actor = audit.Actor{Type: schematype.ActorUser, ID: &actor.ID}
			}
			return e
		}
		var rows []*ent.AuditEntry
		rows = append(rows, s.RecordEntry(t, entry("m1.ws-a", wsA, m1)))
		rows = append(rows, s.RecordEntry(t, entry("m1.ws-b", wsB, m1)))
		rows = append(rows, s.RecordEntries(t, entry("m2.ws-a", wsA, m2))...)
		rows = append(rows, s.RecordEntries(t, entry("system.ws-b", wsB, nil))...)

		for i, c := range subs {
			var got []string
			for range c.want {
				m, err := conns[i].Next(10 * time.Second)
				if err != nil || m.Type != "next" {
					t.Fatalf("%s: %v %s %s", c.name, err, m.Type, m.Payload)
				}
				var p struct {
					Data struct {
						AuditEntryCreated struct{ ID string }
					}
					Errors []struct {
						Path       []any
						Extensions struct{ Code string }
					}
				}
				if err := json.Unmarshal(m.Payload, &p); err != nil {
					t.Fatal(err)
				}
				denied := map[any]bool{}
				for _, e := range p.Errors {
					denied[e.Path[len(e.Path)-1]] = true
				}
				if len(denied) != len(p.Errors) || c.request == denied["request"] || c.apiKeys == denied["apiKeys"] {
					t.Fatalf("%s: request readable %v, apiKeys readable %v: %s", c.name, c.request, c.apiKeys, m.Payload)
				}
				got = append(got, p.Data.AuditEntryCreated.ID)
			}
			var want []string
			for _, j := range c.want {
				want = append(want, rows[j].ID)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: got %v, want %v", c.name, got, want)
			}
			conns[i].ExpectNothing(t, 200*time.Millisecond)
		}

		// The last subscription out of a share stops it.
		for _, c := range conns {
			c.Close()
		}
		waitActive(t, s, 0)
		if n := s.App.Feed.Shares(); n != 0 {
			t.Fatalf("%d shares left without subscriptions", n)
		}
	})
}
