package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Limits bound what one operation may ask for (API.md "Limits"). A zero
// field means the default; a negative one switches that limit off.
type Limits struct {
	// MaxDepth is the deepest field nesting, introspection included.
	MaxDepth int
	// MaxComplexity bounds the estimated work; see costOf.
	MaxComplexity int
	// MaxAliases counts aliased fields, fragments expanded.
	MaxAliases int
	// MaxTokens bounds the lexer tokens of the document, before parsing.
	MaxTokens int
	// MaxFields bounds the fields, fragment spreads and inline fragments
	// of the document, each fragment counted again where it is spread;
	// checked before validation (see shapeExtension).
	MaxFields int
	// MaxFieldRepeats bounds the selections of one response name (or
	// spreads of one fragment) that merge at one place, before validation.
	MaxFieldRepeats int
	// MaxFragments bounds the fragment definitions of a document.
	MaxFragments int
}

// NewQueryCache is the cache of parsed and validated documents: the same few
// queries arrive again and again from the SPA and integrations.
func NewQueryCache() graphql.Cache[*ast.QueryDocument] {
	return lru.New[*ast.QueryDocument](1000)
}

// DefaultLimits are API.md's defaults.
func DefaultLimits() Limits {
	return Limits{MaxDepth: 15, MaxComplexity: 10_000, MaxAliases: 100, MaxTokens: 15_000,
		MaxFields: 1_000, MaxFieldRepeats: 50, MaxFragments: 100}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	pick := func(v, def int) int {
		if v == 0 {
			return def
		}
		return v
	}
	return Limits{
		MaxDepth:      pick(l.MaxDepth, d.MaxDepth),
		MaxComplexity: pick(l.MaxComplexity, d.MaxComplexity),
		MaxAliases:    pick(l.MaxAliases, d.MaxAliases),
		MaxTokens:     pick(l.MaxTokens, d.MaxTokens),

		MaxFields:       pick(l.MaxFields, d.MaxFields),
		MaxFieldRepeats: pick(l.MaxFieldRepeats, d.MaxFieldRepeats),
		MaxFragments:    pick(l.MaxFragments, d.MaxFragments),
	}
}

// Install sets the limits, error presentation and query cache on srv.
// The cache keeps parsed and validated documents (NewQueryCache).
func (l Limits) Install(srv *handler.Server, cache graphql.Cache[*ast.QueryDocument]) {
	l = l.withDefaults()
	if l.MaxTokens > 0 {
		srv.SetParserTokenLimit(l.MaxTokens)
	}
	srv.SetQueryCache(cache)
	// Validation time grows faster than the document: bound the document's
	// shape first, on every document the cache has not seen.
	srv.Use(shapeExtension{limits: l, cache: cache})
	srv.Use(limitExtension{limits: l})
}

// OperationCost is what the limit extension measured for an operation; the
// metrics and logs read it with CostOf.
type OperationCost struct {
	Depth, Aliases, Complexity int
}

const costStatsKey = "TrailmarkOperationCost"

// CostOf returns the cost measured for the operation of ctx, if any.
func CostOf(ctx context.Context) (OperationCost, bool) {
	if !graphql.HasOperationContext(ctx) {
		return OperationCost{}, false
	}
	c, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(costStatsKey).(OperationCost)
	return c, ok
}

// limitExtension rejects operations over the depth, alias and complexity
// limits before anything runs. gqlgen has no depth or alias limit, and its
// complexity walk skips introspection and re-walks a fragment at every
// spread (exponential for "fragment bombs"); this walk visits each fragment
// once and counts introspection too.
type limitExtension struct{ limits Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = limitExtension{}

func (limitExtension) ExtensionName() string                   { return "TrailmarkLimits" }
func (limitExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e limitExtension) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	w := &costWalker{vars: oc.Variables, frags: map[string]*fragCost{}}
	c := w.selectionSet(oc.Operation.SelectionSet)
	cost := OperationCost{Depth: c.depth, Aliases: c.aliases, Complexity: c.complexity}
	oc.Stats.SetExtension(costStatsKey, cost)
	l := e.limits
	switch {
	case l.MaxDepth > 0 && cost.Depth > l.MaxDepth:
		return tooComplex("operation is nested %d levels deep; the limit is %d", cost.Depth, l.MaxDepth)
	case l.MaxAliases > 0 && cost.Aliases > l.MaxAliases:
		return tooComplex("operation uses %d aliases; the limit is %d", cost.Aliases, l.MaxAliases)
	case l.MaxComplexity > 0 && cost.Complexity > l.MaxComplexity:
		return tooComplex("operation has complexity %d; the limit is %d (lower first/last or select fewer nested connections)", cost.Complexity, l.MaxComplexity)
	}
	return nil
}

func tooComplex(format string, args ...any) *gqlerror.Error {
	return coded(CodeTooComplex, fmt.Sprintf(format, args...))
}

// Cost model: a scalar or enum field is free (it comes with its row), an
// object field costs 1 plus its selections, totalCount costs a COUNT query,
// and a connection multiplies the cost of its edges by the page size it may
// return (first or last, else the default page). nodes(ids) multiplies by the
// number of ids. Saturating arithmetic keeps hostile documents from
// overflowing.
const totalCountCost = 10

type fragCost struct {
	done                       bool
	depth, aliases, complexity int
}

type costWalker struct {
	vars  map[string]any
	frags map[string]*fragCost
}

func (w *costWalker) selectionSet(set ast.SelectionSet) fragCost {
	var out fragCost
	for _, sel := range set {
		c := w.selection(sel)
		out.depth = max(out.depth, c.depth)
		out.aliases = satAdd(out.aliases, c.aliases)
		out.complexity = satAdd(out.complexity, c.complexity)
	}
	return out
}

func (w *costWalker) selection(sel ast.Selection) fragCost {
	switch s := sel.(type) {
	case *ast.Field:
		return w.field(s)
	case *ast.InlineFragment:
		return w.selectionSet(s.SelectionSet)
	case *ast.FragmentSpread:
		if s.Definition == nil {
			return fragCost{}
		}
		f, ok := w.frags[s.Name]
		if ok && !f.done {
			return fragCost{} // a cycle; validation rejects it anyway
		}
		if !ok {
			f = &fragCost{}
			w.frags[s.Name] = f
			*f = w.selectionSet(s.Definition.SelectionSet)
			f.done = true
		}
		return *f
	}
	return fragCost{}
}

func (w *costWalker) field(f *ast.Field) fragCost {
	out := fragCost{depth: 1}
	if f.Alias != "" && f.Alias != f.Name {
		out.aliases = 1
	}
	if f.Definition == nil || f.Definition.Type == nil {
		return out
	}
	typeName := f.Definition.Type.Name()
	if len(f.SelectionSet) == 0 {
		if f.Name == "totalCount" && strings.HasSuffix(f.ObjectDefinition.Name, "Connection") {
			out.complexity = totalCountCost
		}
		return out
	}
	mult := 1
	switch {
	case strings.HasSuffix(typeName, "Connection"):
		mult = w.pageSize(f)
	case f.Name == "nodes" && f.ObjectDefinition.Name == "Query":
		if ids, ok := f.ArgumentMap(w.vars)["ids"].([]any); ok {
			mult = max(1, len(ids))
		}
	}
	if mult == 1 {
		c := w.selectionSet(f.SelectionSet)
		out.depth += c.depth
		out.aliases = satAdd(out.aliases, c.aliases)
		out.complexity = satAdd(1, c.complexity)
		return out
	}
	out.complexity = 1
	for _, sel := range f.SelectionSet {
		c := w.selection(sel)
		out.depth = max(out.depth, 1+c.depth)
		out.aliases = satAdd(out.aliases, c.aliases)
		if sf, ok := sel.(*ast.Field); ok && (sf.Name == "pageInfo" || sf.Name == "totalCount" || sf.Name == "__typename") {
			out.complexity = satAdd(out.complexity, c.complexity)
			continue
		}
		out.complexity = satAdd(out.complexity, satMul(mult, c.complexity))
	}
	return out
}

// pageSize is the most rows a connection field may return; values over the
// cap are priced at the cap and rejected by the resolver with a precise
// BAD_USER_INPUT on first/last.
func (w *costWalker) pageSize(f *ast.Field) int {
	args := f.ArgumentMap(w.vars)
	n := 0
	for _, name := range []string{"first", "last"} {
		if v, ok := toInt(args[name]); ok && v > n {
			n = v
		}
	}
	if n == 0 && args["first"] == nil && args["last"] == nil {
		n = defaultPageSize
	}
	return min(max(n, 1), maxPageSize)
}

func toInt(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case float64:
		return int(v), true
	case interface{ Int64() (int64, error) }: // json.Number from variables
		n, err := v.Int64()
		return int(n), err == nil
	}
	return 0, false
}

const maxInt = int(^uint(0) >> 1)

func satAdd(a, b int) int {
	if c := a + b; c >= a {
		return c
	}
	return maxInt
}

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > maxInt/b {
		return maxInt
	}
	return a * b
}
