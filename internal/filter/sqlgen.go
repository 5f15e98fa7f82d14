package filter

import (
	"strconv"
	"strings"

	"entgo.io/ent/dialect/sql"
)

// A plan is a checked condition, ready to be written as SQL for either
// dialect. Every user-supplied value goes through writer.arg.
type plan interface{ emit(w *writer) }

type writer struct {
	b    *sql.Builder
	pg   bool
	cols map[string]string // column -> sel.C(column)
}

func (w *writer) s(s string) *writer { w.b.WriteString(s); return w }
func (w *writer) arg(v any) *writer  { w.b.Arg(v); return w }

// number is a numeric literal compared with a JSON number.
type number struct {
	raw   string
	f     float64
	i     int64
	isInt bool
}

// checkedValue is a value converted for the database: a string, a
// time.Time, or a number.
type checkedValue struct {
	arg    any
	number *number
}

func (w *writer) value(v checkedValue) {
	switch {
	case v.number == nil:
		w.arg(v.arg)
	case w.pg:
		// numeric keeps PostgreSQL exact for any literal the lexer accepts.
		w.s("CAST(").arg(v.number.raw).s(" AS numeric)")
	case v.number.isInt:
		w.arg(v.number.i)
	default:
		w.arg(v.number.f)
	}
}

// operand is a column, or a JSON path into one read as text (like
// PostgreSQL's ->>) or, when compared with a number, as a number.
type operand struct {
	column  string
	path    []Step
	numeric bool
}

func (w *writer) operand(o operand) {
	col := w.cols[o.column]
	switch {
	case len(o.path) == 0:
		w.s(col)
	case w.pg && o.numeric:
		// CASE keeps the cast away from values that are not numbers.
		w.s("(CASE WHEN jsonb_typeof(")
		w.pgPath(col, o.path, false)
		w.s(") = 'number' THEN CAST(")
		w.pgPath(col, o.path, true)
		w.s(" AS numeric) END)")
	case w.pg:
		w.s("(")
		w.pgPath(col, o.path, true)
		w.s(")")
	case o.numeric:
		p := sqlitePath(o.path)
		w.s("(CASE WHEN json_type(").s(col).s(", ").arg(p).s(") IN ('integer', 'real') THEN json_extract(").s(col).s(", ").arg(p).s(") END)")
	default:
		// SQLite's ->> returns SQL values (1 for true, numbers as numbers):
		// build the text PostgreSQL's ->> gives instead. Strings come out
		// unquoted, JSON null as NULL, everything else as its JSON text.
		p := sqlitePath(o.path)
		w.s("(CASE json_type(").s(col).s(", ").arg(p).
			s(") WHEN 'text' THEN json_extract(").s(col).s(", ").arg(p).
			s(") WHEN 'null' THEN NULL ELSE ").s(col).s(" -> ").arg(p).s(" END)")
	}
}

// pgPath writes col -> k1 -> … and the last step as ->> when text is set,
// else as ->. Keys and indexes are typed parameters.
func (w *writer) pgPath(col string, path []Step, text bool) {
	w.s(col)
	for i, st := range path {
		if text && i == len(path)-1 {
			w.s(" ->> ")
		} else {
			w.s(" -> ")
		}
		if st.IsIndex {
			w.s("CAST(").arg(int64(st.Index)).s(" AS integer)")
		} else {
			w.s("CAST(").arg(st.Key).s(" AS text)")
		}
	}
}

// sqlitePath renders path as an SQLite JSON path. Keys are always quoted,
// with JSON string escapes, which SQLite undoes when it matches labels.
func sqlitePath(path []Step) string {
	var b strings.Builder
	b.WriteByte('$')
	for _, st := range path {
		if st.IsIndex {
			b.WriteString("[" + strconv.Itoa(st.Index) + "]")
			continue
		}
		b.WriteString(`."`)
		for _, r := range st.Key {
			switch {
			case r == '"' || r == '\\':
				b.WriteByte('\\')
				b.WriteRune(r)
			case r < 0x20:
				b.WriteString(`\u00`)
				b.WriteString(strconv.FormatInt(int64(r)>>4, 16))
				b.WriteString(strconv.FormatInt(int64(r)&0xf, 16))
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('"')
	}
	return b.String()
}

type logicPlan struct {
	or    bool
	terms []plan
}

func (p *logicPlan) emit(w *writer) {
	op := " AND "
	if p.or {
		op = " OR "
	}
	w.s("(")
	for i, t := range p.terms {
		if i > 0 {
			w.s(op)
		}
		t.emit(w)
	}
	w.s(")")
}

type notPlan struct{ x plan }

func (p *notPlan) emit(w *writer) {
	w.s("NOT (")
	p.x.emit(w)
	w.s(")")
}

// negate wraps a condition in NOT (…) so that SQL's three-valued logic
// applies to it exactly as to a written not.
func negate(w *writer, not bool, f func()) {
	if !not {
		f()
		return
	}
	w.s("NOT (")
	f()
	w.s(")")
}

type comparePlan struct {
	x     operand
	op    CompareOp
	v     checkedValue
	order bool // a text ordering: byte order on both databases
}

func (p *comparePlan) emit(w *writer) {
	w.operand(p.x)
	if p.order && w.pg {
		// SQLite compares text bytewise; PostgreSQL uses the database
		// collation unless told otherwise.
		w.s(` COLLATE "C"`)
	}
	w.s(" " + p.op.sql() + " ")
	w.value(p.v)
}

type likePlan struct {
	x       operand
	not     bool
	fold    bool
	pattern string
}

// likeEscape makes backslash the escape character on both databases
// (PostgreSQL's default; SQLite has none by default).
const likeEscape = ` ESCAPE '\'`

func (p *likePlan) emit(w *writer) {
	negate(w, p.not, func() {
		switch {
		case p.fold && w.pg:
			w.operand(p.x)
			w.s(" ILIKE ").arg(p.pattern).s(likeEscape)
		case p.fold:
			// The connection sets case_sensitive_like, so fold both sides.
			w.s("lower(")
			w.operand(p.x)
			w.s(") LIKE lower(").arg(p.pattern).s(")" + likeEscape)
		default:
			w.operand(p.x)
			w.s(" LIKE ").arg(p.pattern).s(likeEscape)
		}
	})
}

type inPlan struct {
	x      operand
	not    bool
	values []checkedValue
}

func (p *inPlan) emit(w *writer) {
	negate(w, p.not, func() {
		w.operand(p.x)
		w.s(" IN (")
		for i, v := range p.values {
			if i > 0 {
				w.s(", ")
			}
			w.value(v)
		}
		w.s(")")
	})
}

type isNullPlan struct {
	x   operand
	not bool
}

func (p *isNullPlan) emit(w *writer) {
	w.operand(p.x)
	if p.not {
		w.s(" IS NOT NULL")
	} else {
		w.s(" IS NULL")
	}
}

// jsonNullPlan is "metadata is [not] null" on a whole JSON column, where a
// stored JSON null counts as null too.
type jsonNullPlan struct {
	column string
	not    bool
}

func (p *jsonNullPlan) emit(w *writer) {
	col := w.cols[p.column]
	negate(w, p.not, func() {
		typeOf := "json_type("
		if w.pg {
			typeOf = "jsonb_typeof("
		}
		w.s("(" + col + " IS NULL OR " + typeOf + col + ") = 'null')")
	})
}

// tenantPlan is "tenant = 'acme'" or "tenant in (…)": the tenant_id column
// against the tenants whose slug or ID is one of the values. The subquery
// reads only tenants' ids and slugs and narrows rows the viewer already
// sees; a value naming no tenant matches nothing.
type tenantPlan struct {
	column string
	not    bool
	values []string
}

func (p *tenantPlan) emit(w *writer) {
	list := func() {
		w.s("(")
		for i, v := range p.values {
			if i > 0 {
				w.s(", ")
			}
			w.arg(v)
		}
		w.s(")")
	}
	negate(w, p.not, func() {
		w.s(w.cols[p.column] + ` IN (SELECT "id" FROM "tenants" WHERE "slug" IN `)
		list()
		w.s(` OR "id" IN `)
		list()
		w.s(")")
	})
}
