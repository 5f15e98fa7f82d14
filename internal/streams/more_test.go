package streams_test

import (
	"encoding/json"
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

// logStreamChanged announces a deleted stream by its id, after its last
// update and to the subscribers of its own log only: another tenant's admin
// and the platform log's subscriber never hear of it, an auditor of the
// tenant is refused, and the deprecated logStreamUpdated leaves it out.
func TestLogStreamChangedAnnouncesDeletion(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		other := s.CreateTenant(t, "other")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		_, auditor := s.Member(t, tn.ID, schematype.RoleAuditor, nil)
		_, otherAdmin := s.Member(t, other.ID, schematype.RoleAdmin, nil)
		platformAdmin := s.PlatformAdmin(t)
		const changedQ = `subscription($t: ID, $p: Boolean) { logStreamChanged(tenantID: $t, platform: $p) { id deleted logStream { id name } } }`
		const updatedQ = `subscription($t: ID) { logStreamUpdated(tenantID: $t) { id name } }`
		type change struct {
			ID        string
			Deleted   bool
			LogStream *struct{ ID, Name string }
		}
		next := func(sub *testserver.Subscription) change {
			t.Helper()
			var out struct{ LogStreamChanged change }
			if err := json.Unmarshal(sub.NextData(t, 10*time.Second), &out); err != nil {
				t.Fatal(err)
			}
			return out.LogStreamChanged
		}
		mine := s.Subscribe(t, admin, changedQ, map[string]any{"t": tn.ID})
		theirs := s.Subscribe(t, otherAdmin, changedQ, map[string]any{"t": other.ID})
		platform := s.Subscribe(t, platformAdmin, changedQ, map[string]any{"p": true})
		old := s.Subscribe(t, admin, updatedQ, map[string]any{"t": tn.ID})
		s.WaitSubscriptions(t, 4)
		in := map[string]any{"name": "doomed", "kind": "WEBHOOK", "endpoint": "https://example.com/h"}
		doomed, _ := create(t, s, admin, &tn.ID, in)
		if c := next(mine); c.ID != doomed || c.Deleted || c.LogStream == nil || c.LogStream.Name != "doomed" {
			t.Fatalf("first change %+v", c)
		}

		// An auditor of the tenant and an admin of another tenant are refused
		// before anything is sent.
		for _, c := range []struct{ token, want string }{{auditor, "FORBIDDEN"}, {otherAdmin, "NOT_FOUND"}} {
			refused, err := s.TrySubscribe(c.token, changedQ, map[string]any{"t": tn.ID})
			if err != nil {
				t.Fatal(err)
			}
			m, err := refused.Next(10 * time.Second)
			refused.Close()
			if err != nil || strings.Contains(string(m.Payload), `"data":{`) || !strings.Contains(string(m.Payload), c.want) {
				t.Fatalf("subscription of a %s: %v %s %s", c.want, err, m.Type, m.Payload)
			}
		}

		s.GraphQL(t, admin, `mutation($id: ID!) { deleteLogStream(id: $id) }`, map[string]any{"id": doomed}).NoErrors(t)
		// Updates (delivery attempts) may come first; the deletion is the stream's last event.
		testwait.Eventually(t, 10*time.Second, func() (bool, string) {
			c := next(mine)
			if c.ID != doomed {
				t.Fatalf("a change of another stream %+v", c)
			}
			return c.Deleted && c.LogStream == nil, fmt.Sprintf("%+v", c)
		})
		kept, _ := create(t, s, admin, &tn.ID, map[string]any{"name": "kept", "kind": "WEBHOOK", "endpoint": "https://example.com/k"})
		if c := next(mine); c.ID != kept || c.Deleted {
			t.Fatalf("after the deletion %+v", c)
		}

		// Notices arrive in order: each other log's first event is its own
		// stream's, made after the deletion. Nothing of acme's came before.
		theirsID, _ := create(t, s, otherAdmin, &other.ID, map[string]any{"name": "theirs", "kind": "WEBHOOK", "endpoint": "https://example.com/o"})
		if c := next(theirs); c.ID != theirsID || c.Deleted {
			t.Fatalf("another tenant's admin got %+v", c)
		}
		platformID, _ := create(t, s, platformAdmin, nil, map[string]any{"name": "platform", "kind": "WEBHOOK", "endpoint": "https://example.com/p"})
		if c := next(platform); c.ID != platformID || c.Deleted {
			t.Fatalf("the platform log's subscriber got %+v", c)
		}

		// logStreamUpdated (deprecated) sends streams, never a deletion.
		for seen := map[string]bool{}; !seen[kept]; {
			var out struct{ LogStreamUpdated struct{ ID, Name string } }
			if err := json.Unmarshal(old.NextData(t, 10*time.Second), &out); err != nil {
				t.Fatal(err)
			}
			if u := out.LogStreamUpdated; u.ID == "" || u.Name == "" || u.ID != doomed && u.ID != kept {
				t.Fatalf("logStreamUpdated sent %+v", u)
			}
			seen[out.LogStreamUpdated.ID] = true
		}
	}, fast(false))
}
