package graph

import (
	"context"
	"strconv"
	"strings"

	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/ledger"
)

// counterTable holds per-tenant entry counts, kept by database triggers
// (migration audit_entry_counts; docs/indexes.md "Counting").
const counterTable = "audit_entry_counts"

// auditCount is what an auditEntries totalCount counts.
type auditCount struct {
	// q is the scoped and filtered query, without the search.
	q *ent.AuditEntryQuery
	// search is the search's predicate (nil: no search).
	search predicate.AuditEntry
	// indexed, when the search index can count the search's text, is the
	// FROM clause of that count in one log (audit.IndexedCount).
	indexed func(logID string) sql.Querier
	// indexedMatches entries of the log indexedLog are known to match
	// (the search's candidates, audit.Searched.Indexed) — all of them
	// with indexedAll (audit.Searched.All).
	indexedLog     string
	indexedMatches int
	indexedAll     bool
	// indexedCommon: the index's sample found the text common in
	// indexedLog (audit.Searched.Common): at least audit.CommonMatches of
	// its entries match.
	indexedCommon bool
	// limit > 0 stops the count there (a search: searchCountCap).
	limit int
}

// countAuditEntries is q.Count, with three changes measured on a million
// rows: COUNT(*) instead of COUNT(id), so the (tenant_id, action, …) and
// similar indexes answer it from the index alone; when the final WHERE
// clause — privacy rules included — is nothing but tenant_id = X, the
// answer comes from the trigger-kept counters: the same number, from a few
// rows instead of a scan of the tenant's whole log; and when it is nothing
// but tenant_id = X and a search the index can count, the search index
// counts it (audit.IndexedCount): the same number, from the narrow index
// rows of X's log instead of the eight searched columns of X's entries —
// or from the search's candidates, when they held the capped count or
// every match of the log already, or from the index's sample when it
// found the text common (estimated is then true: the cap, not counted).
// The check is on the SQL ent is about to run, so it cannot count more
// than the query would.
//
// With c.limit > 0 it counts at most limit entries: COUNT(*) over the
// subquery SELECT 1 … LIMIT limit, which stops at the limit-th match
// instead of visiting every one (a search's count, searchCountCap).
func countAuditEntries(ctx context.Context, c auditCount) (n int, estimated bool, err error) {
	// An aggregate function sees the finished selector, privacy predicates
	// included (a modifier would run before them).
	n, err = c.q.Clone().Aggregate(func(s *sql.Selector) string {
		if c.search != nil {
			if tenantID, ok := onlyTenant(s); ok && c.indexed != nil {
				logID := ledger.LogID(&tenantID)
				if logID == c.indexedLog && knownFromSample(c) {
					// The sample vouches for the cap: nothing to count.
					estimated = true
					s.FromExpr(sql.Raw("(SELECT 1) AS tm_known_count")).SetP(nil)
					return "MAX(" + strconv.Itoa(c.limit) + ")"
				}
				if logID == c.indexedLog && c.limit > 0 && (c.indexedMatches >= c.limit || c.indexedAll) {
					// The candidates held the count: nothing to count again.
					s.FromExpr(sql.Raw("(SELECT 1) AS tm_known_count")).SetP(nil)
					return "MAX(" + strconv.Itoa(min(c.limit, c.indexedMatches)) + ")"
				}
				s.FromExpr(c.indexed(logID)).SetP(nil)
				return "COUNT(*)"
			}
			c.search(s)
		}
		if c.limit > 0 {
			inner := s.Clone().ClearOrder().Limit(c.limit)
			inner.SelectExpr(sql.Expr("1"))
			s.From(inner.As("capped")).SetP(nil)
			return "COUNT(*)"
		}
		if tenantID, ok := onlyTenant(s); ok {
			t := sql.Table(counterTable)
			s.From(t).SetP(sql.EQ(t.C("tenant_id"), tenantID))
			return "COALESCE(SUM(" + t.C("n") + "), 0)"
		}
		return "COUNT(*)"
	}).Int(ctx)
	return n, estimated && err == nil, err
}

// knownFromSample reports whether c's count is its cap, vouched for by the
// index's sample, once its WHERE clause is found to be the sampled log's
// tenant alone (countAuditEntries; a walked page, pageWalk).
func knownFromSample(c auditCount) bool {
	return c.limit > 0 && c.limit <= audit.CommonMatches && c.indexedCommon
}

// onlyTenant reports whether the WHERE clause of s is one or more
// tenant_id = X (or tenant_id IN (X)) conjuncts with a single X, and
// returns X.
func onlyTenant(s *sql.Selector) (string, bool) {
	p := s.P()
	if p == nil || s.TableName() != auditentry.Table {
		return "", false
	}
	// Render a copy: the selector renders p again, in its own dialect.
	where, args := sql.And(p).Query()
	if strings.Contains(where, " OR ") || strings.Contains(where, "NOT") || len(args) == 0 {
		return "", false
	}
	// A member's privacy rule reads tenant_id IN (…): with one tenant,
	// the same as =.
	col := s.C(auditentry.FieldTenantID)
	for _, part := range strings.Split(strings.NewReplacer("(", "", ")", "").Replace(where), " AND ") {
		if part = strings.TrimSpace(part); part != col+" = ?" && part != col+" IN ?" {
			return "", false
		}
	}
	tenantID, ok := args[0].(string)
	for _, a := range args[1:] {
		ok = ok && a == tenantID
	}
	if !ok {
		return "", false
	}
	return tenantID, true
}

// pageCountColumn is the column countInPage adds to a page's rows.
const pageCountColumn = "tm_total_count"

// countInPage is a modifier of a page query (no cursor: its WHERE clause is
// the count's) that adds the trigger-kept count to every row when the
// finished WHERE clause — privacy rules included, as modifiers run last —
// is nothing but tenant_id = X: the count and the page in one statement and
// one snapshot, a round trip less. Other WHERE clauses are counted apart
// (countAuditEntries), as before.
func countInPage(s *sql.Selector) {
	tenantID, ok := onlyTenant(s)
	if !ok {
		return
	}
	s.AppendSelectExprAs(sql.ExprFunc(func(b *sql.Builder) {
		b.WriteString("SELECT CAST(COALESCE(SUM(").Ident("n").WriteString("), 0) AS BIGINT) FROM ").
			Ident(counterTable).WriteString(" WHERE ").Ident("tenant_id").WriteString(" = ").Arg(tenantID)
	}), pageCountColumn)
}

// countOfPage is the count countInPage added to the page's rows, if it did
// and there is a row to carry it.
func countOfPage(nodes []*ent.AuditEntry) (int, bool) {
	if len(nodes) == 0 {
		return 0, false
	}
	v, err := nodes[0].Value(pageCountColumn)
	if err != nil {
		return 0, false
	}
	switch v := v.(type) {
	case int64:
		return int(v), true
	case []byte:
		n, err := strconv.Atoi(string(v))
		return n, err == nil
	case string:
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}

// searchCountCap is where a search's totalCount stops (docs/api.md): a
// common text matches a large part of a big tenant, and counting every
// match is what kept search from answering at a million entries
// (docs/indexes.md "Search"). TestSearchCountCapped records 1 003 entries
// to reach it.
const searchCountCap = 1000

// countCapFor is the count cap of an auditEntries query: searchCountCap
// with a search, none without.
func countCapFor(search *string) int {
	if search == nil || strings.TrimSpace(*search) == "" {
		return 0
	}
	return searchCountCap
}

// countReachedCap reports whether a totalCount of n reached limit, the
// cap of its auditEntries field (0: none): at least that many entries
// match.
func countReachedCap(limit, n int) bool { return limit > 0 && n >= limit }
