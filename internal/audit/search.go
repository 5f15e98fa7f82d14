package audit

import (
	"context"
	stdsql "database/sql"
	"fmt"
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
// internal/searchindex.Doc indexes the same columns.
var searchColumns = []string{
	auditentry.FieldAction, auditentry.FieldResourceType, auditentry.FieldResourceID,
	auditentry.FieldResourceName, auditentry.FieldActorName, auditentry.FieldActorEmail,
	auditentry.FieldActorID, auditentry.FieldWorkspace,
}

// Search matches entries where any searched column contains text, ignoring
// case. The text is literal: % and _ match themselves. It returns nil for a
// blank text. It scans; IndexedSearch narrows it through the search index.
func Search(text string) predicate.AuditEntry {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	pattern := "%" + escapeLike(strings.ToLower(text)) + "%"
	return func(s *sql.Selector) {
		preds := make([]*sql.Predicate, len(searchColumns))
		for i, col := range searchColumns {
			c := s.C(col)
			preds[i] = sql.P(func(b *sql.Builder) {
				b.WriteString("LOWER(").WriteString(c).WriteString(") LIKE ").Arg(pattern).WriteString(` ESCAPE '\'`)
			})
		}
		s.Where(sql.Or(preds...))
	}
}

// minIndexedSearch is the shortest text the trigram index can answer: a
// shorter one holds no trigram, and an index search for it would read the
// whole index. Such a text matches much of a log anyway, so a page finds
// its rows after a few entries of the log's order.
const minIndexedSearch = 3

// MaxSearchCandidates is how many candidates IndexedSearch takes from the
// index: a text with more is common, and a page of it is found sooner by
// walking the log's order than by sorting its every match (docs/indexes.md
// "Search: a side index off the commit path").
const MaxSearchCandidates = 2000

// Querier runs the candidates query (a *sql.DB or *sql.Tx).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error)
}

// IndexedSearch is Search, narrowed through the search index
// (internal/searchindex) when the text is rare: the entry must also be one
// of the candidates — the indexed entries whose text holds the search
// text, and every entry the index does not hold yet (the tail). Search
// still decides what matches, and every entry it keeps is a candidate, so
// the candidates change the plan, never the answer; the query that uses
// the predicate still applies the privacy rules and every other filter.
//
// The candidates are read in one statement, so in one snapshot: an entry
// committed before it is either indexed or in the tail. A text shorter
// than three characters, or with more than MaxSearchCandidates candidates
// (a common text, or a big tail while the index is filled), is Search alone.
func IndexedSearch(ctx context.Context, db Querier, dia, text string) (predicate.AuditEntry, error) {
	exact := Search(text)
	lower := strings.ToLower(strings.TrimSpace(text))
	if exact == nil || utf8.RuneCountInString(lower) < minIndexedSearch {
		return exact, nil
	}
	ids, err := searchCandidates(ctx, db, dia, lower)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	if len(ids) > MaxSearchCandidates {
		return exact, nil
	}
	return auditentry.And(exact, auditentry.IDIn(ids...)), nil
}

// searchCandidates reads up to MaxSearchCandidates+1 candidates: index
// matches, then the tail — entries whose leaf has no seq yet, and those at
// or above their log's watermark (audit_search_heads; no row: nothing
// indexed). The tail is a range of the (log_id, seq) index per log
// (LATERAL … OFFSET 0 keeps PostgreSQL from hash-joining every leaf), and
// leaves of deleted entries find no entry later.
func searchCandidates(ctx context.Context, db Querier, dia, lower string) ([]string, error) {
	var query string
	var arg any
	if dia == dialect.Postgres {
		// pg_trgm: LIKE on the lowered text is a trigram index search
		// (backslash is LIKE's default escape on PostgreSQL).
		query = `SELECT entry_id FROM audit_search WHERE doc LIKE $1
UNION ALL SELECT entry_id FROM log_leaves WHERE seq IS NULL
UNION ALL SELECT l.entry_id FROM log_heads h CROSS JOIN LATERAL (SELECT entry_id FROM log_leaves
  WHERE log_id = h.log_id AND seq >= COALESCE((SELECT indexed_seq FROM audit_search_heads w WHERE w.log_id = h.log_id), 0) OFFSET 0) l
LIMIT $2`
		arg = "%" + escapeLike(lower) + "%"
	} else {
		// FTS5's trigram tokenizer: a quoted phrase matches as a
		// substring, ignoring case ("" is a literal quote).
		query = `SELECT entry_id FROM audit_search WHERE id IN (SELECT rowid FROM audit_search_fts WHERE audit_search_fts MATCH ?1)
UNION ALL SELECT entry_id FROM log_leaves WHERE seq IS NULL
UNION ALL SELECT l.entry_id FROM log_heads h JOIN log_leaves l ON l.log_id = h.log_id
  AND l.seq >= COALESCE((SELECT indexed_seq FROM audit_search_heads w WHERE w.log_id = h.log_id), 0)
LIMIT ?2`
		arg = `"` + strings.ReplaceAll(lower, `"`, `""`) + `"`
	}
	rows, err := db.QueryContext(ctx, query, arg, MaxSearchCandidates+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// escapeLike makes s literal inside a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
