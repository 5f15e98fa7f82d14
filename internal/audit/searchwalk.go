package audit

import (
	"time"

	"entgo.io/ent/dialect/sql"
)

// MaxWalkTail is the longest tail (entries of a log the search index does
// not hold yet) with which a common text's page walks the index
// (SearchWalk): every tail entry is checked column by column, so during a
// backfill, when the tail is most of the log, the plain plan is cheaper.
// In a steady state the tail is what the indexer has not reached since its
// last pass (Config.Every, one second), far below this.
const MaxWalkTail = 1000

// WalkKey is a position in a log's order: an entry's occurred_at and id,
// as a cursor of the occurred_at order holds them.
type WalkKey struct {
	At time.Time
	ID string
}

// SearchWalk finds a page of a text common in one log (PostgreSQL only)
// by walking the log's index rows in the page's order — the B-tree
// audit_search_order (log_id, occurred_at, entry_id) INCLUDE (doc) — and
// testing each row's narrow doc, instead of the plain plan, which walks
// the entries in order and tests their eight searched columns (a page of
// "hopper" in a tenant of 300 000 entries: 1.3 ms of database CPU against
// 4.8; docs/performance.md "2026-12-06 (late morning)"). The log's tail is
// merged in: the entries the index does not hold yet, each tested by
// Search's columns, as IndexedCount does.
//
// A match of the index row is a match of the entry because the text has
// no line break (sampledCommon is asked only for such a text): the row's
// doc is the searched columns, lowered, one per line. The caller must make
// sure the page's query is nothing but that log and the search (privacy
// rules included): the walk returns the log's matches, whatever else
// would narrow them.
type SearchWalk struct {
	logID   string
	pattern string
}

// LogID is the log the walk reads.
func (w *SearchWalk) LogID() string { return w.logID }

// IDs is a statement selecting the ids of a page of the walk's matches in
// the order (occurred_at, id), descending with desc: the matches after
// (greater, in the ascending order) and before (less) the given keys when
// not nil, skipping offset and returning at most limit. Each of the
// index's and the tail's branches stops at offset+limit rows.
//
// One statement reads one snapshot: an entry committed before it is
// either indexed or in the tail (the indexer moves its rows and the log's
// watermark in one transaction), never both.
func (w *SearchWalk) IDs(desc bool, greater, less *WalkKey, limit, offset int) sql.Querier {
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	return sql.ExprFunc(func(b *sql.Builder) {
		keys := func(at, id string) {
			if greater != nil {
				b.WriteString(" AND (" + at + ", " + id + ") > (").Arg(greater.At).Comma().Arg(greater.ID).WriteByte(')')
			}
			if less != nil {
				b.WriteString(" AND (" + at + ", " + id + ") < (").Arg(less.At).Comma().Arg(less.ID).WriteByte(')')
			}
		}
		b.WriteString("SELECT entry_id FROM ((SELECT entry_id, occurred_at FROM audit_search WHERE log_id = ").Arg(w.logID).
			WriteString(" AND doc LIKE ").Arg(w.pattern).WriteString(` ESCAPE '\'`)
		keys("occurred_at", "entry_id")
		b.WriteString(" ORDER BY occurred_at" + dir + ", entry_id" + dir + " LIMIT ").Arg(offset + limit).WriteByte(')')
		// The tail, as in IndexedCount: a LATERAL … OFFSET 0 keeps each
		// entry a primary key lookup of its leaf, and the leaves above
		// the watermark are read through the log's head (tailLeavesPG),
		// so that the planner guesses a narrow range of the (log_id,
		// seq) index instead of a third of a big log.
		e := func(c string) string { return "e." + c }
		match := func() {
			b.WriteString(" CROSS JOIN LATERAL (SELECT e.id, e.occurred_at FROM audit_entries e WHERE e.id = l.entry_id AND ")
			writeSearch(b, e, w.pattern)
			keys("e.occurred_at", "e.id")
			b.WriteString(" OFFSET 0) m")
		}
		b.WriteString(" UNION ALL SELECT m.id, m.occurred_at FROM log_leaves l")
		match()
		b.WriteString(" WHERE l.log_id = ").Arg(w.logID).WriteString(" AND l.seq IS NULL")
		b.WriteString(" UNION ALL SELECT m.id, m.occurred_at FROM log_heads h CROSS JOIN LATERAL (" + tailLeavesPG + ") l")
		match()
		b.WriteString(" WHERE h.log_id = ").Arg(w.logID)
		b.WriteString(") AS tm_walk ORDER BY occurred_at" + dir + ", entry_id" + dir + " LIMIT ").Arg(limit)
		if offset > 0 {
			b.WriteString(" OFFSET ").Arg(offset)
		}
	})
}
