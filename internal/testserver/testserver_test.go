package testserver_test

import (
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/testserver"
)

// TestServerSmoke checks the test server itself: a query over HTTP with a
// session token, an invalid token rejected, and a subscription over WebSocket.
func TestServerSmoke(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		s.CreateTenant(t, "acme")
		admin := s.PlatformAdmin(t)
		var data struct {
			Tenants struct{ TotalCount int }
		}
		s.GraphQL(t, admin, `{ tenants { totalCount } }`, nil).NoErrors(t).Decode(t, &data)
		if data.Tenants.TotalCount != 1 {
			t.Fatalf("totalCount = %d, want 1", data.Tenants.TotalCount)
		}
		res := s.GraphQL(t, "tms_not-a-real-token", `{ tenants { totalCount } }`, nil)
		if res.Status != 401 || !res.HasCode("UNAUTHENTICATED") {
			t.Fatalf("invalid token: HTTP %d %s", res.Status, res.Body)
		}
		sub := s.Subscribe(t, admin, `subscription { heartbeat(seconds: 1) }`, nil)
		sub.NextData(t, 5*time.Second)
	})
}
