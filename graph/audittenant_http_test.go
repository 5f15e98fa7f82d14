package graph_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestTenantRefsSameAsLoaded: a page whose tenant selection is only `id`
// (and __typename) answers it from each row's tenant_id instead of loading
// the tenants through the Tenant policy (graph tenantRefs, rule.SeesTenant).
// For every kind of caller and scope the answer must be what the loaded
// tenant gives: the same selection plus a field that forces the load
// (slug), with the slug taken out again — on the fast page writer and on
// gqlgen's execution alike.
func TestTenantRefsSameAsLoaded(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		slow := testserver.NewOnDB(t, s.DB, noRateLimits, func(c *app.Config) { c.HTTP.SlowPages = true })
		w := newWorld(t, s)
		_, w.tokens["foreign OWNER"] = s.Member(t, w.foreign.ID, schematype.RoleOwner, nil)
		roles := append(slices.Clone(allRoles), "foreign OWNER")
		view := `where: {actionNEQ: "` + audit.ViewAction + `"}`
		argSets := []string{
			"tenantID: $t, first: 10, " + view,
			"tenantID: $f, first: 10, " + view,
			"first: 20, " + view,
			"platform: true, first: 5, " + view,
			"tenantID: $t, last: 3, offset: 1, " + view,
		}
		// Each selection of only the tenant's id, and the same selection
		// loading the tenant.
		sels := [][2]string{
			{"tenant { id }", "tenant { id slug }"},
			{"tenant { __typename id }", "tenant { __typename id slug }"},
			{"tenant { ... on Node { id } }", "tenant { ... on Node { id } slug }"},
			{"t: tenant { id } tenant { id }", "t: tenant { id slug } tenant { id slug }"},
			{"tenant @include(if: $yes) { id }", "tenant @include(if: $yes) { id slug }"},
			{"tenant @skip(if: $yes) { id }", "tenant @skip(if: $yes) { id slug }"},
		}
		slug := regexp.MustCompile(`,"slug":"[^"]*"`)
		tag := " # " + t.Name()
		doc := func(args, sel string) (string, map[string]any) {
			body := fmt.Sprintf("auditEntries(%s) { edges { cursor node { id action %s } } }", args, sel)
			var decl []string
			vars := map[string]any{}
			for _, v := range []struct {
				name, typ string
				val       any
			}{{"t", "ID", w.acme.ID}, {"f", "ID", w.foreign.ID}, {"yes", "Boolean!", true}} {
				if strings.Contains(body, "$"+v.name) {
					decl = append(decl, "$"+v.name+": "+v.typ)
					vars[v.name] = v.val
				}
			}
			d := "query Page"
			if len(decl) > 0 {
				d += "(" + strings.Join(decl, ", ") + ")"
			}
			return d + " { " + body + " }" + tag, vars
		}
		asked, refs := 0, 0
		for _, role := range roles {
			for _, args := range argSets {
				for _, sel := range sels {
					idDoc, vars := doc(args, sel[0])
					loadDoc, _ := doc(args, sel[1])
					before := graph.TenantRefPages(idDoc)
					want := slug.ReplaceAllString(answer(t, s.GraphQL(t, w.tokens[role], loadDoc, vars)), "")
					for _, srv := range []*testserver.Server{s, slow} {
						if got := answer(t, srv.GraphQL(t, w.tokens[role], idDoc, vars)); got != want {
							t.Fatalf("%s: the tenant from the row differs from the loaded one\n%s\nrow:    %s\nloaded: %s", role, idDoc, got, want)
						}
						if got := slug.ReplaceAllString(answer(t, srv.GraphQL(t, w.tokens[role], loadDoc, vars)), ""); got != want {
							t.Fatalf("%s: %s answers differently on the two servers\n%s\n%s", role, loadDoc, got, want)
						}
					}
					asked++
					if graph.TenantRefPages(idDoc) > before {
						refs++
					}
					if n := graph.TenantRefPages(loadDoc); n != 0 {
						t.Fatalf("%s: a selection beyond the tenant's id took the rows' tenant_id: %s", role, loadDoc)
					}
				}
			}
		}
		t.Logf("%d documents × callers: %d answered the tenant from the rows", asked, refs)
		// The peer benchmark's shape (a READ key, one tenant) must take it;
		// a platform admin's page of every tenant must not (platform entries).
		for _, c := range []struct {
			role, args string
			refs       bool
		}{
			{rRead, argSets[0], true},
			{rMember, argSets[2], true},
			{rPlatform, argSets[0], true},
			{rPlatform, argSets[2], false},
			{rPlatform, argSets[3], false},
		} {
			d, vars := doc(c.args, sels[0][0])
			d += " " + c.role
			s.GraphQL(t, w.tokens[c.role], d, vars).NoErrors(t)
			if got := graph.TenantRefPages(d) > 0; got != c.refs {
				t.Fatalf("%s %s: tenant from the rows = %v, want %v", c.role, c.args, got, c.refs)
			}
		}
	}, noRateLimits)
}
