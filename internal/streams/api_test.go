package streams_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/streams"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// Without TRAILMARK_STREAMS_ALLOW_PRIVATE, endpoints on loopback, private,
// link-local (metadata) and CGNAT addresses, plain http and foreign buckets
// are refused at create and update; and a connection to such an address is
// refused when it is dialled, whatever name led there.
func TestSSRFTargetsRefused(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		for _, c := range []struct{ kind, endpoint string }{
			{"WEBHOOK", "http://example.com/hook"},
			{"WEBHOOK", "https://127.0.0.1/hook"},
			{"WEBHOOK", "https://localhost:8443/hook"},
			{"WEBHOOK", "https://169.254.169.254/latest/meta-data"},
			{"WEBHOOK", "https://10.1.2.3/"},
			{"WEBHOOK", "https://192.168.0.10/"},
			{"WEBHOOK", "https://100.64.0.1/"},
			{"WEBHOOK", "https://[::1]/"},
			{"WEBHOOK", "https://[fd00:ec2::254]/"},
			{"WEBHOOK", "https://[::ffff:127.0.0.1]/"},
			{"WEBHOOK", "https://0.0.0.0/"},
			{"WEBHOOK", "https://user:pw@example.com/"},
			{"SPLUNK_HEC", "https://127.0.0.1:8088"},
			{"BUCKET", "file:///etc/"},
			{"BUCKET", "s3://someone-elses-bucket/"},
		} {
			r := s.GraphQL(t, admin, createStream, map[string]any{"t": tn.ID, "in": map[string]any{
				"name": "x", "kind": c.kind, "endpoint": c.endpoint, "token": "t"}})
			if !r.HasCode("BAD_USER_INPUT") {
				t.Errorf("%s %s: %v, want BAD_USER_INPUT", c.kind, c.endpoint, r.Codes())
			}
		}
		if n, _ := s.Client().LogStream.Query().Count(testserver.SystemContext()); n != 0 {
			t.Fatalf("%d streams created", n)
		}
		id, _ := create(t, s, admin, &tn.ID, map[string]any{"name": "ok", "kind": "WEBHOOK", "endpoint": "https://example.com/hook"})
		r := s.GraphQL(t, admin, `mutation($id: ID!) { updateLogStream(id: $id, input: {endpoint: "https://127.0.0.1/"}) { id } }`,
			map[string]any{"id": id})
		if !r.HasCode("BAD_USER_INPUT") {
			t.Fatalf("update to loopback: %v", r.Codes())
		}
	}, fast(false))

	// At dial time: the guard refuses the address the name resolved to.
	c := streams.NewHTTPClient(2*time.Second, false)
	for _, u := range []string{"http://127.0.0.1:1/", "http://localhost:1/", "https://[::1]:1/", "http://169.254.169.254/"} {
		_, err := c.Get(u)
		if err == nil || !strings.Contains(err.Error(), streams.ErrForbiddenAddress.Error()) {
			t.Errorf("GET %s: %v, want refused by the guard", u, err)
		}
	}
	for ip, ok := range map[string]bool{"8.8.8.8": true, "2606:4700::1111": true, "127.0.0.2": false, "10.0.0.1": false,
		"172.31.255.255": false, "100.100.100.200": false, "169.254.169.254": false, "::ffff:10.0.0.1": false,
		"fe80::1": false, "::": false, "224.0.0.1": false} {
		if got := streams.AddressAllowed(netip.MustParseAddr(ip)); got != ok {
			t.Errorf("AddressAllowed(%s) = %v", ip, got)
		}
	}
}

// The signing secret, the token and header values are never returned by the
// API (no field holds them) and never in self-audit entries, request
// payloads included.
func TestStreamSecretsNeverReturned(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		rcv := newReceiver(t)
		id, secret := create(t, s, admin, &tn.ID, map[string]any{
			"name": "s", "kind": "WEBHOOK", "endpoint": rcv.srv.URL, "token": "tok-SECRET-1",
			"headers": []map[string]any{{"name": "X-Custom-Auth", "value": "hdr-SECRET-2"}},
			"options": map[string]any{"apiToken": "opt-SECRET-3"},
		})
		s.GraphQL(t, admin, `mutation($id: ID!) { updateLogStream(id: $id, input: {token: "tok-SECRET-4",
			headers: [{name: "X-Other", value: "hdr-SECRET-5"}]}) { id } }`, map[string]any{"id": id}).NoErrors(t)
		var rot struct{ RotateLogStreamSecret struct{ Secret string } }
		s.GraphQL(t, admin, `mutation($id: ID!) { rotateLogStreamSecret(id: $id, overlapSeconds: 60) { secret } }`,
			map[string]any{"id": id}).NoErrors(t).Decode(t, &rot)
		s.GraphQL(t, admin, `mutation($id: ID!, $in: UpdateLogStreamInput!) { updateLogStream(id: $id, input: $in) { id } }`,
			map[string]any{"id": id, "in": map[string]any{"headers": []map[string]any{{"name": "X-Var", "value": "hdr-SECRET-6"}}}}).NoErrors(t)
		// Everything the API says about the stream.
		r := s.GraphQL(t, admin, `query($id: ID!) { node(id: $id) { ... on LogStream { id name kind status endpoint filter
			format batchSize maxDelaySeconds options headerNames hasToken previousSecretExpiresAt platform
			createdBy { type id } lag { entries seconds } deliveries(first: 10) { edges { node { response error } } } } } }`,
			map[string]any{"id": id}).NoErrors(t)
		secrets := []string{secret, rot.RotateLogStreamSecret.Secret, "tok-SECRET", "hdr-SECRET",
			strings.TrimPrefix(secret, "whsec_")}
		for _, sec := range secrets {
			if strings.Contains(string(r.Data), sec) {
				t.Fatalf("the API returned a secret: %s", r.Data)
			}
		}
		if !strings.Contains(string(r.Data), `"hasToken":true`) || !strings.Contains(string(r.Data), `"X-Var"`) {
			t.Fatalf("stream %s", r.Data)
		}
		// Options are settings, not secrets (docs/streams.md), but entries
		// redact a secret-named key in them all the same.
		secrets = append(secrets, "opt-SECRET")
		// Every entry of the tenant's log, as stored.
		entries, err := s.Client().AuditEntry.Query().Where(auditentry.TenantID(tn.ID)).All(testserver.SystemContext())
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, e := range entries {
			b, _ := json.Marshal(e) // every column, request included
			raw := string(b) + string(e.OldValue) + string(e.NewValue) + string(e.Metadata)
			if e.Request != nil {
				raw += string(e.Request.Payload)
			}
			for _, sec := range secrets {
				if strings.Contains(raw, sec) {
					t.Fatalf("%s holds a secret: %s", e.Action, raw)
				}
			}
			actions[e.Action] = true
		}
		for _, a := range []string{"log_stream.create", "log_stream.update", "log_stream.rotate_secret"} {
			if !actions[a] {
				t.Errorf("no %s entry (have %v)", a, actions)
			}
		}
		// No field of the schema can return them.
		var intro struct {
			Type struct{ Fields []struct{ Name string } } `json:"__type"`
		}
		s.GraphQL(t, admin, `{ __type(name: "LogStream") { fields { name } } }`, nil).NoErrors(t).Decode(t, &intro)
		for _, f := range intro.Type.Fields {
			if n := strings.ToLower(f.Name); n == "secret" || n == "token" || n == "headers" || n == "previoussecret" {
				t.Fatalf("LogStream has a field %s", f.Name)
			}
		}
	}, fast(true))
}

// testLogStream sends one marked event, returns the destination's answer,
// records log_stream.test; rotation signs with both secrets for the overlap.
func TestTestEventAndRotationOverlap(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		tn := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, tn.ID, schematype.RoleAdmin, nil)
		rcv := newReceiver(t)
		id, first := create(t, s, admin, &tn.ID, map[string]any{"name": "t", "kind": "WEBHOOK", "endpoint": rcv.srv.URL,
			"filter": "action = 'never'"})
		var rot struct{ RotateLogStreamSecret struct{ Secret string } }
		s.GraphQL(t, admin, `mutation($id: ID!) { rotateLogStreamSecret(id: $id) { secret } }`,
			map[string]any{"id": id}).NoErrors(t).Decode(t, &rot)
		second := rot.RotateLogStreamSecret.Secret
		var out struct {
			TestLogStream struct {
				Ok         bool
				Test       bool
				HTTPStatus int
				Entries    int
			}
		}
		s.GraphQL(t, admin, `mutation($id: ID!) { testLogStream(id: $id) { ok test httpStatus entries } }`,
			map[string]any{"id": id}).NoErrors(t).Decode(t, &out)
		if !out.TestLogStream.Ok || !out.TestLogStream.Test || out.TestLogStream.HTTPStatus != 204 {
			t.Fatalf("test answer %+v", out)
		}
		rcv.mu.Lock()
		h := rcv.headers[len(rcv.headers)-1]
		ev := rcv.accepted[len(rcv.accepted)-1][0]
		rcv.mu.Unlock()
		if ev.Action != streams.TestAction || ev.Metadata["test"] != true {
			t.Fatalf("test event %+v", ev)
		}
		sigs := strings.Fields(h.Get("Webhook-Signature"))
		if len(sigs) != 2 {
			t.Fatalf("signatures during the overlap: %v", sigs)
		}
		// Each secret alone verifies the request (a receiver holding either one accepts it).
		rcv.mu.Lock()
		body := rcv.bodies[len(rcv.bodies)-1]
		rcv.mu.Unlock()
		for _, sec := range []string{first, second} {
			if !streams.Verify(sec, h.Get("Webhook-Id"), h.Get("Webhook-Timestamp"), body, h.Get("Webhook-Signature")) {
				t.Fatalf("secret %d of 2 does not verify", slices.Index([]string{first, second}, sec)+1)
			}
		}
		if streams.Verify(streams.NewSecret(), h.Get("Webhook-Id"), h.Get("Webhook-Timestamp"), body, h.Get("Webhook-Signature")) {
			t.Fatal("an unrelated secret verifies")
		}
		testwait.Eventually(t, 5*time.Second, func() (bool, string) {
			n, _ := s.Client().AuditEntry.Query().Where(auditentry.TenantID(tn.ID), auditentry.Action("log_stream.test")).Count(testserver.SystemContext())
			return n == 1, fmt.Sprintf("%d log_stream.test entries", n)
		})
	}, fast(true))
}
