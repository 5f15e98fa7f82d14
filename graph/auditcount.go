package graph

import (
	"context"
	"strings"

	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
)

// counterTable holds per-tenant entry counts, kept by database triggers
// (migration audit_entry_counts; docs/indexes.md "Counting").
const counterTable = "audit_entry_counts"

// countAuditEntries is q.Count, with two changes measured on a million
// rows: COUNT(*) instead of COUNT(id), so the (tenant_id, action, …) and
// similar indexes answer it from the index alone; and when the final WHERE
// clause — privacy rules included — is nothing but tenant_id = X, the
// answer comes from the trigger-kept counters: the same number, from a few
// rows instead of a scan of the tenant's whole log. The check is on the SQL
// ent is about to run, so it cannot count more than the query would.
func countAuditEntries(ctx context.Context, q *ent.AuditEntryQuery) (int, error) {
	// An aggregate function sees the finished selector, privacy predicates
	// included (a modifier would run before them).
	return q.Clone().Aggregate(func(s *sql.Selector) string {
		if tenantID, ok := onlyTenant(s); ok {
			t := sql.Table(counterTable)
			s.From(t).SetP(sql.EQ(t.C("tenant_id"), tenantID))
			return "COALESCE(SUM(" + t.C("n") + "), 0)"
		}
		return "COUNT(*)"
	}).Int(ctx)
}

// onlyTenant reports whether the WHERE clause of s is one or more
// tenant_id = X conjuncts with a single X, and returns X.
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
	want := s.C(auditentry.FieldTenantID) + " = ?"
	for _, part := range strings.Split(strings.NewReplacer("(", "", ")", "").Replace(where), " AND ") {
		if strings.TrimSpace(part) != want {
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
