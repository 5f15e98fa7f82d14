package auth_test

import (
	"net/http"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestAPIKeyDeactivationAcrossReplicas: two servers, each with its own
// connection pool, on one PostgreSQL database. A key B has cached is
// refused by B right after it is deactivated through A, long before the
// cache's TTL (30 s) would expire it.
func TestAPIKeyDeactivationAcrossReplicas(t *testing.T) {
	t.Parallel()
	cfg := testdb.URL(t, dialect.Postgres)
	a := testserver.NewOnDB(t, testdb.OpenConfig(t, cfg))
	b := testserver.NewOnDB(t, testdb.OpenConfig(t, cfg))
	acme := a.CreateTenant(t, "acme")
	secret, key := a.APIKey(t, acme.ID, "READ")
	const q = `{ tenants { totalCount } }`
	for range 3 { // the first request caches the key on B
		b.GraphQL(t, secret, q, nil).NoErrors(t)
	}

	admin := a.PlatformAdmin(t)
	a.GraphQL(t, admin, `mutation($id: ID!) { deactivateAPIKey(id: $id) { active } }`,
		map[string]any{"id": key.ID}).NoErrors(t)
	deadline := time.Now().Add(3 * time.Second)
	for {
		res := b.GraphQL(t, secret, q, nil)
		if res.Status == http.StatusUnauthorized && res.HasCode("UNAUTHENTICATED") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica B still accepts the deactivated key: HTTP %d %s", res.Status, res.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
