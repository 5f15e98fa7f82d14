package graph

import (
	"context"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/graph/generated"
	"github.com/trailmark/trailmark/graph/model"
)

// pageArgs are a connection's arguments after validation.
type pageArgs struct {
	first, last   *int
	after, before *ent.Cursor
	offset        int
	order         *ent.AuditEntryOrder
	// count is what totalCount counts (its q nil: the query paginated,
	// before the page's cursor, order and limit).
	count auditCount
	// oneTenant: the page is one tenant's (the tenantID argument).
	oneTenant bool
	// walk, when not nil, is the walk of a common text's page
	// (searchAuditQuery): the paginated query does not hold the search.
	walk *pageWalk
	// countApart keeps the count out of the page's statement (SQLite):
	// there is no round trip to save in process, and ent asks the driver
	// for the column types of every row that carries a column it does not
	// know, which modernc answers column by column (docs/performance.md
	// "2026-12-06 — SQLite again").
	countApart bool
	// sel is what the field selects (selectionOf).
	sel *pageSelection
}

// defaultAuditOrder is newest first (API.md); ties break on id, same direction.
var defaultAuditOrder = &ent.AuditEntryOrder{
	Field:     ent.AuditEntryOrderFieldOccurredAt,
	Direction: entgql.OrderDirectionDesc,
}

// newPageArgs validates the connection arguments: first/last ≤ 1000
// (default first: 25), not both, offset ≥ 0.
func newPageArgs(first *int, after *ent.Cursor, last *int, before *ent.Cursor, offset *int, order *ent.AuditEntryOrder) (pageArgs, error) {
	if err := checkPageSize(first, last); err != nil {
		return pageArgs{}, err
	}
	if first != nil && last != nil {
		return pageArgs{}, badInput("last", "cannot be combined with first")
	}
	if first == nil && last == nil {
		n := defaultPageSize
		first = &n
	}
	p := pageArgs{first: first, last: last, after: after, before: before, order: order}
	if offset != nil {
		if *offset < 0 {
			return pageArgs{}, badInput("offset", "must not be negative")
		}
		p.offset = *offset
	}
	if p.order == nil || p.order.Field == nil {
		o := *defaultAuditOrder
		if p.order != nil && p.order.Direction != "" {
			o.Direction = p.order.Direction
		}
		p.order = &o
	}
	if err := p.order.Direction.Validate(); err != nil {
		return pageArgs{}, badInput("orderBy.direction", "must be ASC or DESC")
	}
	for _, c := range []*ent.Cursor{after, before} {
		if c != nil {
			if t, ok := c.Value.(time.Time); ok {
				c.Value = t.UTC() // cursors decode times in the local zone
			}
		}
	}
	return p, nil
}

// orderColumn is the column behind an order field.
func orderColumn(f *ent.AuditEntryOrderField) string {
	switch f.String() {
	case "RECEIVED_AT":
		return auditentry.FieldReceivedAt
	case "ACTION":
		return auditentry.FieldAction
	}
	return auditentry.FieldOccurredAt
}

// paginateAuditEntries is entgql's Paginate with two differences the API
// needs: `offset` skips rows after the cursor (numbered page jumps), and
// COUNT(*) runs only when totalCount is selected (entgql also runs it for
// pageInfo). Order is (field, id) in one direction; cursors are keyset
// positions on that pair.
func paginateAuditEntries(ctx context.Context, q *ent.AuditEntryQuery, p pageArgs) (*model.AuditEntryConnection, error) {
	out := &model.AuditEntryConnection{AuditEntryConnection: &ent.AuditEntryConnection{Edges: []*ent.AuditEntryEdge{}}}
	conn := out.AuditEntryConnection
	counted := func(n int, estimated bool) {
		conn.TotalCount = n
		out.TotalCountCapped = countReachedCap(p.count.limit, n)
		out.TotalCountEstimated = estimated
	}
	sel := p.sel
	if sel == nil {
		sel = selectionOf(ctx)
	}
	wantCount, wantPage := sel.count, sel.page
	col := orderColumn(p.order.Field)
	dir := p.order.Direction
	reverse := p.last != nil
	limit := 0
	if reverse {
		dir = dir.Reverse()
		limit = *p.last
	} else {
		limit = *p.first
	}
	walk := p.walk
	if walk != nil && !walk.walkable(col, p.after, p.before) {
		q.Where(walk.search) // the plain plan
		walk = nil
	}
	// Without a cursor the page's WHERE clause is the count's: the count
	// can ride on the page's statement (countInPage). Not with a walk: the
	// page's query does not hold the search.
	together := wantCount && wantPage && !p.countApart && limit > 0 && p.after == nil && p.before == nil && p.offset < deferredOffset && walk == nil
	count := p.count
	if count.q == nil {
		count.q = q.Clone() // before the cursor, order, limit and offset
	}
	// A walked page already checked the count's WHERE clause (the same
	// but for the search): then the sample's cap needs no statement.
	countAfterWalk := wantCount && wantPage && walk != nil && limit > 0 && knownFromSample(count)
	if wantCount && !together && !countAfterWalk {
		n, estimated, err := countAuditEntries(ctx, count)
		if err != nil {
			return nil, err
		}
		counted(n, estimated)
	}
	if !wantPage {
		return out, nil
	}
	if p.after != nil && walk == nil {
		q.Where(keyset(col, p.after, p.order.Direction, true))
	}
	if p.before != nil && walk == nil {
		q.Where(keyset(col, p.before, p.order.Direction, false))
	}
	if limit == 0 {
		conn.PageInfo.HasNextPage = !reverse && p.before != nil
		conn.PageInfo.HasPreviousPage = reverse && p.after != nil
		return out, nil
	}
	refs := false
	if sel.tenant {
		if refs = tenantRefsOnly(ctx, sel, p.oneTenant); !refs {
			q.WithTenant() // one query for the page's tenants
		}
	}
	q.Order(orderBy(col, dir), orderBy(auditentry.FieldID, dir)).Limit(limit + 1)
	if together {
		q.Modify(countInPage)
	}
	offset := p.offset
	if walk != nil {
		// The walk, or the plain plan, with the cursors and the offset.
		q.Modify(walk.walkOrPlain(p.order.Direction, dir, p.after, p.before, limit+1, offset))
		offset = 0
	}
	nodes, err := pageEntries(ctx, q, offset, sel.columns(col))
	if err != nil {
		return nil, err
	}
	if countAfterWalk {
		if walk.walked {
			counted(count.limit, true)
		} else {
			n, estimated, err := countAuditEntries(ctx, count)
			if err != nil {
				return nil, err
			}
			counted(n, estimated)
		}
	}
	if together {
		n, ok := countOfPage(nodes)
		estimated := false
		if !ok { // an empty page, or a count the counters cannot answer
			if n, estimated, err = countAuditEntries(ctx, count); err != nil {
				return nil, err
			}
		}
		counted(n, estimated)
	}
	if refs {
		tenantRefs(ctx, nodes)
	}
	more := len(nodes) > limit
	if more {
		nodes = nodes[:limit]
	}
	if reverse {
		for i, j := 0, len(nodes)-1; i < j; i, j = i+1, j-1 {
			nodes[i], nodes[j] = nodes[j], nodes[i]
		}
		conn.PageInfo.HasPreviousPage = more
		conn.PageInfo.HasNextPage = p.before != nil || p.offset > 0
	} else {
		conn.PageInfo.HasNextPage = more
		conn.PageInfo.HasPreviousPage = p.after != nil || p.offset > 0
	}
	conn.Edges = make([]*ent.AuditEntryEdge, len(nodes))
	for i, n := range nodes {
		conn.Edges[i] = &ent.AuditEntryEdge{Node: n, Cursor: cursorOf(n, p.order.Field)}
	}
	if len(nodes) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(nodes)-1].Cursor
	}
	return out, nil
}

func cursorOf(n *ent.AuditEntry, f *ent.AuditEntryOrderField) ent.Cursor {
	v, _ := f.Value(n)
	return ent.Cursor{ID: n.ID, Value: v}
}

func orderBy(col string, dir entgql.OrderDirection) func(*sql.Selector) {
	if dir == entgql.OrderDirectionDesc {
		return ent.Desc(col)
	}
	return ent.Asc(col)
}

// keyset selects the rows after (or before) cursor c in the order
// (col dir, id dir): a row-value comparison both dialects index well.
func keyset(col string, c *ent.Cursor, dir entgql.OrderDirection, after bool) func(*sql.Selector) {
	greater := (dir == entgql.OrderDirectionAsc) == after
	return func(s *sql.Selector) {
		if c.Value == nil { // a cursor of id order
			if greater {
				s.Where(sql.GT(s.C(auditentry.FieldID), c.ID))
			} else {
				s.Where(sql.LT(s.C(auditentry.FieldID), c.ID))
			}
			return
		}
		cols := []string{s.C(col), s.C(auditentry.FieldID)}
		if greater {
			s.Where(sql.CompositeGT(cols, c.Value, c.ID))
		} else {
			s.Where(sql.CompositeLT(cols, c.Value, c.ID))
		}
	}
}

// schemaDef is the parsed schema, for the types a field's fragments apply to.
var schemaDef = generated.NewExecutableSchema(generated.Config{}).Schema()

// satisfies are the type conditions under which fragments spread in the
// selection of a field of definition def apply: its type and the
// interfaces that type implements. The fields fieldSelected,
// selectedFields and nodeColumns walk all have object types, so validation
// has already refused a fragment on any other type there.
func satisfies(def *ast.FieldDefinition) []string {
	if def == nil || def.Type == nil {
		return nil
	}
	name := def.Type.Name()
	out := []string{name}
	if t := schemaDef.Types[name]; t != nil {
		for _, i := range schemaDef.GetImplements(t) {
			out = append(out, i.Name)
		}
	}
	return out
}

// collect returns the fields selected under f, fragments included.
func collect(oc *graphql.OperationContext, f *ast.Field) []graphql.CollectedField {
	return graphql.CollectFields(oc, f.SelectionSet, satisfies(f.Definition))
}

// fieldSelected reports whether path (field names from the current field,
// e.g. "edges", "node", "actor", "user") is selected, directly or through
// fragments.
func fieldSelected(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	oc := graphql.GetOperationContext(ctx)
	field := fc.Field.Field
walk:
	for _, name := range path {
		for _, f := range collect(oc, field) {
			if f.Name == name {
				field = f.Field
				continue walk
			}
		}
		return false
	}
	return true
}

// entryColumns are the columns each AuditEntry field reads.
var entryColumns = map[string][]string{
	"__typename":     nil,
	"id":             nil,
	"tenant":         nil, // tenant_id is always read
	"occurredAt":     {auditentry.FieldOccurredAt},
	"receivedAt":     {auditentry.FieldReceivedAt},
	"action":         {auditentry.FieldAction},
	"resourceType":   {auditentry.FieldResourceType},
	"resourceID":     {auditentry.FieldResourceID},
	"resourceName":   {auditentry.FieldResourceName},
	"workspace":      {auditentry.FieldWorkspace},
	"actor":          {auditentry.FieldActorType, auditentry.FieldActorID, auditentry.FieldActorName, auditentry.FieldActorEmail},
	"status":         {auditentry.FieldStatus},
	"oldValue":       {auditentry.FieldOldValue},
	"newValue":       {auditentry.FieldNewValue},
	"changes":        {auditentry.FieldOldValue, auditentry.FieldNewValue},
	"metadata":       {auditentry.FieldMetadata},
	"request":        {auditentry.FieldRequest},
	"idempotencyKey": {auditentry.FieldIdempotencyKey},
	"hash":           {auditentry.FieldHash},
}

// actorColumns are the columns each Actor field reads. email's rule
// (@hasRole(AUDITOR, orSelf)) compares the actor's type and id with the
// viewer's; any other field (user) reads every actor column.
var actorColumns = map[string][]string{
	"__typename": nil,
	"type":       {auditentry.FieldActorType},
	"id":         {auditentry.FieldActorID},
	"name":       {auditentry.FieldActorName},
	"email":      {auditentry.FieldActorEmail, auditentry.FieldActorType, auditentry.FieldActorID},
}

// actorFieldColumns are the columns an actor field's selection reads.
func actorFieldColumns(oc *graphql.OperationContext, f *ast.Field) []string {
	var cols []string
	for _, a := range collect(oc, f) {
		c, ok := actorColumns[a.Name]
		if !ok {
			return entryColumns["actor"]
		}
		cols = append(cols, c...)
	}
	return cols
}
