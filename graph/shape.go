package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// shapeExtension bounds the size of a document before gqlgen validates it.
//
// gqlparser's validation is not linear: the rule "overlapping fields can be
// merged" compares every pair of selections sharing a response name at one
// place (8 000 × `__typename` took 13.7 s of CPU), every operation and
// fragment definition walks each fragment it reaches again, and every pair
// of distinct fragments spread together is compared. The token limit does
// not bound that, and the query cache does not help (a comment makes a new
// document). This check runs on every document the cache has not seen, in
// time linear in the document, and stops counting at the first limit it
// crosses; within its limits validation stays in the milliseconds
// (BenchmarkValidationWorstCase).
type shapeExtension struct {
	limits Limits
	cache  graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = shapeExtension{}

func (shapeExtension) ExtensionName() string                   { return "TrailmarkDocumentShape" }
func (shapeExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e shapeExtension) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if e.cache != nil {
		if _, ok := e.cache.Get(ctx, p.Query); ok {
			return nil // validated before, so within the limits
		}
	}
	return checkShape(p.Query, e.limits)
}

// checkShape parses query and returns a QUERY_TOO_COMPLEX error when it
// exceeds the fields, repeats or fragments limits. A document that does not
// parse passes: gqlgen parses it again and reports the syntax error with its
// own code.
func checkShape(query string, l Limits) *gqlerror.Error {
	tokens := l.MaxTokens
	if tokens < 0 {
		tokens = 0
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, tokens)
	if err != nil {
		return nil
	}
	return documentShape(doc, l)
}

// documentShape checks a parsed document against l (with defaults applied).
func documentShape(doc *ast.QueryDocument, l Limits) *gqlerror.Error {
	if l.MaxFragments > 0 && len(doc.Fragments) > l.MaxFragments {
		return tooComplex("document defines %d fragments; the limit is %d", len(doc.Fragments), l.MaxFragments)
	}
	w := shapeWalker{limits: l, frags: make(map[string]*ast.FragmentDefinition, len(doc.Fragments)), spreading: map[string]bool{}}
	for _, f := range doc.Fragments {
		if _, ok := w.frags[f.Name]; !ok {
			w.frags[f.Name] = f
		}
	}
	// Validation checks each operation and each fragment definition on its
	// own, so each is counted on its own too.
	for _, op := range doc.Operations {
		w.selectionSet(op.SelectionSet, &place{})
	}
	for _, f := range doc.Fragments {
		w.spreading[f.Name] = true
		w.inFragment++
		w.selectionSet(f.SelectionSet, &place{})
		w.inFragment--
		w.spreading[f.Name] = false
	}
	return w.err
}

// place gathers the selections that merge into one response path: those of
// one selection set, its inline fragments and the fragments spread in it.
type place struct {
	seen map[string]*placeEntry
}

type placeEntry struct {
	n    int
	next *place // where the subselections of these fields merge
}

func (p *place) entry(key string) *placeEntry {
	if p.seen == nil {
		p.seen = map[string]*placeEntry{}
	}
	e := p.seen[key]
	if e == nil {
		e = &placeEntry{}
		p.seen[key] = e
	}
	return e
}

// shapeWalker counts selections with every fragment expanded where it is
// spread (so its cost is bounded by MaxFields, not by the document's
// expansion) and counts selections sharing a response name at one place.
type shapeWalker struct {
	limits    Limits
	frags     map[string]*ast.FragmentDefinition
	spreading map[string]bool // fragments being expanded: a cycle is validation's to report
	path      []string
	fields    int
	// inFragment > 0 while inside a fragment: validation walks its
	// argument values again wherever it is spread, so they count too.
	inFragment int
	err        *gqlerror.Error
}

func (w *shapeWalker) selectionSet(set ast.SelectionSet, at *place) {
	for _, sel := range set {
		if w.err != nil {
			return
		}
		if !w.count(1 + w.valuesOf(sel)) {
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			name := s.Alias
			if name == "" {
				name = s.Name
			}
			e := at.entry(name)
			if !w.repeat(e, fmt.Sprintf("the field %q is selected", name)) {
				return
			}
			if len(s.SelectionSet) > 0 {
				if e.next == nil {
					e.next = &place{}
				}
				w.path = append(w.path, name)
				w.selectionSet(s.SelectionSet, e.next)
				w.path = w.path[:len(w.path)-1]
			}
		case *ast.InlineFragment:
			w.selectionSet(s.SelectionSet, at)
		case *ast.FragmentSpread:
			if !w.repeat(at.entry("..."+s.Name), fmt.Sprintf("the fragment %q is spread", s.Name)) {
				return
			}
			def := w.frags[s.Name]
			if def == nil || w.spreading[s.Name] {
				continue
			}
			w.spreading[s.Name] = true
			w.inFragment++
			w.selectionSet(def.SelectionSet, at)
			w.inFragment--
			w.spreading[s.Name] = false
		}
	}
}

// repeat counts one more selection of e and reports whether it is within
// MaxFieldRepeats.
func (w *shapeWalker) repeat(e *placeEntry, what string) bool {
	e.n++
	if max := w.limits.MaxFieldRepeats; max > 0 && e.n > max {
		where := "the top level"
		if len(w.path) > 0 {
			where = strings.Join(w.path, ".")
		}
		w.err = tooComplex("%s more than %d times at %s (fragments expanded); select it once, the limit is %d",
			what, max, where, max)
		return false
	}
	return true
}

// count adds n to the fields counted and reports whether they are within
// MaxFields.
func (w *shapeWalker) count(n int) bool {
	w.fields += n
	if max := w.limits.MaxFields; max > 0 && w.fields > max {
		w.err = tooComplex("document has more than %d fields (each fragment counted again where it is spread); the limit is %d",
			max, max)
		return false
	}
	return true
}

// valuesOf counts the argument values of sel and of its directives when sel
// is inside a fragment (elsewhere validation walks them once, and the token
// limit bounds them).
func (w *shapeWalker) valuesOf(sel ast.Selection) int {
	if w.inFragment == 0 {
		return 0
	}
	n := 0
	var dirs ast.DirectiveList
	switch s := sel.(type) {
	case *ast.Field:
		n += argValues(s.Arguments)
		dirs = s.Directives
	case *ast.InlineFragment:
		dirs = s.Directives
	case *ast.FragmentSpread:
		dirs = s.Directives
	}
	for _, d := range dirs {
		n += 1 + argValues(d.Arguments)
	}
	return n
}

func argValues(args ast.ArgumentList) int {
	n := 0
	for _, a := range args {
		n += valueNodes(a.Value)
	}
	return n
}

func valueNodes(v *ast.Value) int {
	if v == nil {
		return 0
	}
	n := 1
	for _, c := range v.Children {
		n += valueNodes(c.Value)
	}
	return n
}
