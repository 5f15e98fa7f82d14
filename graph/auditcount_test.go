package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/viewer"
)

func TestOnlyTenant(t *testing.T) {
	col := func(s *sql.Selector) string { return s.C(auditentry.FieldTenantID) }
	cases := []struct {
		name  string
		where func(s *sql.Selector) *sql.Predicate
		want  string
	}{
		{"tenant", func(s *sql.Selector) *sql.Predicate { return sql.EQ(col(s), "ten_a") }, "ten_a"},
		{"same tenant twice (argument and privacy rule)", func(s *sql.Selector) *sql.Predicate {
			return sql.And(sql.EQ(col(s), "ten_a"), sql.EQ(col(s), "ten_a"))
		}, "ten_a"},
		{"two tenants", func(s *sql.Selector) *sql.Predicate {
			return sql.And(sql.EQ(col(s), "ten_a"), sql.EQ(col(s), "ten_b"))
		}, ""},
		{"or", func(s *sql.Selector) *sql.Predicate { return sql.Or(sql.EQ(col(s), "ten_a"), sql.EQ(col(s), "ten_a")) }, ""},
		{"not", func(s *sql.Selector) *sql.Predicate { return sql.Not(sql.EQ(col(s), "ten_a")) }, ""},
		{"tenant and actor (a MEMBER's rule)", func(s *sql.Selector) *sql.Predicate {
			return sql.And(sql.EQ(col(s), "ten_a"), sql.EQ(s.C(auditentry.FieldActorID), "usr_1"))
		}, ""},
		{"tenant in", func(s *sql.Selector) *sql.Predicate { return sql.In(col(s), "ten_a", "ten_b") }, ""},
		{"tenant is null", func(s *sql.Selector) *sql.Predicate { return sql.IsNull(col(s)) }, ""},
		{"nothing", func(*sql.Selector) *sql.Predicate { return nil }, ""},
	}
	for _, dia := range []string{dialect.SQLite, dialect.Postgres} {
		for _, c := range cases {
			t.Run(dia+"/"+c.name, func(t *testing.T) {
				build := func() *sql.Selector {
					s := sql.Dialect(dia).Select("*").From(sql.Table(auditentry.Table))
					if p := c.where(s); p != nil {
						s.Where(p)
					}
					return s
				}
				before, beforeArgs := build().Query()
				s := build()
				got, ok := onlyTenant(s)
				if ok != (c.want != "") || got != c.want {
					t.Errorf("onlyTenant = %q, %v; want %q", got, ok, c.want)
				}
				// Inspecting must not change the statement ent then runs.
				if after, afterArgs := s.Query(); after != before || fmt.Sprint(afterArgs) != fmt.Sprint(beforeArgs) {
					t.Errorf("statement changed:\n%s %v\n%s %v", before, beforeArgs, after, afterArgs)
				}
			})
		}
	}
}

// TestEntryCounters: the triggers keep audit_entry_counts equal to the
// rows, whatever writes them: single and bulk inserts, several tenants in
// one statement, platform entries (not counted) and retention deletes.
func TestEntryCounters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		ctx := privacy.DecisionContext(viewer.NewContext(context.Background(), viewer.SystemViewer()), privacy.Allow)
		var tenants []string
		for _, slug := range []string{"count-a", "count-b"} {
			tn, err := d.Client.Tenant.Create().SetSlug(slug).SetName(slug).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tenants = append(tenants, tn.ID)
		}
		entry := func(tenant *string, i int) audit.Entry {
			return audit.Entry{TenantID: tenant, OccurredAt: time.Now().Add(-time.Duration(i) * time.Minute),
				Action: "thing.update", ResourceType: "thing", Actor: audit.Actor{Type: schematype.ActorSystem}}
		}
		if _, err := audit.Create(d.Client.AuditEntry, entry(&tenants[0], 0)).Save(ctx); err != nil {
			t.Fatal(err)
		}
		var bulk []*ent.AuditEntryCreate
		for i := range 250 {
			bulk = append(bulk, audit.Create(d.Client.AuditEntry, entry(&tenants[i%2], i+1)))
		}
		bulk = append(bulk, audit.Create(d.Client.AuditEntry, entry(nil, 999))) // the platform log
		if err := d.Client.AuditEntry.CreateBulk(bulk...).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		check := func(when string) {
			t.Helper()
			for _, tn := range tenants {
				var counted, exact int
				if err := d.SQL.QueryRowContext(ctx, rebind(d.Dialect, `SELECT COALESCE(SUM(n), 0) FROM audit_entry_counts WHERE tenant_id = ?`), tn).Scan(&counted); err != nil {
					t.Fatal(err)
				}
				if err := d.SQL.QueryRowContext(ctx, rebind(d.Dialect, `SELECT COUNT(*) FROM audit_entries WHERE tenant_id = ?`), tn).Scan(&exact); err != nil {
					t.Fatal(err)
				}
				if counted != exact {
					t.Errorf("%s: tenant %s counter %d, rows %d", when, tn, counted, exact)
				}
			}
		}
		check("after inserts")
		n, err := d.Client.AuditEntry.Delete().Where(auditentry.TenantID(tenants[0])).
			Where(auditentry.OccurredAtLT(time.Now().Add(-100 * time.Minute))).Exec(viewer.WithRetentionDelete(ctx))
		if err != nil || n == 0 {
			t.Fatalf("retention delete: %d %v", n, err)
		}
		check("after a retention delete")
	})
}

func rebind(dia, q string) string {
	if dia == dialect.Postgres {
		return strings.Replace(q, "?", "$1", 1)
	}
	return q
}

// TestCountInPage checks that the count joins the page's statement exactly
// when its WHERE clause is one tenant and nothing else.
func TestCountInPage(t *testing.T) {
	for _, d := range []string{dialect.Postgres, dialect.SQLite} {
		for _, c := range []struct {
			name  string
			where func(s *sql.Selector) *sql.Predicate
			want  bool
		}{
			{"tenant", func(s *sql.Selector) *sql.Predicate { return sql.EQ(s.C(auditentry.FieldTenantID), "ten_a") }, true},
			{"tenant and action", func(s *sql.Selector) *sql.Predicate {
				return sql.And(sql.EQ(s.C(auditentry.FieldTenantID), "ten_a"), sql.EQ(s.C(auditentry.FieldAction), "x"))
			}, false},
		} {
			s := sql.Dialect(d).Select(auditentry.FieldID).From(sql.Table(auditentry.Table))
			s.Where(c.where(s)).Limit(26)
			countInPage(s)
			query, args := s.Query()
			if got := strings.Contains(query, counterTable); got != c.want {
				t.Errorf("%s/%s: counted in the page = %v, want %v: %s", d, c.name, got, c.want, query)
			}
			if c.want && (len(args) != 2 || args[0] != "ten_a" || args[1] != "ten_a") {
				t.Errorf("%s/%s: args %v, want the tenant for the count and for the page", d, c.name, args)
			}
			if c.want && d == dialect.Postgres && !strings.Contains(query, `"tenant_id" = $1) AS "`+pageCountColumn+`"`) {
				t.Errorf("%s: %s", d, query)
			}
		}
	}
}
