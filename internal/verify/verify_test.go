package verify_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"golang.org/x/mod/sumdb/note"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
	"github.com/trailmark/trailmark/internal/verify"
)

func fastJobs(c *app.Config) {
	c.Jobs = jobs.Config{Poll: 50 * time.Millisecond, RetryBase: 100 * time.Millisecond, ScheduleTick: 100 * time.Millisecond,
		NoDailyRetention: true}
}

// logged is a tenant with entries ingested over GraphQL and included in a
// signed checkpoint, and an AUDITOR to verify it.
type logged struct {
	s       *testserver.Server
	tenant  string
	auditor string
	// auditorID is the AUDITOR's user id.
	auditorID string
	ids       []string // the ingested entries, in ingestion order
}

// ingest records n entries over GraphQL with an INGEST key (JSON values
// included, so that jsonb's key order is exercised) and waits until the
// tenant's whole log is in a signed checkpoint.
func ingest(t *testing.T, s *testserver.Server, slug string, n int, occurred time.Time) *logged {
	t.Helper()
	tn := s.CreateTenant(t, slug)
	au, auditor := s.Member(t, tn.ID, schematype.RoleAuditor, nil)
	key, _ := s.APIKey(t, tn.ID, schematype.ScopeIngest)
	entries := make([]map[string]any, n)
	for i := range entries {
		entries[i] = map[string]any{
			"action": fmt.Sprintf("doc.edit.%d", i), "resourceType": "doc", "resourceID": fmt.Sprint("d", i),
			"occurredAt": occurred.Add(time.Duration(i) * time.Second).Format(time.RFC3339Nano),
			"metadata": map[string]any{"zeta": i, "alpha": "x", "nested": map[string]any{"b": 1.5, "a": []any{true, nil}},
				// Numbers jsonb keeps as written and numbers it rewrites
				// (exponents, -0): the content hash covers the plain form.
				"numbers": []any{json.Number("1.50"), json.Number("12345678901234567890"), json.Number("-1.25"), json.Number("0.0"),
					json.Number("1e2"), json.Number("1.5E-7"), json.Number("-0.0"), json.Number("1.50e1")},
				"text": "<&> \u2028 é"},
			"newValue": map[string]any{"title": fmt.Sprint("T", i)},
		}
	}
	var d struct {
		RecordAuditEntries struct{ Entries []struct{ ID string } }
	}
	s.GraphQL(t, key, `mutation($t: ID!, $e: [AuditEntryInput!]!) { recordAuditEntries(tenantID: $t, entries: $e) { entries { id } } }`,
		map[string]any{"t": tn.ID, "e": entries}).NoErrors(t).Decode(t, &d)
	l := &logged{s: s, tenant: tn.ID, auditor: auditor, auditorID: au.ID}
	for _, e := range d.RecordAuditEntries.Entries {
		l.ids = append(l.ids, e.ID)
	}
	if len(l.ids) != n {
		t.Fatalf("recorded %d entries, want %d", len(l.ids), n)
	}
	l.waitCheckpoint(t)
	return l
}

// waitCheckpoint waits until every leaf of the tenant's log is in a signed
// checkpoint.
func (l *logged) waitCheckpoint(t *testing.T) {
	t.Helper()
	testwait.Eventually(t, 20*time.Second, func() (bool, string) {
		var leaves int64
		if err := l.s.DB.SQL.QueryRow(q(l.s, `SELECT COUNT(*) FROM log_leaves WHERE log_id = $1`), l.tenant).Scan(&leaves); err != nil {
			return false, err.Error()
		}
		cp, err := l.s.App.Ledger.Latest(context.Background(), l.tenant)
		if err != nil || cp == nil {
			return false, fmt.Sprintf("no checkpoint yet (%v)", err)
		}
		return cp.TreeSize == leaves, fmt.Sprintf("checkpoint of %d of %d leaves", cp.TreeSize, leaves)
	})
}

// q rewrites $N placeholders for SQLite.
func q(s *testserver.Server, text string) string {
	if s.DB.Dialect == dialect.Postgres {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		if text[i] == '$' {
			b.WriteByte('?')
			continue
		}
		b.WriteByte(text[i])
	}
	return b.String()
}

func (l *logged) exec(t *testing.T, text string, args ...any) {
	t.Helper()
	if _, err := l.s.DB.SQL.Exec(q(l.s, text), args...); err != nil {
		t.Fatalf("%s: %v", text, err)
	}
}

func (l *logged) seqOf(t *testing.T, id string) int64 {
	t.Helper()
	var seq int64
	if err := l.s.DB.SQL.QueryRow(q(l.s, `SELECT seq FROM log_leaves WHERE entry_id = $1`), id).Scan(&seq); err != nil {
		t.Fatalf("seq of %s: %v", id, err)
	}
	return seq
}

type run struct {
	ID, Status string
	Error      *string
	Result     map[string]any
	Lines      []string
}

// verify starts a verification over GraphQL as the tenant's AUDITOR and
// waits for its end.
func (l *logged) verify(t *testing.T) run {
	t.Helper()
	return startVerification(t, l.s, l.auditor, map[string]any{"t": l.tenant})
}

// startVerification calls startVerification with vars (t: tenantID, p:
// platform) and waits for the process's end.
func startVerification(t *testing.T, s *testserver.Server, token string, vars map[string]any) run {
	t.Helper()
	var d struct{ StartVerification struct{ ID, Kind string } }
	s.GraphQL(t, token, `mutation($t: ID, $p: Boolean) { startVerification(tenantID: $t, platform: $p) { id kind } }`,
		vars).NoErrors(t).Decode(t, &d)
	if d.StartVerification.Kind != "VERIFY" {
		t.Fatalf("kind %q", d.StartVerification.Kind)
	}
	var r run
	testwait.Eventually(t, 60*time.Second, func() (bool, string) {
		var p struct {
			Node struct {
				ID, Status string
				Error      *string
				Result     map[string]any
				Logs       struct {
					Edges []struct {
						Node struct{ Level, Message string }
					}
				}
			}
		}
		s.GraphQL(t, token, `query($id: ID!) { node(id: $id) { ... on Process { id status error result
			logs(first: 1000) { edges { node { level message } } } } } }`, map[string]any{"id": d.StartVerification.ID}).NoErrors(t).Decode(t, &p)
		r = run{ID: p.Node.ID, Status: p.Node.Status, Error: p.Node.Error, Result: p.Node.Result}
		for _, e := range p.Node.Logs.Edges {
			r.Lines = append(r.Lines, e.Node.Level+" "+e.Node.Message)
		}
		if r.Status == "SUCCEEDED" || r.Status == "FAILED" {
			t.Logf("VERIFY %s:\n%s", r.Status, strings.Join(r.Lines, "\n"))
			return true, ""
		}
		return false, "process " + r.Status
	})
	return r
}

// has reports whether a log line holds every part.
func (r run) has(parts ...string) bool {
	for _, line := range r.Lines {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			return true
		}
	}
	return false
}

func (r run) errors() []string {
	var out []string
	for _, line := range r.Lines {
		if strings.HasPrefix(line, "ERROR ") {
			out = append(out, line)
		}
	}
	return out
}

// expectFailed checks that the run failed and that an ERROR line names
// each of parts (entry id, "seq N", reason).
func expectFailed(t *testing.T, r run, parts ...string) {
	t.Helper()
	if r.Status != "FAILED" {
		t.Fatalf("status %s, want FAILED; log:\n%s", r.Status, strings.Join(r.Lines, "\n"))
	}
	if !r.has(append([]string{"ERROR "}, parts...)...) {
		t.Fatalf("no ERROR line with %q; log:\n%s", parts, strings.Join(r.Lines, "\n"))
	}
}

// violationRecorded checks the platform log's integrity.violation entry
// about the tenant's log naming the entry.
func violationRecorded(t *testing.T, s *testserver.Server, tenant, entryID string) {
	t.Helper()
	ctx := testserver.SystemContext()
	rows, err := s.Client().AuditEntry.Query().Where(auditentry.TenantIDIsNil(),
		auditentry.Action(audit.ActionIntegrityViolation), auditentry.ResourceID(tenant)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rows {
		var m struct {
			Detail     string
			Violations []audit.Violation
		}
		_ = json.Unmarshal(e.Metadata, &m)
		if !strings.Contains(m.Detail, "VERIFY process") {
			continue
		}
		for _, v := range m.Violations {
			if entryID == "" || v.EntryID == entryID {
				return
			}
		}
	}
	t.Fatalf("no integrity.violation of the VERIFY process about %s in the platform log (%d entries)", entryID, len(rows))
}

// metricVerify reads trailmark_integrity_violations_total{source="verify"}
// from GET /metrics.
func metricVerify(t *testing.T, s *testserver.Server) float64 {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	res := s.Do(t, "", req)
	for _, line := range strings.Split(string(res.Body), "\n") {
		if v, ok := strings.CutPrefix(line, `trailmark_integrity_violations_total{source="verify"} `); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	return 0
}

// TestVerifyTamper: on both dialects, through the real server, each way
// of tampering with the stored log is caught by a VERIFY process started
// over GraphQL, which fails naming the entry (id and seq) and records an
// integrity.violation in the platform log; an untouched log verifies.
func TestVerifyTamper(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := testserver.SystemContext()
		now := time.Now().UTC().Add(-time.Hour)

		t.Run("untouched", func(t *testing.T) {
			l := ingest(t, s, "clean", 40, now)
			r := l.verify(t)
			if r.Status != "SUCCEEDED" {
				t.Fatalf("untouched log: %s\n%s", r.Status, strings.Join(r.Lines, "\n"))
			}
			if c, _ := r.Result["checked"].(float64); c < 40 {
				t.Fatalf("checked %v entries, want ≥ 40: %v", r.Result["checked"], r.Result)
			}
			if !r.has("INFO verified: ", "entries checked", "checkpoint size") {
				t.Fatalf("no summary line:\n%s", strings.Join(r.Lines, "\n"))
			}
			// Self-audited: the start is in the tenant's log, by the auditor.
			started, err := s.Client().AuditEntry.Query().Where(auditentry.TenantID(l.tenant),
				auditentry.Action("integrity.verify"), auditentry.ResourceID(r.ID)).Only(ctx)
			if err != nil {
				t.Fatalf("no integrity.verify entry for %s: %v", r.ID, err)
			}
			if started.ActorType != schematype.ActorUser || started.ActorID == nil || *started.ActorID != l.auditorID {
				t.Fatalf("integrity.verify entry by %s %v, want the auditor %s", started.ActorType, started.ActorID, l.auditorID)
			}
		})

		t.Run("one column changed", func(t *testing.T) {
			before := metricVerify(t, s)
			l := ingest(t, s, "edited", 10, now)
			id := l.ids[4]
			l.exec(t, `UPDATE audit_entries SET action = 'doc.delete' WHERE id = $1`, id)
			r := l.verify(t)
			expectFailed(t, r, "entry "+id, fmt.Sprintf("seq %d", l.seqOf(t, id)), "content altered")
			if n := len(r.errors()); n != 2 { // the finding and "failed: …"
				t.Fatalf("want exactly one finding:\n%s", strings.Join(r.Lines, "\n"))
			}
			violationRecorded(t, s, l.tenant, id)
			if got := metricVerify(t, s); got != before+1 {
				t.Fatalf("integrity_violations_total{source=verify} %v, want %v", got, before+1)
			}
		})

		t.Run("JSON value changed with its hash", func(t *testing.T) {
			l := ingest(t, s, "rehashed", 5, now)
			id := l.ids[2]
			e, err := s.Client().AuditEntry.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			forged := audit.EntryOf(e)
			forged.Metadata = []byte(`{"alpha":"forged"}`)
			l.exec(t, `UPDATE audit_entries SET metadata = $1, hash = $2 WHERE id = $3`, string(forged.Metadata), audit.Hash(forged), id)
			r := l.verify(t)
			expectFailed(t, r, "entry "+id, fmt.Sprintf("seq %d", l.seqOf(t, id)), "content altered")
		})

		t.Run("row deleted", func(t *testing.T) {
			l := ingest(t, s, "deleted", 10, now)
			id := l.ids[7]
			seq := l.seqOf(t, id)
			l.exec(t, `DELETE FROM audit_entries WHERE id = $1`, id)
			r := l.verify(t)
			expectFailed(t, r, "entry "+id, fmt.Sprintf("seq %d", seq), "deleted")
			violationRecorded(t, s, l.tenant, id)
		})

		t.Run("forged row with the trigger, backdated", func(t *testing.T) {
			l := ingest(t, s, "forged", 5, now)
			e := testserver.Entry(&l.tenant, "doc.approve", now)
			e.ReceivedAt = now // an hour ago, as if it had always been there
			row := s.RecordEntry(t, e)
			l.waitCheckpoint(t)
			r := l.verify(t)
			expectFailed(t, r, "entry "+row.ID, fmt.Sprintf("seq %d", l.seqOf(t, row.ID)), "backdated")
		})

		t.Run("forged row without a leaf", func(t *testing.T) {
			l := ingest(t, s, "leafless", 5, now)
			tx, err := s.Client().Tx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			row, err := audit.Create(tx.AuditEntry, testserver.Entry(&l.tenant, "doc.approve", now)).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, q(s, `DELETE FROM log_leaves WHERE entry_id = $1`), row.ID); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			r := l.verify(t)
			expectFailed(t, r, "entry "+row.ID, "not in the log")
		})

		t.Run("two leaves' seq swapped", func(t *testing.T) {
			l := ingest(t, s, "swapped", 10, now)
			a, b := l.ids[2], l.ids[6]
			sa, sb := l.seqOf(t, a), l.seqOf(t, b)
			tx, err := s.DB.SQL.Begin()
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range []struct {
				id  string
				seq int64
			}{{a, -1}, {b, sa}, {a, sb}} {
				if _, err := tx.Exec(q(s, `UPDATE log_leaves SET seq = $1 WHERE entry_id = $2`), st.seq, st.id); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			r := l.verify(t)
			expectFailed(t, r, "entry "+a, fmt.Sprintf("seq %d", sb), "swapped or reordered")
			expectFailed(t, r, "entry "+b, fmt.Sprintf("seq %d", sa), "swapped or reordered")
		})

		t.Run("tiles deleted", func(t *testing.T) {
			l := ingest(t, s, "notiles", 10, now)
			l.exec(t, `DELETE FROM log_tiles WHERE log_id = $1`, l.tenant)
			r := l.verify(t)
			expectFailed(t, r, "tree damaged")
			violationRecorded(t, s, l.tenant, "")
		})

		t.Run("head deleted", func(t *testing.T) {
			l := ingest(t, s, "nohead", 10, now)
			l.exec(t, `DELETE FROM log_heads WHERE log_id = $1`, l.tenant)
			r := l.verify(t)
			expectFailed(t, r, "fork", "the stored tree has 0 leaves")
		})

		t.Run("retention-pruned entries", func(t *testing.T) {
			l := ingest(t, s, "pruned", 6, time.Now().UTC().AddDate(0, 0, -90))
			// Three more that retention keeps.
			var keep []audit.Entry
			for range 3 {
				keep = append(keep, testserver.Entry(&l.tenant, "doc.view", time.Now()))
			}
			s.RecordEntries(t, keep...)
			if _, err := s.Client().Tenant.UpdateOneID(l.tenant).SetRetentionDays(30).Save(ctx); err != nil {
				t.Fatal(err)
			}
			l.waitCheckpoint(t)
			name := "test"
			p, err := jobs.Create(ctx, s.Client(), jobs.Spec{TenantID: l.tenant, Kind: schematype.ProcessRetention,
				Initiator: audit.Actor{Type: schematype.ActorSystem, Name: &name}})
			if err != nil {
				t.Fatal(err)
			}
			testwait.Eventually(t, 30*time.Second, func() (bool, string) {
				p, err = s.Client().Process.Get(ctx, p.ID)
				return err == nil && p.Status == "SUCCEEDED", fmt.Sprintf("retention %v %v", p.Status, err)
			})
			if n, _ := s.Client().AuditEntry.Query().Where(auditentry.IDIn(l.ids...)).Count(ctx); n != 0 {
				t.Fatalf("retention left %d of the old entries", n)
			}
			r := l.verify(t)
			if r.Status != "SUCCEEDED" {
				t.Fatalf("pruned log: %s\n%s", r.Status, strings.Join(r.Lines, "\n"))
			}
			if got, _ := r.Result["pruned"].(float64); got != 6 {
				t.Fatalf("pruned %v, want 6: %v", r.Result["pruned"], r.Result)
			}
			if !r.has("6 pruned by retention") {
				t.Fatalf("summary does not count the pruned:\n%s", strings.Join(r.Lines, "\n"))
			}

			// A deletion disguised as pruning: marked pruned before it
			// was received.
			victim := s.RecordEntry(t, testserver.Entry(&l.tenant, "doc.secret", time.Now()))
			l.waitCheckpoint(t)
			if _, err := s.DB.SQL.Exec(q(s, `UPDATE log_leaves SET pruned_at = $1 WHERE entry_id = $2`),
				victim.ReceivedAt.Add(-time.Hour), victim.ID); err != nil {
				t.Fatal(err)
			}
			l.exec(t, `DELETE FROM audit_entries WHERE id = $1`, victim.ID)
			r = l.verify(t)
			expectFailed(t, r, "entry "+victim.ID, "pruned wrongly")
		})
	}, fastJobs)
}

// TestStartVerificationInput: the arguments are checked before anything
// is queued.
func TestStartVerificationInput(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		admin := s.PlatformAdmin(t)
		for _, c := range []struct {
			vars map[string]any
			code string
		}{
			{map[string]any{}, "BAD_USER_INPUT"},
			{map[string]any{"t": acme.ID, "p": true}, "BAD_USER_INPUT"},
			{map[string]any{"t": "aud_01J00000000000000000000000"}, "BAD_USER_INPUT"},
			{map[string]any{"t": "ten_01J00000000000000000000000"}, "NOT_FOUND"},
		} {
			res := s.GraphQL(t, admin, `mutation($t: ID, $p: Boolean) { startVerification(tenantID: $t, platform: $p) { id } }`, c.vars)
			if !res.HasCode(c.code) {
				t.Fatalf("%v: want %s: %s", c.vars, c.code, res.Body)
			}
		}
		if n, _ := s.Client().Process.Query().Count(testserver.SystemContext()); n != 0 {
			t.Fatalf("%d processes queued by refused calls", n)
		}
		// VERIFY is schedulable (by the tenant's admins, like every kind),
		// and takes no input: a schedule cannot point at another log.
		const create = `mutation($t: ID!, $in: Map) { createSchedule(tenantID: $t, input: {kind: VERIFY, cron: "0 4 * * *", input: $in}) { id kind } }`
		s.GraphQL(t, admin, create, map[string]any{"t": acme.ID}).NoErrors(t)
		if res := s.GraphQL(t, admin, create, map[string]any{"t": acme.ID, "in": map[string]any{"platform": true}}); !res.HasCode("BAD_USER_INPUT") {
			t.Fatalf("VERIFY schedule with input: %s", res.Body)
		}
	})
}

// TestVerifyPlatformLog: platform admins verify the platform log in a
// process of no tenant, which no tenant's member sees; nobody else may
// start one. A platform entry edited in SQL fails it.
func TestVerifyPlatformLog(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := testserver.SystemContext()
		admin := s.PlatformAdmin(t)
		acme := s.CreateTenant(t, "acme")
		_, owner := s.Member(t, acme.ID, schematype.RoleOwner, nil)
		_, auditor := s.Member(t, acme.ID, schematype.RoleAuditor, nil)
		read, _ := s.APIKey(t, acme.ID, schematype.ScopeRead)
		const start = `mutation { startVerification(platform: true) { id } }`
		for name, token := range map[string]string{"OWNER": owner, "AUDITOR": auditor, "READ key": read} {
			if res := s.GraphQL(t, token, start, nil); !res.HasCode("FORBIDDEN") {
				t.Fatalf("%s: want FORBIDDEN: %s", name, res.Body)
			}
		}
		if res := s.GraphQL(t, "", start, nil); !res.HasCode("UNAUTHENTICATED") {
			t.Fatalf("anonymous: want UNAUTHENTICATED: %s", res.Body)
		}
		if n, _ := s.Client().Process.Query().Count(ctx); n != 0 {
			t.Fatalf("%d processes queued by refused calls", n)
		}

		var es []audit.Entry
		for i := range 8 {
			es = append(es, testserver.Entry(nil, fmt.Sprint("platform.thing.", i), time.Now()))
		}
		rows := s.RecordEntries(t, es...)
		l := &logged{s: s, tenant: "platform"}
		l.waitCheckpoint(t)
		r := startVerification(t, s, admin, map[string]any{"p": true})
		if r.Status != "SUCCEEDED" || !r.has("verifying the log platform") {
			t.Fatalf("platform log: %s\n%s", r.Status, strings.Join(r.Lines, "\n"))
		}
		// The process belongs to no tenant: the tenant's owner does not see it.
		var d struct{ Node *struct{ ID string } }
		s.GraphQL(t, owner, `query($id: ID!) { node(id: $id) { ... on Process { id } } }`, map[string]any{"id": r.ID}).Decode(t, &d)
		if d.Node != nil {
			t.Fatalf("a tenant's OWNER sees the platform's process %s", r.ID)
		}
		// Self-audited in the platform log.
		if n, _ := s.Client().AuditEntry.Query().Where(auditentry.TenantIDIsNil(), auditentry.Action("integrity.verify"),
			auditentry.ResourceID(r.ID)).Count(ctx); n != 1 {
			t.Fatalf("%d integrity.verify entries for %s in the platform log", n, r.ID)
		}

		id := rows[5].ID
		l.exec(t, `UPDATE audit_entries SET resource_type = 'forged' WHERE id = $1`, id)
		r = startVerification(t, s, admin, map[string]any{"p": true})
		expectFailed(t, r, "entry "+id, fmt.Sprintf("seq %d", l.seqOf(t, id)), "content altered")
	}, fastJobs)
}

// verifier is the server's VERIFY algorithm, called directly.
func verifier(s *testserver.Server) *verify.Verifier {
	return &verify.Verifier{Ledger: s.App.Ledger, Client: s.Client(), DB: s.DB.SQL, Dialect: s.DB.Dialect}
}

func findings(r *verify.Result) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(verify.Line(f) + "\n")
	}
	return b.String()
}

// record stores n entries of the tenant through ent (hash replaced by
// rehash when set) and waits for their checkpoint.
func record(t *testing.T, s *testserver.Server, slug string, n int, rehash func(audit.Entry) string) *logged {
	t.Helper()
	tn := s.CreateTenant(t, slug)
	l := &logged{s: s, tenant: tn.ID}
	l.add(t, n, rehash)
	return l
}

// add records n more entries as record does and waits for their checkpoint.
func (l *logged) add(t *testing.T, n int, rehash func(audit.Entry) string) {
	t.Helper()
	ctx := testserver.SystemContext()
	for range n {
		e := testserver.Entry(&l.tenant, fmt.Sprint("legacy.", len(l.ids)), time.Now())
		e.ReceivedAt = time.Now()
		e.Status = auditentry.StatusSUCCESS // as Create stores it
		b := audit.Create(l.s.Client().AuditEntry, e)
		if rehash != nil {
			b.SetHash(rehash(e))
		}
		row, err := b.Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		l.ids = append(l.ids, row.ID)
	}
	l.waitCheckpoint(t)
}

// checkpointOf is the log's checkpoint of size leaves.
func checkpointOf(t *testing.T, l *logged, size int64) *ledger.Checkpoint {
	t.Helper()
	cp, err := l.s.App.Ledger.CheckpointAt(context.Background(), l.tenant, size)
	if err != nil || cp == nil {
		t.Fatalf("no checkpoint of size %d: %v", size, err)
	}
	return cp
}

// noteBody is a signed note's text, signatures removed.
func noteBody(signed string) string { return signed[:strings.Index(signed, "\n\n")+1] }

// resign signs body with the signer key skey.
func resign(t *testing.T, skey, body string) string {
	t.Helper()
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := note.Sign(&note.Note{Text: body}, signer)
	if err != nil {
		t.Fatal(err)
	}
	return string(signed)
}

// TestVerifyCheckpointsAndLegacy: the checkpoint's signature and columns
// are checked; a leaf the sequencer cannot append is reported once it
// waited too long; the leaves a log began with (before tamper evidence)
// verify with the legacy content hash, and only those.
func TestVerifyCheckpointsAndLegacy(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		v := verifier(s)

		t.Run("checkpoint root rewritten", func(t *testing.T) {
			l := record(t, s, "cproot", 4, nil)
			l.exec(t, `UPDATE log_checkpoints SET root_hash = $1 WHERE log_id = $2`, strings.Repeat("ab", 32), l.tenant)
			r, err := v.Verify(ctx, l.tenant, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(findings(r), "checkpoint invalid") || !strings.Contains(findings(r), "differs from the signed note") {
				t.Fatalf("findings:\n%s", findings(r))
			}
		})

		t.Run("checkpoint signed by another key", func(t *testing.T) {
			l := record(t, s, "cpkey", 4, nil)
			cp, err := s.App.Ledger.Latest(ctx, l.tenant)
			if err != nil || cp == nil {
				t.Fatal(cp, err)
			}
			skey, _, err := note.GenerateKey(rand.Reader, "test.trailmark")
			if err != nil {
				t.Fatal(err)
			}
			l.exec(t, `UPDATE log_checkpoints SET note = $1 WHERE log_id = $2 AND tree_size = $3`, resign(t, skey, noteBody(cp.Note)), l.tenant, cp.TreeSize)
			r, err := v.Verify(ctx, l.tenant, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(findings(r), "signature does not verify") || r.Checked != 0 {
				t.Fatalf("checked %d; findings:\n%s", r.Checked, findings(r))
			}
		})

		t.Run("earlier checkpoints", func(t *testing.T) {
			// A log with a checkpoint of size 3 and a later one of 6.
			twice := func(t *testing.T, slug string) *logged {
				l := record(t, s, slug, 3, nil)
				l.add(t, 3, nil)
				return l
			}
			l := twice(t, "older")
			r, err := v.Verify(ctx, l.tenant, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() || r.Checked != 6 || r.Older < 1 {
				t.Fatalf("checked %d, %d earlier checkpoints; findings:\n%s", r.Checked, r.Older, findings(r))
			}
			if !strings.Contains(verify.Summary(r), fmt.Sprintf("(and %d earlier checkpoints)", r.Older)) {
				t.Fatalf("summary %q", verify.Summary(r))
			}

			// Re-signed with another key: the latest still verifies every entry.
			l = twice(t, "olderkey")
			old := checkpointOf(t, l, 3)
			skey, _, err := note.GenerateKey(rand.Reader, "test.trailmark")
			if err != nil {
				t.Fatal(err)
			}
			l.exec(t, `UPDATE log_checkpoints SET note = $1 WHERE log_id = $2 AND tree_size = 3`, resign(t, skey, noteBody(old.Note)), l.tenant)
			r, err = v.Verify(ctx, l.tenant, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(findings(r), "checkpoint invalid: checkpoint of size 3") ||
				!strings.Contains(findings(r), "signature does not verify") || r.Checked != 6 {
				t.Fatalf("checked %d; findings:\n%s", r.Checked, findings(r))
			}

			// Signed with the log's own key over another history (what a
			// rewrite by the key holder leaves behind): a fork.
			l = twice(t, "olderfork")
			var signer string
			if err := s.DB.SQL.QueryRow(`SELECT signer FROM log_keys`).Scan(&signer); err != nil {
				t.Fatal(err)
			}
			old = checkpointOf(t, l, 3)
			other := strings.Repeat("cd", 32)
			raw, _ := hex.DecodeString(other)
			lines := strings.Split(noteBody(old.Note), "\n")
			lines[2] = base64.StdEncoding.EncodeToString(raw)
			l.exec(t, `UPDATE log_checkpoints SET note = $1, root_hash = $2 WHERE log_id = $3 AND tree_size = 3`,
				resign(t, signer, strings.Join(lines, "\n")), other, l.tenant)
			r, err = v.Verify(ctx, l.tenant, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(findings(r), "fork: the checkpoint of size 3") ||
				!strings.Contains(findings(r), "does not sign the first 3 leaves") || r.Checked != 6 {
				t.Fatalf("checked %d; findings:\n%s", r.Checked, findings(r))
			}
		})

		t.Run("stuck leaf", func(t *testing.T) {
			l := record(t, s, "stuck", 3, nil)
			l.exec(t, `DELETE FROM log_tiles WHERE log_id = $1`, l.tenant) // the sequencer stops extending it
			row := s.RecordEntry(t, testserver.Entry(&l.tenant, "late", time.Now()))
			r, err := v.Verify(ctx, l.tenant, nil)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(findings(r), row.ID) {
				t.Fatalf("a fresh unsequenced entry is reported:\n%s", findings(r))
			}
			later := *v
			later.Now = func() time.Time { return time.Now().Add(10 * time.Minute) }
			r, err = later.Verify(ctx, l.tenant, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(findings(r), "entry "+row.ID+": not sequenced") {
				t.Fatalf("findings:\n%s", findings(r))
			}
		})

		t.Run("legacy leaves", func(t *testing.T) {
			l := record(t, s, "legacy", 3, audit.HashV1)
			r, err := v.Verify(ctx, l.tenant, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() {
				t.Fatal("legacy hashes verified outside the log's legacy leaves")
			}
			l.exec(t, `UPDATE log_heads SET legacy_size = 3 WHERE log_id = $1`, l.tenant)
			r, err = v.Verify(ctx, l.tenant, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() || r.Checked != 3 {
				t.Fatalf("checked %d; findings:\n%s", r.Checked, findings(r))
			}
			// An edit of a legacy entry is still caught.
			l.exec(t, `UPDATE audit_entries SET action = 'legacy.x' WHERE id = $1`, l.ids[1])
			r, err = v.Verify(ctx, l.tenant, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(findings(r), "entry "+l.ids[1]+" seq 1: content altered") {
				t.Fatalf("findings:\n%s", findings(r))
			}
		})
	}, fastJobs)
}

// TestStartVerificationConflict: one verification per log at a time — a
// second start while one is queued is a CONFLICT naming it; another
// tenant's log, and the platform log, are unaffected.
func TestStartVerificationConflict(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme, other := s.CreateTenant(t, "acme"), s.CreateTenant(t, "other")
		admin := s.PlatformAdmin(t)
		const start = `mutation($t: ID, $p: Boolean) { startVerification(tenantID: $t, platform: $p) { id status } }`
		var d struct{ StartVerification struct{ ID, Status string } }
		s.GraphQL(t, admin, start, map[string]any{"t": acme.ID}).NoErrors(t).Decode(t, &d)
		if d.StartVerification.Status != "QUEUED" {
			t.Fatalf("status %s", d.StartVerification.Status)
		}
		res := s.GraphQL(t, admin, start, map[string]any{"t": acme.ID})
		if !res.HasCode("CONFLICT") || !strings.Contains(string(res.Body), d.StartVerification.ID) {
			t.Fatalf("second start: want CONFLICT naming %s: %s", d.StartVerification.ID, res.Body)
		}
		s.GraphQL(t, admin, start, map[string]any{"t": other.ID}).NoErrors(t)
		var pd struct{ StartVerification struct{ ID string } }
		s.GraphQL(t, admin, start, map[string]any{"p": true}).NoErrors(t).Decode(t, &pd)
		if res := s.GraphQL(t, admin, start, map[string]any{"p": true}); !res.HasCode("CONFLICT") {
			t.Fatalf("second platform start: want CONFLICT: %s", res.Body)
		}

		// Process.tenant: the tenant, or NOT_FOUND for the platform's.
		const tenantOf = `query($id: ID!) { node(id: $id) { ... on Process { kind tenant { id } } } }`
		var td struct {
			Node struct{ Tenant struct{ ID string } }
		}
		s.GraphQL(t, admin, tenantOf, map[string]any{"id": d.StartVerification.ID}).NoErrors(t).Decode(t, &td)
		if td.Node.Tenant.ID != acme.ID {
			t.Fatalf("tenant %q, want %s", td.Node.Tenant.ID, acme.ID)
		}
		if res := s.GraphQL(t, admin, tenantOf, map[string]any{"id": pd.StartVerification.ID}); !res.HasCode("NOT_FOUND") {
			t.Fatalf("tenant of the platform's process: want NOT_FOUND: %s", res.Body)
		}
	}, func(c *app.Config) { c.Jobs = jobs.Config{Disabled: true} })
}
