package graph

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/graph/model"
	"github.com/trailmark/trailmark/internal/compactjson"
)

// FastPage writes the JSON of an auditEntries page directly instead of
// through gqlgen's per-field execution, which costs a page of 25 entries
// ~8 000 allocations and a goroutine per edge (docs/performance.md,
// "2026-12-05 (evening) — the audit page marshaller"). Everything before the
// page's data is gqlgen's as before: parsing, validation, the limits,
// argument coercion, authentication and the resolver itself (privacy
// scoping, the self-audit of reads).
//
// It covers the selections it fully understands (fastFields: the
// connection, edges, pageInfo, the entry's stored columns, tenant, actor
// without user, request, changes and seq through their resolvers), with
// aliases, fragments on the types, @skip and @include as gqlgen collects
// them, and __typename. The field rules are the
// schema's own @hasRole, read from the schema and decided by the same
// fieldAllowed the directive calls. Anything else is gqlgen's: another
// field, @defer, a directive it does not know, a denied field (gqlgen writes
// its null and FORBIDDEN error), a tenant or seq that fails to load, a null
// in a non-null field. The output is byte-identical to gqlgen's once the
// response is written (TestFastPageSameAsGqlgen): strings and stored JSON
// values are written as json.Marshal leaves gqlgen's data, compact and
// HTML-escaped (compactjson), so that the POST transport can copy a page
// instead of scanning it again (WrittenPages).
//
// The fast path bypasses gqlgen's field middleware: nothing installs any
// for queries (ReplaySeal wraps mutations only). A field interceptor that
// must see queries' fields needs the fast path turned off
// (httpapi.Config.SlowPages).
type FastPage struct{}

var (
	_ graphql.HandlerExtension     = FastPage{}
	_ graphql.RootFieldInterceptor = FastPage{}
)

func (FastPage) ExtensionName() string                   { return "TrailmarkFastPage" }
func (FastPage) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptRootField plans the page's selection and, when it can write it,
// hands the resolver a holder (pageFrom) for the page's JSON; the resolver
// fills it and returns gqlgen an empty stand-in, whose cheap marshalling
// is discarded here.
func (FastPage) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	rc := graphql.GetRootFieldContext(ctx)
	if rc == nil || rc.Object != "auditEntries" {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return next(ctx)
	}
	plan, ok := planFields(oc, rc.Field.Selections, "AuditEntryConnection")
	if !ok {
		return next(ctx)
	}
	h := &fastPage{field: rc.Field.Field, plan: plan}
	standIn := next(context.WithValue(ctx, fastPageKey{}, h))
	if h.json == nil {
		return standIn
	}
	if onFastPage != nil {
		onFastPage(oc.RawQuery)
	}
	if p, _ := ctx.Value(writtenPagesKey{}).(*WrittenPages); p != nil {
		p.add(h.json)
	}
	return rawMarshaler(h.json)
}

// WrittenPages are the pages FastPage wrote while one request was
// answered. They are in the form a response holds them (compact, <, >, &,
// U+2028 and U+2029 escaped: compactjson), so a transport that writes the
// data as json.Marshal does may copy them as they are where they appear.
type WrittenPages struct {
	mu    sync.Mutex // root fields resolve concurrently
	pages [][]byte
}

type writtenPagesKey struct{}

// WithWrittenPages returns ctx with an empty WrittenPages, which collects
// the pages written for operations run with ctx.
func WithWrittenPages(ctx context.Context) (context.Context, *WrittenPages) {
	p := &WrittenPages{}
	return context.WithValue(ctx, writtenPagesKey{}, p), p
}

// Pages returns the pages written so far.
func (p *WrittenPages) Pages() [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pages
}

func (p *WrittenPages) add(page []byte) {
	p.mu.Lock()
	p.pages = append(p.pages, page)
	p.mu.Unlock()
}

// Release gives the pages' buffers back for the pages of later requests.
// It is called once the response is written: the pages must not be used
// after it.
func (p *WrittenPages) Release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, b := range p.pages {
		if cap(b) <= maxPooledPage {
			b := b[:0]
			pageBufs.Put(&b)
		}
	}
	p.pages = nil
}

// buffer is an empty buffer for a page of the request, from those an
// earlier request released.
func (p *WrittenPages) buffer() []byte {
	if b, ok := pageBufs.Get().(*[]byte); ok {
		return *b
	}
	return nil
}

// pageBufs are buffers of pages written and released (WrittenPages):
// a page of 100 rows is ~50 KB, a large share of a request's allocations.
var pageBufs sync.Pool

const maxPooledPage = 1 << 20

// onFastPage, when set (by tests only), is told the document of each page
// the fast path wrote.
var onFastPage func(query string)

type fastPageKey struct{}

// fastPage carries one root field's plan to its resolver and the written
// page back.
type fastPage struct {
	field *ast.Field
	plan  []planField
	json  []byte
}

// pageFrom returns the holder of the auditEntries field being resolved, or
// nil when the fast path does not take it.
func pageFrom(ctx context.Context) *fastPage {
	h, _ := ctx.Value(fastPageKey{}).(*fastPage)
	if h == nil {
		return nil
	}
	if fc := graphql.GetFieldContext(ctx); fc == nil || fc.Field.Field != h.field {
		return nil
	}
	return h
}

// fastPageAnswer writes conn for the field being resolved when the fast
// path takes it, and returns the stand-in gqlgen marshals in its place;
// otherwise conn itself, for gqlgen.
func (r *Resolver) fastPageAnswer(ctx context.Context, conn *model.AuditEntryConnection) *model.AuditEntryConnection {
	h := pageFrom(ctx)
	if h == nil {
		return conn
	}
	w := pageWriter{ctx: ctx, r: r, ok: true}
	if p, _ := ctx.Value(writtenPagesKey{}).(*WrittenPages); p != nil {
		w.buf = *bytes.NewBuffer(p.buffer())
	}
	w.buf.Grow(1024 + 512*len(conn.Edges))
	w.connection(h.plan, conn)
	if !w.ok {
		return conn
	}
	h.json = w.buf.Bytes()
	return &model.AuditEntryConnection{AuditEntryConnection: &ent.AuditEntryConnection{}}
}

// rawMarshaler is a value already written as JSON.
type rawMarshaler []byte

func (m rawMarshaler) MarshalGQL(w io.Writer) { _, _ = w.Write(m) }

// planField is one collected field of a selection the fast path writes:
// its response name (quoted, with the colon), its name, the rule on it and
// the plan of its own selection.
type planField struct {
	key  []byte
	name string
	rule *fieldRule
	sub  []planField
}

// fieldRule is a field's @hasRole(role, orSelf).
type fieldRule struct {
	role   schematype.Role
	orSelf bool
}

// fastFields are the fields the fast path writes, by type, and the type of
// each object field's selection. A field missing here falls back to gqlgen.
var fastFields = map[string]map[string]string{
	"AuditEntryConnection": {"__typename": "", "edges": "AuditEntryEdge", "pageInfo": "PageInfo", "totalCount": "", "totalCountCapped": "", "totalCountEstimated": ""},
	"AuditEntryEdge":       {"__typename": "", "node": "AuditEntry", "cursor": ""},
	"PageInfo":             {"__typename": "", "hasNextPage": "", "hasPreviousPage": "", "startCursor": "", "endCursor": ""},
	"AuditEntry": {
		"__typename": "", "id": "", "occurredAt": "", "receivedAt": "", "action": "", "resourceType": "",
		"resourceID": "", "resourceName": "", "workspace": "", "status": "", "oldValue": "", "newValue": "",
		"metadata": "", "idempotencyKey": "", "hash": "", "tenant": "Tenant", "actor": "Actor", "request": "RequestInfo",
		"changes": "FieldChange", "seq": "",
	},
	"FieldChange": {"__typename": "", "path": "", "old": "", "new": ""},
	"Actor":       {"__typename": "", "type": "", "id": "", "name": "", "email": ""},
	"Tenant":      {"__typename": "", "id": "", "createdAt": "", "slug": "", "name": "", "retentionDays": ""},
	"RequestInfo": {"__typename": "", "method": "", "path": "", "operationName": "", "payload": "", "sourceIP": "", "userAgent": "", "httpStatus": ""},
}

// fastRules are the @hasRole rules of fastFields, read from the schema; a
// field of fastFields with any other directive in the schema is left out
// of fastOK, so a rule added later fails over to gqlgen, never open.
var fastRules, fastOK = schemaRules()

func schemaRules() (map[string]map[string]*fieldRule, map[string]map[string]bool) {
	rules := map[string]map[string]*fieldRule{}
	ok := map[string]map[string]bool{}
	for typ, fields := range fastFields {
		rules[typ], ok[typ] = map[string]*fieldRule{}, map[string]bool{}
		def := schemaDef.Types[typ]
		for name := range fields {
			if name == "__typename" {
				ok[typ][name] = true
				continue
			}
			fd := def.Fields.ForName(name)
			if fd == nil || len(fd.Arguments) > 0 {
				continue
			}
			known := true
			for _, d := range fd.Directives {
				if d.Name != "hasRole" {
					known = false
					break
				}
				r, good := hasRoleArgs(d)
				if !good {
					known = false
					break
				}
				rules[typ][name] = r
			}
			ok[typ][name] = known
		}
	}
	return rules, ok
}

func hasRoleArgs(d *ast.Directive) (*fieldRule, bool) {
	r := &fieldRule{}
	for _, a := range d.Arguments {
		switch {
		case a.Name == "role" && a.Value.Kind == ast.EnumValue:
			if err := r.role.UnmarshalGQL(a.Value.Raw); err != nil {
				return nil, false
			}
		case a.Name == "orSelf" && a.Value.Kind == ast.BooleanValue:
			r.orSelf = a.Value.Raw == "true"
		default:
			return nil, false
		}
	}
	return r, r.role != ""
}

// planFields collects sel on typ as gqlgen does (fragments, @skip,
// @include) and reports whether the fast path can write all of it.
func planFields(oc *graphql.OperationContext, sel ast.SelectionSet, typ string) ([]planField, bool) {
	implementors := []string{typ}
	if t := schemaDef.Types[typ]; t != nil {
		for _, i := range schemaDef.GetImplements(t) {
			implementors = append(implementors, i.Name)
		}
	}
	collected := graphql.CollectFields(oc, sel, implementors)
	out := make([]planField, 0, len(collected))
	for _, f := range collected {
		if len(f.Deferrables) > 0 || !fastOK[typ][f.Name] || len(f.Arguments) > 0 || !onlySkipInclude(f.Directives) {
			return nil, false
		}
		p := planField{key: append(compactjson.AppendString(nil, f.Alias), ':'), name: f.Name, rule: fastRules[typ][f.Name]}
		if sub := fastFields[typ][f.Name]; sub != "" {
			var ok bool
			if p.sub, ok = planFields(oc, f.Selections, sub); !ok {
				return nil, false
			}
		}
		out = append(out, p)
	}
	return out, true
}

func onlySkipInclude(ds ast.DirectiveList) bool {
	for _, d := range ds {
		if d.Name != "skip" && d.Name != "include" {
			return false
		}
	}
	return true
}

// pageWriter writes a planned selection. ok turns false at the first value
// it leaves to gqlgen; the caller then discards what was written.
type pageWriter struct {
	ctx context.Context
	r   *Resolver
	buf bytes.Buffer
	ok  bool
}

// object writes {"key":value,...} with value(f) writing each field's value.
func (w *pageWriter) object(plan []planField, value func(f *planField)) {
	w.buf.WriteByte('{')
	for i := range plan {
		if !w.ok {
			return
		}
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.buf.Write(plan[i].key)
		value(&plan[i])
	}
	w.buf.WriteByte('}')
}

func (w *pageWriter) connection(plan []planField, c *model.AuditEntryConnection) {
	w.object(plan, func(f *planField) {
		switch f.name {
		case "__typename":
			w.str("AuditEntryConnection")
		case "totalCount":
			w.int(c.TotalCount)
		case "totalCountCapped":
			w.bool(c.TotalCountCapped)
		case "totalCountEstimated":
			w.bool(c.TotalCountEstimated)
		case "pageInfo":
			w.pageInfo(f.sub, &c.PageInfo)
		case "edges":
			if c.Edges == nil {
				w.null()
				return
			}
			w.buf.WriteByte('[')
			for i, e := range c.Edges {
				if i > 0 {
					w.buf.WriteByte(',')
				}
				if e == nil {
					w.null()
					continue
				}
				w.edge(f.sub, e)
			}
			w.buf.WriteByte(']')
		}
	})
}

func (w *pageWriter) pageInfo(plan []planField, p *ent.PageInfo) {
	w.object(plan, func(f *planField) {
		switch f.name {
		case "__typename":
			w.str("PageInfo")
		case "hasNextPage":
			w.bool(p.HasNextPage)
		case "hasPreviousPage":
			w.bool(p.HasPreviousPage)
		case "startCursor":
			w.cursor(p.StartCursor)
		case "endCursor":
			w.cursor(p.EndCursor)
		}
	})
}

func (w *pageWriter) edge(plan []planField, e *ent.AuditEntryEdge) {
	w.object(plan, func(f *planField) {
		switch f.name {
		case "__typename":
			w.str("AuditEntryEdge")
		case "cursor":
			w.cursor(&e.Cursor)
		case "node":
			if e.Node == nil {
				w.null()
				return
			}
			w.entry(f.sub, e.Node)
		}
	})
}

func (w *pageWriter) entry(plan []planField, e *ent.AuditEntry) {
	w.object(plan, func(f *planField) {
		if f.rule != nil && !w.allowed(e, f.rule) {
			return
		}
		switch f.name {
		case "__typename":
			w.str("AuditEntry")
		case "id":
			w.str(e.ID)
		case "occurredAt":
			w.time(e.OccurredAt)
		case "receivedAt":
			w.time(e.ReceivedAt)
		case "action":
			w.str(e.Action)
		case "resourceType":
			w.str(e.ResourceType)
		case "resourceID":
			w.optStr(e.ResourceID)
		case "resourceName":
			w.optStr(e.ResourceName)
		case "workspace":
			w.optStr(e.Workspace)
		case "status":
			e.Status.MarshalGQL(&w.buf)
		case "oldValue":
			w.json(e.OldValue)
		case "newValue":
			w.json(e.NewValue)
		case "metadata":
			w.json(e.Metadata)
		case "idempotencyKey":
			w.optStr(e.IdempotencyKey)
		case "hash":
			w.str(e.Hash)
		case "actor":
			w.actor(f.sub, e.Actor())
		case "tenant":
			t, err := e.Tenant(w.ctx)
			if err != nil {
				w.ok = false // gqlgen reports it at the field's path
				return
			}
			if t == nil {
				w.null()
				return
			}
			w.tenant(f.sub, t)
		case "request":
			if e.Request == nil {
				w.null()
				return
			}
			w.request(f.sub, e.Request)
		case "seq":
			n, err := w.r.AuditEntry().Seq(w.ctx, e) // the page's seqs are primed by the resolver
			if err != nil {
				w.ok = false
				return
			}
			if n == nil {
				w.null()
				return
			}
			w.int(*n)
		case "changes":
			changes, err := w.r.AuditEntry().Changes(w.ctx, e)
			if err != nil || changes == nil {
				w.ok = false // [FieldChange!]! : gqlgen's to report
				return
			}
			w.changes(f.sub, changes)
		}
	})
}

func (w *pageWriter) changes(plan []planField, cs []*model.FieldChange) {
	w.buf.WriteByte('[')
	for i, c := range cs {
		if c == nil {
			w.ok = false // FieldChange! : gqlgen nulls the list with an error
			return
		}
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.object(plan, func(f *planField) {
			switch f.name {
			case "__typename":
				w.str("FieldChange")
			case "path":
				w.str(c.Path)
			case "old":
				w.json(c.Old)
			case "new":
				w.json(c.New)
			}
		})
	}
	w.buf.WriteByte(']')
}

func (w *pageWriter) actor(plan []planField, a *schematype.Actor) {
	if a == nil {
		w.ok = false // Actor! : gqlgen nulls the entry with an error
		return
	}
	w.object(plan, func(f *planField) {
		if f.rule != nil && !w.allowed(a, f.rule) {
			return
		}
		switch f.name {
		case "__typename":
			w.str("Actor")
		case "type":
			a.Type.MarshalGQL(&w.buf)
		case "id":
			w.optStr(a.ID)
		case "name":
			w.optStr(a.Name)
		case "email":
			w.optStr(a.Email)
		}
	})
}

func (w *pageWriter) tenant(plan []planField, t *ent.Tenant) {
	w.object(plan, func(f *planField) {
		if f.rule != nil && !w.allowed(t, f.rule) {
			return
		}
		switch f.name {
		case "__typename":
			w.str("Tenant")
		case "id":
			w.str(t.ID)
		case "createdAt":
			w.time(t.CreatedAt)
		case "slug":
			w.str(t.Slug)
		case "name":
			w.str(t.Name)
		case "retentionDays":
			if t.RetentionDays == nil {
				w.null()
				return
			}
			w.int(*t.RetentionDays)
		}
	})
}

func (w *pageWriter) request(plan []planField, q *schematype.RequestInfo) {
	w.object(plan, func(f *planField) {
		if f.rule != nil && !w.allowed(q, f.rule) {
			return
		}
		switch f.name {
		case "__typename":
			w.str("RequestInfo")
		case "method":
			w.optStr(q.Method)
		case "path":
			w.optStr(q.Path)
		case "operationName":
			w.optStr(q.OperationName)
		case "payload":
			w.json(q.Payload)
		case "sourceIP":
			w.optStr(q.SourceIP)
		case "userAgent":
			w.optStr(q.UserAgent)
		case "httpStatus":
			if q.HTTPStatus == nil {
				w.null()
				return
			}
			w.int(*q.HTTPStatus)
		}
	})
}

// allowed decides f's @hasRole on obj with the directive's own function; a
// denial (null and FORBIDDEN) or an error is left to gqlgen.
func (w *pageWriter) allowed(obj any, rule *fieldRule) bool {
	ok, err := w.r.fieldAllowed(w.ctx, obj, rule.role, rule.orSelf)
	if err != nil || !ok {
		w.ok = false
		return false
	}
	return true
}

func (w *pageWriter) null() { w.buf.WriteString("null") }

func (w *pageWriter) str(s string) { w.buf.Write(compactjson.AppendString(w.buf.AvailableBuffer(), s)) }

func (w *pageWriter) optStr(s *string) {
	if s == nil {
		w.null()
		return
	}
	w.str(*s)
}

func (w *pageWriter) int(n int) {
	w.buf.Write(strconv.AppendInt(w.buf.AvailableBuffer(), int64(n), 10))
}

func (w *pageWriter) bool(b bool) { w.buf.Write(strconv.AppendBool(w.buf.AvailableBuffer(), b)) }

// time writes t as graphql.MarshalTime does; a zero time is null there,
// which a non-null field turns into an error: gqlgen's to write.
func (w *pageWriter) time(t time.Time) {
	if t.IsZero() {
		w.ok = false
		return
	}
	b := append(w.buf.AvailableBuffer(), '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	w.buf.Write(append(b, '"'))
}

func (w *pageWriter) cursor(c *ent.Cursor) {
	if c == nil {
		w.null()
		return
	}
	if b, ok := appendCursor(w.buf.AvailableBuffer(), c); ok {
		w.buf.Write(b)
		return
	}
	c.MarshalGQL(&w.buf)
}

// json writes a JSON or Map scalar: the stored bytes, as scalar.MarshalJSON
// and MarshalMap write them, in the response's form; nil or empty is null,
// as there and in the generated marshalO functions.
func (w *pageWriter) json(v schematype.RawJSON) {
	if len(v) == 0 {
		w.null()
		return
	}
	w.buf.Write(compactjson.Append(w.buf.AvailableBuffer(), v))
}
