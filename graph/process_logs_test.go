package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestProcessLogsTotalCountInFragments: Process.logs counts its lines only
// when totalCount is selected, and it must see the selection through named
// and inline fragments too. Before, fragments on ProcessLogConnection were
// skipped and totalCount answered 0.
func TestProcessLogsTotalCountInFragments(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		ctx := testserver.System(context.Background())
		now := time.Now()
		p, err := s.Client().Process.Create().SetTenantID(acme.ID).SetKind(schematype.ProcessExport).SetInitiatorType(schematype.ActorSystem).
			SetStatus("SUCCEEDED").SetStartedAt(now).SetFinishedAt(now).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 3; i++ {
			if err := s.Client().ProcessLog.Create().SetProcessID(p.ID).SetSeq(i).SetMessage("line").Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		_, admin := s.Member(t, acme.ID, schematype.RoleAdmin, nil)

		for name, q := range map[string]string{
			"direct": `query($id: ID!) { node(id: $id) { ... on Process { logs(first: 1) { totalCount } } } }`,
			"named fragment": `query($id: ID!) { node(id: $id) { ... on Process { logs(first: 1) { ...Count } } } }
				fragment Count on ProcessLogConnection { totalCount }`,
			"inline fragment":         `query($id: ID!) { node(id: $id) { ... on Process { logs(first: 1) { ... on ProcessLogConnection { totalCount } } } } }`,
			"untyped inline fragment": `query($id: ID!) { node(id: $id) { ... on Process { logs(first: 1) { ... @include(if: true) { totalCount } } } } }`,
			"nested fragments": `query($id: ID!) { node(id: $id) { ...P } }
				fragment P on Process { logs(first: 1) { ...Outer } }
				fragment Outer on ProcessLogConnection { edges { cursor } ...Count }
				fragment Count on ProcessLogConnection { totalCount }`,
		} {
			var out struct {
				Node struct{ Logs struct{ TotalCount int } }
			}
			s.GraphQL(t, admin, q, map[string]any{"id": p.ID}).NoErrors(t).Decode(t, &out)
			if out.Node.Logs.TotalCount != 3 {
				t.Errorf("%s: totalCount = %d, want 3", name, out.Node.Logs.TotalCount)
			}
		}
	})
}
