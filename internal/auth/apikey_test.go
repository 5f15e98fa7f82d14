package auth_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/testserver"
)

func TestAPIKeyAuthentication(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		other := s.CreateTenant(t, "zebra-foreign")
		read, readKey := s.APIKey(t, acme.ID, schematype.ScopeRead)
		ingest, _ := s.APIKey(t, acme.ID, schematype.ScopeIngest)

		const q = `query($id: ID!) { tenants { totalCount edges { node { slug } } } node(id: $id) { id } }`
		for name, tok := range map[string]string{"read": read, "ingest": ingest} {
			res := s.GraphQL(t, tok, q, map[string]any{"id": other.ID}).NoErrors(t)
			if !strings.Contains(string(res.Body), `"slug":"acme"`) || strings.Contains(string(res.Body), "zebra") ||
				!strings.Contains(string(res.Body), `"node":null`) {
				t.Fatalf("%s key: %s", name, res.Body)
			}
		}

		// Deactivation is immediate: the very next request is refused.
		admin := s.PlatformAdmin(t)
		s.GraphQL(t, admin, `mutation($id: ID!) { deactivateAPIKey(id: $id) { active } }`,
			map[string]any{"id": readKey.ID}).NoErrors(t)
		res := s.GraphQL(t, read, q, map[string]any{"id": other.ID})
		if res.Status != http.StatusUnauthorized || !res.HasCode("UNAUTHENTICATED") {
			t.Fatalf("deactivated key: HTTP %d %s", res.Status, res.Body)
		}

		// lastUsedAt is written in batches, not per request.
		k, err := s.Client().APIKey.Get(testserver.System(context.Background()), readKey.ID)
		if err != nil {
			t.Fatal(err)
		}
		if k.LastUsedAt != nil {
			t.Fatalf("lastUsedAt written per request")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.App.Auth.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		k, _ = s.Client().APIKey.Get(testserver.System(context.Background()), readKey.ID)
		if k.LastUsedAt == nil || time.Since(*k.LastUsedAt) > time.Minute {
			t.Fatalf("lastUsedAt after flush = %v", k.LastUsedAt)
		}
	})
}
