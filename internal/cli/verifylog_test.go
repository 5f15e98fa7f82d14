package cli_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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
	"github.com/trailmark/trailmark/internal/cli"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

func withKey(skey string) testserver.Option {
	return func(c *app.Config) { c.Ledger.Key = skey }
}

// exec runs a statement with $N placeholders on either dialect.
func exec(t *testing.T, s *testserver.Server, query string, args ...any) {
	t.Helper()
	if s.DB.Dialect == dialect.SQLite {
		for i := len(args); i >= 1; i-- {
			query = strings.ReplaceAll(query, fmt.Sprintf("$%d", i), fmt.Sprintf("?%d", i))
		}
	}
	if _, err := s.DB.SQL.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// waitCheckpoint waits until the server has signed a checkpoint of the
// tenant's log of at least size leaves.
func waitCheckpoint(t *testing.T, s *testserver.Server, logID string, size int64) {
	t.Helper()
	testwait.Eventually(t, 20*time.Second, func() (bool, string) {
		c, err := s.App.Ledger.Latest(context.Background(), logID)
		if err != nil {
			return false, err.Error()
		}
		if c == nil {
			return false, "no checkpoint"
		}
		return c.TreeSize >= size, fmt.Sprintf("checkpoint of %d, want %d", c.TreeSize, size)
	})
}

// rewriteHistory is what an operator with database access (and, with it,
// the stored key or the key file) does to change the past unnoticed by the
// server's own checks: drop the tree, its head and its checkpoints, forge
// one entry with a hash that matches, and let the sequencer build and sign
// a new tree.
func rewriteHistory(t *testing.T, s *testserver.Server, tenantID, entryID string) {
	t.Helper()
	ctx := testserver.System(context.Background())
	e, err := s.Client().AuditEntry.Get(ctx, entryID)
	if err != nil {
		t.Fatal(err)
	}
	forged := audit.EntryOf(e)
	forged.Action = "nothing.happened"
	h := audit.Hash(forged)
	for _, q := range []string{
		`DELETE FROM log_checkpoints WHERE log_id = $1`,
		`DELETE FROM log_tiles WHERE log_id = $1`,
		`DELETE FROM log_heads WHERE log_id = $1`,
		`UPDATE log_leaves SET seq = NULL WHERE log_id = $1`,
	} {
		exec(t, s, q, tenantID)
	}
	exec(t, s, `UPDATE audit_entries SET action = $1, hash = $2 WHERE id = $3`, "nothing.happened", h, entryID)
	exec(t, s, `UPDATE log_leaves SET hash = $1 WHERE entry_id = $2`, h, entryID)
}

// TestVerifyLog runs `trailmark verify log` against a running server: it
// verifies twice with a state file (the second run proving consistency
// with the first), and fails, naming the checkpoints, when the history is
// rewritten and re-signed with the same key, or by a server with another
// key on the same database; --full names an entry edited in SQL.
func TestVerifyLog(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "test.trailmark")
	if err != nil {
		t.Fatal(err)
	}
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		token, _ := s.APIKey(t, acme.ID, schematype.ScopeRead)
		base := time.Now().UTC().Add(-time.Hour)
		archiveEntries(t, s, acme.ID, base, 12)
		waitCheckpoint(t, s, acme.ID, 12)
		state := filepath.Join(t.TempDir(), "acme.state.json")
		verify := func(extra ...string) (string, string, int) {
			return runCLI(append([]string{"verify", "log", "--url", s.URL, "--tenant", "acme", "--token", token, "--state", state}, extra...)...)
		}

		// Without a key nor a state: refused.
		if out, errOut, code := verify(); code != 1 || !strings.Contains(errOut, "no key: pass --key") {
			t.Fatalf("no key: %d %s%s", code, out, errOut)
		}
		out, errOut, code := verify("--key", vkey, "--full")
		if code != 0 || !strings.Contains(out, "first run: pinning the key "+vkey) || !strings.Contains(out, "all 12 entries in the checkpoint re-hashed and proven") {
			t.Fatalf("first run: %d\n%s%s", code, out, errOut)
		}
		// settle writes the background view entries of the runs so far and
		// waits until the sequencer has signed them all: the tree no longer
		// moves under the test's own edits of it. It returns the log's size.
		settle := func() int64 {
			t.Helper()
			if err := s.App.Views.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			n, err := s.Client().AuditEntry.Query().Where(auditentry.TenantID(acme.ID)).Count(testserver.System(context.Background()))
			if err != nil {
				t.Fatal(err)
			}
			waitCheckpoint(t, s, acme.ID, int64(n))
			return int64(n)
		}
		archiveEntries(t, s, acme.ID, base.Add(time.Minute), 5)
		// 17 entries, and the first run's read of the log (audit_log.view).
		want := settle()
		out, errOut, code = verify("--full")
		size := checkpointSize(t, out)
		if code != 0 || size != want || want != 18 || !strings.Contains(out, "consistent with the saved checkpoint") ||
			!strings.Contains(out, fmt.Sprintf("all %d entries", size)) {
			t.Fatalf("second run: %d\n%s%s", code, out, errOut)
		}
		saved, err := os.ReadFile(state)
		if err != nil || !strings.Contains(string(saved), fmt.Sprintf(`"treeSize": %d`, size)) {
			t.Fatalf("state: %s %v", saved, err)
		}
		// A state file of another tenant.
		if out, errOut, code := runCLI("verify", "log", "--url", s.URL, "--tenant", "globex", "--token", token, "--state", state); code != 1 ||
			!strings.Contains(errOut, "is for the log of tenant acme, not the log of tenant globex") {
			t.Fatalf("other tenant's state: %d %s%s", code, out, errOut)
		}
		// Another --key than the pinned one.
		_, other, _ := note.GenerateKey(rand.Reader, "test.trailmark")
		if out, errOut, code := verify("--key", other); code != 1 || !strings.Contains(errOut, "KEY CHANGED") {
			t.Fatalf("other key: %d %s%s", code, out, errOut)
		}

		// An entry edited in SQL: --full names it.
		ctx := testserver.System(context.Background())
		es, err := s.Client().AuditEntry.Query().Where(auditentry.TenantID(acme.ID)).Order(auditentry.ByReceivedAt(), auditentry.ByID()).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		victim := es[3]
		exec(t, s, `UPDATE audit_entries SET resource_type = $1 WHERE id = $2`, "forged", victim.ID)
		seqs, _ := s.App.Ledger.Seqs(ctx, []string{victim.ID})
		out, errOut, code = verify("--full")
		if code != 1 || !strings.Contains(out, fmt.Sprintf("FAIL seq=%d id=%s: the entry's content does not match its hash", seqs[victim.ID], victim.ID)) {
			t.Fatalf("edited entry: %d\n%s%s", code, out, errOut)
		}
		exec(t, s, `UPDATE audit_entries SET resource_type = $1 WHERE id = $2`, victim.ResourceType, victim.ID)

		// History rewritten and re-signed with the same key: the new tree
		// does not extend the saved checkpoint.
		settle()
		rewriteHistory(t, s, acme.ID, es[1].ID)
		archiveEntries(t, s, acme.ID, base.Add(2*time.Minute), 2)
		waitCheckpoint(t, s, acme.ID, size+2)
		out, errOut, code = verify()
		t.Logf("rewritten history:\n%s%s", out, errOut)
		if code != 1 || !strings.Contains(errOut, fmt.Sprintf("INCONSISTENT: the saved checkpoint test.trailmark/%s size %d root ", acme.ID, size)) ||
			!regexp.MustCompile(`and the server's test.trailmark/`+acme.ID+` size \d+ root `).MatchString(errOut) {
			t.Fatalf("rewritten history: %d\n%s%s", code, out, errOut)
		}
		// The state still holds the good checkpoint.
		if after, _ := os.ReadFile(state); string(after) != string(saved) {
			t.Fatalf("a failed run changed the state:\n%s", after)
		}
	}, withKey(skey))
}

// checkpointSize is the size of the checkpoint verify log checked.
func checkpointSize(t *testing.T, out string) int64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^checkpoint \S+ size (\d+) root `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no checkpoint line in:\n%s", out)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// TestVerifyLogReplacedKey: a second server with another TRAILMARK_LOG_KEY
// on the same database rebuilds and re-signs the log; verify log with the
// saved state fails, naming the server's checkpoint and the saved one.
func TestVerifyLogReplacedKey(t *testing.T) {
	skey, vkey, _ := note.GenerateKey(rand.Reader, "test.trailmark")
	skey2, _, _ := note.GenerateKey(rand.Reader, "test.trailmark")
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		token, _ := s.APIKey(t, acme.ID, schematype.ScopeRead)
		archiveEntries(t, s, acme.ID, time.Now().UTC().Add(-time.Hour), 6)
		waitCheckpoint(t, s, acme.ID, 6)
		state := filepath.Join(t.TempDir(), "state.json")
		if out, errOut, code := runCLI("verify", "log", "--url", s.URL, "--tenant", "acme", "--token", token, "--state", state, "--key", vkey); code != 0 {
			t.Fatalf("first run: %d\n%s%s", code, out, errOut)
		}
		// The first server stops sequencing (its lease released); the
		// second, with another key, takes over on the same database.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.App.Ledger.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		s2 := testserver.NewOnDB(t, s.DB, withKey(skey2))
		es, err := s.Client().AuditEntry.Query().Where(auditentry.TenantID(acme.ID)).Order(auditentry.ByReceivedAt(), auditentry.ByID()).All(testserver.System(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		rewriteHistory(t, s2, acme.ID, es[2].ID)
		waitCheckpoint(t, s2, acme.ID, 6)
		out, errOut, code := runCLI("verify", "log", "--url", s2.URL, "--tenant", "acme", "--token", token, "--state", state)
		t.Logf("replaced key:\n%s%s", out, errOut)
		if code != 1 || !strings.Contains(errOut, "FAIL: the server's latest checkpoint test.trailmark/"+acme.ID+" size 6 root ") ||
			!strings.Contains(errOut, "is not signed by the key "+vkey) ||
			!strings.Contains(errOut, "(the last good one, saved in "+state+": test.trailmark/"+acme.ID+" size 6 root ") {
			t.Fatalf("replaced key: %d\n%s%s", code, out, errOut)
		}
		// Given the new key, the pinned one still wins.
		if out, errOut, code := runCLI("verify", "log", "--url", s2.URL, "--tenant", "acme", "--token", token, "--state", state,
			"--key", s2.App.Ledger.VerifierKey()); code != 1 || !strings.Contains(errOut, "KEY CHANGED") {
			t.Fatalf("replaced key given: %d\n%s%s", code, out, errOut)
		}
	}, withKey(skey))
}

var _ = cli.Run

// TestVerifyLegacyEntries: a log whose first leaves are entries recorded
// before tamper evidence (content hash without id and receivedAt, as the
// migration left them: numbered, legacy_size set, the tree built by the
// sequencer) verifies with verify archive and verify log --full, and an
// edited legacy row is still caught.
func TestVerifyLegacyEntries(t *testing.T) {
	skey, vkey, _ := note.GenerateKey(rand.Reader, "test.trailmark")
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		token, _ := s.APIKey(t, acme.ID, schematype.ScopeRead)
		base := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Hour)
		archiveEntries(t, s, acme.ID, base, 10)
		waitCheckpoint(t, s, acme.ID, 10)
		ctx := testserver.System(context.Background())
		leaves, err := s.App.Ledger.Leaves(ctx, acme.ID, 0, 5)
		if err != nil || len(leaves) != 5 {
			t.Fatalf("leaves %v %v", leaves, err)
		}
		type upd struct{ id, h string }
		var ups []upd
		for _, lf := range leaves {
			e, err := s.Client().AuditEntry.Get(ctx, lf.EntryID)
			if err != nil {
				t.Fatal(err)
			}
			ups = append(ups, upd{e.ID, audit.HashV1(audit.EntryOf(e))})
		}
		q := func(s2 string) string {
			if s.DB.Dialect == dialect.SQLite {
				for i := 4; i >= 1; i-- {
					s2 = strings.ReplaceAll(s2, fmt.Sprintf("$%d", i), fmt.Sprintf("?%d", i))
				}
			}
			return s2
		}
		tx, err := s.DB.SQL.BeginTx(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range ups {
			for _, stmt := range []string{`UPDATE audit_entries SET hash = $1 WHERE id = $2`, `UPDATE log_leaves SET hash = $1 WHERE entry_id = $2`} {
				if _, err := tx.Exec(q(stmt), u.h, u.id); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, stmt := range []string{`DELETE FROM log_tiles WHERE log_id = $1`, `DELETE FROM log_checkpoints WHERE log_id = $1`,
			`UPDATE log_heads SET tree_size = 0, root_hash = '', checkpoint_size = 0, legacy_size = 5 WHERE log_id = $1`} {
			if _, err := tx.Exec(q(stmt), acme.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		waitCheckpoint(t, s, acme.ID, 10)

		a := makeArchive(t, s, admin, acme.ID, "JSONL_GZ", base, base.Add(time.Hour), nil)
		if out, errOut, code := runCLI("verify", "archive", a.file, "--key", vkey); code != 0 || !strings.Contains(out, "OK: 10 entries") {
			t.Fatalf("legacy archive: %d\n%s%s", code, out, errOut)
		}
		rows := jsonlRows(t, gunzip(t, a.file))
		for i, r := range rows {
			if string(r["seq"].(json.Number)) == "2" {
				rows[i]["occurredAt"] = base.Add(-time.Minute).Format(time.RFC3339Nano)
				expectFail(t, "legacy row edited", []string{"verify", "archive", tampered(t, a, "legacy.jsonl", joinRows(t, rows)), "--manifest", a.manifest, "--key", vkey},
					fmt.Sprintf("FAIL seq=2 id=%s: line %d: the row's content does not match its hash", r["id"], i+1))
			}
		}
		out, errOut, code := runCLI("verify", "log", "--url", s.URL, "--tenant", "acme", "--token", token, "--key", vkey, "--full")
		// The 10 legacy entries, archive.create and whatever the server
		// recorded since (a view of the log may land in the checkpoint).
		if m := regexp.MustCompile(`all (\d+) entries in the checkpoint re-hashed and proven`).FindStringSubmatch(out); code != 0 || m == nil || len(m[1]) < 2 {
			t.Fatalf("legacy log --full: %d\n%s%s", code, out, errOut)
		}
	}, withKey(skey))
}

// TestArchiveOfDamagedLog: with the tree tables truncated, an archive that
// holds every leaf of the checkpoint still proves (it needs no stored
// hash: the rows and the signed root suffice); one that needs stored
// hashes is still written (retention and exports go on) but its manifest
// proves nothing, and verify archive fails naming every row.
func TestArchiveOfDamagedLog(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		_, admin := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		base := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Hour)
		archiveEntries(t, s, acme.ID, base, 4)
		waitCheckpoint(t, s, acme.ID, 4)
		s.App.Archives.SequenceWait = time.Second
		exec(t, s, `DELETE FROM log_tiles WHERE log_id = $1`, acme.ID)
		all := makeArchive(t, s, admin, acme.ID, "JSONL_GZ", base, base.Add(time.Hour), nil)
		if out, errOut, code := runCLI("verify", "archive", all.file, "--key", all.key); code != 0 {
			t.Fatalf("archive of every leaf: %d\n%s%s", code, out, errOut)
		}
		filter := "action = 'member.invite'"
		a := makeArchive(t, s, admin, acme.ID, "JSONL_GZ", base, base.Add(time.Hour), &filter)
		rows := jsonlRows(t, gunzip(t, a.file))
		if len(rows) != 2 {
			t.Fatalf("%d rows", len(rows))
		}
		var wants []string
		for _, r := range rows {
			wants = append(wants, fmt.Sprintf("id=%s: line", r["id"]))
		}
		expectFail(t, "damaged log", []string{"verify", "archive", a.file, "--key", a.key},
			append(wants, "cannot be proven")...)
	})
}

// TestVerifyLogPlatform: --platform checks the platform log (entries
// without a tenant, e.g. sign-ins and tenant creation) with a platform
// admin's token, --full re-hashing them without a tenant; a tenant's state
// file is refused for it, and a tenant's key cannot read it.
func TestVerifyLogPlatform(t *testing.T) {
	skey, vkey, _ := note.GenerateKey(rand.Reader, "test.trailmark")
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		admin := s.PlatformAdmin(t)
		var es []audit.Entry
		for i := range 5 {
			es = append(es, testserver.Entry(nil, fmt.Sprint("platform.thing.", i), time.Now().UTC().Add(-time.Minute)))
		}
		s.RecordEntries(t, es...)
		ctx := testserver.System(context.Background())
		n, err := s.Client().AuditEntry.Query().Where(auditentry.TenantIDIsNil()).Count(ctx)
		if err != nil || n < 5 {
			t.Fatalf("platform entries: %d %v", n, err)
		}
		waitCheckpoint(t, s, "platform", int64(n))
		state := filepath.Join(t.TempDir(), "platform.state.json")
		verify := func(token string, extra ...string) (string, string, int) {
			return runCLI(append([]string{"verify", "log", "--url", s.URL, "--platform", "--token", token, "--state", state}, extra...)...)
		}
		out, errOut, code := verify(admin, "--key", vkey, "--full")
		if code != 0 || !strings.Contains(out, "OK: the platform log verifies") || !strings.Contains(out, "entries in the checkpoint re-hashed and proven") {
			t.Fatalf("platform log: %d\n%s%s", code, out, errOut)
		}
		saved, _ := os.ReadFile(state)
		if !strings.Contains(string(saved), `"platform": true`) || strings.Contains(string(saved), `"tenant"`) {
			t.Fatalf("state: %s", saved)
		}
		if out, errOut, code := runCLI("verify", "log", "--url", s.URL, "--tenant", "acme", "--token", admin, "--state", state); code != 1 ||
			!strings.Contains(errOut, "is for the platform log, not the log of tenant acme") {
			t.Fatalf("platform state for a tenant: %d %s%s", code, out, errOut)
		}
		// An entry of the platform log edited in SQL: --full names it.
		e, err := s.Client().AuditEntry.Query().Where(auditentry.TenantIDIsNil()).Order(auditentry.ByReceivedAt(), auditentry.ByID()).First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		exec(t, s, `UPDATE audit_entries SET action = $1 WHERE id = $2`, "forged", e.ID)
		if out, errOut, code := verify(admin, "--full"); code != 1 || !strings.Contains(out, e.ID+": the entry's content does not match its hash") {
			t.Fatalf("edited platform entry: %d\n%s%s", code, out, errOut)
		}
		// A tenant's key sees no platform checkpoint.
		token, _ := s.APIKey(t, acme.ID, schematype.ScopeRead)
		if out, errOut, code := verify(token); code != 1 {
			t.Fatalf("a tenant key on the platform log: %d\n%s%s", code, out, errOut)
		}
		// Neither or both of --tenant and --platform: usage.
		if _, _, code := runCLI("verify", "log", "--url", s.URL, "--token", "t"); code != 2 {
			t.Fatalf("no log: exit %d", code)
		}
		if _, _, code := runCLI("verify", "log", "--url", s.URL, "--tenant", "acme", "--platform", "--token", "t"); code != 2 {
			t.Fatalf("both: exit %d", code)
		}
	}, withKey(skey))
}

// TestVerifyLogFullPages: --full pages through more entries than one page
// (100) within the API's limits, on a session token of an AUDITOR too.
func TestVerifyLogFullPages(t *testing.T) {
	skey, vkey, _ := note.GenerateKey(rand.Reader, "test.trailmark")
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		_, auditor := s.Member(t, acme.ID, schematype.RoleAuditor, nil)
		archiveEntries(t, s, acme.ID, time.Now().UTC().Add(-time.Hour), 230)
		waitCheckpoint(t, s, acme.ID, 230)
		out, errOut, code := runCLI("verify", "log", "--url", s.URL, "--tenant", "acme", "--token", auditor, "--key", vkey, "--full")
		if code != 0 || !strings.Contains(out, "all 230 entries in the checkpoint re-hashed and proven") {
			t.Fatalf("--full: %d\n%s%s", code, out, errOut)
		}
	}, withKey(skey))
}
