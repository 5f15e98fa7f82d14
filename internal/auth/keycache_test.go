package auth_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
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
	secret, key := a.APIKey(t, acme.ID, schematype.ScopeRead)
	const q = `{ tenants { totalCount } }`
	for range 3 { // the first request caches the key on B
		b.GraphQL(t, secret, q, nil).NoErrors(t)
	}

	admin := a.PlatformAdmin(t)
	a.GraphQL(t, admin, `mutation($id: ID!) { deactivateAPIKey(id: $id) { active } }`,
		map[string]any{"id": key.ID}).NoErrors(t)
	testwait.Eventually(t, 3*time.Second, func() (bool, string) {
		res := b.GraphQL(t, secret, q, nil)
		return res.Status == http.StatusUnauthorized && res.HasCode("UNAUTHENTICATED"),
			fmt.Sprintf("replica B still accepts the deactivated key: HTTP %d %s", res.Status, res.Body)
	})
}

// TestKeyUsageKeepsCache: writing last-used times (every flush) does not
// evict keys or announce changes; a real change does.
func TestKeyUsageKeepsCache(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		secret, key := s.APIKey(t, acme.ID, schematype.ScopeRead)
		sub := s.App.Broker.Subscribe(auth.TopicAPIKeys)
		defer sub.Close()
		s.GraphQL(t, secret, `{ tenants { totalCount } }`, nil).NoErrors(t)
		if err := s.App.Auth.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
		k, err := s.Client().APIKey.Get(testserver.System(t.Context()), key.ID)
		if err != nil || k.LastUsedAt == nil {
			t.Fatalf("lastUsedAt not written: %v %v", k, err)
		}
		select {
		case m := <-sub.C:
			t.Fatalf("the usage flush announced a key change: %s", m.Payload)
		case <-time.After(300 * time.Millisecond):
		}
		if err := s.Client().APIKey.UpdateOneID(key.ID).SetName("renamed").Exec(testserver.System(t.Context())); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-sub.C:
			if string(m.Payload) != key.ID {
				t.Fatalf("announced %s, want %s", m.Payload, key.ID)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a renamed key was not announced")
		}
	})
}
