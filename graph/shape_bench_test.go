package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// hostileDocuments are documents whose validation grows faster than their
// size, at the size the issue measured (rejected) and at the largest size
// the default limits let through (accepted).
func hostileDocuments() []struct {
	name     string
	query    string
	accepted bool
} {
	rep := strings.Repeat
	var b strings.Builder
	list := func(n int, f func(i int) string) string {
		b.Reset()
		for i := range n {
			b.WriteString(f(i))
		}
		return b.String()
	}
	chain := func(n int) string {
		return "{ ...F0 }\n" + list(n, func(i int) string {
			return fmt.Sprintf("fragment F%d on Query { ...F%d }\n", i, i+1)
		}) + fmt.Sprintf("fragment F%d on Query { __typename }\n", n)
	}
	distinctFragments := func(n int) string {
		return "{ " + list(n, func(i int) string { return fmt.Sprintf("...F%d ", i) }) + "}\n" +
			list(n, func(i int) string { return fmt.Sprintf("fragment F%d on Query { t%d: __typename }\n", i, i) })
	}
	operations := func(ops, fields int) string {
		return list(ops, func(i int) string { return fmt.Sprintf("query Q%d { ...F }\n", i) }) +
			"fragment F on Query { viewer { user {" + rep(" id", fields) + " } } }\n"
	}
	places := func(n, repeats int) string {
		return "{" + list(n, func(i int) string {
			return fmt.Sprintf(" p%d: viewer { user {%s } }", i, rep(" id", repeats))
		}) + " }"
	}
	spreadPairs := func(copies, frags int) string {
		spreads := list(frags, func(i int) string { return fmt.Sprintf(" ...F%d", i) })
		return "{" + rep(" viewer {"+spreads+" }", copies) + " }\n" +
			list(frags, func(i int) string { return fmt.Sprintf("fragment F%d on Viewer { f%d: __typename }\n", i, i) })
	}
	return []struct {
		name     string
		query    string
		accepted bool
	}{
		{"typename-8000", "{" + rep(" __typename", 8000) + " }", false},
		{"viewer-user-id-14000", "{ viewer { user {" + rep(" id", 14000) + " } } }", false},
		{"nested-100x100", "{" + rep(" viewer { user {"+rep(" id", 100)+" } }", 100) + " }", false},
		{"fragment-chain-1500", chain(1500), false},
		{"operations-1000x300", operations(1000, 300), false},
		{"distinct-fragments-1000", distinctFragments(1000), false},
		{"typename-50", "{" + rep(" __typename", 50) + " }", true},
		{"places-19x50", places(19, 50), true},
		{"nested-7x7", "{" + rep(" viewer { user {"+rep(" id", 7)+" } }", 7) + " }", true},
		{"fragment-chain-42", chain(42), true},
		{"operations-17x50", operations(17, 50), true},
		{"distinct-fragments-100", distinctFragments(100), true},
		{"spread-pairs-25x19", spreadPairs(25, 19), true},
		{"spread-pairs-50x9", spreadPairs(50, 9), true},
	}
}

// BenchmarkValidationWorstCase measures the CPU a hostile document costs
// before it is answered: "before" is parsing and validation as gqlgen does
// them without the shape check (seconds each); "after" is the shape check,
// then parsing and validation of what it lets through. Every document is
// within the default token limit. Run -bench 'ValidationWorstCase/after'
// to skip the slow runs.
func BenchmarkValidationWorstCase(b *testing.B) {
	schema := NewSchema(&Resolver{}).Schema()
	limits := DefaultLimits().withDefaults()
	for _, d := range hostileDocuments() {
		b.Run("before/"+d.name, func(b *testing.B) {
			for b.Loop() {
				doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: d.query}, limits.MaxTokens)
				if err != nil {
					b.Fatal(err)
				}
				validator.Validate(schema, doc)
			}
		})
	}
	for _, d := range hostileDocuments() {
		b.Run("after/"+d.name, func(b *testing.B) {
			for b.Loop() {
				if err := checkShape(d.query, limits); (err == nil) != d.accepted {
					b.Fatalf("accepted = %v, want %v: %v", err == nil, d.accepted, err)
				} else if err != nil {
					continue
				}
				doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: d.query}, limits.MaxTokens)
				if err != nil {
					b.Fatal(err)
				}
				validator.Validate(schema, doc)
			}
		})
	}
}
