package graph

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/ledger"
)

// pageWalk is a page of a text common in one log that may be found by
// walking the log's ordered search index (audit.SearchWalk) instead of
// the plain plan. The page's query does not hold the search: the walk
// replaces it, or the plain plan puts it back (walkOrPlain).
type pageWalk struct {
	walk   *audit.SearchWalk
	search predicate.AuditEntry
	// walked: the page's finished WHERE clause was the walk's tenant
	// alone, and the page walked.
	walked bool
}

// walkKey is the position of a cursor of the occurred_at order; ok is
// false for any other cursor (an id order's has no value).
func walkKey(c *ent.Cursor) (audit.WalkKey, bool) {
	t, ok := c.Value.(time.Time)
	return audit.WalkKey{At: t, ID: c.ID}, ok
}

// walkable reports whether a page in the order (col, dir) with these
// cursors can walk: the index is in occurred_at order, and its keyset is
// a time and an id.
func (w *pageWalk) walkable(col string, after, before *ent.Cursor) bool {
	if col != auditentry.FieldOccurredAt {
		return false
	}
	for _, c := range []*ent.Cursor{after, before} {
		if c == nil {
			continue
		}
		if _, ok := walkKey(c); !ok {
			return false
		}
	}
	return true
}

// walkOrPlain is a modifier of a page query (order and limit+1 set, the
// search, cursors and offset not applied) that looks at the finished
// WHERE clause — privacy rules included, as modifiers run last — and, when
// it is nothing but the walk's tenant, selects the page's rows by id from
// the walk, with the cursors and offset carried into it:
//
//	SELECT cols FROM audit_entries WHERE id = ANY(ARRAY(<the walk>))
//	ORDER BY occurred_at, id LIMIT n
//
// The walk reads the tenant's log alone, so its ids are rows of that
// tenant that hold the text; the outer statement looks them up by primary
// key (as deferOffset does). Anything else in the WHERE clause — a filter,
// a MEMBER's or a workspace's rule, a platform admin's — gets the plain
// plan: the search, the cursors' keyset and the offset, as the page
// applies them without a walk.
//
// order is the order's direction (the cursors' keyset), page the page's
// (reversed for last).
func (w *pageWalk) walkOrPlain(order, page entgql.OrderDirection, after, before *ent.Cursor, limit, offset int) func(*sql.Selector) {
	return func(s *sql.Selector) {
		if tenantID, ok := onlyTenant(s); ok && ledger.LogID(&tenantID) == w.walk.LogID() {
			var greater, less *audit.WalkKey
			for _, c := range []struct {
				c     *ent.Cursor
				after bool
			}{{after, true}, {before, false}} {
				if c.c == nil {
					continue
				}
				k, _ := walkKey(c.c)
				if (order == entgql.OrderDirectionAsc) == c.after {
					greater = &k
				} else {
					less = &k
				}
			}
			ids := w.walk.IDs(page == entgql.OrderDirectionDesc, greater, less, limit, offset)
			s.SetP(sql.P(func(b *sql.Builder) {
				b.Ident(s.C(auditentry.FieldID)).WriteString(" = ANY(ARRAY")
				b.Wrap(func(b *sql.Builder) { b.Join(ids) })
				b.WriteByte(')')
			}))
			w.walked = true
			return
		}
		w.search(s)
		if after != nil {
			keyset(auditentry.FieldOccurredAt, after, order, true)(s)
		}
		if before != nil {
			keyset(auditentry.FieldOccurredAt, before, order, false)(s)
		}
		switch {
		case offset >= deferredOffset:
			deferOffset(offset)(s)
		case offset > 0:
			s.Offset(offset)
		}
	}
}
