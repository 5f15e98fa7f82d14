package graph_test

import (
	"strings"
	"testing"

	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/testserver"
)

// misspelt are documents whose validation errors suggest schema names:
// a field, a field of a nested type, an argument, a type, an enum value,
// an input field, and a leaf field without subfields.
var misspelt = map[string]string{
	"field":       `{ auditEntrie }`,
	"nested":      `{ viewer { usr { id } } }`,
	"argument":    `{ auditEntries(frist: 1) { totalCount } }`,
	"type":        `{ auditEntries { edges { node { ...F } } } } fragment F on AuditEntri { id }`,
	"enum value":  `{ auditEntries(orderBy: {direction: ASCC, field: OCCURRED_AT}) { totalCount } }`,
	"input field": `{ auditEntries(orderBy: {directon: ASC, field: OCCURRED_AT}) { totalCount } }`,
	"leaf":        `{ viewer }`,
}

// TestNoSuggestionsWithoutIntrospection: with introspection off, no
// validation error may name a schema element the caller did not write
// ("Did you mean "auditEntries"?" reveals the schema one guess at a time).
// With introspection on, the same documents get suggestions, which shows
// that each of them asks for one.
func TestNoSuggestionsWithoutIntrospection(t *testing.T) {
	check := func(introspection bool) func(t *testing.T, s *testserver.Server) {
		return func(t *testing.T, s *testserver.Server) {
			token := s.PlatformAdmin(t)
			for name, q := range misspelt {
				r := s.GraphQL(t, token, q, nil)
				if len(r.Errors) == 0 {
					t.Errorf("%s: %s: want a validation error: %s", name, q, r.Body)
					continue
				}
				suggested := strings.Contains(string(r.Body), "Did you mean")
				if suggested == introspection {
					continue
				}
				if introspection {
					t.Errorf("%s: %s: expected a suggestion with introspection on (the test must ask for one): %s", name, q, r.Body)
				} else {
					t.Errorf("%s: %s: suggestion with introspection off: %s", name, q, r.Body)
				}
			}
		}
	}
	t.Run("introspection off", func(t *testing.T) {
		testserver.Each(t, check(false), func(c *app.Config) { c.HTTP.Introspection = false })
	})
	t.Run("introspection on", func(t *testing.T) {
		testserver.Each(t, check(true))
	})
}
