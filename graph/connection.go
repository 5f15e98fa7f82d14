package graph

import (
	"context"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	filterlang "github.com/trailmark/trailmark/internal/filter"
)

// tenantPage are the arguments of a tenant's newest-first connections
// (processes, archives).
type tenantPage struct {
	tenantID      string
	first, last   *int
	after, before *entgql.Cursor[string]
	offset        *int
	filter        *string
}

// newestFirstQuery is what newestFirst needs of an ent query (Q) of a
// tenant's rows: its predicate (P), order (O) and pagination option (PO)
// types, and the connection (C) it pages into.
type newestFirstQuery[Q any, P, O ~func(*sql.Selector), PO, C any] interface {
	Where(...P) Q
	Clone() Q
	Order(...O) Q
	Offset(int) Q
	FirstID(context.Context) (string, error)
	Paginate(ctx context.Context, after *entgql.Cursor[string], first *int, before *entgql.Cursor[string], last *int, opts ...PO) (C, error)
}

// newestFirst pages q, a tenant's rows, newest first (byIDDesc, and the
// pagination option newest that orders the same way): it checks the page
// size and the filter (of filter schema s), answers NOT_FOUND for a tenant
// the viewer may not see, and turns a numbered page jump (offset) into the
// cursor of the row just before it.
func newestFirst[Q newestFirstQuery[Q, P, O, PO, C], P, O ~func(*sql.Selector), PO, C any](
	ctx context.Context, r *Resolver, a tenantPage, s filterlang.Schema, q Q, byIDDesc O, newest PO,
) (C, error) {
	var none C
	if err := checkPageSize(a.first, a.last); err != nil {
		return none, err
	}
	p, err := compileFilter("filter", a.filter, s, time.Now())
	if err != nil {
		return none, err
	}
	if err := r.checkTenantVisible(ctx, &a.tenantID); err != nil {
		return none, err
	}
	if p != nil {
		q.Where(P(p))
	}
	after, err := offsetAfter(a.offset, a.after, a.first, func(n int) (string, error) {
		return q.Clone().Order(byIDDesc).Offset(n).FirstID(ctx)
	})
	if err != nil {
		return none, err
	}
	return q.Paginate(ctx, after, defaultFirst(a.first, a.last), a.before, a.last, newest)
}

// offsetAfter turns a numbered page jump (offset) into the cursor of the
// entry just before it, for connections ordered by id, newest first.
func offsetAfter(offset *int, after *entgql.Cursor[string], first *int, idAt func(n int) (string, error)) (*entgql.Cursor[string], error) {
	if offset == nil || *offset == 0 {
		return after, nil
	}
	if *offset < 0 {
		return nil, badInput("offset", "must not be negative")
	}
	if after != nil {
		return nil, badInput("offset", "cannot be combined with after")
	}
	id, err := idAt(*offset - 1)
	if ent.IsNotFound(err) {
		return &entgql.Cursor[string]{ID: ""}, nil // past the end: an empty page
	}
	if err != nil {
		return nil, err
	}
	return &entgql.Cursor[string]{ID: id}, nil
}

func defaultFirst(first, last *int) *int {
	if first == nil && last == nil {
		n := defaultPageSize
		return &n
	}
	return first
}
