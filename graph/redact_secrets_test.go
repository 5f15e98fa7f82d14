package graph_test

import (
	"strings"
	"testing"

	"github.com/trailmark/trailmark/internal/testserver"
)

// TestSecretsRedactedInStoredValues: Trailmark's own secrets (an API key
// tmk_…, a session token tms_…, an invitation token tmi_…) are redacted
// wherever they appear in an entry — whole values or inside text, in every
// text field, JSON value and object key, ingested or written by
// Trailmark's self-audit — and the secret query parameters of request.path
// like payload keys. Before, only whole values under secret-looking payload
// keys were redacted.
func TestSecretsRedactedInStoredValues(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		f := newFixture(t, s, "acme")
		invitation, _ := inviteToken(t, s, f.admin, f.tenantID, "new@example.test")
		secrets := []string{f.ingest, f.admin, invitation}
		for _, sec := range secrets {
			if len(sec) < 40 || !strings.HasPrefix(sec, "tm") {
				t.Fatalf("not a Trailmark secret: %q", sec)
			}
		}
		key, session, inv := f.ingest, f.admin, invitation
		visible := key[:12] // an API key's visible prefix is shown on purpose

		res := mustRecord(t, s, f.ingest, f.tenantID, entry("secret.leak",
			"resourceType", "key "+key,
			"resourceID", key,
			"resourceName", "Bearer "+session,
			"workspace", "ws-"+inv,
			"actor", map[string]any{"type": "USER", "id": session, "name": "uses " + key, "email": session + "@example.test"},
			"oldValue", map[string]any{"header": "Authorization: Bearer " + key, "list": []any{inv, 1}},
			"newValue", map[string]any{session: "as a key", "prefix": visible},
			"metadata", map[string]any{"url": "https://app.example/accept?t=" + inv + "&x=1", "nested": map[string]any{"deep": []any{"a " + session}}},
			"request", map[string]any{
				"method": "GET",
				"path": "/oauth/callback?code=4%2F0Ab&state=xyz&api_key=k1&X-Amz-Signature=ff00&page=2&redirect=" + key +
					"#frag",
				"userAgent": "curl/8 " + session,
				"payload":   map[string]any{"note": "sent " + key, "access_token": "t"},
			}))
		id := res.RecordAuditEntries.Entries[0].ID

		const q = `query($id: ID!) { node(id: $id) { ... on AuditEntry {
			resourceType resourceID resourceName workspace actor { id name email }
			oldValue newValue metadata request { method path userAgent payload } hash } } }`
		body := string(s.GraphQL(t, f.reader, q, map[string]any{"id": id}).NoErrors(t).Body)
		for _, sec := range secrets {
			if strings.Contains(body, sec[4:20]) {
				t.Fatalf("a secret (%s…) is stored: %s", sec[:6], body)
			}
		}
		for _, want := range []string{
			`"resourceType":"key [REDACTED]"`, `"resourceID":"[REDACTED]"`, `"resourceName":"Bearer [REDACTED]"`,
			`"workspace":"ws-[REDACTED]"`, `"email":"[REDACTED]@example.test"`,
			`"header":"Authorization: Bearer [REDACTED]"`, `"list":["[REDACTED]",1]`,
			`"[REDACTED]":"as a key"`, `"prefix":"` + visible + `"`,
			`"url":"https://app.example/accept?t=[REDACTED]\u0026x=1"`, `"deep":["a [REDACTED]"]`,
			`"path":"/oauth/callback?code=[REDACTED]\u0026state=xyz\u0026api_key=[REDACTED]\u0026X-Amz-Signature=[REDACTED]\u0026page=2\u0026redirect=[REDACTED]#frag"`,
			`"userAgent":"curl/8 [REDACTED]"`, `"access_token":"[REDACTED]"`, `"note":"sent [REDACTED]"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("missing %s in %s", want, body)
			}
		}

		// Trailmark's self-audit: an API key named with a secret.
		var created struct {
			CreateAPIKey struct{ APIKey struct{ ID string } }
		}
		s.GraphQL(t, f.admin, `mutation($t: ID!, $n: String!) { createAPIKey(tenantID: $t, name: $n, scopes: [READ]) { apiKey { id } } }`,
			map[string]any{"t": f.tenantID, "n": "copy of " + key}).NoErrors(t).Decode(t, &created)
		var log struct {
			AuditEntries struct {
				Edges []struct {
					Node struct {
						ResourceName string
						NewValue     map[string]any
					}
				}
			}
		}
		s.GraphQL(t, f.admin, `query($t: ID!) { auditEntries(tenantID: $t, filter: "action = 'api_key.create'") { edges { node { resourceName newValue } } } }`,
			map[string]any{"t": f.tenantID}).NoErrors(t).Decode(t, &log)
		found := false
		for _, e := range log.AuditEntries.Edges {
			if e.Node.NewValue["name"] == "copy of [REDACTED]" {
				found = true
			}
			if strings.Contains(e.Node.ResourceName, key[4:20]) || strings.Contains(e.Node.NewValue["name"].(string), key[4:20]) {
				t.Fatalf("the self-audit entry stores the secret: %+v", e.Node)
			}
		}
		if !found {
			t.Fatalf("no redacted api_key.create entry: %+v", log)
		}
	})
}
