package graph

import (
	"context"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
)

// deferredOffset is the offset from which a page's skipped rows are read
// from an index only.
const deferredOffset = 500

// pageEntries runs q, a page query with order and limit set, skipping
// offset rows. For a deep offset the skipped rows are never fetched from
// the table: the page's rows are selected by id from a subquery that reads
// only the ids — an index-only scan over the skipped rows on
// (tenant_id, occurred_at, id) — in one statement (deferOffset). On a
// million rows this took offset 10 000 from 26 ms to about 3 ms
// (docs/indexes.md "Deep pages").
func pageEntries(ctx context.Context, q *ent.AuditEntryQuery, offset int, cols []string) ([]*ent.AuditEntry, error) {
	if offset >= deferredOffset {
		q.Modify(deferOffset(offset))
	} else if offset > 0 {
		q.Offset(offset)
	}
	if cols != nil { // only the columns the selected fields read
		q.Select(cols...)
	}
	return q.All(ctx)
}

// deferOffset is a modifier of a page query (order and limit set, no
// offset) that skips offset rows in a subquery of ids:
//
//	SELECT cols FROM audit_entries WHERE id IN (
//	  SELECT id FROM audit_entries WHERE <where> ORDER BY <order> LIMIT n OFFSET m)
//	ORDER BY <order> LIMIT n
//
// Modifiers of a query's rows run last, so <where> is the finished WHERE
// clause, privacy rules included. The outer query looks the page's rows up
// by primary key and does not test <where> again: one statement reads one
// snapshot, so the subquery's ids are rows that match it. With <where>
// outside too, both databases would walk the tenant index in order a second
// time, testing each id against the subquery's.
//
// PostgreSQL gets id = ANY(ARRAY(subquery)) instead of IN: an uncorrelated
// subplan run once and an index scan of the primary key, without the
// semi-join the planner would otherwise plan for IN (~0.1 ms less backend
// CPU a page, docs/performance.md "the offset page in one statement").
func deferOffset(offset int) func(*sql.Selector) {
	return func(s *sql.Selector) {
		ids := s.Clone().Offset(offset)
		ids.Select(s.C(auditentry.FieldID))
		if s.Dialect() != dialect.Postgres {
			s.SetP(sql.In(s.C(auditentry.FieldID), ids))
			return
		}
		s.SetP(sql.P(func(b *sql.Builder) {
			b.Ident(s.C(auditentry.FieldID)).WriteString(" = ANY(ARRAY")
			b.Wrap(func(b *sql.Builder) { b.Join(ids) })
			b.WriteByte(')')
		}))
	}
}
