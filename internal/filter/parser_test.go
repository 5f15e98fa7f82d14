package filter

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// sexpr renders a tree with explicit structure, so tests can check
// precedence and grouping and not only the printed form.
func sexpr(e Expr) string {
	switch e := e.(type) {
	case *Logic:
		op := "and"
		if e.Op == Or {
			op = "or"
		}
		parts := []string{op}
		for _, t := range e.Terms {
			parts = append(parts, sexpr(t))
		}
		return "(" + strings.Join(parts, " ") + ")"
	case *Not:
		return "(not " + sexpr(e.X) + ")"
	case *Compare:
		return "(" + e.Op.String() + " " + e.Left.String() + " " + e.Right.String() + ")"
	case *Like:
		op := map[[2]bool]string{{false, false}: "like", {false, true}: "ilike", {true, false}: "notlike", {true, true}: "notilike"}[[2]bool{e.Not, e.Fold}]
		return "(" + op + " " + e.Left.String() + " " + e.Pattern.String() + ")"
	case *In:
		op := "in"
		if e.Not {
			op = "notin"
		}
		vals := []string{}
		for _, v := range e.Values {
			vals = append(vals, v.String())
		}
		return "(" + op + " " + e.Left.String() + " " + strings.Join(vals, " ") + ")"
	case *IsNull:
		if e.Not {
			return "(notnull " + e.Left.String() + ")"
		}
		return "(null " + e.Left.String() + ")"
	case nil:
		return "<nil>"
	}
	return fmt.Sprintf("%T", e)
}

func TestParse(t *testing.T) {
	tests := []struct {
		src   string
		tree  string // sexpr of the result
		print string // String(); empty means same as src
	}{
		// every comparison operator
		{src: "action = 'a'", tree: "(= action 'a')"},
		{src: "action != 'a'", tree: "(!= action 'a')"},
		{src: "action <> 'a'", tree: "(!= action 'a')", print: "action != 'a'"},
		{src: "action < 'a'", tree: "(< action 'a')"},
		{src: "action <= 'a'", tree: "(<= action 'a')"},
		{src: "action > 'a'", tree: "(> action 'a')"},
		{src: "action >= 'a'", tree: "(>= action 'a')"},
		{src: "action='a'", tree: "(= action 'a')", print: "action = 'a'"},
		{src: "action<>'a'", tree: "(!= action 'a')", print: "action != 'a'"},
		// like family
		{src: "action like 'member.%'", tree: "(like action 'member.%')"},
		{src: "action ilike 'M%'", tree: "(ilike action 'M%')"},
		{src: "action not like 'm_'", tree: "(notlike action 'm_')"},
		{src: "action not ilike '%x'", tree: "(notilike action '%x')"},
		// in
		{src: "action in ('a')", tree: "(in action 'a')"},
		{src: "action in ('a','b' , 'c')", tree: "(in action 'a' 'b' 'c')", print: "action in ('a', 'b', 'c')"},
		{src: "action not in ('a', 'b')", tree: "(notin action 'a' 'b')"},
		{src: "metadata->>'n' in (1, -2, 3.5)", tree: "(in metadata->>'n' 1 -2 3.5)"},
		// null tests
		{src: "workspace is null", tree: "(null workspace)"},
		{src: "workspace is not null", tree: "(notnull workspace)"},
		// keywords and names are case-insensitive
		{src: "ACTION LIKE 'A%' AND Status = 'FAILURE' Or NOT workspace IS NOT NULL",
			tree:  "(or (and (like action 'A%') (= status 'FAILURE')) (not (notnull workspace)))",
			print: "action like 'A%' and status = 'FAILURE' or not workspace is not null"},
		{src: "action NOT IN ('x') and action NoT iLiKe 'y'", tree: "(and (notin action 'x') (notilike action 'y'))",
			print: "action not in ('x') and action not ilike 'y'"},
		// precedence: not > and > or
		{src: "a = '1' and b = '2' or c = '3'", tree: "(or (and (= a '1') (= b '2')) (= c '3'))"},
		{src: "a = '1' or b = '2' and c = '3'", tree: "(or (= a '1') (and (= b '2') (= c '3')))"},
		{src: "not a = '1' and b = '2'", tree: "(and (not (= a '1')) (= b '2'))"},
		{src: "not a = '1' or not b = '2' and c = '3'", tree: "(or (not (= a '1')) (and (not (= b '2')) (= c '3')))"},
		{src: "a = '1' or b = '2' or c = '3'", tree: "(or (= a '1') (= b '2') (= c '3'))"},
		{src: "not not a = '1'", tree: "(not (not (= a '1')))"},
		// parentheses
		{src: "(a = '1' or b = '2') and c = '3'", tree: "(and (or (= a '1') (= b '2')) (= c '3'))"},
		{src: "not (a = '1' and b = '2')", tree: "(not (and (= a '1') (= b '2')))"},
		{src: "a = '1' or (b = '2' or c = '3')", tree: "(or (= a '1') (or (= b '2') (= c '3')))"},
		{src: "((a = '1'))", tree: "(= a '1')", print: "a = '1'"},
		{src: "(a = '1') and ((b = '2'))", tree: "(and (= a '1') (= b '2'))", print: "a = '1' and b = '2'"},
		{src: "not (a = '1')", tree: "(not (= a '1'))", print: "not a = '1'"},
		// strings
		{src: "resource_name = 'O''Brien'", tree: "(= resource_name 'O''Brien')"},
		{src: "resource_name = ''", tree: "(= resource_name '')"},
		{src: "resource_name = ''''", tree: "(= resource_name '''')"},
		{src: "resource_name = 'a \"b\" -> c and d'", tree: "(= resource_name 'a \"b\" -> c and d')"},
		{src: "resource_name = 'Émile ☃'", tree: "(= resource_name 'Émile ☃')"},
		{src: "resource_name = 'line\nbreak'", tree: "(= resource_name 'line\nbreak')"},
		// numbers
		{src: "metadata->>'n' = 5", tree: "(= metadata->>'n' 5)"},
		{src: "metadata->>'n' >= -5", tree: "(>= metadata->>'n' -5)"},
		{src: "metadata->>'n' < - 2.25", tree: "(< metadata->>'n' -2.25)", print: "metadata->>'n' < -2.25"},
		{src: "metadata->>'n' > 1.5e3", tree: "(> metadata->>'n' 1.5e3)"},
		{src: "metadata->>'n' > 2E-2", tree: "(> metadata->>'n' 2E-2)"},
		// now and intervals
		{src: "occurred_at > now()", tree: "(> occurred_at now())"},
		{src: "occurred_at > now() - interval '7 days'", tree: "(> occurred_at now() - interval '7 days')"},
		{src: "occurred_at < NOW() + INTERVAL '1 Hour'", tree: "(< occurred_at now() + interval '1 Hour')",
			print: "occurred_at < now() + interval '1 Hour'"},
		{src: "occurred_at > now()-interval'1 day 2 hours'", tree: "(> occurred_at now() - interval '1 day 2 hours')",
			print: "occurred_at > now() - interval '1 day 2 hours'"},
		{src: "occurred_at > now() - interval '7days'", tree: "(> occurred_at now() - interval '7days')"},
		{src: "occurred_at in (now(), '2026-01-01')", tree: "(in occurred_at now() '2026-01-01')"},
		// JSON paths
		{src: "metadata->>'plan' = 'pro'", tree: "(= metadata->>'plan' 'pro')"},
		{src: "metadata ->> 'plan' = 'pro'", tree: "(= metadata->>'plan' 'pro')", print: "metadata->>'plan' = 'pro'"},
		{src: "new_value->'limits'->>'seats' = '5'", tree: "(= new_value->'limits'->>'seats' '5')"},
		{src: "metadata->'items'->0->>'id' is null", tree: "(null metadata->'items'->0->>'id')"},
		{src: "metadata->>'it''s' is not null", tree: "(notnull metadata->>'it''s')"},
		{src: "metadata->'a' = 'x'", tree: "(= metadata->'a' 'x')"}, // a type error, not a syntax error
		// quoted names
		{src: `"from" >= '2026-01-01'`, tree: "(>= from '2026-01-01')", print: "from >= '2026-01-01'"},
		{src: `"Odd ""name""" = 'x'`, tree: `(= "Odd ""name""" 'x')`},
		{src: `"and" = 'x'`, tree: `(= "and" 'x')`},
		{src: "from >= '2026-01-01' and to < '2026-02-01'", tree: "(and (>= from '2026-01-01') (< to '2026-02-01'))"},
		// white space
		{src: "\n\taction\n=\n'a'\r\n", tree: "(= action 'a')", print: "action = 'a'"},
		// the contract's example
		{src: "action like 'member.%' and occurred_at > now() - interval '30 days' and actor_email ilike '%@acme.io'",
			tree: "(and (like action 'member.%') (> occurred_at now() - interval '30 days') (ilike actor_email '%@acme.io'))"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := sexpr(e); got != tt.tree {
				t.Errorf("tree\n got %s\nwant %s", got, tt.tree)
			}
			want := tt.print
			if want == "" {
				want = tt.src
			}
			if got := e.String(); got != want {
				t.Errorf("String()\n got %s\nwant %s", got, want)
			}
			checkRoundTrip(t, e)
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", " ", "\n\t "} {
		e, err := Parse(src)
		if e != nil || err != nil {
			t.Errorf("Parse(%q) = %v, %v; want nil, nil", src, e, err)
		}
	}
}

func TestParseIntervals(t *testing.T) {
	tests := []struct {
		text string
		want []IntervalPart
	}{
		{"1 second", []IntervalPart{{1, "second"}}},
		{"30 seconds", []IntervalPart{{30, "second"}}},
		{"5 minute", []IntervalPart{{5, "minute"}}},
		{"5 MINUTES", []IntervalPart{{5, "minute"}}},
		{"2 hour", []IntervalPart{{2, "hour"}}},
		{"2 hours", []IntervalPart{{2, "hour"}}},
		{"1 day", []IntervalPart{{1, "day"}}},
		{"7 days", []IntervalPart{{7, "day"}}},
		{"1 week", []IntervalPart{{1, "week"}}},
		{"2 Weeks", []IntervalPart{{2, "week"}}},
		{"1 month", []IntervalPart{{1, "month"}}},
		{"6 months", []IntervalPart{{6, "month"}}},
		{" 1 month 2 days\t3 hours ", []IntervalPart{{1, "month"}, {2, "day"}, {3, "hour"}}},
		{"7days", []IntervalPart{{7, "day"}}},
		{"0 seconds", []IntervalPart{{0, "second"}}},
	}
	for _, tt := range tests {
		e, err := Parse("occurred_at > now() - interval " + quoteString(tt.text))
		if err != nil {
			t.Errorf("%q: %v", tt.text, err)
			continue
		}
		got := e.(*Compare).Right.(*Now).Interval.Parts
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%q: parts %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src string
		pos int
		msg string
	}{
		{"action = 'abc", 10, "unterminated string"},
		{"'abc", 1, "unterminated string"},
		{`"from`, 1, "unterminated quoted name"},
		{`"" = 'x'`, 1, "empty quoted name"},
		{"action = 'a' foo", 14, `unexpected "foo"`},
		{"action = 'a' 'b'", 14, `unexpected "'b'"`},
		{"action = 'a')", 13, `unexpected ")"`},
		{"action == 'a'", 9, `unexpected "="`},
		{"action ~ 'a'", 8, `unexpected "~"`},
		{"action ! 'a'", 8, `unexpected "!"`},
		{"action = 'a' && status = 'x'", 14, `unexpected "&"`},
		{"action between 'a' and 'b'", 8, `unexpected "between"`},
		{"action not between 'a'", 12, `unexpected "between"`},
		{"action is 'x'", 11, `unexpected "'x'"`},
		{"action is not 'x'", 15, `unexpected "'x'"`},
		{"action =", 9, "unexpected end of filter"},
		{"action", 7, "unexpected end of filter"},
		{"(action = 'a'", 14, "unexpected end of filter"},
		{"action = 'a' and", 17, "unexpected end of filter"},
		{"and action = 'a'", 1, `unexpected "and"`},
		{"not", 4, "unexpected end of filter"},
		{"()", 2, `unexpected ")"`},
		{"'a' = action", 1, `unexpected "'a'"`},
		{"5 = action", 1, `unexpected "5"`},
		{"action = status", 10, `unexpected "status"`},
		{"action = null", 10, `compare with null using "is null" or "is not null"`},
		{"action in ()", 12, "in needs at least one value"},
		{"action not in ( )", 17, "in needs at least one value"},
		{"action in 'a'", 11, `unexpected "'a'"`},
		{"action in ('a',)", 16, `unexpected ")"`},
		{"action in ('a' 'b')", 16, `unexpected "'b'"`},
		{"action like 5", 13, `unexpected "5"`},
		{"action like now()", 13, `unexpected "now"`},
		{"occurred_at > now() - interval '7 fortnights'", 32, `unknown interval unit "fortnights", want second, minute, hour, day, week or month`},
		{"occurred_at > now() - interval '7 years'", 32, `unknown interval unit "years"`},
		{"occurred_at > now() - interval 'days'", 32, `bad interval "days"`},
		{"occurred_at > now() - interval '7'", 32, `bad interval "7"`},
		{"occurred_at > now() - interval ''", 32, `bad interval ""`},
		{"occurred_at > now() - interval '-7 days'", 32, `bad interval "-7 days"`},
		{"occurred_at > now() - interval '1.5 days'", 32, `bad interval "1.5 days"`},
		{"occurred_at > now() - interval '7 days,'", 32, `bad interval "7 days,"`},
		{"occurred_at > now() - interval '9999999 days'", 32, "interval count 9999999 is larger than 1000000"},
		{"occurred_at > now() - 5", 23, `unexpected "5"`},
		{"occurred_at > now() - interval 7", 32, `unexpected "7"`},
		{"occurred_at > now(", 19, "unexpected end of filter"},
		{"occurred_at > now", 18, "unexpected end of filter"},
		{"occurred_at > now() interval '1 day'", 21, `unexpected "interval"`},
		{"metadata->>'a'->>'b' = 'x'", 15, `unexpected "->>"`},
		{"metadata-> = 'x'", 12, `unexpected "="`},
		{"metadata->>-1 = 'x'", 12, `unexpected "-"`},
		{"metadata->>1.5 = 'x'", 12, `bad JSON array index "1.5"`},
		{"metadata->>x = 'x'", 12, `unexpected "x"`},
		{"metadata->>'n' = -'5'", 19, `unexpected "'5'"`},
		{"metadata->>'n' = .5", 18, `unexpected "."`},
		{"action = 'a' or", 16, "unexpected end of filter"},
		{"action like 'x' escape '!'", 17, `unexpected "escape"`},
		{"action = 'a'; drop table x", 13, `unexpected ";"`},
		{"action = 'a' -- comment", 14, `unexpected "-"`},
		// positions count characters, not bytes
		{"resource_name = 'Émile' ~", 25, `unexpected "~"`},
		{"resource_name = '☃☃☃' and é", 27, `unexpected "é"`},
		{"action = 'a' " + strings.Repeat("x", 50), 14, `unexpected "` + strings.Repeat("x", 40) + `…"`},
		{"action = 'a\xffb'", 12, "invalid UTF-8"},
		{"action = 'a\x00b'", 12, "NUL character in a quoted string"},
		{"\"a\x00\" = 'b'", 3, "NUL character in a quoted string"},
		{"action = 'a' \x00", 14, `unexpected "\x00"`},
		{strings.Repeat("(", maxDepth+1) + "action = 'a'" + strings.Repeat(")", maxDepth+1), maxDepth + 1, "filter nested deeper than 100 levels"},
		{strings.Repeat("not ", maxDepth+1) + "action = 'a'", 4*maxDepth + 1, "filter nested deeper than 100 levels"},
		{"action = '" + strings.Repeat("x", MaxLength) + "'", MaxLength + 1, "filter is longer than 16384 characters"},
		// 257 conditions: the error points at the first one over the limit
		{strings.Repeat("a = 'x' or ", MaxConditions) + "a = 'x'", 11*MaxConditions + 1, "filter has more than 256 conditions"},
		{strings.Repeat("(a = 'x') and ", MaxConditions) + "b in ('y')", 14*MaxConditions + 1, "filter has more than 256 conditions"},
		{"not (" + strings.Repeat("a is null or ", MaxConditions) + "b is null)", 6 + 13*MaxConditions, "filter has more than 256 conditions"},
		// a JSON path of 33 steps: the error points at the 33rd arrow
		{"m" + strings.Repeat("->0", MaxPathSteps) + "->>'k' = 'x'", 2 + 3*MaxPathSteps, "JSON path longer than 32 steps"},
		{"m" + strings.Repeat("->'k'", MaxPathSteps+5) + " is null", 2 + 5*MaxPathSteps, "JSON path longer than 32 steps"},
	}
	for _, tt := range tests {
		t.Run(tt.src[:min(len(tt.src), 60)], func(t *testing.T) {
			e, err := Parse(tt.src)
			checkError(t, e, err, tt.pos, tt.msg)
		})
	}
}

func TestParseDepthLimitIsExact(t *testing.T) {
	src := strings.Repeat("(", maxDepth) + "action = 'a'" + strings.Repeat(")", maxDepth)
	if _, err := Parse(src); err != nil {
		t.Fatalf("%d levels: %v", maxDepth, err)
	}
}

func TestParseConditionAndPathLimitsAreExact(t *testing.T) {
	src := strings.Repeat("a = 'x' or ", MaxConditions-1) + "m" + strings.Repeat("->0", MaxPathSteps-1) + "->>'k' = 'x'"
	e, err := Parse(src)
	if err != nil {
		t.Fatalf("%d conditions, a path of %d steps: %v", MaxConditions, MaxPathSteps, err)
	}
	if l := e.(*Logic); len(l.Terms) != MaxConditions || len(l.Terms[MaxConditions-1].(*Compare).Left.Path) != MaxPathSteps {
		t.Fatalf("parsed %s", e)
	}
}

// checkError asserts err is an *Error at pos whose message starts with msg
// and that the position shows in the text.
func checkError(t *testing.T, e any, err error, pos int, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; got %v", e)
	}
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %T %v is not *filter.Error", err, err)
	}
	if fe.Pos != pos || !strings.HasPrefix(fe.Msg, msg) {
		t.Errorf("got %q at %d; want %q at %d", fe.Msg, fe.Pos, msg, pos)
	}
	if want := fmt.Sprintf(" at position %d", pos); !strings.HasSuffix(err.Error(), want) {
		t.Errorf("Error() = %q; want suffix %q", err.Error(), want)
	}
}

func TestErrorString(t *testing.T) {
	err := error(&Error{Pos: 9, Msg: `unexpected "foo"`})
	if got := err.Error(); got != `unexpected "foo" at position 9` {
		t.Errorf("Error() = %q", got)
	}
}
