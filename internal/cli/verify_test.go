package cli_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/archive"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/cli"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

func fastJobs(c *app.Config) {
	c.Jobs = jobs.Config{Poll: 50 * time.Millisecond, RetryBase: 100 * time.Millisecond, ScheduleTick: 100 * time.Millisecond}
}

// runCLI runs a trailmark subcommand that needs no database.
func runCLI(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args[0], args[1:], nil, &out, &errOut)
	return out.String(), errOut.String(), code
}

func httpGet(t *testing.T, s *testserver.Server, token, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return b
}

// archiveEntries records entries of tenant with every field set somewhere:
// values a spreadsheet would run, line breaks, a request, idempotency keys.
func archiveEntries(t *testing.T, s *testserver.Server, tenantID string, base time.Time, n int) {
	var es []audit.Entry
	for i := range n {
		e := testserver.Entry(&tenantID, []string{"member.invite", "api_key.create", "tenant.update"}[i%3], base.Add(time.Duration(i)*time.Minute))
		e.Metadata = []byte(fmt.Sprintf(`{"n": %d.50, "text": "comma, \"quote\"\r\nnewline", "z": [1, {"b": 2, "a": 1}]}`, i))
		e.NewValue = []byte(`{"plan": "pro"}`)
		e.OldValue = []byte(`-1`)
		name := "=SUM(A1)"
		e.ResourceName = &name
		actor := "Ada\r\nLovelace, \"the first\" "
		e.Actor.Name = &actor
		ws := "ws-" + string(rune('a'+i%2))
		e.Workspace = &ws
		key := fmt.Sprintf("idem-%d-%d", base.UnixNano(), i)
		e.IdempotencyKey = &key
		path := "/graphql"
		status := 200
		e.Request = &schematype.RequestInfo{Path: &path, Payload: []byte(`{"q": 1}`), HTTPStatus: &status}
		es = append(es, e)
	}
	s.RecordEntries(t, es...)
}

type archived struct {
	dir, file, manifest, key string
	manifestURL              string
}

// makeArchive runs createArchive and downloads the file and its manifest
// into a temporary directory.
func makeArchive(t *testing.T, s *testserver.Server, token, tenantID, format string, from, to time.Time, filter *string) archived {
	t.Helper()
	in := map[string]any{"from": from.Format(time.RFC3339), "to": to.Format(time.RFC3339), "format": format}
	if filter != nil {
		in["filter"] = *filter
	}
	var d struct{ CreateArchive struct{ ID string } }
	s.GraphQL(t, token, `mutation($t: ID!, $in: CreateArchiveInput!) { createArchive(tenantID: $t, input: $in) { id } }`,
		map[string]any{"t": tenantID, "in": in}).NoErrors(t).Decode(t, &d)
	type archiveView struct{ ID, DownloadURL, ManifestURL string }
	var a *archiveView
	testwait.Eventually(t, 60*time.Second, func() (bool, string) {
		var p struct {
			Node struct {
				Status  string
				Error   *string
				Archive *archiveView
			}
		}
		s.GraphQL(t, token, `query($id: ID!) { node(id: $id) { ... on Process { status error archive { id downloadURL manifestURL } } } }`,
			map[string]any{"id": d.CreateArchive.ID}).NoErrors(t).Decode(t, &p)
		if p.Node.Status == "FAILED" {
			t.Fatalf("archive failed: %v", *p.Node.Error)
		}
		a = p.Node.Archive
		return p.Node.Status == "SUCCEEDED", p.Node.Status
	})
	if a.ManifestURL != "/archives/"+a.ID+"/manifest" {
		t.Fatalf("manifestURL %q", a.ManifestURL)
	}
	dir := t.TempDir()
	out := archived{dir: dir, file: filepath.Join(dir, "a."+strings.ToLower(strings.ReplaceAll(format, "_", "."))),
		key: s.App.Ledger.VerifierKey(), manifestURL: a.ManifestURL}
	out.manifest = out.file + archive.ManifestSuffix
	if err := os.WriteFile(out.file, httpGet(t, s, token, a.DownloadURL), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out.manifest, httpGet(t, s, token, a.ManifestURL), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tampered writes content as a new (plain) file next to a and returns the
// path.
func tampered(t *testing.T, a archived, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(a.dir, name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func expectFail(t *testing.T, what string, args []string, wants ...string) {
	t.Helper()
	out, errOut, code := runCLI(args...)
	t.Logf("%s:\n%s%s", what, out, errOut)
	if code != 1 {
		t.Fatalf("%s: exit %d, want 1\n%s%s", what, code, out, errOut)
	}
	for _, w := range wants {
		if !strings.Contains(out+errOut, w) {
			t.Fatalf("%s: output lacks %q:\n%s%s", what, w, out, errOut)
		}
	}
}

// jsonlRows splits a JSON Lines file into its rows, decoded.
func jsonlRows(t *testing.T, b []byte) []map[string]any {
	var rows []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, m)
	}
	return rows
}

func joinRows(t *testing.T, rows []map[string]any) []byte {
	var buf bytes.Buffer
	for _, r := range rows {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// TestVerifyArchive: a real archive, made by an ARCHIVE process and
// downloaded over HTTP with its manifest, verifies with `trailmark verify
// archive`; every kind of tampering with the file or the manifest, and a
// wrong key, is detected and named.
func TestVerifyArchive(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		_, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		base := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Hour)
		archiveEntries(t, s, acme.ID, base, 40)
		// A backdated entry recorded later: its seq is outside the run of
		// the others, and an unfiltered archive of the range must hold it.
		archiveEntries(t, s, acme.ID, base.Add(90*time.Second), 1)
		// Entries outside the range, between the archived ones in seq.
		archiveEntries(t, s, acme.ID, base.Add(-24*time.Hour), 3)
		archiveEntries(t, s, acme.ID, base.Add(10*time.Minute), 2)

		a := makeArchive(t, s, token, acme.ID, "JSONL_GZ", base, base.Add(30*time.Minute), nil)
		out, errOut, code := runCLI("verify", "archive", a.file, "--key", a.key)
		if code != 0 || !strings.Contains(out, "OK: 33 entries") || !strings.Contains(out, "byte for byte") || !strings.Contains(out, "complete:") {
			t.Fatalf("verify archive: %d\n%s%s", code, out, errOut)
		}
		// The key as a file, the manifest named, flags first.
		keyFile := tampered(t, a, "key.pub", []byte(a.key+"\n"))
		if out, errOut, code := runCLI("verify", "archive", "--key", keyFile, "--manifest", a.manifest, a.file); code != 0 {
			t.Fatalf("verify archive (key file): %d\n%s%s", code, out, errOut)
		}

		var mf archive.ManifestFile
		raw, _ := os.ReadFile(a.manifest)
		if err := json.Unmarshal(raw, &mf); err != nil {
			t.Fatal(err)
		}
		var m archive.Manifest
		if err := json.Unmarshal(mf.Manifest, &m); err != nil {
			t.Fatal(err)
		}
		if !m.Complete || m.EntryCount != 33 || len(m.Leaves) != 33 || len(m.Unsequenced) != 0 || len(m.Outside) == 0 {
			t.Fatalf("manifest: complete %v, %d entries, %d leaves, %d unsequenced, outside %v", m.Complete, m.EntryCount, len(m.Leaves), len(m.Unsequenced), m.Outside)
		}

		plain := gunzip(t, a.file)
		rows := jsonlRows(t, plain)
		for _, r := range rows {
			if r["seq"] == nil {
				t.Fatalf("row without seq: %v", r)
			}
		}
		withManifest := func(file string) []string {
			return []string{"verify", "archive", file, "--manifest", a.manifest, "--key", a.key}
		}
		// The uncompressed file verifies too.
		if out, errOut, code := runCLI(withManifest(tampered(t, a, "plain.jsonl", plain))...); code != 0 {
			t.Fatalf("plain file: %d\n%s%s", code, out, errOut)
		}
		id := func(i int) string { return rows[i]["id"].(string) }
		seq := func(i int) string { return string(rows[i]["seq"].(json.Number)) }

		// 1. A field edited.
		edited := jsonlRows(t, plain)
		edited[3]["action"] = "member.remove"
		expectFail(t, "edited field", withManifest(tampered(t, a, "edited.jsonl", joinRows(t, edited))),
			"FAIL seq="+seq(3)+" id="+id(3)+": line 4: the row's content does not match its hash")

		// 2. A field edited and the hash recomputed to match.
		rehashed := jsonlRows(t, plain)
		rehashed[5]["actor"].(map[string]any)["name"] = "Mallory"
		ents, err := cli.ParseJSONLForTest(joinRows(t, rehashed))
		if err != nil {
			t.Fatal(err)
		}
		rehashed[5]["hash"] = audit.Hash(ents[5])
		expectFail(t, "edited and re-hashed", withManifest(tampered(t, a, "rehashed.jsonl", joinRows(t, rehashed))),
			"FAIL seq="+seq(5)+" id="+id(5)+": line 6: the row's content is not the entry in the signed log")

		// 3. A row dropped from an unfiltered archive.
		dropped := append(jsonlRows(t, plain)[:7], jsonlRows(t, plain)[8:]...)
		expectFail(t, "dropped row", withManifest(tampered(t, a, "dropped.jsonl", joinRows(t, dropped))),
			"FAIL seq="+seq(7)+" id="+id(7)+": missing from the file")

		// 4. Two rows swapped.
		swapped := jsonlRows(t, plain)
		swapped[10], swapped[11] = swapped[11], swapped[10]
		expectFail(t, "reordered rows", withManifest(tampered(t, a, "swapped.jsonl", joinRows(t, swapped))),
			"id="+id(10)+": line 12: out of order")

		// 5. Two rows' seq swapped.
		seqs := jsonlRows(t, plain)
		seqs[12]["seq"], seqs[13]["seq"] = seqs[13]["seq"], seqs[12]["seq"]
		expectFail(t, "swapped seq", withManifest(tampered(t, a, "seqs.jsonl", joinRows(t, seqs))),
			"FAIL seq="+seq(12)+" id="+id(12)+": line 13: the row says seq "+seq(13),
			"FAIL seq="+seq(13)+" id="+id(13)+": line 14: the row says seq "+seq(12))

		// 6. A forged row inserted.
		forged := jsonlRows(t, plain)
		extra := jsonlRows(t, plain)[0]
		extra["id"] = "AuditEntry_forged"
		ents, _ = cli.ParseJSONLForTest(joinRows(t, []map[string]any{extra}))
		extra["hash"] = audit.Hash(ents[0])
		forged = append(forged, extra)
		expectFail(t, "inserted row", withManifest(tampered(t, a, "forged.jsonl", joinRows(t, forged))),
			"id=AuditEntry_forged: line 34: the entry is not in the manifest (inserted)")

		// 7. A wrong key.
		_, otherKey, _ := note.GenerateKey(nil, "test.trailmark")
		expectFail(t, "wrong key", []string{"verify", "archive", a.file, "--key", otherKey},
			"the manifest's signature does not verify with the key "+otherKey)
		skey, _, _ := note.GenerateKey(nil, "x")
		expectFail(t, "signer key", []string{"verify", "archive", a.file, "--key", skey}, "that is the signer (private) key")

		// 8. The manifest edited: a dropped row taken out of it too, or
		// the claim of completeness.
		editManifest := func(name string, edit func(m map[string]any)) string {
			var body map[string]any
			dec := json.NewDecoder(bytes.NewReader(mf.Manifest))
			dec.UseNumber()
			if err := dec.Decode(&body); err != nil {
				t.Fatal(err)
			}
			edit(body)
			b, _ := json.Marshal(body)
			file, _ := json.Marshal(archive.ManifestFile{Manifest: b, Signature: mf.Signature})
			return tampered(t, a, name, file)
		}
		mdrop := editManifest("m-drop.json", func(m map[string]any) {
			leaves := m["leaves"].([]any)
			m["leaves"] = append(leaves[:7:7], leaves[8:]...)
			m["entryCount"] = 32
		})
		expectFail(t, "manifest edited", []string{"verify", "archive", tampered(t, a, "dropped2.jsonl", joinRows(t, dropped)), "--manifest", mdrop, "--key", a.key},
			"the manifest was edited")
		mfilter := editManifest("m-filter.json", func(m map[string]any) { m["complete"] = false; m["filter"] = "action = 'x'" })
		expectFail(t, "manifest edited (filter)", []string{"verify", "archive", a.file, "--manifest", mfilter, "--key", a.key}, "the manifest was edited")

		// A CSV archive, and a filtered one.
		c := makeArchive(t, s, token, acme.ID, "CSV_GZ", base, base.Add(30*time.Minute), nil)
		out, errOut, code = runCLI("verify", "archive", c.file, "--key", c.key)
		if code != 0 || !strings.Contains(out, "OK: 33 entries") {
			t.Fatalf("verify CSV archive: %d\n%s%s", code, out, errOut)
		}
		csvPlain := gunzip(t, c.file)
		if !bytes.Contains(csvPlain, []byte("'=SUM(A1)")) || !bytes.Contains(csvPlain, []byte(",'-1,")) {
			t.Fatalf("CSV archive lacks the escaped cells:\n%.600s", csvPlain)
		}
		csvEdited := bytes.Replace(csvPlain, []byte("ws-b"), []byte("ws-c"), 1)
		expectFail(t, "CSV edited", []string{"verify", "archive", tampered(t, c, "e.csv", csvEdited), "--manifest", c.manifest, "--key", c.key},
			"the row's content does not match its hash")

		filter := "action = 'member.invite'"
		f := makeArchive(t, s, token, acme.ID, "JSONL_GZ", base, base.Add(30*time.Minute), &filter)
		out, errOut, code = runCLI("verify", "archive", f.file, "--key", f.key)
		if code != 0 || !strings.Contains(out, "OK: 12 entries") || !strings.Contains(out, "completeness is not claimed") {
			t.Fatalf("verify filtered archive: %d\n%s%s", code, out, errOut)
		}
	}, fastJobs)
}

// TestArchiveManifestSize measures the manifest of an archive of 10,000
// entries (docs/integrity.md "Archive manifests" quotes it) and holds it
// to about 110 bytes an entry; the archive verifies.
func TestArchiveManifestSize(t *testing.T) {
	s := testserver.New(t, "sqlite3", fastJobs)
	acme := s.CreateTenant(t, "acme")
	_, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
	base := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Hour)
	archiveEntries(t, s, acme.ID, base.Add(-30*time.Hour), 500) // before the range
	var es []audit.Entry
	for i := range 10000 {
		es = append(es, testserver.Entry(&acme.ID, "member.invite", base.Add(time.Duration(i)*time.Second)))
	}
	s.RecordEntries(t, es...)
	archiveEntries(t, s, acme.ID, base.Add(time.Minute), 500) // in the range, later in seq
	a := makeArchive(t, s, token, acme.ID, "JSONL_GZ", base, base.Add(24*time.Hour), nil)
	out, errOut, code := runCLI("verify", "archive", a.file, "--key", a.key)
	if code != 0 || !strings.Contains(out, "OK: 10500 entries") {
		t.Fatalf("verify: %d\n%s%s", code, out, errOut)
	}
	mst, _ := os.Stat(a.manifest)
	fst, _ := os.Stat(a.file)
	var mf archive.ManifestFile
	raw, _ := os.ReadFile(a.manifest)
	_ = json.Unmarshal(raw, &mf)
	var m archive.Manifest
	_ = json.Unmarshal(mf.Manifest, &m)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	t.Logf("10500 entries: archive %d bytes (gzip), manifest %d bytes (%d gzipped), %d proof hashes, %d outside",
		fst.Size(), mst.Size(), gz.Len(), len(m.Proof), len(m.Outside))
	if mst.Size() > 10500*110 || len(m.Proof) > 64 {
		t.Fatalf("manifest of %d bytes, %d proof hashes", mst.Size(), len(m.Proof))
	}
}

// TestLogKeyGenerate: the printed signer key runs a server
// (TRAILMARK_LOG_KEY) whose checkpoints the printed verifier key checks.
func TestLogKeyGenerate(t *testing.T) {
	out, errOut, code := runCLI("log-key", "generate", "--name", "audit.example.test")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[1], "PRIVATE+KEY+audit.example.test+") || !strings.HasPrefix(lines[3], "audit.example.test+") {
		t.Fatalf("log-key generate: %d %q %q", code, out, errOut)
	}
	skey, vkey := lines[1], lines[3]
	s := testserver.New(t, "sqlite3", func(c *app.Config) { c.Ledger.Key = skey })
	if s.App.Ledger.VerifierKey() != vkey {
		t.Fatalf("server key %s, printed %s", s.App.Ledger.VerifierKey(), vkey)
	}
	if _, _, code := runCLI("log-key", "generate", "--name", "has space"); code != 1 {
		t.Fatalf("a name with a space: exit %d", code)
	}
	if _, _, code := runCLI("verify", "archive"); code != 2 {
		t.Fatalf("verify archive without a file: exit %d", code)
	}
	if _, errOut, code := runCLI("verify", "log", "--url", "http://x", "--tenant", "a", "--token", "t", "--key", "not a key"); code != 1 || !strings.Contains(errOut, "neither a verifier key") {
		t.Fatalf("bad key: %d %s", code, errOut)
	}
}

// TestVerifyEmptyArchive: an archive with no rows verifies; a row added to
// it does not.
func TestVerifyEmptyArchive(t *testing.T) {
	s := testserver.New(t, "sqlite3", fastJobs)
	acme := s.CreateTenant(t, "acme")
	_, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	a := makeArchive(t, s, token, acme.ID, "JSONL_GZ", from, from.Add(time.Hour), nil)
	out, errOut, code := runCLI("verify", "archive", a.file, "--key", a.key)
	if code != 0 || !strings.Contains(out, "OK: ") {
		t.Fatalf("empty archive: %d\n%s%s", code, out, errOut)
	}
	row := `{"id":"aud_x","tenantID":"` + acme.ID + `","occurredAt":"2020-01-01T00:00:00Z","receivedAt":"2020-01-01T00:00:00Z","action":"x","resourceType":"x","actor":{"type":"SYSTEM"},"status":"SUCCESS","hash":"00","seq":0}` + "\n"
	expectFail(t, "row added to an empty archive", []string{"verify", "archive", tampered(t, a, "e.jsonl", []byte(row)), "--manifest", a.manifest, "--key", a.key}, "FAIL")
}
