package audit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestSharedStatementStoresWhatBuildersStore writes the same prepared
// entries with ent's builders (Record) and with the writer's shared
// statement (column arrays on PostgreSQL, VALUES rows on SQLite), alone and
// in a group, and compares every stored column but the id and the hash
// (which covers the id) as the database holds it: SQLite's storage class
// and literal, PostgreSQL's text. The hash is checked against the stored
// row.
func TestSharedStatementStoresWhatBuildersStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := rule.AsSystem(context.Background())
		tn, err := d.Client.Tenant.Create().SetSlug("acme").SetName("Acme").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		in := variedInputs(40)
		es, err := audit.Prepare(tn.ID, in, audit.Actor{Type: schematype.ActorSystem}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		withKeys := func(tag string) []audit.Entry {
			out := append([]audit.Entry(nil), es...)
			for i := range out {
				if i%4 == 0 {
					k := fmt.Sprintf("%s-%d", tag, i)
					out[i].IdempotencyKey = &k
				}
			}
			return out
		}
		builders, err := audit.Record(ctx, d.Client, withKeys("builders"))
		if err != nil {
			t.Fatal(err)
		}
		alone, err := audit.NewWriter(d.Client, audit.WriterOptions{Arrays: true, Dialect: d.Dialect}).Record(ctx, withKeys("alone"))
		if err != nil {
			t.Fatal(err)
		}
		// A group: the batch split over four requests (of at most 16
		// entries, the most a group takes by default).
		grouped := withKeys("group")
		_, out := groupOf(t, d, [][]audit.Entry{grouped[:7], grouped[7:8], grouped[8:24], grouped[24:]}, true)
		var group []string
		for i, o := range out {
			if o.err != nil {
				t.Fatalf("request %d of the group: %v", i, o.err)
			}
			for _, e := range o.res.Entries {
				group = append(group, e.ID)
			}
		}
		want := storedColumns(t, d, ids(builders))
		for name, got := range map[string][]string{"alone": storedColumns(t, d, ids(alone)), "group": storedColumns(t, d, group)} {
			for i := range want {
				// The keys differ by their tag only.
				w := strings.ReplaceAll(want[i], "builders-", name+"-")
				if got[i] != w {
					t.Errorf("%s, entry %d:\n got  %s\n want %s", name, i, got[i], w)
				}
			}
		}
		stored, err := d.Client.AuditEntry.Query().Where(auditentry.TenantID(tn.ID)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != 3*len(es) {
			t.Fatalf("%d entries stored, want %d", len(stored), 3*len(es))
		}
		for _, e := range stored {
			if audit.Hash(audit.EntryOf(e)) != e.Hash {
				t.Errorf("entry %s: stored hash does not match its row", e.ID)
			}
		}
	})
}

func ids(r *audit.Result) []string {
	var out []string
	for _, e := range r.Entries {
		out = append(out, e.ID)
	}
	return out
}

// variedInputs are entries with every optional field set or not, texts a
// literal or an array must quote, and JSON that json.Marshal rewrites
// (spaces, HTML characters, escapes, number forms).
func variedInputs(n int) []audit.Input {
	tricky := []string{`quote " and \ backslash`, `{braces},commas`, "NULL", "", "  spaced  ", "Zoë ✓ 日本", "line\nbreak\ttab", "<b>&amp;</b>"}
	var in []audit.Input
	for i := range n {
		s := tricky[i%len(tricky)]
		at := time.Date(2026, 12, 6, 4, 5, 6, 123456789+i, time.FixedZone("x", 3600))
		e := audit.Input{Action: fmt.Sprintf("thing.%d", i%5), ResourceType: "thing", Actor: &audit.Actor{Type: schematype.ActorSystem},
			OccurredAt: &at}
		if i%2 == 0 {
			id, name := "r-"+s, s+"x"
			e.ResourceID, e.ResourceName = &id, &name
			e.NewValue = schematype.RawJSON(fmt.Sprintf(`{ "n": %d.50, "s": %q, "h": "<&>", "u": "\u00e9", "a": [1, "two", null, {"z": 1e3}] }`, i, s))
		}
		if i%3 == 0 {
			ws := "ws " + s
			e.Workspace = &ws
			e.OldValue = schematype.RawJSON(`[ ]`)
			e.Metadata = schematype.RawJSON(fmt.Sprintf(`{"k": %q, "b": true}`, s))
		}
		if i%5 == 1 {
			method, path, ip := "POST", "/x?q="+s, "10.0.0.1"
			status := 201
			e.Request = &schematype.RequestInfo{Method: &method, Path: &path, SourceIP: &ip, HTTPStatus: &status,
				Payload: schematype.RawJSON(fmt.Sprintf(`{"q": %q, "html": "<i>"}`, s))}
			aid, aname, email := "u-"+s, s, "a@b.c"
			e.Actor = &audit.Actor{Type: schematype.ActorUser, ID: &aid, Name: &aname, Email: &email}
		}
		if i%7 == 2 {
			st := auditentry.StatusFAILURE
			e.Status = &st
		}
		in = append(in, e)
	}
	return in
}

// storedColumns returns, for each id in order, every column of its row but
// the id and the hash, as the database holds it.
func storedColumns(t *testing.T, d *db.DB, ids []string) []string {
	t.Helper()
	cols := []string{"tenant_id", "occurred_at", "received_at", "action", "resource_type", "resource_id", "resource_name",
		"workspace", "actor_type", "actor_id", "actor_name", "actor_email", "status", "old_value", "new_value", "metadata",
		"request", "idempotency_key"}
	var exprs []string
	for _, c := range cols {
		if d.Dialect == dialect.SQLite {
			exprs = append(exprs, fmt.Sprintf("typeof(%q) || ':' || quote(%q)", c, c))
		} else {
			exprs = append(exprs, fmt.Sprintf("coalesce(pg_typeof(%q)::text || ':' || %q::text, 'NULL')", c, c))
		}
	}
	q := "SELECT " + strings.Join(exprs, " || ' | ' || ") + " FROM audit_entries WHERE id = "
	if d.Dialect == dialect.SQLite {
		q += "?"
	} else {
		q += "$1"
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		if err := d.SQL.QueryRowContext(context.Background(), q, id).Scan(&out[i]); err != nil {
			t.Fatalf("read %s: %v", id, err)
		}
	}
	return out
}

// TestValuesStatementsAreCached: every VALUES statement is short enough
// for a connection to keep it prepared (preparing a statement of 128 rows
// costs more than running it).
func TestValuesStatementsAreCached(t *testing.T) {
	for n := 1; n <= audit.ValuesChunk; n *= 2 {
		for _, keyed := range []bool{false, true} {
			if q := audit.ValuesStatement(n, keyed); len(q) > db.SQLiteCachedSQL {
				t.Errorf("%d rows, keyed %v: %d bytes, over the cache's %d", n, keyed, len(q), db.SQLiteCachedSQL)
			}
		}
	}
}
