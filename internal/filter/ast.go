package filter

import (
	"strconv"
	"strings"
)

// Expr is a node of a parsed filter: *Logic, *Not, *Compare, *Like, *In or
// *IsNull. String renders it back as filter text that parses to an equal tree.
type Expr interface {
	Pos() int
	String() string
	exprNode()
}

// Value is the right-hand side of a condition: *StringLit, *NumberLit or *Now.
type Value interface {
	Pos() int
	String() string
	valueNode()
}

// LogicOp joins the terms of a Logic node.
type LogicOp int

const (
	And LogicOp = iota
	Or
)

// Logic is a chain of two or more terms joined by the same operator.
// Parentheses in the source become nested nodes.
type Logic struct {
	Op    LogicOp
	Terms []Expr
}

// Not negates X; the SQL is NOT (X), so a NULL inside stays unknown.
type Not struct {
	X Expr
	P int
}

// Ref names a field, optionally followed by a JSON path.
type Ref struct {
	Name string // lower-cased unless it was "quoted"
	Path []Step
	P    int
}

// Step is one JSON path step: ->'key', ->0, or the final ->>'key'.
type Step struct {
	Key     string
	Index   int
	IsIndex bool
	Text    bool // ->> rather than ->
	P       int
}

// CompareOp is a comparison operator; != and <> are both NE.
type CompareOp int

const (
	EQ CompareOp = iota
	NE
	LT
	LE
	GT
	GE
)

var compareOps = map[string]CompareOp{"=": EQ, "!=": NE, "<>": NE, "<": LT, "<=": LE, ">": GT, ">=": GE}

func (op CompareOp) String() string {
	return [...]string{"=", "!=", "<", "<=", ">", ">="}[op]
}

// sql is the operator's SQL spelling.
func (op CompareOp) sql() string {
	return [...]string{"=", "<>", "<", "<=", ">", ">="}[op]
}

// Compare is Left Op Right.
type Compare struct {
	Left  *Ref
	Op    CompareOp
	Right Value
	P     int // of the operator
}

// Like is Left [not] like|ilike Pattern.
type Like struct {
	Left    *Ref
	Not     bool
	Fold    bool // ilike
	Pattern *StringLit
	P       int // of the operator
}

// In is Left [not] in (Values…), with at least one value.
type In struct {
	Left   *Ref
	Not    bool
	Values []Value
	P      int // of the operator
}

// IsNull is Left is [not] null.
type IsNull struct {
	Left *Ref
	Not  bool
	P    int // of "is"
}

// StringLit is a single-quoted string, with its quotes undone.
type StringLit struct {
	Val string
	P   int
}

// NumberLit is a decimal number as written, with a leading "-" if negative.
type NumberLit struct {
	Raw string
	P   int
}

// Now is now(), optionally plus or minus an interval.
type Now struct {
	Sign     int // 0 for plain now(), else +1 or -1
	Interval Interval
	P        int
}

// Interval is the text of interval '…' and what it means.
type Interval struct {
	Text  string
	Parts []IntervalPart
	P     int
}

// IntervalPart is "N unit"; Unit is one of second, minute, hour, day, week, month.
type IntervalPart struct {
	N    int
	Unit string
}

func (*Logic) exprNode()   {}
func (*Not) exprNode()     {}
func (*Compare) exprNode() {}
func (*Like) exprNode()    {}
func (*In) exprNode()      {}
func (*IsNull) exprNode()  {}

func (*StringLit) valueNode() {}
func (*NumberLit) valueNode() {}
func (*Now) valueNode()       {}

func (e *Logic) Pos() int     { return e.Terms[0].Pos() }
func (e *Not) Pos() int       { return e.P }
func (e *Compare) Pos() int   { return e.Left.P }
func (e *Like) Pos() int      { return e.Left.P }
func (e *In) Pos() int        { return e.Left.P }
func (e *IsNull) Pos() int    { return e.Left.P }
func (v *StringLit) Pos() int { return v.P }
func (v *NumberLit) Pos() int { return v.P }
func (v *Now) Pos() int       { return v.P }

func (e *Logic) String() string {
	sep := " and "
	if e.Op == Or {
		sep = " or "
	}
	parts := make([]string, len(e.Terms))
	for i, t := range e.Terms {
		if c, ok := t.(*Logic); ok && e.Op == Or && c.Op == And {
			parts[i] = c.String() // and binds tighter than or
		} else {
			parts[i] = nested(t)
		}
	}
	return strings.Join(parts, sep)
}

// nested parenthesises a chain inside another chain or a not, so that the
// text parses back to the same tree.
func nested(e Expr) string {
	if _, ok := e.(*Logic); ok {
		return "(" + e.String() + ")"
	}
	return e.String()
}

func (e *Not) String() string { return "not " + nested(e.X) }

func (e *Compare) String() string {
	return e.Left.String() + " " + e.Op.String() + " " + e.Right.String()
}

func (e *Like) String() string {
	op := "like"
	if e.Fold {
		op = "ilike"
	}
	if e.Not {
		op = "not " + op
	}
	return e.Left.String() + " " + op + " " + e.Pattern.String()
}

func (e *In) String() string {
	op := " in ("
	if e.Not {
		op = " not in ("
	}
	vals := make([]string, len(e.Values))
	for i, v := range e.Values {
		vals[i] = v.String()
	}
	return e.Left.String() + op + strings.Join(vals, ", ") + ")"
}

func (e *IsNull) String() string {
	if e.Not {
		return e.Left.String() + " is not null"
	}
	return e.Left.String() + " is null"
}

func (r *Ref) String() string {
	var b strings.Builder
	b.WriteString(quoteName(r.Name))
	for _, s := range r.Path {
		if s.Text {
			b.WriteString("->>")
		} else {
			b.WriteString("->")
		}
		if s.IsIndex {
			b.WriteString(strconv.Itoa(s.Index))
		} else {
			b.WriteString(quoteString(s.Key))
		}
	}
	return b.String()
}

func (v *StringLit) String() string { return quoteString(v.Val) }
func (v *NumberLit) String() string { return v.Raw }

func (v *Now) String() string {
	switch v.Sign {
	case 0:
		return "now()"
	case 1:
		return "now() + interval " + quoteString(v.Interval.Text)
	}
	return "now() - interval " + quoteString(v.Interval.Text)
}

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// keywords cannot be written as bare field names.
var keywords = map[string]bool{
	"and": true, "or": true, "not": true, "like": true, "ilike": true, "in": true,
	"is": true, "null": true, "now": true, "interval": true,
}

func quoteName(name string) string {
	plain := name != "" && !keywords[name]
	for i, c := range name {
		if !(c == '_' || (c >= 'a' && c <= 'z') || (i > 0 && isDigit(c))) {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
