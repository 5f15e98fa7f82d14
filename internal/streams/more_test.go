package streams_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// Bad settings are BAD_USER_INPUT naming the field.
func TestStreamInputErrors(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		ok := map[string]any{"name": "n", "kind": "WEBHOOK", "endpoint": "https://example.com/h"}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for a, b := range ok {
				m[a] = b
			}
			m[k] = v
			return m
		}
		for _, c := range []struct {
			in    map[string]any
			field string
		}{
			{with("batchSize", 0), "input.batchSize"},
			{with("batchSize", 1001), "input.batchSize"},
			{with("maxDelaySeconds", -1), "input.maxDelaySeconds"},
			{with("name", " "), "input.name"},
			{with("filter", "action = "), "input.filter"},
			{with("endpoint", "not a url"), "input.endpoint"},
			{with("options", []any{1}), "input.options"},
			{with("headers", []map[string]any{{"name": "Webhook-Signature", "value": "x"}}), "input.headers[0].name"},
			{with("headers", []map[string]any{{"name": "X-A", "value": "a\r\nInjected: 1"}}), "input.headers[0].value"},
			{map[string]any{"name": "h", "kind": "SPLUNK_HEC", "endpoint": "https://splunk.example.com:8088"}, "input.token"},
			{map[string]any{"name": "h", "kind": "SPLUNK_HEC", "endpoint": "https://s.example.com", "token": "t", "format": "JSON_ARRAY"}, "input.format"},
		} {
			r := s.GraphQL(t, admin, createStream, map[string]any{"t": tn.ID, "in": c.in})
			if !r.HasCode("BAD_USER_INPUT") || len(r.Errors) == 0 || r.Errors[0].Extensions["field"] != c.field {
				t.Errorf("%v: %s, want BAD_USER_INPUT on %s", c.in, r.Body, c.field)
			}
		}
		r := s.GraphQL(t, admin, createStream, map[string]any{"t": tn.ID, "in": with("filter", "action = ")})
		if r.Errors[0].Extensions["position"] == nil {
			t.Errorf("filter error without position: %s", r.Body)
		}
		r = s.GraphQL(t, admin, createStream, map[string]any{"t": tn.ID, "p": true, "in": ok})
		if !r.HasCode("BAD_USER_INPUT") {
			t.Errorf("tenantID and platform: %s", r.Body)
		}
		r = s.GraphQL(t, admin, `mutation { pauseLogStream(id: "lst_01JD0000000000000000000000") { id } }`, nil)
		if !r.HasCode("NOT_FOUND") {
			t.Errorf("unknown stream: %s", r.Body)
		}
		r = s.GraphQL(t, admin, `mutation($id: ID!) { rotateLogStreamSecret(id: $id, overlapSeconds: -1) { secret } }`,
			map[string]any{"id": "lst_01JD0000000000000000000000"})
		if !r.HasCode("BAD_USER_INPUT") {
			t.Errorf("negative overlap: %s", r.Body)
		}
	}, fast(false))
}

// A platform admin's stream of the platform log delivers tenant-less entries
// (sign-ins) and nothing of any tenant's log.
func TestPlatformLogStream(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		admin := s.PlatformAdmin(t)
		rcv := newReceiver(t)
		id, secret := create(t, s, admin, nil, map[string]any{"name": "platform", "kind": "WEBHOOK",
			"endpoint": rcv.srv.URL, "maxDelaySeconds": 0})
		rcv.setSecret(secret)
		record(t, s, nil, "platform.thing", 12, 12)
		record(t, s, &tn.ID, "tenant.thing", 12, 12)
		want := expected(t, s, id, "")
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			n := len(rcv.acceptedIDs())
			return n >= len(want), fmt.Sprintf("%d of %d", n, len(want))
		})
		if got := rcv.acceptedIDs(); !slices.Equal(got, want) {
			t.Fatalf("platform stream: %s", firstDiff(got, want))
		}
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		for _, b := range rcv.accepted {
			for _, x := range b {
				if x.TenantID != nil || strings.HasPrefix(x.Action, "tenant.thing") {
					t.Fatalf("a tenant's entry in the platform stream: %+v", x)
				}
			}
		}
	}, fast(true))
}

// logStreamUpdated sends a tenant's streams as they change, to the tenant's
// admins only.
func TestLogStreamUpdatedSubscription(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		other := s.CreateTenant(t, "other")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		_, auditor := s.Member(t, tn.ID, schematype.RoleAuditor, nil)
		_, otherAdmin := s.Member(t, other.ID, schematype.RoleAdmin, nil)
		const q = `subscription($t: ID) { logStreamUpdated(tenantID: $t) { id name status } }`
		sub := s.Subscribe(t, admin, q, map[string]any{"t": tn.ID})
		s.WaitSubscriptions(t, 1)
		id, _ := create(t, s, admin, &tn.ID, map[string]any{"name": "watched", "kind": "WEBHOOK", "endpoint": "https://example.com/h"})
		if d := sub.NextData(t, 10*time.Second); !strings.Contains(string(d), id) {
			t.Fatalf("first update %s", d)
		}
		s.GraphQL(t, admin, pauseQ, map[string]any{"id": id}).NoErrors(t)
		testwait.Eventually(t, 10*time.Second, func() (bool, string) {
			d := sub.NextData(t, 10*time.Second)
			return strings.Contains(string(d), `"PAUSED"`), string(d)
		})
		// An auditor of the tenant and an admin of another tenant are refused.
		for _, c := range []struct{ token, want string }{{auditor, "FORBIDDEN"}, {otherAdmin, "NOT_FOUND"}} {
			sub2, err := s.TrySubscribe(c.token, q, map[string]any{"t": tn.ID})
			if err != nil {
				t.Fatal(err)
			}
			m, err := sub2.Next(10 * time.Second)
			sub2.Close()
			if err != nil || strings.Contains(string(m.Payload), `"data":{`) || !strings.Contains(string(m.Payload), c.want) {
				t.Fatalf("subscription of a %s: %v %s %s", c.want, err, m.Type, m.Payload)
			}
		}
	}, fast(false))
}
