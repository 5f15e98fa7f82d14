package filter

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/internal/clock"
)

// Compile parses src, checks it against s and returns an ent predicate: a
// function that adds one WHERE condition to a selector, built from
// s.C(column) (so table aliases work) with every value as a bind parameter.
// now is the instant now() stands for. The SQL follows the selector's
// dialect, which must be SQLite or PostgreSQL; any other dialect records an
// error on the selector.
//
// An empty or all-blank src compiles to a predicate that adds nothing.
// Errors are *Error, with the position of the offending token.
func Compile(src string, s Schema, now time.Time) (func(*sql.Selector), error) {
	p, _, err := compile(src, s, now)
	return p, err
}

// compile is Compile, also reporting whether the predicate depends on now
// (src uses now()); one that does not is the same for every now.
func compile(src string, s Schema, now time.Time) (pred func(*sql.Selector), usesNow bool, err error) {
	e, err := Parse(src)
	if err != nil {
		return nil, false, err
	}
	if e == nil {
		return func(*sql.Selector) {}, false, nil
	}
	c := &checker{schema: s, now: now.UTC()}
	p, err := c.check(e)
	if err != nil {
		return nil, false, err
	}
	columns := c.columns
	return func(sel *sql.Selector) {
		d := sel.Dialect()
		if d != dialect.SQLite && d != dialect.Postgres {
			sel.AddError(fmt.Errorf("filter: dialect %q is not supported, only SQLite and PostgreSQL", d))
			return
		}
		cols := make(map[string]string, len(columns))
		for col := range columns {
			cols[col] = sel.C(col)
		}
		sel.Where(sql.P(func(b *sql.Builder) {
			p.emit(&writer{b: b, pg: d == dialect.Postgres, cols: cols})
		}))
	}, c.usedNow, nil
}

type checker struct {
	schema  Schema
	now     time.Time
	usedNow bool
	columns map[string]bool
}

func (c *checker) check(e Expr) (p plan, err error) {
	defer func() {
		if r := recover(); r != nil {
			ce, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			p, err = nil, ce
		}
	}()
	c.columns = map[string]bool{}
	return c.expr(e), nil
}

func (c *checker) expr(e Expr) plan {
	switch e := e.(type) {
	case *Logic:
		l := &logicPlan{or: e.Op == Or}
		for _, t := range e.Terms {
			l.terms = append(l.terms, c.expr(t))
		}
		return l
	case *Not:
		return &notPlan{x: c.expr(e.X)}
	case *IsNull:
		f := c.field(e.Left)
		if f.Kind == JSON && len(e.Left.Path) == 0 {
			return &jsonNullPlan{column: f.Column, not: e.Not}
		}
		return &isNullPlan{x: operandOf(e.Left, f, false), not: e.Not}
	case *Compare:
		f := c.field(e.Left)
		c.needValue(e.Left, f)
		if (f.Kind == Enum || f.Kind == Tenant) && e.Op != EQ && e.Op != NE {
			panic(errorf(e.P, "%s takes only =, !=, in and is null", e.Left.Name))
		}
		v := c.value(e.Left, f, e.Right)
		if f.Kind == Tenant {
			return &tenantPlan{column: f.Column, not: e.Op == NE, values: []string{v.arg.(string)}}
		}
		return &comparePlan{
			x:     operandOf(e.Left, f, v.number != nil),
			op:    e.Op,
			v:     v,
			order: e.Op != EQ && e.Op != NE && v.number == nil && f.Kind != Time,
		}
	case *Like:
		f := c.field(e.Left)
		c.needValue(e.Left, f)
		if f.Kind != String && f.Kind != JSON {
			op := "like"
			if e.Fold {
				op = "ilike"
			}
			panic(errorf(e.P, "%s needs a text field; %s is %s", op, e.Left.Name, article(f.Kind)))
		}
		if pat := e.Pattern.Val; strings.HasSuffix(pat, `\`) && (len(pat)-len(strings.TrimRight(pat, `\`)))%2 == 1 {
			panic(errorf(e.Pattern.P, `like pattern ends with the escape character \`))
		}
		return &likePlan{x: operandOf(e.Left, f, false), not: e.Not, fold: e.Fold, pattern: e.Pattern.Val}
	case *In:
		f := c.field(e.Left)
		c.needValue(e.Left, f)
		in := &inPlan{not: e.Not}
		for i, v := range e.Values {
			cv := c.value(e.Left, f, v)
			if i > 0 && (cv.number == nil) != (in.values[0].number == nil) {
				panic(errorf(v.Pos(), "in list mixes strings and numbers"))
			}
			in.values = append(in.values, cv)
		}
		if f.Kind == Tenant {
			t := &tenantPlan{column: f.Column, not: e.Not}
			for _, v := range in.values {
				t.values = append(t.values, v.arg.(string))
			}
			return t
		}
		in.x = operandOf(e.Left, f, in.values[0].number != nil)
		return in
	}
	panic(errorf(e.Pos(), "unsupported condition"))
}

// field resolves r and checks its JSON path against the field's kind.
func (c *checker) field(r *Ref) Field {
	f, ok := c.schema.Fields[r.Name]
	if !ok {
		panic(errorf(r.P, "unknown field %s", quoteMsg(r.Name)))
	}
	if len(r.Path) > 0 {
		if f.Kind != JSON {
			panic(errorf(r.Path[0].P, "%s is not a JSON field", r.Name))
		}
		if last := r.Path[len(r.Path)-1]; !last.Text {
			panic(errorf(last.P, "end the JSON path with ->> to compare its value as text"))
		}
	}
	c.columns[f.Column] = true
	return f
}

// needValue rejects a bare JSON column where a value is compared.
func (*checker) needValue(r *Ref, f Field) {
	if f.Kind == JSON && len(r.Path) == 0 {
		panic(errorf(r.P, "%s is a JSON field: compare one of its values, as in %s->>'key'", r.Name, quoteName(r.Name)))
	}
}

// operandOf is what the condition on r reads: the column, or a JSON path
// into it as text or, when compared with numbers, as a number.
func operandOf(r *Ref, f Field, numeric bool) operand {
	return operand{column: f.Column, path: r.Path, numeric: numeric}
}

// value checks v against the field r refers to and converts it to what
// the database compares with.
func (c *checker) value(r *Ref, f Field, v Value) checkedValue {
	switch v := v.(type) {
	case *StringLit:
		switch f.Kind {
		case Enum:
			up := strings.ToUpper(v.Val)
			for _, allowed := range f.Enum {
				if up == allowed {
					return checkedValue{arg: up}
				}
			}
			panic(errorf(v.P, "%s has no value %s (want one of %s)", r.Name, quoteMsg(v.Val), strings.Join(f.Enum, ", ")))
		case Time:
			t, ok := parseTime(v.Val)
			if !ok {
				panic(errorf(v.P, "%s is a time: want now() - interval '…', a date like '2026-01-31' or an RFC 3339 time like '2026-01-31T08:00:00Z', not %s", r.Name, quoteMsg(v.Val)))
			}
			return checkedValue{arg: t}
		}
		return checkedValue{arg: v.Val}
	case *NumberLit:
		if f.Kind != JSON {
			panic(errorf(v.P, "%s is %s: quote the value, as in '%s'", r.Name, article(f.Kind), v.Raw))
		}
		n, err := strconv.ParseFloat(v.Raw, 64)
		mantissa, _, _ := strings.Cut(strings.ToLower(v.Raw), "e")
		if err != nil || math.IsInf(n, 0) || n == 0 && strings.ContainsAny(mantissa, "123456789") {
			panic(errorf(v.P, "number %s is out of range", v.Raw))
		}
		num := &number{raw: v.Raw, f: n}
		if i, err := strconv.ParseInt(v.Raw, 10, 64); err == nil {
			num.i, num.isInt = i, true
		}
		return checkedValue{number: num}
	case *Now:
		if f.Kind != Time {
			panic(errorf(v.P, "now() compares only with time fields; %s is %s", r.Name, article(f.Kind)))
		}
		c.usedNow = true
		t, ok := v.at(c.now)
		if !ok {
			panic(errorf(v.P, "time out of range"))
		}
		return checkedValue{arg: t}
	}
	panic(errorf(v.Pos(), "unsupported value"))
}

func article(k Kind) string {
	switch k {
	case Enum:
		return "an enum"
	case Time:
		return "a time"
	case JSON:
		return "JSON"
	case Tenant:
		return "a tenant (its slug or ID)"
	}
	return "text"
}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return clock.Stored(t), true
		}
	}
	return time.Time{}, false
}

// at evaluates now() ± interval the way PostgreSQL adds an interval to a
// timestamptz in UTC: months first (clamped to the month's last day), then
// days, then the time of day.
func (v *Now) at(now time.Time) (time.Time, bool) {
	var months, days, secs int64
	for _, p := range v.Interval.Parts {
		n := int64(p.N) * int64(v.Sign)
		switch p.Unit {
		case "month":
			months += n
		case "week":
			days += 7 * n
		case "day":
			days += n
		case "hour":
			secs += 3600 * n
		case "minute":
			secs += 60 * n
		case "second":
			secs += n
		}
	}
	// In UTC a day is always 86400 seconds; folding seconds into days
	// keeps every step far from time.Duration's ±292 years.
	days += secs / 86400
	secs %= 86400
	const maxDays, maxMonths = 10000 * 366, 10000 * 12
	if months > maxMonths || months < -maxMonths || days > maxDays || days < -maxDays {
		return time.Time{}, false
	}
	t := now.UTC()
	if months != 0 {
		t = addMonths(t, int(months))
	}
	t = t.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, false
	}
	return clock.Stored(t), true
}

func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m, 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC).AddDate(0, n, 0)
	if last := first.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	return first.AddDate(0, 0, d-1)
}
