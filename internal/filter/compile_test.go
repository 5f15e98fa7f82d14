package filter

import (
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// testNow is what now() means in these tests.
var testNow = time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		schema Schema
		src    string
		pos    int
		msg    string
	}{
		{AuditEntries, "foo = 'x'", 1, `unknown field "foo"`},
		{AuditEntries, "action = 'a' and Foo_Bar is null", 18, `unknown field "foo_bar"`},
		{AuditEntries, `"Action" = 'a'`, 1, `unknown field "Action"`},
		{AuditEntries, "request->>'method' = 'GET'", 1, `unknown field "request"`},
		{AuditEntries, "kind = 'archive'", 1, `unknown field "kind"`},
		{AuditEntries, "status = 'bogus'", 10, `status has no value "bogus" (want one of SUCCESS, FAILURE)`},
		{AuditEntries, "status in ('success', 'succeeded')", 23, `status has no value "succeeded"`},
		{AuditEntries, "actor_type = 'user '", 14, `actor_type has no value "user "`},
		{Processes, "status = 'success'", 10, `status has no value "success" (want one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELED)`},
		{Archives, "format = 'zip'", 10, `format has no value "zip"`},
		{AuditEntries, "status < 'success'", 8, "status takes only =, !=, in and is null"},
		{AuditEntries, "status >= 'success'", 8, "status takes only =, !=, in and is null"},
		{AuditEntries, "status like 'S%'", 8, "like needs a text field; status is an enum"},
		{AuditEntries, "status not ilike 's%'", 8, "ilike needs a text field; status is an enum"},
		{AuditEntries, "occurred_at like '2026%'", 13, "like needs a text field; occurred_at is a time"},
		{AuditEntries, "status = 1", 10, "status is an enum: quote the value, as in '1'"},
		{AuditEntries, "metadata = 'x'", 1, "metadata is a JSON field: compare one of its values, as in metadata->>'key'"},
		{AuditEntries, "new_value like '%pro%'", 1, "new_value is a JSON field"},
		{AuditEntries, "old_value in ('x')", 1, "old_value is a JSON field"},
		{AuditEntries, "tenant > 'acme'", 8, "tenant takes only =, !=, in and is null"},
		{AuditEntries, "tenant like 'ac%'", 8, "like needs a text field; tenant is a tenant (its slug or ID)"},
		{AuditEntries, "tenant = 1", 10, "tenant is a tenant (its slug or ID): quote the value, as in '1'"},
		{AuditEntries, "tenant = now()", 10, "now() compares only with time fields"},
		{AuditEntries, "tenant->>'x' = 'y'", 7, "tenant is not a JSON field"},
		{Processes, "tenant = 'acme'", 1, `unknown field "tenant"`},
		{Archives, "tenant = 'acme'", 1, `unknown field "tenant"`},
		{AuditEntries, "metadata->'a' = 'x'", 9, "end the JSON path with ->> to compare its value as text"},
		{AuditEntries, "metadata->'a'->'b' is null", 14, "end the JSON path with ->>"},
		{AuditEntries, "action->>'a' = 'x'", 7, "action is not a JSON field"},
		{AuditEntries, "occurred_at->>'a' = 'x'", 12, "occurred_at is not a JSON field"},
		{AuditEntries, "action = 5", 10, "action is text: quote the value, as in '5'"},
		{AuditEntries, "resource_id in ('a', 42)", 22, "resource_id is text: quote the value, as in '42'"},
		{AuditEntries, "action > now()", 10, "now() compares only with time fields; action is text"},
		{AuditEntries, "metadata->>'at' > now() - interval '1 day'", 19, "now() compares only with time fields; metadata is JSON"},
		{AuditEntries, "occurred_at > 'yesterday'", 15, `occurred_at is a time: want now() - interval '…', a date like '2026-01-31' or an RFC 3339 time like '2026-01-31T08:00:00Z', not "yesterday"`},
		{AuditEntries, "occurred_at > '2026-13-01'", 15, "occurred_at is a time"},
		{AuditEntries, "occurred_at > '2026-01-01T10:00:00'", 15, "occurred_at is a time"}, // no offset
		{AuditEntries, "occurred_at in ('2026-01-01', 'x')", 31, "occurred_at is a time"},
		{AuditEntries, "occurred_at > 5", 15, "occurred_at is a time: quote the value"},
		{AuditEntries, "occurred_at > now() - interval '1000000 months'", 15, "time out of range"},
		{AuditEntries, "occurred_at > now() + interval '1000000 weeks'", 15, "time out of range"},
		{AuditEntries, "metadata->>'n' in (1, 'a')", 23, "in list mixes strings and numbers"},
		{AuditEntries, "metadata->>'n' in ('a', 1)", 25, "in list mixes strings and numbers"},
		{AuditEntries, "metadata->>'n' > 1e999", 18, "number 1e999 is out of range"},
		{AuditEntries, "metadata->>'n' > -1E-999", 18, "number -1E-999 is out of range"},
		{AuditEntries, `action like 'abc\'`, 13, `like pattern ends with the escape character \`},
		{AuditEntries, `action not ilike '\\\'`, 18, `like pattern ends with the escape character \`},
		// syntax errors come through Compile unchanged
		{AuditEntries, "action = 'a' foo", 14, `unexpected "foo"`},
		{AuditEntries, "action = 'abc", 10, "unterminated string"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			p, err := Compile(tt.src, tt.schema, testNow)
			checkError(t, p, err, tt.pos, tt.msg)
		})
	}
}

func TestCompileAccepts(t *testing.T) {
	for _, src := range []string{
		`action like 'abc\\'`,
		`action like '\%\_\\'`,
		"occurred_at > now() - interval '24000 months'",
		"metadata is null",
		"metadata->'a'->>'b' is null",
		"status = 'success' and actor_type in ('user', 'api_key', 'system')",
	} {
		if _, err := Compile(src, AuditEntries, testNow); err != nil {
			t.Errorf("Compile(%q): %v", src, err)
		}
	}
}

// render compiles src and applies it to a selector on table t of dialect d.
func render(t *testing.T, d, src string) (string, []any) {
	t.Helper()
	p, err := Compile(src, AuditEntries, testNow)
	if err != nil {
		t.Fatalf("Compile(%q): %v", src, err)
	}
	sel := sql.Dialect(d).Select("id").From(sql.Table("audit_entries").As("e"))
	p(sel)
	if err := sel.Err(); err != nil {
		t.Fatal(err)
	}
	return sel.Query()
}

func TestCompileSQL(t *testing.T) {
	tests := []struct {
		src, sqlite, postgres string
	}{
		{
			"action = 'a'",
			"SELECT `id` FROM `audit_entries` AS `e` WHERE `e`.`action` = ?",
			`SELECT "id" FROM "audit_entries" AS "e" WHERE "e"."action" = $1`,
		},
		{
			"not (action = 'a' or status = 'failure') and workspace is not null",
			"SELECT `id` FROM `audit_entries` AS `e` WHERE (NOT ((`e`.`action` = ? OR `e`.`status` = ?)) AND `e`.`workspace` IS NOT NULL)",
			`SELECT "id" FROM "audit_entries" AS "e" WHERE (NOT (("e"."action" = $1 OR "e"."status" = $2)) AND "e"."workspace" IS NOT NULL)`,
		},
		{
			"action not ilike 'm%' and action > 'b'",
			"SELECT `id` FROM `audit_entries` AS `e` WHERE (NOT (lower(`e`.`action`) LIKE lower(?) ESCAPE '\\') AND `e`.`action` > ?)",
			`SELECT "id" FROM "audit_entries" AS "e" WHERE (NOT ("e"."action" ILIKE $1 ESCAPE '\') AND "e"."action" COLLATE "C" > $2)`,
		},
		{
			"metadata->'a'->>'b' = 'x'",
			"SELECT `id` FROM `audit_entries` AS `e` WHERE (CASE json_type(`e`.`metadata`, ?) WHEN 'text' THEN json_extract(`e`.`metadata`, ?) WHEN 'null' THEN NULL ELSE `e`.`metadata` -> ? END) = ?",
			`SELECT "id" FROM "audit_entries" AS "e" WHERE ("e"."metadata" -> CAST($1 AS text) ->> CAST($2 AS text)) = $3`,
		},
		{
			"metadata->>'n' in (1, 2.5)",
			"SELECT `id` FROM `audit_entries` AS `e` WHERE (CASE WHEN json_type(`e`.`metadata`, ?) IN ('integer', 'real') THEN json_extract(`e`.`metadata`, ?) END) IN (?, ?)",
			`SELECT "id" FROM "audit_entries" AS "e" WHERE (CASE WHEN jsonb_typeof("e"."metadata" -> CAST($1 AS text)) = 'number' THEN CAST("e"."metadata" ->> CAST($2 AS text) AS numeric) END) IN (CAST($3 AS numeric), CAST($4 AS numeric))`,
		},
		{
			"tenant = 'acme' or tenant not in ('a', 'b') or tenant is null",
			"SELECT `id` FROM `audit_entries` AS `e` WHERE (`e`.`tenant_id` IN (SELECT \"id\" FROM \"tenants\" WHERE \"slug\" IN (?) OR \"id\" IN (?)) OR NOT (`e`.`tenant_id` IN (SELECT \"id\" FROM \"tenants\" WHERE \"slug\" IN (?, ?) OR \"id\" IN (?, ?))) OR `e`.`tenant_id` IS NULL)",
			`SELECT "id" FROM "audit_entries" AS "e" WHERE ("e"."tenant_id" IN (SELECT "id" FROM "tenants" WHERE "slug" IN ($1) OR "id" IN ($2)) OR NOT ("e"."tenant_id" IN (SELECT "id" FROM "tenants" WHERE "slug" IN ($3, $4) OR "id" IN ($5, $6))) OR "e"."tenant_id" IS NULL)`,
		},
		{
			"metadata is null",
			"SELECT `id` FROM `audit_entries` AS `e` WHERE (`e`.`metadata` IS NULL OR json_type(`e`.`metadata`) = 'null')",
			`SELECT "id" FROM "audit_entries" AS "e" WHERE ("e"."metadata" IS NULL OR jsonb_typeof("e"."metadata") = 'null')`,
		},
	}
	for _, tt := range tests {
		for _, d := range []struct{ dialect, want string }{{dialect.SQLite, tt.sqlite}, {dialect.Postgres, tt.postgres}} {
			if got, _ := render(t, d.dialect, tt.src); got != d.want {
				t.Errorf("%s: %q\n got %s\nwant %s", d.dialect, tt.src, got, d.want)
			}
		}
	}
}

func TestCompileArgs(t *testing.T) {
	_, args := render(t, dialect.SQLite, "metadata->'a.b'->>'q\"k' = 'x' and status = 'failure' and occurred_at > now() - interval '1 month' and metadata->>'n' < 2.5 and metadata->>'m' > 3")
	want := []any{`$."a.b"."q\"k"`, `$."a.b"."q\"k"`, `$."a.b"."q\"k"`, "x", "FAILURE",
		time.Date(2026, 2, 28, 12, 0, 0, 0, time.UTC), `$."n"`, `$."n"`, 2.5, `$."m"`, `$."m"`, int64(3)}
	if len(args) != len(want) {
		t.Fatalf("args %#v\nwant %#v", args, want)
	}
	for i := range want {
		if args[i] != want[i] {
			t.Errorf("arg %d = %#v, want %#v", i, args[i], want[i])
		}
	}
	_, args = render(t, dialect.Postgres, "metadata->0->>'k' > -1.5e1")
	want = []any{int64(0), "k", int64(0), "k", "-1.5e1"}
	if len(args) != len(want) {
		t.Fatalf("args %#v\nwant %#v", args, want)
	}
	for i := range want {
		if args[i] != want[i] {
			t.Errorf("arg %d = %#v, want %#v", i, args[i], want[i])
		}
	}
}

// TestCompileNeverInlinesValues checks that no user text reaches the SQL.
func TestCompileNeverInlinesValues(t *testing.T) {
	evil := `x'); DROP TABLE audit_entries; --`
	src := "action = " + quoteString(evil) + " or metadata->" + quoteString(evil) + "->>" + quoteString(evil) +
		" like " + quoteString(evil) + " or resource_name in (" + quoteString(evil) + ")"
	for _, d := range []string{dialect.SQLite, dialect.Postgres} {
		query, args := render(t, d, src)
		if strings.Contains(query, "DROP") || strings.Contains(query, evil) {
			t.Errorf("%s: user text in SQL: %s", d, query)
		}
		if len(args) == 0 {
			t.Errorf("%s: no bind parameters", d)
		}
	}
}

func TestCompileEmpty(t *testing.T) {
	for _, src := range []string{"", "   "} {
		p, err := Compile(src, AuditEntries, testNow)
		if err != nil || p == nil {
			t.Fatalf("Compile(%q) = nil: %v; want a no-op predicate", src, err)
		}
		sel := sql.Dialect(dialect.SQLite).Select("id").From(sql.Table("audit_entries"))
		p(sel)
		if q, _ := sel.Query(); strings.Contains(q, "WHERE") {
			t.Errorf("blank filter added a condition: %s", q)
		}
	}
}

func TestCompileUnsupportedDialect(t *testing.T) {
	p, err := Compile("action = 'a'", AuditEntries, testNow)
	if err != nil {
		t.Fatal(err)
	}
	sel := sql.Dialect(dialect.MySQL).Select("id").From(sql.Table("audit_entries"))
	p(sel)
	if sel.Err() == nil {
		t.Error("no error for MySQL")
	}
}

// TestPredicateReuse applies one compiled predicate to several selectors,
// as a subscription does for each batch.
func TestPredicateReuse(t *testing.T) {
	p, err := Compile("action = 'a' and metadata->>'k' = 'v'", AuditEntries, testNow)
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for i := range 3 {
		sel := sql.Dialect(dialect.Postgres).Select("id").From(sql.Table("audit_entries"))
		p(sel)
		q, args := sel.Query()
		if i == 0 {
			first = q
		} else if q != first {
			t.Errorf("query %d differs:\n%s\n%s", i, q, first)
		}
		if len(args) != 3 {
			t.Errorf("args %v", args)
		}
	}
}

func TestNowArithmetic(t *testing.T) {
	tests := []struct {
		now      time.Time
		interval string
		sign     int
		want     time.Time
	}{
		{testNow, "1 month", -1, time.Date(2026, 2, 28, 12, 0, 0, 0, time.UTC)},
		{time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), "1 month", -1, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), "1 month", 1, time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), "13 months", 1, time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC)},
		{testNow, "12 months", -1, time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)},
		// months first, then days: 2026-03-31 - 1 month = 02-28, - 1 day = 02-27
		{testNow, "1 month 1 day", -1, time.Date(2026, 2, 27, 12, 0, 0, 0, time.UTC)},
		{testNow, "2 weeks", -1, time.Date(2026, 3, 17, 12, 0, 0, 0, time.UTC)},
		{testNow, "36 hours", -1, time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC)},
		{testNow, "90 minutes", 1, time.Date(2026, 3, 31, 13, 30, 0, 0, time.UTC)},
		{testNow, "86401 seconds", -1, time.Date(2026, 3, 30, 11, 59, 59, 0, time.UTC)},
		{time.Date(2026, 3, 31, 12, 0, 0, 123456789, time.FixedZone("x", 3600)), "1 second", -1, time.Date(2026, 3, 31, 10, 59, 59, 123456000, time.UTC)},
	}
	for _, tt := range tests {
		e, err := Parse("occurred_at > now() - interval " + quoteString(tt.interval))
		if err != nil {
			t.Fatal(err)
		}
		n := e.(*Compare).Right.(*Now)
		n.Sign = tt.sign
		got, ok := n.at(tt.now)
		if !ok || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("%v %+d × %s = %v, %v; want %v", tt.now, tt.sign, tt.interval, got, ok, tt.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-01-01", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-01-01T10:00:00Z", time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)},
		{"2026-01-01T10:00:00+02:00", time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)},
		{"2026-01-01 10:00:00-01:30", time.Date(2026, 1, 1, 11, 30, 0, 0, time.UTC)},
		{"2026-01-01T10:00:00.123456789Z", time.Date(2026, 1, 1, 10, 0, 0, 123456000, time.UTC)},
	}
	for _, tt := range tests {
		got, ok := parseTime(tt.in)
		if !ok || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "2026", "2026-1-1", "2026-01-01T10:00", "2026-01-01T10:00:00", "yesterday", "2026-02-30"} {
		if got, ok := parseTime(bad); ok {
			t.Errorf("parseTime(%q) = %v; want failure", bad, got)
		}
	}
}

func TestSQLitePath(t *testing.T) {
	tests := []struct {
		path []Step
		want string
	}{
		{[]Step{{Key: "plan"}}, `$."plan"`},
		{[]Step{{Key: "a.b"}, {Index: 2, IsIndex: true}, {Key: `q"k\`}}, `$."a.b"[2]."q\"k\\"`},
		{[]Step{{Key: "tab\there\x01"}}, `$."tab\u0009here\u0001"`},
		{[]Step{{Key: ""}}, `$.""`},
		{[]Step{{Key: "Émile ☃"}}, `$."Émile ☃"`},
	}
	for _, tt := range tests {
		if got := sqlitePath(tt.path); got != tt.want {
			t.Errorf("sqlitePath(%v) = %s, want %s", tt.path, got, tt.want)
		}
	}
}
