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
	"github.com/trailmark/trailmark/internal/sqltext"
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
		s.Where(sql.P(func(b *sql.Builder) { writeSearch(b, s.C, pattern) }))
	}
}

// writeSearch writes Search's check of the columns that col names.
func writeSearch(b *sql.Builder, col func(string) string, pattern string) {
	b.WriteByte('(')
	for i, c := range searchColumns {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString("LOWER(").WriteString(col(c)).WriteString(") LIKE ").Arg(pattern).WriteString(` ESCAPE '\'`)
	}
	b.WriteByte(')')
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

// Searched is a search through the index (IndexedSearch).
type Searched struct {
	// Where is the search's predicate (nil: no search).
	Where predicate.AuditEntry
	// Indexed is how many indexed entries of the search's log hold the
	// text among the candidates read (0 without a log): at least that many
	// entries of the log match, if the text can be counted from the index
	// (IndexedCount).
	Indexed int
	// All says that Indexed is every indexed match of the log and that the
	// log has no tail: no candidate was left unread, none from the tail.
	All bool
	// Common says that the index's sample found the text common in the
	// log: at least CommonMatches of the log's entries match, by the
	// sample rather than by a count (sampledCommon). Where is then Search
	// alone, and no candidate was read.
	Common bool
	// Walk, with Common, is the walk of the log's ordered index rows that
	// can find a page of the text instead of the plain plan (SearchWalk);
	// nil when the log's tail is too long for it (MaxWalkTail).
	Walk *SearchWalk
}

// CommonMatches is how many entries of its log a text the sample calls
// common matches at least (Searched.Common).
const CommonMatches = 1000

// commonSample is how many matches in the sample make a text common. The
// sample is the index rows whose entry id ends in '0' (the partial GIN
// audit_search_sample): entry ids end in a random character
// (internal/ids), so each row of a log is in it with chance 1/32,
// whatever its text. A text with fewer than CommonMatches matches in the
// log then has fewer than 31.25 expected in the sample, and 80 or more
// with a chance below 1e-13 (the binomial tail); a text with 3 000
// matches reaches 80 with a chance of 0.94, one with 4 000 with 0.99999
// (docs/indexes.md "Common texts: the sample").
const commonSample = 80

// IndexedSearch is Search, narrowed through the search index
// (internal/searchindex) when the text is rare: the entry must also be one
// of the candidates — the indexed entries whose text holds the search
// text, and every entry the index does not hold yet (the tail). Search
// still decides what matches, and every entry it keeps is a candidate, so
// the candidates change the plan, never the answer; the query that uses
// the predicate still applies the privacy rules and every other filter.
//
// logID, when not "", is the one log the query can return entries of (a
// tenant's id, or ledger.PlatformLog): the candidates are then that log's
// alone, so a text common in other tenants costs this one nothing.
//
// The candidates are read in one statement, so in one snapshot: an entry
// committed before it is either indexed or in the tail. A text shorter
// than three characters, or with more than MaxSearchCandidates candidates
// (a common text, or a big tail while the index is filled), is Search alone.
// On PostgreSQL, a search of one log first asks the index's sample
// (sampledCommon): a text common in the log is Search alone without
// reading its candidates.
func IndexedSearch(ctx context.Context, db Querier, dia, text, logID string) (Searched, error) {
	exact := Search(text)
	lower := strings.ToLower(strings.TrimSpace(text))
	if exact == nil || utf8.RuneCountInString(lower) < minIndexedSearch {
		return Searched{Where: exact}, nil
	}
	if dia == dialect.Postgres && logID != "" && !strings.Contains(lower, "\n") {
		common, tail, err := sampledCommon(ctx, db, lower, logID)
		if err != nil {
			return Searched{}, fmt.Errorf("search index sample: %w", err)
		}
		if common {
			res := Searched{Where: exact, Common: true}
			if tail <= MaxWalkTail {
				res.Walk = &SearchWalk{logID: logID, pattern: "%" + escapeLike(lower) + "%"}
			}
			return res, nil
		}
	}
	ids, indexed, err := searchCandidates(ctx, db, dia, lower, logID)
	if err != nil {
		return Searched{}, fmt.Errorf("search index: %w", err)
	}
	if logID == "" {
		indexed = 0
	}
	if len(ids) > MaxSearchCandidates {
		return Searched{Where: exact, Indexed: indexed}, nil
	}
	return Searched{Where: auditentry.And(exact, auditentry.IDIn(ids...)), Indexed: indexed,
		All: logID != "" && indexed == len(ids)}, nil
}

// sampledCommon reports whether the sample of logID's index rows holds
// commonSample matches of lower (commonSample). It reads at most that
// many: the bitmap of the sample's GIN is a 32nd of the full index's,
// which for a common text is most of what its candidates cost (for
// "hopper" on a tenant of 300 000 entries, 0.6 ms of database CPU against
// 11–13 ms; docs/performance.md "2026-12-06 (morning)"). Only for a text
// without a line break: an index row holds each column on its own line,
// so then a match of the row is a match of a column, as Search checks.
//
// tail, for a common text (0 otherwise), is about how many entries of the
// log the index does not hold yet (numbered above the watermark, including
// entries retention deleted since, and up to MaxWalkTail+1 not numbered):
// what a walk of the index would check column by column (SearchWalk).
func sampledCommon(ctx context.Context, db Querier, lower, logID string) (common bool, tail int, err error) {
	// The tail only for a common text (CASE evaluates it only then): a
	// rare one pays nothing for it.
	rows, err := db.QueryContext(ctx, `SELECT s.n, CASE WHEN s.n >= $3 THEN
  (SELECT COUNT(*) FROM (SELECT 1 FROM log_leaves WHERE log_id = $1 AND seq IS NULL LIMIT $4) u)
  + COALESCE((SELECT next_seq FROM log_heads WHERE log_id = $1), 0)
  - COALESCE((SELECT indexed_seq FROM audit_search_heads WHERE log_id = $1), 0) ELSE 0 END
FROM (SELECT COUNT(*) AS n FROM (SELECT 1 FROM audit_search
  WHERE log_id = $1 AND doc LIKE $2 AND right(entry_id, 1) = '0' LIMIT $3) s) s`,
		logID, "%"+escapeLike(lower)+"%", commonSample, MaxWalkTail+1)
	if err != nil {
		return false, 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := rows.Scan(&n, &tail); err != nil {
			return false, 0, err
		}
	}
	return n >= commonSample, tail, rows.Err()
}

// searchCandidates reads up to MaxSearchCandidates+1 candidates: index
// matches, then the tail — entries whose leaf has no seq yet, and those at
// or above their log's watermark (audit_search_heads; no row: nothing
// indexed). The tail is a range of the (log_id, seq) index per log
// (LATERAL … OFFSET 0 keeps PostgreSQL from hash-joining every leaf), and
// leaves of deleted entries find no entry later. With a logID, all three
// are that log's. indexed is how many of the ids are index matches.
func searchCandidates(ctx context.Context, db Querier, dia, lower, logID string) (ids []string, indexed int, err error) {
	query, args := candidatesQuery(dia, lower, logID)
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var fromIndex bool
		if err := rows.Scan(&id, &fromIndex); err != nil {
			return nil, 0, err
		}
		ids = append(ids, id)
		if fromIndex {
			indexed++
		}
	}
	return ids, indexed, rows.Err()
}

// candidatesQuery is searchCandidates' statement and its arguments.
func candidatesQuery(dia, lower, logID string) (query string, args []any) {
	args = []any{nil, MaxSearchCandidates + 1}
	ofLog, ofHead := "", ""
	if logID != "" {
		args = append(args, logID)
		ofLog, ofHead = " AND log_id = $3", " WHERE h.log_id = $3"
	}
	if dia == dialect.Postgres {
		// pg_trgm: LIKE on the lowered text is a trigram index search
		// (backslash is LIKE's default escape on PostgreSQL); btree_gin
		// puts log_id in the same GIN index.
		query = `SELECT entry_id, 1 FROM audit_search WHERE doc LIKE $1` + ofLog + `
UNION ALL SELECT entry_id, 0 FROM log_leaves WHERE seq IS NULL` + ofLog + `
UNION ALL SELECT l.entry_id, 0 FROM log_heads h CROSS JOIN LATERAL (` + tailLeavesPG + `) l` + ofHead + `
LIMIT $2`
		args[0] = "%" + escapeLike(lower) + "%"
	} else {
		// FTS5's trigram tokenizer: a quoted phrase matches as a
		// substring, ignoring case ("" is a literal quote). It folds more
		// than LOWER does, so its matches are checked with LIKE as in
		// IndexedCount: an index match is then a match of the log.
		query = sqltext.Rebind(dia, `SELECT entry_id, doc LIKE $4 ESCAPE '\' FROM audit_search
  WHERE id IN (SELECT rowid FROM audit_search_fts WHERE audit_search_fts MATCH $1)`+ofLog+`
UNION ALL SELECT entry_id, 0 FROM log_leaves WHERE seq IS NULL`+ofLog+`
UNION ALL SELECT l.entry_id, 0 FROM log_heads h JOIN log_leaves l ON l.log_id = h.log_id
  AND l.seq >= COALESCE((SELECT indexed_seq FROM audit_search_heads w WHERE w.log_id = h.log_id), 0)`+ofHead+`
LIMIT $2`)
		args[0] = ftsPhrase(lower)
		if logID == "" {
			args = append(args, "")
		}
		args = append(args, "%"+escapeLike(lower)+"%")
	}
	return query, args
}

// tailLeavesPG selects the entry_id of the leaves of log h.log_id at or
// above the log's search watermark: a range of the (log_id, seq) index.
// The watermark is a subquery, whose value the planner does not know: with
// a lower bound alone it guesses a third of the log's leaves and, for a
// big log, scans every leaf instead. The upper bound h.next_seq changes
// no answer — every numbered leaf's seq is below its log's next_seq, which
// the sequencer moves in the leaves' transaction, and the statement reads
// both in one snapshot — but with two bounds the planner guesses a narrow
// range (PostgreSQL's default for a range between two unknown values:
// 0.5%) and reads the index, whatever the log's share of the leaves. A
// numbered leaf's log has a head: the sequencer creates it first.
const tailLeavesPG = `SELECT entry_id FROM log_leaves WHERE log_id = h.log_id
  AND seq >= COALESCE((SELECT indexed_seq FROM audit_search_heads w WHERE w.log_id = h.log_id), 0) AND seq < h.next_seq OFFSET 0`

// ftsPhrase quotes text as an FTS5 phrase ("" is a literal quote).
func ftsPhrase(lower string) string { return `"` + strings.ReplaceAll(lower, `"`, `""`) + `"` }

// IndexedCount returns, for a text the search index can count, the FROM
// clause of a count of one log's matches that stops at limit: the
// indexed entries whose text holds the search text, plus the tail's
// entries (as for the candidates) that Search matches. ok is false for a
// text the index cannot count (fewer than three characters, or a line
// break, which the indexed text puts between columns).
//
// The indexed text is the searched columns, lowered by the same LOWER,
// one per line (internal/searchindex.Doc), so for a text without a line
// break "the text holds it" is Search's "a column holds it": the count is
// exact, from the narrow index rows instead of the entries' eight
// columns. An entry is counted once: it is indexed exactly when its seq
// is below its log's watermark (the indexer moves both in one
// transaction). The caller must make sure the count's query is nothing
// but that log and the search (privacy rules included).
func IndexedCount(dia, text string, limit int) (from func(logID string) sql.Querier, ok bool) {
	lower := strings.ToLower(strings.TrimSpace(text))
	if utf8.RuneCountInString(lower) < minIndexedSearch || strings.Contains(lower, "\n") {
		return nil, false
	}
	pattern := "%" + escapeLike(lower) + "%"
	e := func(c string) string { return "e." + c }
	return func(logID string) sql.Querier {
		return sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("(SELECT 1 FROM audit_search WHERE log_id = ").Arg(logID)
			if dia == dialect.SQLite {
				b.WriteString(" AND id IN (SELECT rowid FROM audit_search_fts WHERE audit_search_fts MATCH ").
					Arg(ftsPhrase(lower)).WriteString(")")
			}
			b.WriteString(" AND doc LIKE ").Arg(pattern).WriteString(` ESCAPE '\'`)
			// The tail's leaves, each with its entry if Search matches it.
			// On PostgreSQL a LATERAL … OFFSET 0 keeps the entry a primary
			// key lookup per leaf: the watermark is a subquery, so the
			// planner guesses a third of the log's leaves for the range
			// and, once the tables have statistics, hash-joins them with a
			// scan of every entry (0.1 ms → 660 ms on a million entries;
			// docs/performance.md "2026-12-06 (night)"). SQLite has no
			// LATERAL and joins leaf by leaf anyway.
			if dia == dialect.Postgres {
				match := func() {
					b.WriteString(" CROSS JOIN LATERAL (SELECT 1 FROM audit_entries e WHERE e.id = l.entry_id AND ")
					writeSearch(b, e, pattern)
					b.WriteString(" OFFSET 0) m")
				}
				b.WriteString(" UNION ALL SELECT 1 FROM log_leaves l")
				match()
				b.WriteString(" WHERE l.log_id = ").Arg(logID).WriteString(" AND l.seq IS NULL")
				// The leaves at or above the watermark, as the candidates
				// read them (tailLeavesPG). With l.log_id = $1 and the
				// lower bound alone, the planner took a big log's share of
				// all leaves from the column's statistics, a third of that
				// for the range, and scanned every leaf of every log: 75–110
				// ms on a million leaves for a biggest tenant (30%) whose
				// range was empty, seconds at 32 clients
				// (docs/performance.md "2026-12-06 (late morning)").
				b.WriteString(" UNION ALL SELECT 1 FROM log_heads h CROSS JOIN LATERAL (" + tailLeavesPG + ") l")
				match()
				b.WriteString(" WHERE h.log_id = ").Arg(logID)
			} else {
				tail := func(cond func()) {
					b.WriteString(" UNION ALL SELECT 1 FROM log_leaves l JOIN audit_entries e ON e.id = l.entry_id WHERE l.log_id = ").Arg(logID)
					cond()
					b.WriteString(" AND ")
					writeSearch(b, e, pattern)
				}
				tail(func() { b.WriteString(" AND l.seq IS NULL") })
				tail(func() {
					b.WriteString(" AND l.seq >= COALESCE((SELECT indexed_seq FROM audit_search_heads WHERE log_id = ").
						Arg(logID).WriteString("), 0)")
				})
			}
			b.WriteString(" LIMIT ").Arg(limit).WriteString(") AS tm_search_count")
		})
	}, true
}

// escapeLike makes s literal inside a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
