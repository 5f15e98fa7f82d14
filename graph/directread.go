package graph

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/graph/model"
	"github.com/trailmark/trailmark/internal/compactjson"
)

// DirectRead answers an auditEntries query without gqlgen's operation
// machinery: no operation context built by gqlgen's executor (cache
// lookup, variable coercion, the extensions' mutators), no field set, no
// argument coercion through the generated code, no stand-in marshalled and
// no page planned per request. What a request still crosses is the
// resolver (privacy scope, filter, search, the self-audit of the read) and
// graph.FastPage's writer with a plan made once per document.
//
// It takes a request only when it is sure to answer exactly what gqlgen
// would: a document gqlgen has parsed and validated before (in its query
// cache), of one query operation without directives whose only root field
// is auditEntries (aliased or not, without directives), whose selection
// FastPage plans fully without depending on variables, whose variables
// gqlparser would hand back unchanged (InputVariables.unchanged), whose
// arguments convert as the generated code converts them, within the
// limits (the limit extension's own verdict), and a page the writer
// writes whole. Anything else — an error of any kind, an operation name
// that is not the operation's, extensions (APQ) — is gqlgen's, so that
// every error and its extensions.code stay gqlgen's.
//
// The caller (internal/httpapi's POST transport) keeps what gqlgen's
// extensions do around an operation: the request log's operation, the
// read pool (db.Reads), the viewer's request meta (auth.OperationMeta) and
// the metrics; see Prepare.
type DirectRead struct {
	resolver *Resolver
	queries  graphql.Cache[*ast.QueryDocument] // gqlgen's query cache
	limits   limitExtension
	vars     *InputVariables
	recover  graphql.RecoverFunc
	docs     *lru.LRU[*directDoc]
}

// NewDirectRead returns the direct path for schema (NewSchema's), reading
// gqlgen's query cache and judging the limits as Limits.Install does.
// It returns nil when schema is not NewSchema's.
func NewDirectRead(schema graphql.ExecutableSchema, queries graphql.Cache[*ast.QueryDocument], limits Limits, recover graphql.RecoverFunc) *DirectRead {
	s, ok := schema.(withLoaders)
	if !ok || s.resolver == nil {
		return nil
	}
	vars := &InputVariables{}
	if err := vars.Validate(schema); err != nil {
		return nil
	}
	return &DirectRead{resolver: s.resolver, queries: queries, limits: limitExtension{limits: limits.withDefaults()},
		vars: vars, recover: recover, docs: lru.New[*directDoc](200)}
}

// directDoc is what the direct path read of a document, once.
type directDoc struct {
	ok    bool
	query string
	doc   *ast.QueryDocument
	op    *ast.OperationDefinition
	root  graphql.CollectedField // the auditEntries field
	key   []byte                 // `{"<response name>":`
	plan  []planField            // FastPage's plan of the selection
	sel   *pageSelection         // what the resolver reads of the selection
}

// DirectOperation is a request the direct path takes: its operation
// context (for the caller's operation-level work) and Run, which answers
// it.
type DirectOperation struct {
	OC   *graphql.OperationContext
	doc  *directDoc
	args directArgs
	d    *DirectRead
}

// Prepare returns the operation when the direct path can answer p; the
// caller then runs it with the context its own operation-level work made
// (OC in the context, the viewer's meta, the read pool).
func (d *DirectRead) Prepare(ctx context.Context, p *graphql.RawParams) (*DirectOperation, bool) {
	if d == nil || len(p.Extensions) > 0 {
		return nil, false
	}
	doc, ok := d.docs.Get(ctx, p.Query)
	if !ok {
		qd, cached := d.queries.Get(ctx, p.Query)
		if !cached {
			return nil, false // gqlgen parses and validates it first
		}
		doc = d.read(p.Query, qd)
		d.docs.Add(ctx, p.Query, doc)
	}
	if !doc.ok || p.OperationName != "" && p.OperationName != doc.op.Name {
		return nil, false
	}
	vars, ok := d.variables(doc.op, p.Variables)
	if !ok {
		return nil, false
	}
	oc := &graphql.OperationContext{RawQuery: doc.query, Variables: vars, OperationName: p.OperationName, Doc: doc.doc,
		Headers: p.Headers, Operation: doc.op, RecoverFunc: d.recover,
		Stats: graphql.Stats{OperationStart: graphql.Now(), Read: p.ReadTime}}
	if err := d.limits.MutateOperationContext(ctx, oc); err != nil {
		return nil, false
	}
	args, ok := directArguments(doc.root.ArgumentMap(vars))
	if !ok {
		return nil, false
	}
	return &DirectOperation{OC: oc, doc: doc, args: args, d: d}, true
}

// read decides whether the direct path takes the document qd and plans it.
func (d *DirectRead) read(query string, qd *ast.QueryDocument) *directDoc {
	if len(qd.Operations) != 1 {
		return &directDoc{}
	}
	op := qd.Operations[0]
	if op.Operation != ast.Query || len(op.Directives) > 0 || len(op.SelectionSet) != 1 {
		return &directDoc{}
	}
	f, ok := op.SelectionSet[0].(*ast.Field)
	// A directive on the field's definition (an authorization rule added
	// to the schema one day) is run by gqlgen's generated code, not here.
	if !ok || f.Name != "auditEntries" || len(f.Directives) > 0 || f.Definition == nil || len(f.Definition.Directives) > 0 {
		return &directDoc{}
	}
	for _, v := range op.VariableDefinitions {
		if v.DefaultValue != nil || len(v.Directives) > 0 {
			return &directDoc{}
		}
	}
	// The plan is made once: no directive in the selection may depend on a
	// variable (nor on anything else: @skip(if: true) is planned as gqlgen
	// collects it, but a variable would change it per request).
	if directivesUseVariables(f.SelectionSet, qd.Fragments, map[string]bool{}) {
		return &directDoc{}
	}
	doc := &directDoc{query: query, doc: qd, op: op}
	oc := &graphql.OperationContext{RawQuery: query, Doc: qd, Operation: op}
	collected := graphql.CollectFields(oc, op.SelectionSet, []string{"Query"})
	if len(collected) != 1 || collected[0].Field != f {
		return &directDoc{}
	}
	doc.root = collected[0]
	plan, ok := planFields(oc, f.SelectionSet, "AuditEntryConnection")
	if !ok {
		return &directDoc{}
	}
	doc.plan = plan
	doc.sel = walkPageSelection(oc, f)
	doc.key = append(append([]byte{'{'}, compactjson.AppendString(nil, doc.root.Alias)...), ':')
	doc.ok = true
	return doc
}

// directivesUseVariables reports whether a directive in set (fragments
// followed) takes a variable.
func directivesUseVariables(set ast.SelectionSet, frags ast.FragmentDefinitionList, seen map[string]bool) bool {
	for _, sel := range set {
		var ds ast.DirectiveList
		var sub ast.SelectionSet
		switch s := sel.(type) {
		case *ast.Field:
			ds, sub = s.Directives, s.SelectionSet
		case *ast.InlineFragment:
			ds, sub = s.Directives, s.SelectionSet
		case *ast.FragmentSpread:
			ds = s.Directives
			if !seen[s.Name] {
				seen[s.Name] = true
				if def := frags.ForName(s.Name); def != nil {
					if len(def.Directives) > 0 || directivesUseVariables(def.SelectionSet, frags, seen) {
						return true
					}
				}
			}
		}
		for _, d := range ds {
			for _, a := range d.Arguments {
				if valueUsesVariable(a.Value) {
					return true
				}
			}
		}
		if directivesUseVariables(sub, frags, seen) {
			return true
		}
	}
	return false
}

func valueUsesVariable(v *ast.Value) bool {
	if v == nil {
		return false
	}
	if v.Kind == ast.Variable {
		return true
	}
	for _, c := range v.Children {
		if valueUsesVariable(c.Value) {
			return true
		}
	}
	return false
}

// variables returns the operation's variables as gqlparser's coercion
// would return them — the declared ones that are given, each a value it
// accepts and hands back unchanged — or false.
func (d *DirectRead) variables(op *ast.OperationDefinition, given map[string]any) (map[string]any, bool) {
	vars := make(map[string]any, len(op.VariableDefinitions))
	for _, v := range op.VariableDefinitions {
		val, ok := given[v.Variable]
		if !ok {
			if v.Type.NonNull {
				return nil, false // gqlparser's error
			}
			continue
		}
		if val == nil {
			if v.Type.NonNull {
				return nil, false
			}
			vars[v.Variable] = nil
			continue
		}
		if !d.vars.unchanged(v.Type, val) {
			return nil, false
		}
		// gqlparser turns a number given for an Int or Float variable (not
		// inside a list or an input object) into an int64 or a float64.
		if n, isNumber := val.(json.Number); isNumber && v.Type.Elem == nil {
			var err error
			switch v.Type.NamedType {
			case "Int":
				val, err = n.Int64()
			case "Float":
				val, err = n.Float64()
			}
			if err != nil {
				return nil, false
			}
		}
		vars[v.Variable] = val
	}
	return vars, true
}

// directArgs are auditEntries' arguments as the generated code passes them.
type directArgs struct {
	tenantID, filter, search *string
	platform                 *bool
	first, last, offset      *int
	after, before            *entgql.Cursor[string]
	orderBy                  *ent.AuditEntryOrder
	where                    *ent.AuditEntryWhereInput
}

// directArguments converts raw (the field's ArgumentMap) with the
// unmarshallers the generated field_Query_auditEntries_args calls; a value
// any of them refuses, or a where key not handled here, is left to gqlgen.
func directArguments(raw map[string]any) (directArgs, bool) {
	var a directArgs
	for name, v := range raw {
		if v == nil {
			continue
		}
		var err error
		switch name {
		case "tenantID":
			a.tenantID, err = ptr(graphql.UnmarshalID(v))
		case "filter":
			a.filter, err = ptr(graphql.UnmarshalString(v))
		case "search":
			a.search, err = ptr(graphql.UnmarshalString(v))
		case "platform":
			a.platform, err = ptr(graphql.UnmarshalBoolean(v))
		case "first":
			a.first, err = ptr(graphql.UnmarshalInt(v))
		case "last":
			a.last, err = ptr(graphql.UnmarshalInt(v))
		case "offset":
			a.offset, err = ptr(graphql.UnmarshalInt(v))
		case "after":
			a.after = new(entgql.Cursor[string])
			err = a.after.UnmarshalGQL(v)
		case "before":
			a.before = new(entgql.Cursor[string])
			err = a.before.UnmarshalGQL(v)
		case "orderBy":
			a.orderBy, err = directOrder(v)
		case "where":
			a.where, err = directWhere(v)
		default:
			return a, false
		}
		if err != nil {
			return a, false
		}
	}
	return a, true
}

func ptr[T any](v T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// directOrder is the generated unmarshalInputAuditEntryOrder: direction
// defaults to ASC.
func directOrder(v any) (*ent.AuditEntryOrder, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errNotDirect
	}
	o := &ent.AuditEntryOrder{}
	dir, ok := m["direction"]
	if !ok {
		dir = "ASC"
	}
	if err := o.Direction.UnmarshalGQL(dir); err != nil {
		return nil, err
	}
	if f, ok := m["field"]; ok {
		o.Field = new(ent.AuditEntryOrderField)
		if err := o.Field.UnmarshalGQL(f); err != nil {
			return nil, err
		}
	}
	for k := range m {
		if k != "direction" && k != "field" {
			return nil, errNotDirect
		}
	}
	return o, nil
}

// directWhere is the generated unmarshalInputAuditEntryWhereInput for the
// keys of scalar types (strings, IDs, times, their lists, the IsNil and
// NotNil flags), each converted by the same graphql.Unmarshal* function;
// a key of another kind (not, and, or, an enum, hasTenantWith) is left to
// gqlgen.
func directWhere(v any) (*ent.AuditEntryWhereInput, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errNotDirect
	}
	w := &ent.AuditEntryWhereInput{}
	rv := reflect.ValueOf(w).Elem()
	for k, x := range m {
		i, ok := whereFields[k]
		if !ok {
			return nil, errNotDirect
		}
		f := rv.Field(i)
		unmarshalString := graphql.UnmarshalString
		if whereIDs[k] {
			unmarshalString = graphql.UnmarshalID
		}
		switch f.Interface().(type) {
		case *string:
			if x == nil {
				continue
			}
			s, err := ptr(unmarshalString(x))
			if err != nil {
				return nil, err
			}
			f.Set(reflect.ValueOf(s))
		case *time.Time:
			t, err := optTime(x)
			if err != nil {
				return nil, err
			}
			f.Set(reflect.ValueOf(t))
		case []string:
			l, err := optList(x, unmarshalString)
			if err != nil {
				return nil, err
			}
			f.Set(reflect.ValueOf(l))
		case []time.Time:
			l, err := optList(x, graphql.UnmarshalTime)
			if err != nil {
				return nil, err
			}
			f.Set(reflect.ValueOf(l))
		case bool:
			b, err := graphql.UnmarshalBoolean(x)
			if err != nil {
				return nil, err
			}
			f.SetBool(b)
		default:
			return nil, errNotDirect
		}
	}
	return w, nil
}

// whereFields are AuditEntryWhereInput's fields by GraphQL name (the JSON
// tags entgql writes are the input's field names).
var whereFields = func() map[string]int {
	out := map[string]int{}
	t := reflect.TypeFor[ent.AuditEntryWhereInput]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = i
		}
	}
	return out
}()

// whereIDs are the where input's fields of type ID or [ID!] (the generated
// code converts them with graphql.UnmarshalID).
var whereIDs = func() map[string]bool {
	out := map[string]bool{}
	for _, f := range schemaDef.Types["AuditEntryWhereInput"].Fields {
		if f.Type.Name() == "ID" {
			out[f.Name] = true
		}
	}
	return out
}()

// optList is the generated unmarshalO<T>2ᚕ…ᚄ: nil is nil, a single value
// is a list of one (graphql.CoerceList), each item by unmarshal.
func optList[T any](v any, unmarshal func(any) (T, error)) ([]T, error) {
	if v == nil {
		return nil, nil
	}
	items := graphql.CoerceList(v)
	out := make([]T, len(items))
	for i, x := range items {
		var err error
		if out[i], err = unmarshal(x); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func optTime(v any) (*time.Time, error) {
	if v == nil {
		return nil, nil
	}
	return ptr(graphql.UnmarshalTime(v))
}

// errNotDirect: a value the direct path leaves to gqlgen.
var errNotDirect = errors.New("not for the direct path")

// Run calls the resolver with the context the caller prepared and returns
// the response's data ({"<alias>":<page>}); false when gqlgen must answer
// instead. gqlgen then answers from what the resolver did here (replay, for
// the caller's graph.ReplayContext): the page the writer could not write
// whole (a denied field, a value gqlgen reports), the resolver's error or
// its panic. The resolver does not run twice: the read is audited once,
// and an error (a timeout, an unavailable database) is reported as it
// happened.
func (op *DirectOperation) Run(ctx context.Context) (data []byte, replay context.Context, ok bool) {
	d, doc := op.d, op.doc
	fc := &graphql.FieldContext{Object: "Query", Field: doc.root, IsMethod: true, IsResolver: true,
		Args: op.args.asMap()}
	ctx = graphql.WithRootFieldContext(ctx, &graphql.RootFieldContext{Object: doc.root.Name, Field: doc.root})
	ctx = graphql.WithFieldContext(ctx, fc)
	ctx = context.WithValue(ctx, loadersKey{}, newLoaders(d.resolver.Client, d.resolver.Ledger))
	ctx = context.WithValue(ctx, pageSelectionKey{}, doc.sel)
	h := &fastPage{field: doc.root.Field, plan: doc.plan}
	ctx = context.WithValue(ctx, fastPageKey{}, h)
	var res replayed
	func() {
		defer func() {
			if r := recover(); r != nil {
				res = replayed{panicked: r, hasPanic: true}
			}
		}()
		a := op.args
		res.conn, res.err = d.resolver.Query().AuditEntries(ctx, a.tenantID, a.platform, a.first, a.after, a.last, a.before, a.offset, a.orderBy, a.where, a.filter, a.search)
	}()
	if res.hasPanic || res.err != nil || h.json == nil {
		return nil, context.WithValue(ctx, replayKey{}, &res), false
	}
	if onDirectRead != nil {
		onDirectRead(doc.query)
	}
	if onFastPage != nil {
		onFastPage(doc.query) // the page is FastPage's writing
	}
	if p, _ := ctx.Value(writtenPagesKey{}).(*WrittenPages); p != nil {
		p.add(h.json) // copied, not scanned, by the response write; its buffer reused after it
	}
	out := make([]byte, 0, len(doc.key)+len(h.json)+1)
	out = append(out, doc.key...)
	out = append(out, h.json...)
	return append(out, '}'), nil, true
}

func (a directArgs) asMap() map[string]any {
	return map[string]any{"tenantID": a.tenantID, "platform": a.platform, "first": a.first, "after": a.after,
		"last": a.last, "before": a.before, "offset": a.offset, "orderBy": a.orderBy, "where": a.where,
		"filter": a.filter, "search": a.search}
}

// onDirectRead, when set (by tests only), is told the document of each
// request the direct path answered.
var onDirectRead func(query string)

type replayKey struct{}

// replayed is what the direct path's call of the resolver returned (or the
// value it panicked with), for gqlgen's run of the same request.
type replayed struct {
	conn     *model.AuditEntryConnection
	err      error
	panicked any
	hasPanic bool
}

// replayedPage answers the auditEntries resolver from the direct path's
// call (Run), when ctx carries one: ok is false otherwise.
func replayedPage(ctx context.Context) (*model.AuditEntryConnection, error, bool) {
	res, ok := ctx.Value(replayKey{}).(*replayed)
	if !ok {
		return nil, nil, false
	}
	if res.hasPanic {
		panic(res.panicked) // gqlgen's recover reports it, as it would have
	}
	return res.conn, res.err, true
}

// ReplayContext carries what Run's resolver call returned (its replay
// result) into base, the context gqlgen's run of the request starts from.
// When base is already done (the request timed out in the resolver),
// gqlgen's run gets it without the cancellation: gqlgen answers nothing at
// all on a done context, and the run does no work of its own (the
// resolver's result is replayed) but presenting the error, which then
// reads as it would have (UNAVAILABLE, answered 503).
func ReplayContext(base, replay context.Context) context.Context {
	res, ok := replay.Value(replayKey{}).(*replayed)
	if !ok {
		return base
	}
	if base.Err() != nil {
		base = context.WithoutCancel(base)
	}
	return context.WithValue(base, replayKey{}, res)
}
