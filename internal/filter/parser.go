package filter

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	// MaxLength bounds a filter, in characters; it also bounds the number
	// of bind parameters far below SQLite's and PostgreSQL's limits.
	MaxLength = 16384
	// MaxConditions bounds the conditions (comparisons, likes, ins and
	// is nulls) of a filter. SQLite nests a chain of n terms n levels deep
	// and refuses expressions deeper than 1000, so this, with maxDepth and
	// the few levels a condition and the query around it add, keeps every
	// filter far below that limit and its cost per row bounded.
	MaxConditions = 256
	// MaxPathSteps bounds the steps of a JSON path: PostgreSQL parses a
	// chain of -> operators recursively and runs out of stack at a few
	// thousand.
	MaxPathSteps = 32
	// maxDepth bounds nesting of parentheses and nots.
	maxDepth = 100
	// maxIntervalN bounds each number in an interval.
	maxIntervalN = 1_000_000
)

// Parse parses a filter without looking at any schema. An empty or
// all-blank filter parses to a nil Expr and no error.
func Parse(src string) (e Expr, err error) {
	if !utf8.ValidString(src) {
		pos := 1
		for i, r := range src {
			if r == utf8.RuneError {
				if _, size := utf8.DecodeRuneInString(src[i:]); size == 1 {
					break
				}
			}
			pos++
		}
		return nil, errorf(pos, "invalid UTF-8")
	}
	if n := utf8.RuneCountInString(src); n > MaxLength {
		return nil, errorf(MaxLength+1, "filter is longer than %d characters", MaxLength)
	}
	p := &parser{lex: lexer{src: []rune(src)}}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			e, err = nil, pe
		}
	}()
	p.advance()
	if p.tok.kind == tokEOF {
		return nil, nil
	}
	e = p.parseOr()
	if p.tok.kind != tokEOF {
		p.unexpected()
	}
	return e, nil
}

type parser struct {
	lex   lexer
	tok   token
	depth int
	conds int // conditions parsed so far
}

func (p *parser) advance() token {
	t := p.tok
	p.tok = p.lex.next()
	return t
}

func (p *parser) unexpected() {
	panic(errorf(p.tok.pos, "unexpected %s", p.tok.describe()))
}

func (p *parser) expectOp(op string) token {
	if !p.tok.is(tokOp, op) {
		p.unexpected()
	}
	return p.advance()
}

func (p *parser) enter(pos int) {
	p.depth++
	if p.depth > maxDepth {
		panic(errorf(pos, "filter nested deeper than %d levels", maxDepth))
	}
}

func (p *parser) parseOr() Expr  { return p.parseChain(Or, "or", p.parseAnd) }
func (p *parser) parseAnd() Expr { return p.parseChain(And, "and", p.parseUnary) }

func (p *parser) parseChain(op LogicOp, kw string, term func() Expr) Expr {
	first := term()
	if !p.tok.keyword(kw) {
		return first
	}
	l := &Logic{Op: op, Terms: []Expr{first}}
	for p.tok.keyword(kw) {
		p.advance()
		l.Terms = append(l.Terms, term())
	}
	return l
}

func (p *parser) parseUnary() Expr {
	if p.tok.keyword("not") {
		pos := p.advance().pos
		p.enter(pos)
		x := p.parseUnary()
		p.depth--
		return &Not{X: x, P: pos}
	}
	if p.tok.is(tokOp, "(") {
		pos := p.advance().pos
		p.enter(pos)
		e := p.parseOr()
		p.expectOp(")")
		p.depth--
		return e
	}
	return p.parsePredicate()
}

func (p *parser) parsePredicate() Expr {
	if p.conds++; p.conds > MaxConditions {
		panic(errorf(p.tok.pos, "filter has more than %d conditions", MaxConditions))
	}
	left := p.parseRef()
	op := p.tok
	switch {
	case op.kind == tokOp:
		cmp, ok := compareOps[op.text]
		if !ok {
			p.unexpected()
		}
		p.advance()
		return &Compare{Left: left, Op: cmp, Right: p.parseValue(), P: op.pos}
	case op.keyword("like"), op.keyword("ilike"):
		p.advance()
		return &Like{Left: left, Fold: op.text == "ilike", Pattern: p.parsePattern(), P: op.pos}
	case op.keyword("in"):
		p.advance()
		return &In{Left: left, Values: p.parseList(), P: op.pos}
	case op.keyword("not"):
		p.advance()
		switch {
		case p.tok.keyword("like"), p.tok.keyword("ilike"):
			fold := p.advance().text == "ilike"
			return &Like{Left: left, Not: true, Fold: fold, Pattern: p.parsePattern(), P: op.pos}
		case p.tok.keyword("in"):
			p.advance()
			return &In{Left: left, Not: true, Values: p.parseList(), P: op.pos}
		}
		p.unexpected()
	case op.keyword("is"):
		p.advance()
		not := false
		if p.tok.keyword("not") {
			p.advance()
			not = true
		}
		if !p.tok.keyword("null") {
			p.unexpected()
		}
		p.advance()
		return &IsNull{Left: left, Not: not, P: op.pos}
	}
	p.unexpected()
	return nil
}

func (p *parser) parseRef() *Ref {
	t := p.tok
	switch {
	case t.kind == tokQIdent:
	case t.kind == tokIdent && !keywords[t.text]:
	default:
		p.unexpected()
	}
	p.advance()
	r := &Ref{Name: t.text, P: t.pos}
	for p.tok.is(tokOp, "->") || p.tok.is(tokOp, "->>") {
		if len(r.Path) == MaxPathSteps {
			panic(errorf(p.tok.pos, "JSON path longer than %d steps", MaxPathSteps))
		}
		arrow := p.advance()
		s := Step{Text: arrow.text == "->>", P: arrow.pos}
		switch p.tok.kind {
		case tokString:
			s.Key = p.advance().text
		case tokNumber:
			n, err := strconv.Atoi(p.tok.text)
			if err != nil || n < 0 || n > 1<<30 {
				panic(errorf(p.tok.pos, "bad JSON array index %s", p.tok.describe()))
			}
			s.Index, s.IsIndex = n, true
			p.advance()
		default:
			p.unexpected()
		}
		r.Path = append(r.Path, s)
		if s.Text {
			break // ->> yields text: nothing can follow it
		}
	}
	return r
}

func (p *parser) parsePattern() *StringLit {
	if p.tok.kind != tokString {
		p.unexpected()
	}
	t := p.advance()
	return &StringLit{Val: t.text, P: t.pos}
}

func (p *parser) parseList() []Value {
	p.expectOp("(")
	if p.tok.is(tokOp, ")") {
		panic(errorf(p.tok.pos, "in needs at least one value"))
	}
	vals := []Value{p.parseValue()}
	for p.tok.is(tokOp, ",") {
		p.advance()
		vals = append(vals, p.parseValue())
	}
	p.expectOp(")")
	return vals
}

func (p *parser) parseValue() Value {
	t := p.tok
	switch {
	case t.kind == tokString:
		p.advance()
		return &StringLit{Val: t.text, P: t.pos}
	case t.kind == tokNumber:
		p.advance()
		return &NumberLit{Raw: t.text, P: t.pos}
	case t.is(tokOp, "-"):
		p.advance()
		if p.tok.kind != tokNumber {
			p.unexpected()
		}
		return &NumberLit{Raw: "-" + p.advance().text, P: t.pos}
	case t.keyword("now"):
		p.advance()
		p.expectOp("(")
		p.expectOp(")")
		v := &Now{P: t.pos}
		if !p.tok.is(tokOp, "+") && !p.tok.is(tokOp, "-") {
			return v
		}
		v.Sign = 1
		if p.advance().text == "-" {
			v.Sign = -1
		}
		if !p.tok.keyword("interval") {
			p.unexpected()
		}
		p.advance()
		if p.tok.kind != tokString {
			p.unexpected()
		}
		s := p.advance()
		v.Interval = Interval{Text: s.text, Parts: parseInterval(s.text, s.pos), P: s.pos}
		return v
	case t.keyword("null"):
		panic(errorf(t.pos, `compare with null using "is null" or "is not null"`))
	}
	p.unexpected()
	return nil
}

var intervalUnits = map[string]string{
	"second": "second", "seconds": "second",
	"minute": "minute", "minutes": "minute",
	"hour": "hour", "hours": "hour",
	"day": "day", "days": "day",
	"week": "week", "weeks": "week",
	"month": "month", "months": "month",
}

// parseInterval reads "N unit [N unit …]" as PostgreSQL does for the units
// the language allows; pos is that of the quoted string, for errors.
func parseInterval(text string, pos int) []IntervalPart {
	var parts []IntervalPart
	rest := strings.TrimSpace(text)
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			panic(errorf(pos, "bad interval %s, want a count and a unit like '7 days'", quoteMsg(text)))
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n > maxIntervalN {
			panic(errorf(pos, "interval count %s is larger than %d", rest[:i], maxIntervalN))
		}
		rest = strings.TrimLeft(rest[i:], " \t")
		j := 0
		for j < len(rest) && (rest[j] >= 'a' && rest[j] <= 'z' || rest[j] >= 'A' && rest[j] <= 'Z') {
			j++
		}
		word := rest[:j]
		if word == "" {
			panic(errorf(pos, "bad interval %s, want a count and a unit like '7 days'", quoteMsg(text)))
		}
		unit, ok := intervalUnits[strings.ToLower(word)]
		if !ok {
			panic(errorf(pos, "unknown interval unit %s, want second, minute, hour, day, week or month", quoteMsg(word)))
		}
		parts = append(parts, IntervalPart{N: n, Unit: unit})
		rest = strings.TrimSpace(rest[j:])
	}
	if len(parts) == 0 {
		panic(errorf(pos, "bad interval %s, want a count and a unit like '7 days'", quoteMsg(text)))
	}
	return parts
}
