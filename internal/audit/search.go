package audit

import (
	"fmt"
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
const sepClassPG = `[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]`

// wordClassPG is a word character: anything but a separator.
const wordClassPG = `[^\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]`

// sepClassGlob is the separators as a SQLite GLOB class: the ranges
// 0x01-'/', ':'-'@', '['-'`' and '{'-0x7f.
const sepClassGlob = "[\x01-/:-@[-`{-\x7f]"

// maxIndexedWord is how many characters of a word the PostgreSQL index
// keeps: a tsvector lexeme holds at most 2 047 bytes, and the columns
// have no length limit in the database.
const maxIndexedWord = 100

// SearchWordsPG is the indexed expression on PostgreSQL: the entry's
// words, lowered and each cut to maxIndexedWord characters, as a tsvector.
// The index auditentry_search_words holds (tenant_id, this expression)
// (btree_gin), so a search of one tenant is one GIN scan of that tenant's
// postings of the words, not an intersection with the tenant's whole log.
// Keep it identical to the expression of the index (migration
// search_words), or the planner cannot use the index.
var SearchWordsPG = func() string {
	cols := make([]string, len(searchColumns))
	for i, c := range searchColumns {
		cols[i] = "COALESCE(" + c + ", '')"
	}
	words := "regexp_replace(lower(" + strings.Join(cols, " || ' ' || ") + "), " +
		"'(" + wordClassPG + "{" + fmt.Sprint(maxIndexedWord) + "})" + wordClassPG + "*', '\\1', 'g')"
	return "array_to_tsvector(array_remove(regexp_split_to_array(" + words + ", '" + sepClassPG + "+'), ''))"
}()

// isSep reports whether r separates words.
func isSep(r rune) bool {
	return r < 0x80 && !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
}

// searchText is a search text taken apart.
type searchText struct {
	lower string
	// words are the words the index must hold for a match; the last is
	// only a prefix when lastIsPrefix.
	words        []string
	lastIsPrefix bool
	// atWordStart: the text starts with a word character, so a match
	// must start a word.
	atWordStart bool
	// oneWord: the text is one word, so the words index alone decides
	// (no exact check).
	oneWord bool
}

func parseSearch(text string) searchText {
	t := searchText{lower: strings.ToLower(text)}
	t.words = strings.FieldsFunc(t.lower, isSep)
	r := []rune(t.lower)
	t.atWordStart = !isSep(r[0])
	t.lastIsPrefix = !isSep(r[len(r)-1])
	t.oneWord = len(t.words) == 1 && t.words[0] == t.lower
	return t
}

// Search matches entries where any searched column contains text, ignoring
// case, starting at the beginning of a word of the column (or anywhere, if
// the text itself starts with a separator). The text is literal. It
// returns nil for a blank text.
//
// An index narrows the entries to those holding every word of the text
// (the last one as a prefix); the exact check then keeps the entries where
// one column holds the whole text at a word start. Every entry the check
// keeps holds those words, so the index never loses a match; for a text of
// one word the index alone is exact, and the check is left out (it would
// also mislead the planner into estimating almost no matches).
func Search(text string) predicate.AuditEntry {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	t := parseSearch(text)
	return func(s *sql.Selector) {
		if s.Dialect() == dialect.Postgres {
			searchPG(s, t)
			return
		}
		searchSQLite(s, t)
	}
}

func searchPG(s *sql.Selector, t searchText) {
	var preds []*sql.Predicate
	if len(t.words) > 0 {
		// Lexemes are written as tsquery input: quoted, with no parser in
		// between, so they are exactly the words split above (a word
		// holds no quote or backslash: both are separators).
		terms := make([]string, len(t.words))
		for i, w := range t.words {
			prefix := i == len(t.words)-1 && t.lastIsPrefix
			if r := []rune(w); len(r) > maxIndexedWord {
				w, prefix = string(r[:maxIndexedWord]), true
				t.oneWord = false
			}
			terms[i] = "'" + w + "'"
			if prefix {
				terms[i] += ":*"
			}
		}
		tsq := strings.Join(terms, " & ")
		// The expression names the columns unqualified, as the index
		// does; audit entry queries read one table.
		preds = append(preds, sql.P(func(b *sql.Builder) {
			b.WriteString(SearchWordsPG).WriteString(" @@ ").Arg(tsq).WriteString("::tsquery")
		}))
		if t.oneWord {
			s.Where(preds[0])
			return
		}
	}
	pattern := regexp.QuoteMeta(t.lower)
	if t.atWordStart {
		pattern = "(^|" + sepClassPG + ")" + pattern
	}
	exact := make([]*sql.Predicate, len(searchColumns))
	for i, col := range searchColumns {
		c := s.C(col)
		exact[i] = sql.P(func(b *sql.Builder) {
			b.WriteString("LOWER(").WriteString(c).WriteString(") ~ ").Arg(pattern)
		})
	}
	s.Where(and(append(preds, sql.Or(exact...))...))
}

func searchSQLite(s *sql.Selector, t searchText) {
	var preds []*sql.Predicate
	if len(t.words) > 0 {
		terms := make([]string, len(t.words))
		for i, w := range t.words {
			terms[i] = `"` + w + `"` // a word holds no double quote: it is a separator
		}
		if t.lastIsPrefix {
			terms[len(terms)-1] += "*"
		}
		match := strings.Join(terms, " ")
		table := s.TableName()
		preds = append(preds, sql.P(func(b *sql.Builder) {
			b.WriteString(b.Quote(table)).WriteString(".rowid IN (SELECT rowid FROM ").
				WriteString(b.Quote(SearchTableSQLite)).WriteString(" WHERE ").
				WriteString(b.Quote(SearchTableSQLite)).WriteString(" MATCH ").Arg(match).WriteString(")")
		}))
		if t.oneWord {
			s.Where(preds[0])
			return
		}
	}
	lit := escapeGlob(t.lower)
	exact := make([]*sql.Predicate, 0, 2*len(searchColumns))
	for _, col := range searchColumns {
		c := s.C(col)
		if t.atWordStart {
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
	s.Where(and(append(preds, sql.Or(exact...))...))
}

// and is sql.And that keeps a single predicate as it is: sql.And of one
// predicate writes it without parentheses, so an OR inside it would bind
// looser than the privacy rules' AND around it.
func and(preds ...*sql.Predicate) *sql.Predicate {
	if len(preds) == 1 {
		return preds[0]
	}
	return sql.And(preds...)
}

// SearchTableSQLite is the FTS5 table of the entries' words on SQLite
// (migration search_words), keyed by audit_entries.rowid.
const SearchTableSQLite = "audit_entry_words"

// escapeGlob makes s literal inside a GLOB pattern.
func escapeGlob(s string) string {
	return strings.NewReplacer(`*`, `[*]`, `?`, `[?]`, `[`, `[[]`).Replace(s)
}
