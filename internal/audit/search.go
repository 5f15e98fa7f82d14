package audit

import (
	"regexp"
	"strings"

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

// A search matches where a column contains the text starting at the
// beginning of a word. Words are what the separators leave: the ASCII
// characters other than letters and digits (space, punctuation, control
// characters). Every other character — ASCII letters and digits, and any
// non-ASCII character — is part of a word. Both dialects use this one
// definition, so the word indexes (PostgreSQL: a GIN index over the words,
// SQLite: an FTS5 table with the ascii tokenizer) hold exactly the words
// the check below starts matches at (docs/indexes.md "Search").

// sepClassPG is the separators as a PostgreSQL regular expression class.
// It is part of the search index's expression (migration search_words):
// change both together.
const sepClassPG = `[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]`

// sepClassGlob is the separators as a SQLite GLOB class: the ranges
// 0x01-'/', ':'-'@', '['-'`' and '{'-0x7f.
const sepClassGlob = "[\x01-/:-@[-`{-\x7f]"

// SearchWordsPG is the indexed expression on PostgreSQL: the entry's
// words, lowered, as a tsvector. Keep it identical to the expression of
// the index auditentry_search_words (migration search_words), or the
// planner cannot use the index.
var SearchWordsPG = func() string {
	cols := make([]string, len(searchColumns))
	for i, c := range searchColumns {
		cols[i] = "COALESCE(" + c + ", '')"
	}
	return "array_to_tsvector(array_remove(regexp_split_to_array(lower(" +
		strings.Join(cols, " || ' ' || ") + "), '" + sepClassPG + "+'), ''))"
}()

// isSep reports whether r separates words.
func isSep(r rune) bool {
	return r < 0x80 && !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
}

// searchWords splits a lowered search text into the words the index must
// hold for a match, and whether the last of them is only a prefix (the
// text does not end with a separator).
func searchWords(text string) (words []string, lastIsPrefix bool) {
	words = strings.FieldsFunc(text, isSep)
	r := []rune(text)
	return words, len(r) > 0 && !isSep(r[len(r)-1])
}

// Search matches entries where any searched column contains text, ignoring
// case, starting at the beginning of a word of the column (or anywhere, if
// the text itself starts with a separator). The text is literal. It
// returns nil for a blank text.
//
// An index narrows the entries to those holding every word of the text
// (the last one as a prefix); the exact check then keeps the entries where
// one column holds the whole text at a word start. Every entry the check
// keeps holds those words, so the index never loses a match.
func Search(text string) predicate.AuditEntry {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	lower := strings.ToLower(text)
	words, lastIsPrefix := searchWords(lower)
	atWordStart := !isSep([]rune(lower)[0])
	return func(s *sql.Selector) {
		if s.Dialect() == dialect.Postgres {
			searchPG(s, lower, words, lastIsPrefix, atWordStart)
			return
		}
		searchSQLite(s, lower, words, lastIsPrefix, atWordStart)
	}
}

func searchPG(s *sql.Selector, lower string, words []string, lastIsPrefix, atWordStart bool) {
	var preds []*sql.Predicate
	if len(words) > 0 {
		// Lexemes are written as tsquery input: quoted, with no parser in
		// between, so they are exactly the words split above (a word
		// holds no quote or backslash: both are separators).
		terms := make([]string, len(words))
		for i, w := range words {
			terms[i] = "'" + w + "'"
		}
		if lastIsPrefix {
			terms[len(terms)-1] += ":*"
		}
		tsq := strings.Join(terms, " & ")
		// The expression names the columns unqualified, as the index
		// does; audit entry queries read one table.
		preds = append(preds, sql.P(func(b *sql.Builder) {
			b.WriteString(SearchWordsPG).WriteString(" @@ ").Arg(tsq).WriteString("::tsquery")
		}))
	}
	pattern := regexp.QuoteMeta(lower)
	if atWordStart {
		pattern = "(^|" + sepClassPG + ")" + pattern
	}
	exact := make([]*sql.Predicate, len(searchColumns))
	for i, col := range searchColumns {
		c := s.C(col)
		exact[i] = sql.P(func(b *sql.Builder) {
			b.WriteString("LOWER(").WriteString(c).WriteString(") ~ ").Arg(pattern)
		})
	}
	s.Where(sql.And(append(preds, sql.Or(exact...))...))
}

func searchSQLite(s *sql.Selector, lower string, words []string, lastIsPrefix, atWordStart bool) {
	var preds []*sql.Predicate
	if len(words) > 0 {
		terms := make([]string, len(words))
		for i, w := range words {
			terms[i] = `"` + w + `"` // a word holds no double quote: it is a separator
		}
		if lastIsPrefix {
			terms[len(terms)-1] += "*"
		}
		match := strings.Join(terms, " ")
		t := s.TableName()
		preds = append(preds, sql.P(func(b *sql.Builder) {
			b.WriteString(b.Quote(t)).WriteString(".rowid IN (SELECT rowid FROM ").
				WriteString(b.Quote(SearchTableSQLite)).WriteString(" WHERE ").
				WriteString(b.Quote(SearchTableSQLite)).WriteString(" MATCH ").Arg(match).WriteString(")")
		}))
	}
	lit := escapeGlob(lower)
	exact := make([]*sql.Predicate, 0, 2*len(searchColumns))
	for _, col := range searchColumns {
		c := s.C(col)
		if atWordStart {
			exact = append(exact,
				sql.P(func(b *sql.Builder) {
					b.WriteString("LOWER(").WriteString(c).WriteString(") GLOB ").Arg(lit + "*")
				}),
				sql.P(func(b *sql.Builder) {
					b.WriteString("LOWER(").WriteString(c).WriteString(") GLOB ").Arg("*" + sepClassGlob + lit + "*")
				}))
		} else {
			exact = append(exact, sql.P(func(b *sql.Builder) {
				b.WriteString("LOWER(").WriteString(c).WriteString(") GLOB ").Arg("*" + lit + "*")
			}))
		}
	}
	s.Where(sql.And(append(preds, sql.Or(exact...))...))
}

// SearchTableSQLite is the FTS5 table of the entries' words on SQLite
// (migration search_words), keyed by audit_entries.rowid.
const SearchTableSQLite = "audit_entry_words"

// escapeGlob makes s literal inside a GLOB pattern.
func escapeGlob(s string) string {
	return strings.NewReplacer(`*`, `[*]`, `?`, `[?]`, `[`, `[[]`).Replace(s)
}
