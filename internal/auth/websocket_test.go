package auth_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/testserver"
)

// The close codes of graphql-ws (its PROTOCOL.md) that clients act on.
const closeUnauthorized, closeForbidden = 4401, 4403

// TestSubscriptionsNeedCaller: a WebSocket without a credential is closed
// with 4401 at connection_init, one with a bad credential with 4403
// (graphql-ws conventions), so nothing anonymous is held open; over HTTP an
// anonymous subscription is UNAUTHENTICATED. The browser's session cookie
// on the upgrade request is a credential: the dashboard's live tail works
// with it alone.
func TestSubscriptionsNeedCaller(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ten := s.CreateTenant(t, "acme")
		_, session := s.Member(t, ten.ID, schematype.RoleAuditor, nil)
		ingest, _ := s.APIKey(t, ten.ID, schematype.ScopeIngest)
		read, _ := s.APIKey(t, ten.ID, schematype.ScopeRead)
		dead, deadKey := s.APIKey(t, ten.ID, schematype.ScopeRead)
		if err := s.Client().APIKey.UpdateOneID(deadKey.ID).SetDeactivatedAt(time.Now()).
			Exec(testserver.System(context.Background())); err != nil {
			t.Fatal(err)
		}
		cookie := func(token string) http.Header {
			return http.Header{"Cookie": []string{auth.SessionCookie + "=" + token}}
		}
		bearer := func(token string) map[string]any { return map[string]any{"authorization": "Bearer " + token} }

		for _, tc := range []struct {
			name    string
			header  http.Header
			payload map[string]any
			code    int
			reason  string
		}{
			{"no credential", nil, map[string]any{}, closeUnauthorized, "Unauthorized"},
			{"no payload", nil, nil, closeUnauthorized, "Unauthorized"},
			{"a stale session cookie", cookie("tms_signed-out-long-ago"), map[string]any{}, closeUnauthorized, "Unauthorized"},
			{"an unknown API key", nil, bearer("tmk_not-a-real-key"), closeForbidden, "Forbidden"},
			{"an unknown session token", nil, bearer("tms_not-a-real-token"), closeForbidden, "Forbidden"},
			{"a deactivated API key", nil, bearer(dead), closeForbidden, "Forbidden"},
			{"not a bearer credential", nil, map[string]any{"authorization": "Basic YTpi"}, closeForbidden, "Forbidden"},
			{"a bad token beside a good cookie", cookie(session), bearer("tms_not-a-real-token"), closeForbidden, "Forbidden"},
		} {
			res := s.ConnectionInit(t, tc.header, tc.payload, nil)
			if res.Closed == nil {
				t.Errorf("%s: answered %s %s, want close %d", tc.name, res.Message.Type, res.Message.Payload, tc.code)
				continue
			}
			if int(res.Closed.Code) != tc.code || res.Closed.Reason != tc.reason {
				t.Errorf("%s: closed %d %q, want %d %q", tc.name, res.Closed.Code, res.Closed.Reason, tc.code, tc.reason)
			}
		}

		// The dashboard: the session cookie on the upgrade, an empty
		// connection_init, the live tail of its tenant.
		res := s.ConnectionInit(t, cookie(session), map[string]any{}, func(sub *testserver.Subscription) {
			sub.Start(t, `subscription($t: ID!) { auditEntryCreated(tenantID: $t) { action } }`, map[string]any{"t": ten.ID})
			s.WaitSubscriptions(t, 1)
			s.GraphQL(t, ingest, `mutation($t: ID!) { recordAuditEntries(tenantID: $t, entries: [{action: "cookie.live", resourceType: "x"}]) { created } }`,
				map[string]any{"t": ten.ID}).NoErrors(t)
			if data := sub.NextData(t, 10*time.Second); !strings.Contains(string(data), "cookie.live") {
				t.Fatalf("live entry: %s", data)
			}
		})
		if res.Closed != nil || res.Message.Type != "connection_ack" {
			t.Fatalf("session cookie: %+v", res)
		}
		// An API key in connection_init, as integrations send it.
		if res := s.ConnectionInit(t, nil, bearer(read), nil); res.Message.Type != "connection_ack" {
			t.Fatalf("API key in connection_init: %+v", res)
		}

		// Over HTTP, POST and GET alike.
		post := s.GraphQL(t, "", `subscription { heartbeat(seconds: 1) }`, nil)
		if post.Status != http.StatusUnauthorized || !post.HasCode("UNAUTHENTICATED") {
			t.Errorf("anonymous subscription over POST: HTTP %d %s", post.Status, post.Body)
		}
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/graphql?query="+url.QueryEscape(`subscription { auditEntryCreated { id } }`), nil)
		if get := s.Do(t, "", req); get.Status != http.StatusUnauthorized || !get.HasCode("UNAUTHENTICATED") {
			t.Errorf("anonymous subscription over GET: HTTP %d %s", get.Status, get.Body)
		}
		// Anonymous queries are still answered (sign-in needs them).
		s.GraphQL(t, "", `{ viewer { user { id } } }`, nil).NoErrors(t)
	})
}
