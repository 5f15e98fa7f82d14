package filter

import (
	"reflect"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// sqlOf is the WHERE clause and arguments p adds to a PostgreSQL selector.
func sqlOf(p func(*sql.Selector)) (string, []any) {
	sel := sql.Dialect(dialect.Postgres).Select("*").From(sql.Table("audit_entries"))
	p(sel)
	return sel.Query()
}

func TestCache(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	c := NewCache(AuditEntries, 2)

	// A text without now() is compiled once, and answers as Compile does.
	const plain = `action = 'user.login' and occurred_at >= '2026-12-01T00:00:00Z'`
	want, err := Compile(plain, AuditEntries, now)
	if err != nil {
		t.Fatal(err)
	}
	wantSQL, wantArgs := sqlOf(want)
	for i, at := range []time.Time{now, later} {
		p, err := c.Compile(plain, at)
		if err != nil {
			t.Fatal(err)
		}
		if q, args := sqlOf(p); q != wantSQL || !reflect.DeepEqual(args, wantArgs) {
			t.Errorf("call %d: %s %v, want %s %v", i, q, args, wantSQL, wantArgs)
		}
	}
	if n := c.preds.Len(); n != 1 {
		t.Errorf("%d predicates kept after one plain text, want 1", n)
	}

	// A text with now() is compiled for each now.
	const rel = `occurred_at > now() - interval '1 day'`
	for _, at := range []time.Time{now, later} {
		p, err := c.Compile(rel, at)
		if err != nil {
			t.Fatal(err)
		}
		_, args := sqlOf(p)
		if len(args) != 1 || !args[0].(time.Time).Equal(at.AddDate(0, 0, -1)) {
			t.Errorf("now() at %s: args %v, want %s", at, args, at.AddDate(0, 0, -1))
		}
	}

	// A bad text gives the same error every time, and is not kept.
	const bad = `action = 'x' and bogus = 1`
	_, first := c.Compile(bad, now)
	_, second := c.Compile(bad, now)
	if first == nil || second == nil || first.Error() != second.Error() ||
		first.(*Error).Pos != 18 || second.(*Error).Pos != 18 {
		t.Errorf("bad text: %v then %v, want the same error at 18 twice", first, second)
	}
	if n := c.preds.Len(); n != 1 {
		t.Errorf("%d predicates kept, want 1 (now() and errors are not kept)", n)
	}

	// The cache is bounded; a long text is not kept.
	for _, s := range []string{`action = 'a'`, `action = 'b'`, `action = 'c'`} {
		if _, err := c.Compile(s, now); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.preds.Len(); n != 2 {
		t.Errorf("%d predicates kept, want the bound 2", n)
	}
	long := `action = '`
	for len(long) <= maxCachedLength {
		long += "x"
	}
	long += `'`
	if _, err := c.Compile(long, now); err != nil {
		t.Fatal(err)
	}
	if c.preds.Contains(long) {
		t.Errorf("a text of %d bytes was kept", len(long))
	}
}

// BenchmarkCache compares compiling the peer benchmark's q2 filter with
// taking it from a Cache.
func BenchmarkCache(b *testing.B) {
	const src = `action = 'user.login' and occurred_at >= '2026-11-29T00:00:00Z' and occurred_at < '2026-12-06T00:00:00Z'`
	now := time.Now()
	b.Run("compile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Compile(src, AuditEntries, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		c := NewCache(AuditEntries, 256)
		for b.Loop() {
			if _, err := c.Compile(src, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}
