package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/testserver"
)

// TestValidationCostIsBounded sends documents whose validation grows with
// the square of their size (13.7 s and 36 s of CPU in the probe) and
// expects them refused before validation with QUERY_TOO_COMPLEX, over HTTP
// (anonymous or signed in, a comment defeating the query cache) and over a
// WebSocket subscribe; documents within the limits still run.
func TestValidationCostIsBounded(t *testing.T) {
	rep := strings.Repeat
	list := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(f(i))
		}
		return b.String()
	}
	typenames := "{" + rep(" __typename", 8000) + " }"
	refused := []struct {
		name, query, msg string
		anonymous        bool
	}{
		{"8000 × __typename, anonymous", typenames, `"__typename" is selected more than 50 times at the top level`, true},
		{"same with a comment", "# again\n" + typenames, `"__typename" is selected more than 50 times`, true},
		{"viewer.user 14000 × id", "{ viewer { user {" + rep(" id", 14000) + " } } }", `"id" is selected more than 50 times at viewer.user`, false},
		{"100 × viewer with 100 × id", "{" + rep(" viewer { user {"+rep(" id", 100)+" } }", 100) + " }", "more than 50 times", false},
		{"1000 operations spreading one fragment", list(1000, func(i int) string {
			return fmt.Sprintf("query Q%d { ...F }\n", i)
		}) + "fragment F on Query { viewer { user {" + rep(" id", 40) + " } } }", "more than 1000 fields", false},
		{"fragment chain of 1500", "{ ...F0 }\n" + list(1500, func(i int) string {
			return fmt.Sprintf("fragment F%d on Query { ...F%d }\n", i, i+1)
		}) + "fragment F1500 on Query { __typename }", "fragments; the limit is 100", false},
		{"distinct aliased fields in 1000 fragments", "{" + list(1000, func(i int) string { return fmt.Sprintf(" ...F%d", i) }) + " }\n" +
			list(1000, func(i int) string { return fmt.Sprintf("fragment F%d on Query { t%d: __typename }\n", i, i) }),
			"fragments; the limit is 100", false},
	}
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		admin := s.PlatformAdmin(t)
		for _, c := range refused {
			token := admin
			if c.anonymous {
				token = ""
			}
			r := s.GraphQL(t, token, c.query, nil)
			if r.Status != 422 || len(r.Errors) != 1 || r.Errors[0].Code() != "QUERY_TOO_COMPLEX" ||
				!strings.Contains(r.Errors[0].Message, c.msg) {
				t.Errorf("%s: want 422 QUERY_TOO_COMPLEX mentioning %q, got HTTP %d: %.300s", c.name, c.msg, r.Status, r.Body)
			}
		}

		// Within the limits: a field selected 50 times at one place (a
		// fragment's included), a fragment spread in two operations.
		within := "query A { viewer {" + rep(" user { id }", 49) + " } ...V }\nquery B { ...V }\n" +
			"fragment V on Query { viewer { user { id name } } }"
		var out struct {
			Viewer struct{ User struct{ ID string } }
		}
		r := s.Post(t, admin, "/graphql", "application/json",
			[]byte(fmt.Sprintf(`{"query": %q, "operationName": "A"}`, within)))
		r.NoErrors(t).Decode(t, &out)
		if out.Viewer.User.ID == "" {
			t.Errorf("a document within the limits did not run: %s", r.Body)
		}

		// A subscription goes through the same check.
		sub := s.Subscribe(t, admin, "subscription { auditEntryCreated {"+rep(" id", 8000)+" } }", nil)
		m, err := sub.Next(time.Minute)
		if err != nil {
			t.Fatalf("subscribe: %v", err)
		}
		if m.Type != "error" || !strings.Contains(string(m.Payload), "QUERY_TOO_COMPLEX") ||
			!strings.Contains(string(m.Payload), `\"id\" is selected more than 50 times at auditEntryCreated`) {
			t.Errorf("subscribe: want an error QUERY_TOO_COMPLEX, got %s %.300s", m.Type, m.Payload)
		}
	})
}

// TestShapeLimitsAreConfigurable lowers the limits and switches them off.
func TestShapeLimitsAreConfigurable(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		for q, msg := range map[string]string{
			"{" + strings.Repeat(" __typename", 4) + " }":                                         "more than 3 times",
			"{ viewer { user { id name email } } __typename }":                                    "more than 5 fields",
			"{ ...A ...B } fragment A on Query { __typename } fragment B on Query { __typename }": "2 fragments; the limit is 1",
		} {
			r := s.GraphQL(t, "", q, nil)
			if r.Status != 422 || len(r.Errors) != 1 || r.Errors[0].Code() != "QUERY_TOO_COMPLEX" ||
				!strings.Contains(r.Errors[0].Message, msg) {
				t.Errorf("%s: want QUERY_TOO_COMPLEX mentioning %q: HTTP %d %.300s", q, msg, r.Status, r.Body)
			}
		}
	}, func(c *app.Config) {
		c.HTTP.Limits.MaxFieldRepeats = 3
		c.HTTP.Limits.MaxFields = 5
		c.HTTP.Limits.MaxFragments = 1
	})
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		s.GraphQL(t, "", "{"+strings.Repeat(" __typename", 60)+" }", nil).NoErrors(t)
	}, func(c *app.Config) { c.HTTP.Limits.MaxFieldRepeats = -1 })
}
