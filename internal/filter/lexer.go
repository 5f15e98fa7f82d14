package filter

import (
	"strconv"
	"strings"
	"unicode"
)

type tokenKind int

const (
	tokEOF    tokenKind = iota
	tokIdent            // bare word: a field name or a keyword, lower-cased
	tokQIdent           // "double-quoted" field name, case kept
	tokString           // 'single-quoted' string, quotes undone
	tokNumber
	tokOp // punctuation and comparison operators
)

type token struct {
	kind tokenKind
	text string // lower-cased word, decoded string, number or operator
	raw  string // the source text, for messages
	pos  int    // 1-based rune offset
}

func (t token) is(kind tokenKind, text string) bool { return t.kind == kind && t.text == text }

// keyword reports whether t is the bare word kw (already lower-case).
func (t token) keyword(kw string) bool { return t.is(tokIdent, kw) }

// describe renders t for an "unexpected …" message.
func (t token) describe() string {
	if t.kind == tokEOF {
		return "end of filter"
	}
	raw := t.raw
	if r := []rune(raw); len(r) > 40 {
		raw = string(r[:40]) + "…"
	}
	return quoteMsg(raw)
}

// quoteMsg quotes s for an error message like %q, but keeps non-ASCII
// letters readable.
func quoteMsg(s string) string { return strconv.QuoteToGraphic(s) }

type lexer struct {
	src []rune
	i   int // index of the next rune
}

func (l *lexer) peekRune(off int) rune {
	if l.i+off < len(l.src) {
		return l.src[l.i+off]
	}
	return 0
}

// next returns the next token or panics with an *Error.
func (l *lexer) next() token {
	for l.i < len(l.src) && unicode.IsSpace(l.src[l.i]) {
		l.i++
	}
	start := l.i
	pos := start + 1
	if l.i >= len(l.src) {
		return token{kind: tokEOF, pos: pos}
	}
	c := l.src[l.i]
	switch {
	case isIdentStart(c):
		for l.i < len(l.src) && isIdentPart(l.src[l.i]) {
			l.i++
		}
		raw := string(l.src[start:l.i])
		return token{kind: tokIdent, text: strings.ToLower(raw), raw: raw, pos: pos}
	case c >= '0' && c <= '9':
		return l.number(start)
	case c == '\'' || c == '"':
		text := l.quoted(c)
		kind := tokString
		if c == '"' {
			kind = tokQIdent
			if text == "" {
				panic(errorf(pos, "empty quoted name"))
			}
		}
		return token{kind: kind, text: text, raw: string(l.src[start:l.i]), pos: pos}
	}
	op := ""
	switch c {
	case '(', ')', ',', '=', '+':
		op = string(c)
	case '-':
		op = "-"
		if l.peekRune(1) == '>' {
			op = "->"
			if l.peekRune(2) == '>' {
				op = "->>"
			}
		}
	case '<':
		op = "<"
		if n := l.peekRune(1); n == '=' || n == '>' {
			op = "<" + string(n)
		}
	case '>':
		op = ">"
		if l.peekRune(1) == '=' {
			op = ">="
		}
	case '!':
		if l.peekRune(1) == '=' {
			op = "!="
		}
	}
	if op == "" {
		panic(errorf(pos, "unexpected %s", quoteMsg(string(c))))
	}
	l.i += len(op)
	return token{kind: tokOp, text: op, raw: op, pos: pos}
}

func (l *lexer) number(start int) token {
	digits := func() int {
		n := 0
		for l.i < len(l.src) && l.src[l.i] >= '0' && l.src[l.i] <= '9' {
			l.i++
			n++
		}
		return n
	}
	digits()
	if l.peekRune(0) == '.' && isDigit(l.peekRune(1)) {
		l.i++
		digits()
	}
	if c := l.peekRune(0); c == 'e' || c == 'E' {
		save := l.i
		l.i++
		if c := l.peekRune(0); c == '+' || c == '-' {
			l.i++
		}
		if digits() == 0 {
			l.i = save // "5e" is the number 5 followed by the word e
		}
	}
	raw := string(l.src[start:l.i])
	return token{kind: tokNumber, text: raw, raw: raw, pos: start + 1}
}

// quoted reads a string quoted with q, where a doubled q stands for itself.
func (l *lexer) quoted(q rune) string {
	pos := l.i + 1
	l.i++
	var b strings.Builder
	for {
		if l.i >= len(l.src) {
			if q == '"' {
				panic(errorf(pos, "unterminated quoted name"))
			}
			panic(errorf(pos, "unterminated string"))
		}
		c := l.src[l.i]
		if c == 0 {
			// PostgreSQL cannot store or compare text containing NUL.
			panic(errorf(l.i+1, "NUL character in a quoted string"))
		}
		l.i++
		if c == q {
			if l.peekRune(0) != q {
				return b.String()
			}
			l.i++
		}
		b.WriteRune(c)
	}
}

func isDigit(c rune) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c rune) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isIdentPart(c rune) bool  { return isIdentStart(c) || isDigit(c) }
