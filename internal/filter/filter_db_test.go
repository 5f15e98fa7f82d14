package filter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/testdb"
)

// testNow is what now() means in these tests: the last day of a 31-day
// month, so "now() - interval '1 month'" must clamp to February 28th.
var testNow = time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)

// testDB is an empty database of either dialect, opened the way the
// service opens it (same SQLite DSN, PostgreSQL in a schema of its own).
type testDB struct {
	dialect string
	db      *db.DB
}

// eachDB runs fn on a fresh SQLite database and on a fresh PostgreSQL
// schema; testdb skips the PostgreSQL half loudly when no server answers
// (and fails under CI=true).
func eachDB(t *testing.T, fn func(t *testing.T, d testDB)) {
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			d, err := db.Open(context.Background(), testdb.URL(t, dia))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			fn(t, testDB{dia, d})
		})
	}
}

func (d testDB) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := d.db.SQL.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v\n%s", d.dialect, err, query)
	}
}

// ids runs src against table (aliased, and behind another condition, as
// ent queries do) and returns the matching ids in order.
func (d testDB) ids(t *testing.T, table string, s filter.Schema, src string) []int {
	t.Helper()
	p, err := filter.Compile(src, s, testNow)
	if err != nil {
		t.Fatalf("filter.Compile(%q): %v", src, err)
	}
	sel := entsql.Dialect(d.dialect).Select("id").From(entsql.Table(table).As("t"))
	sel.Where(entsql.GT(sel.C("id"), 0))
	p(sel)
	sel.OrderBy(sel.C("id"))
	if err := sel.Err(); err != nil {
		t.Fatal(err)
	}
	query, args := sel.Query()
	rows, err := d.db.SQL.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %q: %v\n%s %v", d.dialect, src, err, query, args)
	}
	defer rows.Close()
	ids := []int{}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

func str(s string) *string { return &s }

type entryRow struct {
	id                                  int
	action, resourceType                string
	resourceID, resourceName, workspace *string
	actorType                           string
	actorID, actorName, actorEmail      *string
	status                              string
	occurredAt, receivedAt              time.Time
	metadata, oldValue, newValue        *string
}

func ago(d time.Duration) time.Time { return testNow.Add(-d) }

const day = 24 * time.Hour

var entryRows = []entryRow{
	{id: 1, action: "member.invite", resourceType: "user", resourceID: str("u1"), resourceName: str("O'Brien"), workspace: str("ws-a"),
		actorType: "USER", actorID: str("usr_1"), actorName: str("Alice"), actorEmail: str("alice@acme.io"), status: "SUCCESS",
		occurredAt: ago(time.Hour), metadata: str(`{"plan":"pro","count":5,"flag":true,"ip":"10.0.0.1"}`), newValue: str(`{"plan":"pro"}`)},
	{id: 2, action: "member.remove", resourceType: "user", resourceID: str("u2"), resourceName: str("Bob"), workspace: str("ws-a"),
		actorType: "USER", actorID: str("usr_2"), actorName: str("Bob"), actorEmail: str("BOB@ACME.IO"), status: "FAILURE",
		occurredAt: ago(2 * day), metadata: str(`{"plan":"free","count":12,"flag":false}`), oldValue: str(`{"plan":"free"}`)},
	{id: 3, action: "workspace.create", resourceType: "workspace", resourceID: str("w1"),
		actorType: "API_KEY", actorID: str("key_1"), actorName: str("ci"), status: "SUCCESS",
		occurredAt: ago(10 * day), metadata: str(`{"a.b":"dot","count":5.5}`), newValue: str(`{"name":"w1"}`)},
	{id: 4, action: "api_key.create", resourceType: "api_key", resourceName: str("deploy key"), workspace: str("ws-b"),
		actorType: "SYSTEM", status: "SUCCESS", occurredAt: ago(40 * day), receivedAt: ago(day)},
	{id: 5, action: "member.role.update", resourceType: "user", resourceID: str("u3"), resourceName: str("100% real"), workspace: str("ws-b"),
		actorType: "USER", actorID: str("usr_3"), actorName: str("Émile"), actorEmail: str("emile@example.com"), status: "SUCCESS",
		occurredAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		metadata:   str(`{"nested":{"k":"v","arr":[1,"two",{"x":"y"}]}}`),
		oldValue:   str(`{"plan":"free","limits":{"seats":5}}`), newValue: str(`{"plan":"pro","limits":{"seats":10}}`)},
	{id: 6, action: "audit_log.view", resourceType: "audit_log", workspace: str("ws-a"),
		actorType: "USER", actorID: str("usr_1"), actorName: str("Alice"), actorEmail: str("alice@acme.io"), status: "SUCCESS",
		occurredAt: time.Date(2025, 12, 31, 23, 59, 59, 999999000, time.UTC),
		metadata:   str(`{"filter":"action like 'member.%'","q\"k":"quoted","b\\s":"backslash","it's":"apostrophe","":"empty key"}`)},
	{id: 7, action: "member.invite", resourceType: "user", resourceID: str("u4"), resourceName: str("alice"), workspace: str("ws-c"),
		actorType: "USER", actorID: str("usr_4"), actorName: str("alice"), actorEmail: str("Alice@Acme.io"), status: "FAILURE",
		occurredAt: ago(2 * time.Hour), metadata: str(`{"plan":null,"count":"5"}`)},
	{id: 8, action: "tenant.update", resourceType: "tenant", resourceID: str("t1"), resourceName: str("Acme"),
		actorType: "SYSTEM", status: "SUCCESS", occurredAt: ago(3 * time.Hour),
		metadata: str(`null`), oldValue: str(`{"name":"Acme Inc"}`), newValue: str(`{"name":"Acme"}`)},
	{id: 9, action: "tenant.update", resourceType: "tenant", resourceID: str("t1"), resourceName: str("Acme"),
		actorType: "SYSTEM", status: "SUCCESS", occurredAt: ago(90 * day), metadata: str(`{}`)},
	{id: 10, action: "a_b.c", resourceType: "misc", resourceID: str("r_1"), resourceName: str("a%b"),
		actorType: "USER", actorID: str("usr_5"), status: "FAILURE", occurredAt: ago(7*day - time.Second),
		metadata: str(`{"count":-3,"ratio":0.25}`)},
	{id: 11, action: "axb.c", resourceType: "misc", resourceID: str("r1"), resourceName: str(`a\b`),
		actorType: "USER", actorID: str("usr_5"), status: "SUCCESS", occurredAt: ago(7*day + time.Second),
		metadata: str(`{"tags":["x","y"],"obj":{}}`)},
	{id: 12, action: "Member.Invite", resourceType: "user", resourceID: str("u5"), resourceName: str("Zoë"), workspace: str("ws-a"),
		actorType: "USER", actorID: str("usr_6"), actorName: str("Zoë"), actorEmail: str("zoe@acme.io"), status: "SUCCESS",
		occurredAt: ago(30 * day), metadata: str(`{"flag":true,"plan":"Pro"}`)},
	{id: 13, action: "member.invite", resourceType: "user", resourceID: str("u6"), workspace: str("ws-a"),
		actorType: "API_KEY", actorID: str("key_2"), actorName: str("deploy"), status: "FAILURE",
		occurredAt: ago(6 * day), metadata: str(`{"plan":"pro","count":5.0}`)},
	{id: 14, action: "user.login", resourceType: "user", resourceID: str("usr_1"), resourceName: str("Alice"),
		actorType: "USER", actorID: str("usr_1"), actorName: str("Alice"), actorEmail: str("alice@acme.io"), status: "SUCCESS",
		occurredAt: ago(time.Minute), metadata: str(`{"ip":"10.0.0.2","mfa":false}`)},
	{id: 15, action: "user.login_failed", resourceType: "user",
		actorType: "SYSTEM", actorEmail: str("bob@acme.io"), status: "FAILURE",
		occurredAt: ago(30 * time.Second), metadata: str(`{"ip":"10.0.0.3","reason":"bad password"}`)},
	{id: 16, action: "archive.create", resourceType: "archive", resourceID: str("a1"), resourceName: str("March"), workspace: str("ws-b"),
		actorType: "USER", actorID: str("usr_2"), actorName: str("Bob"), actorEmail: str("bob@acme.io"), status: "SUCCESS",
		occurredAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), metadata: str(`{"format":"JSONL_GZ","count":0}`)},
	{id: 17, action: "archive.delete", resourceType: "archive", resourceID: str("a1"), resourceName: str("March"), workspace: str("ws-b"),
		actorType: "USER", actorID: str("usr_2"), actorName: str("Bob"), actorEmail: str("bob@acme.io"), status: "FAILURE",
		occurredAt: time.Date(2026, 2, 28, 23, 59, 59, 0, time.UTC), metadata: str(`{"format":"CSV_GZ","count":null}`)},
	{id: 18, action: "workspace.update", resourceType: "workspace", resourceID: str("w2"), resourceName: str("B"), workspace: str("ws-b"),
		actorType: "API_KEY", actorID: str("key_1"), actorName: str("ci"), status: "SUCCESS", occurredAt: ago(8 * day),
		metadata: str(`{"a":{"b":{"c":"deep"}},"arr":[{"id":"x1"},{"id":"x2"}]}`), oldValue: str(`{"name":"A"}`), newValue: str(`{"name":"B"}`)},
	{id: 19, action: "workspace.delete", resourceType: "workspace", resourceID: str("w2"), resourceName: str("B"), workspace: str(""),
		actorType: "USER", actorID: str(""), status: "SUCCESS", occurredAt: ago(31 * day), metadata: str(`{"count":100}`)},
	{id: 20, action: "member.invite", resourceType: "user", resourceID: str("u7"), workspace: str("ws-a"),
		actorType: "USER", actorID: str("usr_1"), actorName: str("Alice"), actorEmail: str("alice@acme.io"), status: "SUCCESS",
		occurredAt: ago(29*day + 23*time.Hour), metadata: str(`{"plan":"enterprise","count":7,"flag":"true"}`)},
}

func createAuditEntries(t *testing.T, d testDB) {
	t.Helper()
	text, tm, js := "TEXT", "DATETIME", "TEXT"
	if d.dialect == dialect.Postgres {
		text, tm, js = "varchar", "timestamptz", "jsonb"
	}
	d.exec(t, fmt.Sprintf(`CREATE TABLE audit_entries (
		id bigint PRIMARY KEY, action %[1]s NOT NULL, resource_type %[1]s NOT NULL, resource_id %[1]s,
		resource_name %[1]s, workspace %[1]s, actor_type %[1]s NOT NULL, actor_id %[1]s, actor_name %[1]s,
		actor_email %[1]s, status %[1]s NOT NULL, occurred_at %[2]s NOT NULL, received_at %[2]s NOT NULL,
		metadata %[3]s, old_value %[3]s, new_value %[3]s)`, text, tm, js))
	ph := placeholders(d.dialect, 16)
	for _, r := range entryRows {
		received := r.receivedAt
		if received.IsZero() {
			received = r.occurredAt.Add(time.Second)
		}
		jsonArg := func(v *string) any {
			// ent hands JSON to the driver as json.RawMessage, which SQLite
			// stores as a BLOB of JSON text; keep some rows TEXT to cover both.
			if v == nil || d.dialect != dialect.SQLite || r.id%2 == 0 {
				return v
			}
			return json.RawMessage(*v)
		}
		d.exec(t, "INSERT INTO audit_entries VALUES ("+ph+")", r.id, r.action, r.resourceType, r.resourceID,
			r.resourceName, r.workspace, r.actorType, r.actorID, r.actorName, r.actorEmail, r.status,
			r.occurredAt, received, jsonArg(r.metadata), jsonArg(r.oldValue), jsonArg(r.newValue))
	}
}

func placeholders(d string, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "?"
		if d == dialect.Postgres {
			ps[i] = fmt.Sprintf("$%d", i+1)
		}
	}
	return strings.Join(ps, ", ")
}

func allIDs(n int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i + 1
	}
	return ids
}

func except(all []int, drop ...int) []int {
	return slices.DeleteFunc(slices.Clone(all), func(id int) bool { return slices.Contains(drop, id) })
}

var all20 = allIDs(20)

// entryCases lists filters on audit entries and exactly the rows each must
// return on both databases.
var entryCases = []struct {
	src  string
	want []int
}{
	// text comparisons; ordering is bytewise on both databases
	{"action = 'member.invite'", []int{1, 7, 13, 20}},
	{"action != 'member.invite'", except(all20, 1, 7, 13, 20)},
	{"action <> 'member.invite'", except(all20, 1, 7, 13, 20)},
	{"action < 'b'", []int{4, 6, 10, 11, 12, 16, 17}},
	{"action <= 'a_b.c'", []int{10, 12}},
	{"action > 'user.login'", []int{3, 15, 18, 19}},
	{"action >= 'user.login'", []int{3, 14, 15, 18, 19}},
	{"resource_name = 'O''Brien'", []int{1}},
	{"ACTION = 'member.remove'", []int{2}},
	// like and ilike; like is case-sensitive, backslash escapes
	{"action like 'member.%'", []int{1, 2, 5, 7, 13, 20}},
	{"action LIKE 'member.%'", []int{1, 2, 5, 7, 13, 20}},
	{"action ilike 'member.%'", []int{1, 2, 5, 7, 12, 13, 20}},
	{"action not like 'member.%'", []int{3, 4, 6, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19}},
	{"action not ilike 'MEMBER.%'", []int{3, 4, 6, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19}},
	{"action like 'a_b.c'", []int{10, 11}},
	{`action like 'a\_b.c'`, []int{10}},
	{`resource_name like '100\%%'`, []int{5}},
	{`resource_name like '%\%%'`, []int{5, 10}},
	{`resource_name like 'a\\b'`, []int{11}},
	{"resource_name ilike 'zoë'", []int{12}},
	{"actor_email ilike '%@acme.io'", []int{1, 2, 6, 7, 12, 14, 15, 16, 17, 20}},
	{"actor_email like '%@acme.io'", []int{1, 6, 12, 14, 15, 16, 17, 20}},
	{"actor_email not ilike '%@acme.io'", []int{5}},
	{"not (actor_email ilike '%@acme.io')", []int{5}},
	// in
	{"action in ('user.login', 'user.login_failed')", []int{14, 15}},
	{"action not in ('member.invite', 'member.remove', 'tenant.update')", []int{3, 4, 5, 6, 10, 11, 12, 14, 15, 16, 17, 18, 19}},
	{"workspace in ('ws-a', '')", []int{1, 2, 6, 12, 13, 19, 20}},
	{"workspace not in ('ws-a')", []int{4, 5, 7, 16, 17, 18, 19}},
	{"not (workspace in ('ws-a'))", []int{4, 5, 7, 16, 17, 18, 19}},
	// null: a null field matches no comparison nor its negation
	{"workspace is null", []int{3, 8, 9, 10, 11, 14, 15}},
	{"workspace is not null", []int{1, 2, 4, 5, 6, 7, 12, 13, 16, 17, 18, 19, 20}},
	{"workspace = ''", []int{19}},
	{"workspace != 'ws-a'", []int{4, 5, 7, 16, 17, 18, 19}},
	{"not (workspace = 'ws-a')", []int{4, 5, 7, 16, 17, 18, 19}},
	{"not workspace = 'ws-a'", []int{4, 5, 7, 16, 17, 18, 19}},
	{"not (workspace != 'ws-a')", []int{1, 2, 6, 12, 13, 20}},
	{"not not workspace = 'ws-a'", []int{1, 2, 6, 12, 13, 20}},
	{"workspace = 'ws-a' or workspace is null", []int{1, 2, 3, 6, 8, 9, 10, 11, 12, 13, 14, 15, 20}},
	{"not (workspace = 'ws-a' or workspace = 'ws-b')", []int{7, 19}},
	{"not (workspace = 'ws-a' and action = 'member.invite')", except(all20, 1, 13, 20)},
	{"resource_id is null", []int{4, 6, 15}},
	{"actor_id != ''", except(all20, 4, 8, 9, 15, 19)},
	{"actor_name < 'B'", []int{1, 6, 14, 20}},
	{"not (actor_name < 'B')", []int{2, 3, 5, 7, 12, 13, 16, 17, 18}},
	// enums take the GraphQL names in any case
	{"status = 'failure'", []int{2, 7, 10, 13, 15, 17}},
	{"status = 'FAILURE'", []int{2, 7, 10, 13, 15, 17}},
	{"STATUS = 'Failure'", []int{2, 7, 10, 13, 15, 17}},
	{"status != 'failure'", []int{1, 3, 4, 5, 6, 8, 9, 11, 12, 14, 16, 18, 19, 20}},
	{"status in ('failure', 'success')", all20},
	{"actor_type = 'api_key'", []int{3, 13, 18}},
	{"actor_type not in ('user', 'SYSTEM')", []int{3, 13, 18}},
	{"actor_type = 'system'", []int{4, 8, 9, 15}},
	{"status is null", []int{}},
	// times: now() ± interval, dates and RFC 3339 times
	{"occurred_at > now() - interval '7 days'", []int{1, 2, 7, 8, 10, 13, 14, 15}},
	{"occurred_at >= now() - interval '1 week'", []int{1, 2, 7, 8, 10, 13, 14, 15}},
	{"occurred_at > now() - interval '1 month'", []int{1, 2, 3, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20}},
	{"occurred_at >= now() - interval '1 month'", []int{1, 2, 3, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}},
	{"occurred_at > now() - interval '90 minutes'", []int{1, 14, 15}},
	{"occurred_at > now() - interval '2 hours'", []int{1, 14, 15}},
	{"occurred_at >= now() - interval '2 hours'", []int{1, 7, 14, 15}},
	{"occurred_at > now() - interval '45 seconds'", []int{15}},
	{"occurred_at > now() - interval '1 day 1 hour'", []int{1, 7, 8, 14, 15}},
	{"occurred_at < now()", all20},
	{"occurred_at > now()", []int{}},
	{"occurred_at < now() + interval '1 day'", all20},
	{"occurred_at >= '2026-01-01'", except(all20, 6, 9)},
	{"occurred_at < '2026-01-01'", []int{6, 9}},
	{"occurred_at = '2026-01-01T00:00:00Z'", []int{5}},
	{"occurred_at = '2026-01-01T01:00:00+01:00'", []int{5}},
	{"occurred_at = '2025-12-31T23:59:59.999999Z'", []int{6}},
	{"occurred_at > '2025-12-31T23:59:59.999998Z' and occurred_at < '2026-01-01'", []int{6}},
	{"occurred_at in ('2026-01-01', '2026-03-01')", []int{5, 16}},
	{"occurred_at not in ('2026-01-01', '2026-03-01')", except(all20, 5, 16)},
	{"occurred_at >= '2026-03-01' and occurred_at < '2026-03-02'", []int{12, 16, 20}},
	{"occurred_at >= '2026-03-01 00:00:00Z'", []int{1, 2, 3, 7, 8, 10, 11, 12, 13, 14, 15, 16, 18, 20}},
	{"received_at > now() - interval '2 days' and occurred_at < now() - interval '30 days'", []int{4}},
	// JSON paths: ->> yields the text PostgreSQL gives
	{"metadata->>'plan' = 'pro'", []int{1, 13}},
	{"metadata->>'plan' ilike 'pro'", []int{1, 12, 13}},
	{"metadata->>'plan' is null", []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19}},
	{"metadata->>'plan' is not null", []int{1, 2, 12, 13, 20}},
	{"metadata->>'plan' != 'pro'", []int{2, 12, 20}},
	{"not (metadata->>'plan' = 'pro')", []int{2, 12, 20}},
	{"metadata->>'plan' in ('free', 'enterprise')", []int{2, 20}},
	{"metadata->>'plan' > 'f'", []int{1, 2, 13}},
	{"metadata->>'plan' = 'null'", []int{}},
	{"metadata->>'flag' = 'true'", []int{1, 12, 20}},
	{"metadata->>'flag' = 'false'", []int{2}},
	{"metadata->>'mfa' = 'false'", []int{14}},
	{"metadata->>'count' = '5'", []int{1, 7}},
	{"metadata->>'count' = '5.0'", []int{13}},
	{"metadata->>'count' = '5.5'", []int{3}},
	{"metadata->>'count' like '1%'", []int{2, 19}},
	{"metadata->>'ratio' = '0.25'", []int{10}},
	{"metadata->>'count' is null", []int{4, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}},
	// numbers compare numerically, and only with JSON numbers
	{"metadata->>'count' = 5", []int{1, 13}},
	{"metadata->>'count' > 5", []int{2, 3, 19, 20}},
	{"metadata->>'count' <= 0", []int{10, 16}},
	{"metadata->>'count' < -2.5", []int{10}},
	{"metadata->>'count' >= 1e2", []int{19}},
	{"metadata->>'count' in (0, 12)", []int{2, 16}},
	{"metadata->>'count' not in (5)", []int{2, 3, 10, 16, 19, 20}},
	{"not (metadata->>'count' > 5)", []int{1, 10, 13, 16}},
	{"metadata->>'plan' = 5", []int{}},
	// keys that need quoting, nested paths, array indexes
	{"metadata->>'a.b' = 'dot'", []int{3}},
	{`metadata->>'q"k' = 'quoted'`, []int{6}},
	{`metadata->>'b\s' = 'backslash'`, []int{6}},
	{"metadata->>'it''s' = 'apostrophe'", []int{6}},
	{"metadata->>'' = 'empty key'", []int{6}},
	{`metadata->>'filter' like '%''member.\%''%'`, []int{6}},
	{"metadata->'a'->'b'->>'c' = 'deep'", []int{18}},
	{"metadata->'arr'->1->>'id' = 'x2'", []int{18}},
	{"metadata->'arr'->0->>'id' like 'x%'", []int{18}},
	{"metadata->'arr'->5->>'id' is null", all20},
	{"metadata->'nested'->>'k' = 'v'", []int{5}},
	{"metadata->'nested'->'arr'->>1 = 'two'", []int{5}},
	{"metadata->'nested'->'arr'->>0 = '1'", []int{5}},
	{"metadata->'nested'->'arr'->>0 = 1", []int{5}},
	{"metadata->'nested'->'arr'->2->>'x' = 'y'", []int{5}},
	{"metadata->'nested'->>'arr' is not null", []int{5}},
	{"metadata->'plan'->>'x' is null", all20},
	{"metadata->>'nested' is not null", []int{5}},
	{"metadata->>'obj' = '{}'", []int{11}},
	{"metadata->>'tags' like '[%'", []int{11}},
	{"metadata->>'missing' is null", all20},
	{"metadata->>'ip' like '10.0.0.%'", []int{1, 14, 15}},
	// a whole JSON column: SQL NULL and JSON null are both null
	{"metadata is null", []int{4, 8}},
	{"metadata is not null", except(all20, 4, 8)},
	{"not (metadata is null)", except(all20, 4, 8)},
	{"old_value is null", []int{1, 3, 4, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20}},
	{"old_value->>'plan' = 'free'", []int{2, 5}},
	{"new_value->>'plan' = 'pro'", []int{1, 5}},
	{"old_value->>'plan' = 'free' and new_value->>'plan' = 'pro'", []int{5}},
	{"new_value->'limits'->>'seats' = 10", []int{5}},
	// precedence and grouping
	{"action like 'member.%' and occurred_at > now() - interval '30 days' and actor_email ilike '%@acme.io'", []int{1, 2, 7, 20}},
	{"status = 'failure' or actor_type = 'system' and workspace is null", []int{2, 7, 8, 9, 10, 13, 15, 17}},
	{"(status = 'failure' or actor_type = 'system') and workspace is null", []int{8, 9, 10, 15}},
	{"not status = 'failure' and actor_type = 'user'", []int{1, 5, 6, 11, 12, 14, 16, 19, 20}},
	{"not (status = 'failure' and actor_type = 'user')", except(all20, 2, 7, 10, 17)},
	// blank filters add nothing
	{"", all20},
	{"  \n", all20},
}

func TestAuditEntriesOnDatabases(t *testing.T) {
	eachDB(t, func(t *testing.T, d testDB) {
		createAuditEntries(t, d)
		for _, tc := range entryCases {
			t.Run(tc.src, func(t *testing.T) {
				if got := d.ids(t, "audit_entries", filter.AuditEntries, tc.src); !slices.Equal(got, tc.want) {
					t.Errorf("%s: %q\n got %v\nwant %v", d.dialect, tc.src, got, tc.want)
				}
			})
		}
	})
}

// TestNullLogic checks, for conditions on nullable columns, that a
// condition and its negation split exactly the rows where the column is
// not null, as SQL's three-valued logic demands.
func TestNullLogic(t *testing.T) {
	conds := []struct{ cond, null string }{
		{"workspace = 'ws-a'", "workspace is null"},
		{"workspace != ''", "workspace is null"},
		{"workspace < 'ws-b'", "workspace is null"},
		{"workspace >= 'ws-b'", "workspace is null"},
		{"workspace like 'ws-%'", "workspace is null"},
		{"workspace ilike 'WS-A'", "workspace is null"},
		{"workspace not like 'ws-%'", "workspace is null"},
		{"workspace not ilike 'WS-A'", "workspace is null"},
		{"workspace in ('ws-a', 'ws-c')", "workspace is null"},
		{"workspace not in ('ws-a', 'ws-c')", "workspace is null"},
		{"actor_email ilike '%@acme.io'", "actor_email is null"},
		{"actor_name = 'Alice'", "actor_name is null"},
		{"resource_id in ('u1', 'w1')", "resource_id is null"},
		{"metadata->>'plan' = 'pro'", "metadata->>'plan' is null"},
		{"metadata->>'plan' like 'p%'", "metadata->>'plan' is null"},
		{"metadata->>'plan' not in ('pro')", "metadata->>'plan' is null"},
		{"metadata->>'flag' != 'true'", "metadata->>'flag' is null"},
		{"new_value->>'plan' < 'q'", "new_value->>'plan' is null"},
	}
	eachDB(t, func(t *testing.T, d testDB) {
		createAuditEntries(t, d)
		for _, c := range conds {
			yes := d.ids(t, "audit_entries", filter.AuditEntries, c.cond)
			no := d.ids(t, "audit_entries", filter.AuditEntries, "not ("+c.cond+")")
			nulls := d.ids(t, "audit_entries", filter.AuditEntries, c.null)
			if len(nulls) == 0 {
				t.Errorf("%s: no null rows to test with", c.cond)
			}
			split := append(append(append([]int{}, yes...), no...), nulls...)
			slices.Sort(split)
			if !slices.Equal(split, all20) {
				t.Errorf("%s: %q matches %v, its negation %v, nulls are %v: not a partition of all rows", d.dialect, c.cond, yes, no, nulls)
			}
		}
	})
}

func TestProcessesOnDatabases(t *testing.T) {
	type row struct {
		id                         int
		kind, status               string
		created, started, finished *time.Time
	}
	at := func(d time.Duration) *time.Time { t := ago(d); return &t }
	rows := []row{
		{1, "ARCHIVE", "SUCCEEDED", at(2 * day), at(2*day - time.Minute), at(2*day - 5*time.Minute)},
		{2, "EXPORT", "RUNNING", at(time.Hour), at(59 * time.Minute), nil},
		{3, "RETENTION", "QUEUED", at(5 * time.Minute), nil, nil},
		{4, "ARCHIVE", "FAILED", at(10 * day), at(10 * day), at(10*day - time.Hour)},
		{5, "EXPORT", "CANCELED", at(40 * day), nil, at(39 * day)},
	}
	cases := []struct {
		src  string
		want []int
	}{
		{"kind = 'archive'", []int{1, 4}},
		{"kind != 'Archive'", []int{2, 3, 5}},
		{"status in ('queued', 'running')", []int{2, 3}},
		{"status not in ('queued', 'running')", []int{1, 4, 5}},
		{"finished_at is null", []int{2, 3}},
		{"started_at is not null and finished_at is null", []int{2}},
		{"started_at < now() - interval '1 day'", []int{1, 4}},
		{"not (started_at < now() - interval '1 day')", []int{2}},
		{"kind = 'export' and created_at > now() - interval '1 day'", []int{2}},
		{"finished_at >= now() - interval '40 days'", []int{1, 4, 5}},
		{"created_at < '2026-03-01' or status = 'canceled'", []int{5}},
	}
	eachDB(t, func(t *testing.T, d testDB) {
		tm := "DATETIME"
		if d.dialect == dialect.Postgres {
			tm = "timestamptz"
		}
		d.exec(t, fmt.Sprintf(`CREATE TABLE processes (id bigint PRIMARY KEY, kind varchar(16) NOT NULL,
				status varchar(16) NOT NULL, created_at %[1]s NOT NULL, started_at %[1]s, finished_at %[1]s)`, tm))
		for _, r := range rows {
			d.exec(t, "INSERT INTO processes VALUES ("+placeholders(d.dialect, 6)+")", r.id, r.kind, r.status, r.created, r.started, r.finished)
		}
		for _, tc := range cases {
			if got := d.ids(t, "processes", filter.Processes, tc.src); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %q\n got %v\nwant %v", d.dialect, tc.src, got, tc.want)
			}
		}
	})
}

func TestArchivesOnDatabases(t *testing.T) {
	date := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	rows := []struct {
		id           int
		name, format string
		created      time.Time
		from, to     time.Time
	}{
		{1, "March 2026", "JSONL_GZ", ago(day), date("2026-03-01"), date("2026-04-01")},
		{2, "Feb", "CSV_GZ", ago(30 * day), date("2026-02-01"), date("2026-03-01")},
		{3, "weekly", "JSONL_GZ", ago(3 * day), ago(10 * day), ago(3 * day)},
	}
	cases := []struct {
		src  string
		want []int
	}{
		{"from >= '2026-03-01'", []int{1, 3}},
		{`"from" < '2026-03-01' and "to" <= '2026-03-01'`, []int{2}},
		{"to > now()", []int{1}},
		{"format = 'csv_gz'", []int{2}},
		{"format in ('jsonl_gz')", []int{1, 3}},
		{"name ilike 'march%'", []int{1}},
		{"name like 'march%'", []int{}},
		{"created_at > now() - interval '1 week' and not (name = 'weekly')", []int{1}},
	}
	eachDB(t, func(t *testing.T, d testDB) {
		tm := "DATETIME"
		if d.dialect == dialect.Postgres {
			tm = "timestamptz"
		}
		d.exec(t, fmt.Sprintf(`CREATE TABLE archives (id bigint PRIMARY KEY, name varchar(255) NOT NULL,
				format varchar(16) NOT NULL, created_at %[1]s NOT NULL, "from" %[1]s NOT NULL, "to" %[1]s NOT NULL)`, tm))
		for _, r := range rows {
			d.exec(t, "INSERT INTO archives VALUES ("+placeholders(d.dialect, 6)+")", r.id, r.name, r.format, r.created, r.from, r.to)
		}
		for _, tc := range cases {
			if got := d.ids(t, "archives", filter.Archives, tc.src); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %q\n got %v\nwant %v", d.dialect, tc.src, got, tc.want)
			}
		}
	})
}

// TestLimitsOnDatabases runs the largest filters the limits allow, in the
// shapes that go deepest in SQL, on both databases: the limits must refuse
// a filter before the database would (SQLite's expression depth of 1000,
// its 32766 bind parameters, PostgreSQL's stack).
func TestLimitsOnDatabases(t *testing.T) {
	path := "metadata" + strings.Repeat("->0", filter.MaxPathSteps-1) + "->>0"
	chain := func(first string, n int) string {
		terms := make([]string, n)
		for i := range terms {
			terms[i] = "action = 'x'"
		}
		terms[0] = first
		return strings.Join(terms, " or ")
	}
	leftNested := path + " = 1"
	for i := range 99 {
		op := " or "
		if i%2 == 1 {
			op = " and "
		}
		leftNested = "(" + leftNested + ")" + op + "action = 'x'"
	}
	rightNested := chain(path+" = 1", filter.MaxConditions-99)
	for range 99 {
		rightNested = "action = 'x' or (" + rightNested + ")"
	}
	var maxPaths []string
	for len(strings.Join(maxPaths, " or ")) < filter.MaxLength-200 {
		maxPaths = append(maxPaths, path+" = 1")
	}
	listOf := func(v string) string {
		return "(" + strings.Repeat(v+",", (filter.MaxLength-40)/(len(v)+1)) + v + ")"
	}
	shapes := map[string]string{
		"chain under 98 nots": strings.Repeat("not ", 98) + "((" + chain(path+" = 1", filter.MaxConditions) + "))",
		"100 nots":            strings.Repeat("not ", 100) + path + " = 1",
		"left-nested chains":  leftNested + strings.Repeat(" or action = 'x'", filter.MaxConditions-100),
		"right-nested chains": rightNested,
		"longest paths":       strings.Join(maxPaths, " or "),
		"longest text list":   "metadata->>'plan' in " + listOf("'a'"),
		"longest number list": "metadata->>'count' not in " + listOf("1"),
	}
	eachDB(t, func(t *testing.T, d testDB) {
		createAuditEntries(t, d)
		for name, src := range shapes {
			if _, err := filter.Parse(src); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			d.ids(t, "audit_entries", filter.AuditEntries, src)
		}
	})
}

// TestTenantOnDatabases checks the tenant field on both databases: a
// tenant is named by its slug or its ID, a name of no tenant matches
// nothing, != and not in keep SQL's null logic (the platform log's entries,
// of no tenant, match neither a tenant nor its negation), is null finds
// them.
func TestTenantOnDatabases(t *testing.T) {
	cases := []struct {
		src  string
		want []int
	}{
		{"tenant = 'acme'", []int{1, 2}},
		{"tenant = 'ten_acme'", []int{1, 2}},
		{"tenant = 'ACME'", []int{}},
		{"tenant in ('acme', 'ten_globex')", []int{1, 2, 3}},
		{"tenant = 'nope'", []int{}},
		{"tenant = ''", []int{}},
		{"tenant != 'acme'", []int{3}},
		{"tenant not in ('acme', 'globex')", []int{}},
		{"not tenant = 'globex'", []int{1, 2}},
		{"tenant is null", []int{4}},
		{"tenant is not null and action = 'b'", []int{2}},
		{"tenant = 'acme' or tenant is null", []int{1, 2, 4}},
	}
	eachDB(t, func(t *testing.T, d testDB) {
		d.exec(t, `CREATE TABLE tenants (id varchar(40) PRIMARY KEY, slug varchar(63) NOT NULL)`)
		d.exec(t, `INSERT INTO tenants VALUES ('ten_acme', 'acme'), ('ten_globex', 'globex'), ('ten_empty', 'empty')`)
		d.exec(t, `CREATE TABLE tenant_entries (id bigint PRIMARY KEY, tenant_id varchar(40), action varchar(40) NOT NULL)`)
		d.exec(t, `INSERT INTO tenant_entries VALUES (1, 'ten_acme', 'a'), (2, 'ten_acme', 'b'), (3, 'ten_globex', 'a'), (4, NULL, 'b')`)
		for _, tc := range cases {
			t.Run(tc.src, func(t *testing.T) {
				if got := d.ids(t, "tenant_entries", filter.AuditEntries, tc.src); !slices.Equal(got, tc.want) {
					t.Errorf("%s: %q\n got %v\nwant %v", d.dialect, tc.src, got, tc.want)
				}
			})
		}
	})
}
