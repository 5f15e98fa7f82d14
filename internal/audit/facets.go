package audit

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"golang.org/x/sync/errgroup"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
)

// FacetLimit is how many values each facet lists.
const FacetLimit = 50

// Count is one facet value and how many entries have it.
type Count struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// FacetCounts summarise the entries of a query.
type FacetCounts struct {
	Total          int
	ByAction       []Count
	ByResourceType []Count
	ByActor        []Count // actor name, else actor id, else actor type
	ByStatus       []Count
	ByDay          []Count // YYYY-MM-DD in UTC
}

// Facets counts the entries q selects by action, resource type, actor,
// status and UTC day; each list is sorted by count (descending, ties by
// value) and holds the top FacetLimit. q carries the caller's context rules:
// every count runs through the privacy layer like the listing does.
func Facets(ctx context.Context, q *ent.AuditEntryQuery, dia string) (*FacetCounts, error) {
	f := &FacetCounts{}
	day := func(s *sql.Selector) string {
		if dia == dialect.Postgres {
			return fmt.Sprintf("to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD')", s.C(auditentry.FieldOccurredAt))
		}
		// SQLite stores times as UTC text "YYYY-MM-DD HH:MM:SS…" (audit.Create).
		return fmt.Sprintf("substr(%s, 1, 10)", s.C(auditentry.FieldOccurredAt))
	}
	actor := func(s *sql.Selector) string {
		return fmt.Sprintf("COALESCE(%s, %s, %s)", s.C(auditentry.FieldActorName), s.C(auditentry.FieldActorID), s.C(auditentry.FieldActorType))
	}
	column := func(col string) func(*sql.Selector) string {
		return func(s *sql.Selector) string { return s.C(col) }
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		n, err := q.Clone().Count(gctx)
		f.Total = n
		return err
	})
	for _, facet := range []struct {
		expr func(*sql.Selector) string
		dst  *[]Count
	}{
		{column(auditentry.FieldAction), &f.ByAction},
		{column(auditentry.FieldResourceType), &f.ByResourceType},
		{actor, &f.ByActor},
		{column(auditentry.FieldStatus), &f.ByStatus},
		{day, &f.ByDay},
	} {
		g.Go(func() error {
			var rows []Count
			err := q.Clone().Modify(func(s *sql.Selector) {
				expr := facet.expr(s)
				s.Select(sql.As(expr, "value"), sql.As(sql.Count("*"), "count")).
					GroupBy(expr).
					OrderExpr(sql.Expr("count DESC"), sql.Expr("value ASC")).
					Limit(FacetLimit)
			}).Scan(gctx, &rows)
			if rows == nil {
				rows = []Count{}
			}
			*facet.dst = rows
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("count facets: %w", err)
	}
	return f, nil
}
