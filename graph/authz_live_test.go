package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/archive"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// TestAuthorizationMatrixLive covers what bypasses GraphQL queries: the
// auditEntryCreated subscription, the streaming export and archive
// downloads. Each role must get what it may read and nothing foreign.
func TestAuthorizationMatrixLive(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		w := newWorld(t, s)
		sys := testserver.System(context.Background())

		// Subscriptions: everyone subscribes to all they may see, then a
		// foreign entry and an acme entry (workspace ws-a, the MEMBER as
		// actor: visible to every acme reader) are recorded, in that order.
		subs := map[string]*testserver.Subscription{}
		for _, role := range allRoles {
			sub, err := s.TrySubscribe(w.tokens[role], `subscription { auditEntryCreated { action resourceName workspace actor { id email } tenant { slug } } }`, nil)
			switch {
			case role == rDeactivated || role == rAnonymous:
				if err == nil {
					if m, err := sub.Next(2 * time.Second); err == nil && m.Type == "next" {
						t.Fatalf("%s receives entries: %s", role, m.Payload)
					}
				}
				continue
			case err != nil:
				t.Fatalf("%s subscribes: %v", role, err)
			}
			subs[role] = sub
		}
		foreignKey, _ := s.APIKey(t, w.foreign.ID, schematype.ScopeIngest)
		s.GraphQL(t, foreignKey, `mutation($t: ID!, $a: String!) { recordAuditEntries(tenantID: $t, entries: [{action: "zebramark.live", resourceType: "x",
		  resourceName: "Zebramark live", workspace: "ws-a", actor: {type: USER, id: $a, email: "spy@zebramark.test"}}]) { created } }`,
			map[string]any{"t": w.foreign.ID, "a": w.users[rMember].ID}).NoErrors(t)
		s.GraphQL(t, w.tokens[rIngest], `mutation($t: ID!, $a: String!) { recordAuditEntries(tenantID: $t, entries: [{action: "a.live", resourceType: "x",
		  workspace: "ws-a", actor: {type: USER, id: $a}}]) { created } }`,
			map[string]any{"t": w.acme.ID, "a": w.users[rMember].ID}).NoErrors(t)
		for role, sub := range subs {
			if role == rIngest || role == rNoScope {
				if m, err := sub.Next(1500 * time.Millisecond); err == nil && m.Type == "next" && strings.Contains(string(m.Payload), `"data":{`) {
					t.Fatalf("an INGEST key reads the live tail: %s", m.Payload)
				}
				continue
			}
			data := sub.NextData(t, 10*time.Second)
			if role == rPlatform {
				if !strings.Contains(string(data), "zebramark.live") {
					t.Fatalf("the platform admin sees every tenant first: %s", data)
				}
				continue
			}
			if !strings.Contains(string(data), `"action":"a.live"`) || strings.Contains(strings.ToLower(string(data)), marker) {
				t.Fatalf("%s: first live entry %s", role, data)
			}
		}

		for _, sub := range subs {
			sub.Close()
		}

		// Export: acme as each role, then the foreign tenant. Readers of
		// acme export what they read; an INGEST key belongs to acme but may
		// not read it (FORBIDDEN); acme is not visible to a key without
		// scope, and the foreign tenant to no one but the platform admin
		// (NOT_FOUND). A refused export is not recorded.
		exportStatus := func(role, tenant string) (int, string) {
			switch {
			case role == rDeactivated || role == rAnonymous:
				return http.StatusUnauthorized, "UNAUTHENTICATED"
			case role == rPlatform:
				return http.StatusOK, ""
			case tenant != "acme" || role == rNoScope:
				return http.StatusNotFound, "NOT_FOUND"
			case role == rIngest:
				return http.StatusForbidden, "FORBIDDEN"
			}
			return http.StatusOK, ""
		}
		for _, role := range allRoles {
			for _, tenant := range []string{"acme", w.foreign.Slug, w.foreign.ID} {
				for _, format := range []string{"jsonl", "csv"} {
					before := countAction(t, s, "audit_log.export")
					res := get(t, s, w.tokens[role], "/export/audit-entries."+format+"?tenant="+tenant)
					w.noLeak(t, role, res)
					status, code := exportStatus(role, tenant)
					want := 0
					if status == http.StatusOK {
						want = 1
					}
					if res.Status != status || (code != "" && !res.HasCode(code)) {
						t.Fatalf("%s exports %s as %s: HTTP %d %s, want %d %s", role, tenant, format, res.Status, res.Body, status, code)
					}
					if n := countAction(t, s, "audit_log.export"); n != before+want {
						t.Fatalf("%s exports %s as %s: %d audit_log.export entries recorded, want %d", role, tenant, format, n-before, want)
					}
					if status != http.StatusOK || tenant != "acme" || format != "jsonl" {
						continue
					}
					var actions []string
					for _, line := range strings.Split(strings.TrimSpace(string(res.Body)), "\n") {
						var e struct{ Action string }
						if line != "" && json.Unmarshal([]byte(line), &e) == nil && strings.HasPrefix(e.Action, "a.") && e.Action != "a.live" {
							actions = append(actions, e.Action)
						}
					}
					if !sameSet(actions, visibleActions[role]) {
						t.Fatalf("%s exports %v, want %v", role, actions, visibleActions[role])
					}
				}
			}
		}

		// Downloads: an archive of each tenant (made by the platform admin).
		for _, tenantID := range []string{w.acme.ID, w.foreign.ID} {
			s.GraphQL(t, w.tokens[rPlatform], `mutation($t: ID!) { createArchive(tenantID: $t, input: {name: "monthly",
			  from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z", format: JSONL_GZ}) { id } }`, map[string]any{"t": tenantID}).NoErrors(t)
		}
		var archives map[string]string
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			as, err := s.Client().Archive.Query().Where(archive.Sha256NEQ("")).All(sys)
			archives = map[string]string{}
			for _, a := range as {
				archives[a.TenantID] = a.ID
			}
			if err == nil && len(archives) == 2 {
				return true, ""
			}
			why := fmt.Sprintf("archives were not made (%d of 2, %v)", len(archives), err)
			ps, _ := s.Client().Process.Query().All(sys)
			for _, p := range ps {
				why += fmt.Sprintf("\nprocess %s %s %s error=%v", p.ID, p.Kind, p.Status, deref(p.Error))
			}
			return false, why
		})
		// Downloads: tenant-wide readers of acme download its archive; for
		// everyone else an archive they may not see does not exist (an
		// INGEST key included: no existence leak). Refusals are not recorded.
		w.foreignIDs = append(w.foreignIDs, archives[w.foreign.ID])
		for _, role := range allRoles {
			for tenantID, id := range archives {
				before := countAction(t, s, "archive.download")
				res := get(t, s, w.tokens[role], "/archives/"+id+"/download")
				w.noLeak(t, role, res)
				readsArchives := map[string]bool{rPlatform: true, rOwner: true, rAdmin: true, rAuditor: true, rRead: true}[role]
				status, code := http.StatusNotFound, "NOT_FOUND"
				switch {
				case role == rDeactivated || role == rAnonymous:
					status, code = http.StatusUnauthorized, "UNAUTHENTICATED"
				case role == rPlatform || (readsArchives && tenantID == w.acme.ID):
					status, code = http.StatusOK, ""
				}
				if res.Status != status || (code != "" && !res.HasCode(code)) {
					t.Fatalf("%s downloads %s's archive: HTTP %d %s, want %d %s", role, tenantID, res.Status, res.Body, status, code)
				}
				want := 0
				if status == http.StatusOK {
					want = 1
				}
				if n := countAction(t, s, "archive.download"); n != before+want {
					t.Fatalf("%s downloads %s's archive: %d archive.download entries recorded, want %d", role, tenantID, n-before, want)
				}
			}
		}
	})
}

// countAction counts the entries of every tenant with action.
func countAction(t *testing.T, s *testserver.Server, action string) int {
	t.Helper()
	n, err := s.Client().AuditEntry.Query().Where(auditentry.Action(action)).Count(testserver.SystemContext())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func get(t *testing.T, s *testserver.Server, token, path string) *testserver.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s.Do(t, token, req)
}

// TestAuthorizationMatrixProcessSubscriptions: processUpdated and
// processLogAppended deliver a process only to those who may read it.
func TestAuthorizationMatrixProcessSubscriptions(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		w := newWorld(t, s)
		readsProcesses := map[string]bool{rPlatform: true, rOwner: true, rAdmin: true, rAuditor: true, rRead: true}
		type pair struct{ updates, logs *testserver.Subscription }
		subs := map[string]map[string]pair{} // tenant -> role -> subscriptions
		procs := map[string]string{}
		for _, tenant := range []string{w.acme.ID, w.foreign.ID} {
			procs[tenant] = w.process(t, tenant)
			subs[tenant] = map[string]pair{}
			for _, role := range allRoles {
				up, err1 := s.TrySubscribe(w.tokens[role], `subscription($t: ID!) { processUpdated(tenantID: $t) { id status tenant { name } } }`, map[string]any{"t": tenant})
				lg, err2 := s.TrySubscribe(w.tokens[role], `subscription($p: ID!) { processLogAppended(processID: $p) { seq message } }`, map[string]any{"p": procs[tenant]})
				if err1 != nil || err2 != nil {
					if role != rDeactivated && role != rAnonymous {
						t.Fatalf("%s subscribes: %v %v", role, err1, err2)
					}
					continue
				}
				subs[tenant][role] = pair{up, lg}
			}
		}
		w.foreignIDs = append(w.foreignIDs, procs[w.foreign.ID])
		// Cancel both processes as the platform admin: one update each.
		for _, tenant := range []string{w.acme.ID, w.foreign.ID} {
			s.GraphQL(t, w.tokens[rPlatform], `mutation($id: ID!) { cancelProcess(id: $id) { status } }`, map[string]any{"id": procs[tenant]}).NoErrors(t)
		}
		for tenant, byRole := range subs {
			for role, p := range byRole {
				m, err := p.updates.Next(3 * time.Second)
				got := err == nil && m.Type == "next" && strings.Contains(string(m.Payload), `"data":{`)
				if err == nil && role != rPlatform && strings.Contains(strings.ToLower(string(m.Payload)), marker) {
					t.Fatalf("%s: foreign process update: %s", role, m.Payload)
				}
				want := role == rPlatform || (tenant == w.acme.ID && readsProcesses[role])
				if got != want {
					t.Fatalf("%s on %s: update delivered=%v, want %v (%s)", role, tenant, got, want, m.Payload)
				}
				if lm, err := p.logs.Next(200 * time.Millisecond); err == nil && role != rPlatform &&
					(tenant == w.foreign.ID || !readsProcesses[role]) && lm.Type == "next" && strings.Contains(string(lm.Payload), `"data":{`) {
					t.Fatalf("%s reads log lines of a process it may not see: %s", role, lm.Payload)
				}
				p.updates.Close()
				p.logs.Close()
			}
		}
	})
}
