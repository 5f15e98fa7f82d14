package filter

import (
	"reflect"
	"testing"
)

// checkRoundTrip asserts that e.String() parses to a tree equal to e
// (positions aside) and prints the same again.
func checkRoundTrip(t testing.TB, e Expr) {
	t.Helper()
	text := e.String()
	back, err := Parse(text)
	if err != nil {
		t.Fatalf("String() form %q does not parse: %v", text, err)
	}
	if !reflect.DeepEqual(withoutPos(e), withoutPos(back)) {
		t.Fatalf("round trip changed the tree:\n first %s\nsecond %s\n  text %q", sexpr(e), sexpr(back), text)
	}
	if again := back.String(); again != text {
		t.Fatalf("String() not stable: %q then %q", text, again)
	}
}

// withoutPos returns a copy of e with every position zeroed.
func withoutPos(e Expr) Expr {
	ref := func(r *Ref) *Ref {
		c := *r
		c.P = 0
		c.Path = nil
		for _, s := range r.Path {
			s.P = 0
			c.Path = append(c.Path, s)
		}
		return &c
	}
	val := func(v Value) Value {
		switch v := v.(type) {
		case *StringLit:
			return &StringLit{Val: v.Val}
		case *NumberLit:
			return &NumberLit{Raw: v.Raw}
		case *Now:
			c := *v
			c.P, c.Interval.P = 0, 0
			return &c
		}
		return v
	}
	switch e := e.(type) {
	case *Logic:
		c := &Logic{Op: e.Op}
		for _, t := range e.Terms {
			c.Terms = append(c.Terms, withoutPos(t))
		}
		return c
	case *Not:
		return &Not{X: withoutPos(e.X)}
	case *Compare:
		return &Compare{Left: ref(e.Left), Op: e.Op, Right: val(e.Right)}
	case *Like:
		return &Like{Left: ref(e.Left), Not: e.Not, Fold: e.Fold, Pattern: &StringLit{Val: e.Pattern.Val}}
	case *In:
		c := &In{Left: ref(e.Left), Not: e.Not}
		for _, v := range e.Values {
			c.Values = append(c.Values, val(v))
		}
		return c
	case *IsNull:
		return &IsNull{Left: ref(e.Left), Not: e.Not}
	}
	return e
}
