package audit

import (
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
)

// MaxSearch caps the length of a search text.
const MaxSearch = 200

// searchColumns are what `search` looks in: action, resource, actor, workspace.
var searchColumns = []string{
	auditentry.FieldAction, auditentry.FieldResourceType, auditentry.FieldResourceID,
	auditentry.FieldResourceName, auditentry.FieldActorName, auditentry.FieldActorEmail,
	auditentry.FieldActorID, auditentry.FieldWorkspace,
}

// Search matches entries where any searched column contains text, ignoring
// case. The text is literal: % and _ match themselves. It returns nil for a
// blank text.
//
// From three characters on, the predicate first asks a trigram index for
// candidates — on PostgreSQL the pg_trgm index over the lowered, joined
// columns; on SQLite the FTS5 table audit_entries_search — and keeps the
// exact per-column test below, so the result is the same as without the
// index (docs/indexes.md "Search"). Shorter texts have no trigram to look
// up and scan as before.
func Search(text string) predicate.AuditEntry {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	lower := strings.ToLower(text)
	pattern := "%" + escapeLike(lower) + "%"
	indexed := utf8.RuneCountInString(lower) >= 3
	return func(s *sql.Selector) {
		preds := make([]*sql.Predicate, len(searchColumns))
		for i, col := range searchColumns {
			c := s.C(col)
			preds[i] = sql.P(func(b *sql.Builder) {
				b.WriteString("LOWER(").WriteString(c).WriteString(") LIKE ").Arg(pattern).WriteString(` ESCAPE '\'`)
			})
		}
		exact := sql.Or(preds...)
		if !indexed {
			s.Where(exact)
			return
		}
		switch s.Dialect() {
		case dialect.Postgres:
			// The same expression as the index auditentry_search_trgm
			// (migration audit_search_indexes), or the planner cannot use it.
			joined := make([]string, len(searchColumns))
			for i, col := range pgSearchOrder {
				c := s.C(col)
				if col != auditentry.FieldAction && col != auditentry.FieldResourceType {
					c = "coalesce(" + c + ", '')"
				}
				joined[i] = c
			}
			expr := "lower(" + strings.Join(joined, " || ' ' || ") + ")"
			s.Where(sql.And(sql.P(func(b *sql.Builder) {
				b.WriteString(expr).WriteString(" LIKE ").Arg(pattern).WriteString(` ESCAPE '\'`)
			}), exact))
		case dialect.SQLite:
			// A quoted FTS5 string is a substring query for the trigram
			// tokenizer, which folds case itself.
			phrase := `"` + strings.ReplaceAll(lower, `"`, `""`) + `"`
			s.Where(sql.And(sql.P(func(b *sql.Builder) {
				b.WriteString(s.C("rowid")).WriteString(" IN (SELECT rowid FROM audit_entries_search WHERE audit_entries_search MATCH ").Arg(phrase).WriteString(")")
			}), exact))
		default:
			s.Where(exact)
		}
	}
}

// pgSearchOrder is the order of the columns in the PostgreSQL index
// expression.
var pgSearchOrder = []string{
	auditentry.FieldAction, auditentry.FieldResourceType, auditentry.FieldResourceID,
	auditentry.FieldResourceName, auditentry.FieldActorName, auditentry.FieldActorEmail,
	auditentry.FieldActorID, auditentry.FieldWorkspace,
}

// escapeLike makes s literal inside a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
