package archive_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/archive"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// fastJobs makes the runner react within milliseconds.
func fastJobs(c *app.Config) {
	c.Jobs = jobs.Config{Poll: 50 * time.Millisecond, RetryBase: 100 * time.Millisecond, ScheduleTick: 100 * time.Millisecond}
}

type processView struct {
	ID      string
	Status  string
	Error   *string
	Result  map[string]any
	Archive *struct {
		ID, Sha256, DownloadURL, Name, Format string
		EntryCount, SizeBytes                 int
		CreatedBy                             struct{ Type, ID string }
	}
}

const processFields = `id status error result archive { id sha256 downloadURL name format entryCount sizeBytes createdBy { type id } }`

// waitProcess polls node(id) until the process has finished.
func waitProcess(t *testing.T, s *testserver.Server, token, id string) processView {
	t.Helper()
	var p processView
	testwait.Eventually(t, 30*time.Second, func() (bool, string) {
		var d struct{ Node processView }
		s.GraphQL(t, token, `query($id: ID!) { node(id: $id) { ... on Process { `+processFields+` } } }`,
			map[string]any{"id": id}).NoErrors(t).Decode(t, &d)
		p = d.Node
		switch p.Status {
		case "SUCCEEDED", "FAILED", "CANCELED":
			return true, ""
		}
		return false, fmt.Sprintf("process %s still %s", id, p.Status)
	})
	return p
}

func get(t *testing.T, s *testserver.Server, token, path string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// seed records entries of acme at different times and one of another tenant.
func seed(t *testing.T, s *testserver.Server, acme, other string, base time.Time) []*ent.AuditEntry {
	var es []audit.Entry
	for i := range 30 {
		e := testserver.Entry(&acme, []string{"member.invite", "api_key.create", "tenant.update"}[i%3], base.Add(time.Duration(i)*time.Hour))
		e.Metadata = []byte(`{"n": ` + string(rune('0'+i%10)) + `, "text": "comma, \"quote\"\nnewline"}`)
		e.NewValue = []byte(`{"plan": "pro"}`)
		ws := "ws-" + string(rune('a'+i%2))
		e.Workspace = &ws
		path := "/graphql"
		e.Request = &schematype.RequestInfo{Path: &path, Payload: []byte(`{"q": 1}`)}
		es = append(es, e)
	}
	rows := s.RecordEntries(t, es...)
	s.RecordEntries(t, testserver.Entry(&other, "member.invite", base.Add(time.Hour)))
	return rows
}

// expected lists the ids of rows in [from, to) whose action matches, in
// archive order.
func expected(rows []*ent.AuditEntry, from, to time.Time, action string) []string {
	var out []*ent.AuditEntry
	for _, r := range rows {
		if !r.OccurredAt.Before(from) && r.OccurredAt.Before(to) && (action == "" || r.Action == action) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].OccurredAt.Equal(out[j].OccurredAt) {
			return out[i].OccurredAt.Before(out[j].OccurredAt)
		}
		return out[i].ID < out[j].ID
	})
	ids := make([]string, len(out))
	for i, r := range out {
		ids[i] = r.ID
	}
	return ids
}

// TestArchiveRoundTrip: createArchive runs an ARCHIVE process; the download
// decompresses to exactly the entries of the range and filter, its sha256
// and size match the Archive, the CSV parses with encoding/csv with the JSON
// columns intact, and the download is audited.
func TestArchiveRoundTrip(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme, other := s.CreateTenant(t, "acme"), s.CreateTenant(t, "other")
		admin, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		rows := seed(t, s, acme.ID, other.ID, base)
		from, to := base.Add(3*time.Hour), base.Add(20*time.Hour)

		for _, format := range []string{"JSONL_GZ", "CSV_GZ"} {
			var d struct{ CreateArchive struct{ ID, Status string } }
			s.GraphQL(t, token, `mutation($t: ID!, $in: CreateArchiveInput!) { createArchive(tenantID: $t, input: $in) { id status } }`,
				map[string]any{"t": acme.ID, "in": map[string]any{
					"from": from, "to": to, "format": format, "filter": "action = 'member.invite'", "name": "Q1 invites",
				}}).NoErrors(t).Decode(t, &d)
			p := waitProcess(t, s, token, d.CreateArchive.ID)
			if p.Status != "SUCCEEDED" || p.Archive == nil {
				t.Fatalf("%s: process %s error %v", format, p.Status, p.Error)
			}
			a := p.Archive
			want := expected(rows, from, to, "member.invite")
			if a.EntryCount != len(want) || a.CreatedBy.Type != "USER" || a.CreatedBy.ID != admin.ID ||
				a.DownloadURL != "/archives/"+a.ID+"/download" || a.Format != format {
				t.Fatalf("%s: archive %+v", format, a)
			}
			resp := get(t, s, token, a.DownloadURL)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment; filename=") {
				t.Fatalf("%s: download HTTP %d %s", format, resp.StatusCode, body)
			}
			sum := sha256.Sum256(body)
			if hex.EncodeToString(sum[:]) != a.Sha256 || len(body) != a.SizeBytes {
				t.Fatalf("%s: sha256/size mismatch", format)
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			if format == "JSONL_GZ" {
				sc := bufio.NewScanner(bytes.NewReader(plain))
				for sc.Scan() {
					var r archive.Row
					if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
						t.Fatalf("line %q: %v", sc.Text(), err)
					}
					if r.Request == nil || string(r.Metadata) == "" {
						t.Fatalf("row lacks request or metadata: %s", sc.Text())
					}
					got = append(got, r.ID)
				}
			} else {
				recs, err := csv.NewReader(bytes.NewReader(plain)).ReadAll()
				if err != nil {
					t.Fatalf("csv: %v", err)
				}
				if !slices.Equal(recs[0], archive.CSVHeader) {
					t.Fatalf("header %v", recs[0])
				}
				byID := map[string]*ent.AuditEntry{}
				for _, r := range rows {
					byID[r.ID] = r
				}
				for _, rec := range recs[1:] {
					got = append(got, rec[0])
					var meta, stored any
					if err := json.Unmarshal([]byte(rec[15]), &meta); err != nil {
						t.Fatalf("metadata cell %q: %v", rec[15], err)
					}
					_ = json.Unmarshal(byID[rec[0]].Metadata, &stored)
					if !jsonEqual(meta, stored) || rec[16] == "" || rec[17] != byID[rec[0]].Hash {
						t.Fatalf("row %v", rec)
					}
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: archive holds %v\nwant %v", format, got, want)
			}
		}
		n, err := s.Client().AuditEntry.Query().Where(auditentry.Action("archive.download")).Count(testserver.SystemContext())
		if err != nil || n != 2 {
			t.Fatalf("archive.download entries = %d (%v)", n, err)
		}
	}, fastJobs)
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestArchiveValidationAndDelete: bad input is refused; deleteArchive
// removes the row and the file; others cannot download.
func TestArchiveValidationAndDelete(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme, other := s.CreateTenant(t, "acme"), s.CreateTenant(t, "other")
		_, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		_, outsider := s.Member(t, other.ID, schematype.RoleOwner, nil)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		seed(t, s, acme.ID, other.ID, base)
		create := `mutation($t: ID!, $in: CreateArchiveInput!) { createArchive(tenantID: $t, input: $in) { id } }`
		for _, c := range []struct {
			in    map[string]any
			field string
		}{
			{map[string]any{"from": base, "to": base, "format": "JSONL_GZ"}, "input.to"},
			{map[string]any{"from": base, "to": base.Add(time.Hour), "format": "JSONL_GZ", "filter": "action = "}, "input.filter"},
		} {
			res := s.GraphQL(t, token, create, map[string]any{"t": acme.ID, "in": c.in})
			if !res.HasCode("BAD_USER_INPUT") || res.Errors[0].Extensions["field"] != c.field {
				t.Fatalf("%v: %s", c.in, res.Body)
			}
		}
		var d struct{ CreateArchive struct{ ID string } }
		s.GraphQL(t, token, create, map[string]any{"t": acme.ID, "in": map[string]any{
			"from": base, "to": base.Add(48 * time.Hour), "format": "CSV_GZ"}}).NoErrors(t).Decode(t, &d)
		p := waitProcess(t, s, token, d.CreateArchive.ID)
		if p.Archive == nil || p.Archive.EntryCount != 30 {
			t.Fatalf("archive %+v", p)
		}
		if resp := get(t, s, outsider, p.Archive.DownloadURL); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another tenant's download: HTTP %d", resp.StatusCode)
		}
		if resp := get(t, s, "", p.Archive.DownloadURL); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("anonymous download: HTTP %d", resp.StatusCode)
		}
		manifestKey := acme.ID + "/" + p.Archive.ID + ".csv.gz" + archive.ManifestSuffix
		if ok, _ := s.App.Archives.Bucket.Exists(context.Background(), manifestKey); !ok {
			t.Fatal("no manifest beside the archive")
		}
		var list struct {
			Archives struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
			}
		}
		s.GraphQL(t, token, `query($t: ID!) { archives(tenantID: $t, filter: "format = 'csv_gz'") { totalCount edges { node { id } } } }`,
			map[string]any{"t": acme.ID}).NoErrors(t).Decode(t, &list)
		if list.Archives.TotalCount != 1 || list.Archives.Edges[0].Node.ID != p.Archive.ID {
			t.Fatalf("archives: %+v", list)
		}
		s.GraphQL(t, token, `mutation($id: ID!) { deleteArchive(id: $id) }`, map[string]any{"id": p.Archive.ID}).NoErrors(t)
		if ok, _ := s.App.Archives.Bucket.Exists(context.Background(), acme.ID+"/"+p.Archive.ID+".csv.gz"); ok {
			t.Fatal("the archive file is still there")
		}
		if ok, _ := s.App.Archives.Bucket.Exists(context.Background(), manifestKey); ok {
			t.Fatal("the manifest is still there")
		}
		if resp := get(t, s, token, p.Archive.DownloadURL); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("deleted archive: HTTP %d", resp.StatusCode)
		}
	}, fastJobs)
}

// TestExport: the CSV and JSONL exports stream the filtered selection of a
// tenant with the request column only for AUDITOR and above, refuse bad
// parameters with a JSON error, hide other tenants and record the export.
func TestExport(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme, other := s.CreateTenant(t, "acme"), s.CreateTenant(t, "other")
		_, auditor := s.Member(t, acme.ID, schematype.RoleAuditor, nil)
		_, outsider := s.Member(t, other.ID, schematype.RoleOwner, nil)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		rows := seed(t, s, acme.ID, other.ID, base)
		from, to := base.Add(2*time.Hour), base.Add(11*time.Hour)
		q := url.Values{"tenant": {"acme"}, "filter": {"action = 'api_key.create'"},
			"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}}
		want := expected(rows, from, to, "api_key.create")

		resp := get(t, s, auditor, "/export/audit-entries.csv?"+q.Encode())
		recs, err := csv.NewReader(resp.Body).ReadAll()
		if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), `attachment; filename="acme-audit-entries-`) {
			t.Fatalf("csv export: HTTP %d %v %v", resp.StatusCode, resp.Header, err)
		}
		var got []string
		for _, r := range recs[1:] {
			got = append(got, r[0])
			if !json.Valid([]byte(r[16])) {
				t.Fatalf("request cell %q", r[16])
			}
		}
		if !slices.Equal(got, want) || !slices.Equal(recs[0], archive.CSVHeader) {
			t.Fatalf("csv export: got %v want %v", got, want)
		}

		q.Set("tenant", acme.ID)
		resp = get(t, s, auditor, "/export/audit-entries.jsonl?"+q.Encode())
		body, _ := io.ReadAll(resp.Body)
		lines := strings.Split(strings.TrimSpace(string(body)), "\n")
		if resp.StatusCode != 200 || len(lines) != len(want) {
			t.Fatalf("jsonl export: HTTP %d, %d lines", resp.StatusCode, len(lines))
		}
		for i, l := range lines {
			var r archive.Row
			if err := json.Unmarshal([]byte(l), &r); err != nil || r.ID != want[i] || r.Request == nil {
				t.Fatalf("line %d: %s", i, l)
			}
		}

		// A MEMBER exports their own activity only, without request.
		member, memberToken := s.Member(t, acme.ID, schematype.RoleMember, nil)
		own := testserver.Entry(&acme.ID, "api_key.create", base.Add(5*time.Hour))
		own.Actor = audit.Actor{Type: schematype.ActorUser, ID: &member.ID}
		own.Request = rows[0].Request
		mine := s.RecordEntries(t, own)
		resp = get(t, s, memberToken, "/export/audit-entries.csv?"+q.Encode())
		recs, err = csv.NewReader(resp.Body).ReadAll()
		if err != nil || resp.StatusCode != 200 || len(recs) != 2 || recs[1][0] != mine[0].ID || recs[1][16] != "" {
			t.Fatalf("member export: HTTP %d %v %v", resp.StatusCode, recs, err)
		}

		for _, c := range []struct {
			token, query string
			status       int
			code         string
		}{
			{"", "tenant=acme", 401, "UNAUTHENTICATED"},
			{auditor, "", 400, "BAD_USER_INPUT"},
			{auditor, "tenant=acme&filter=" + url.QueryEscape("action = "), 400, "BAD_USER_INPUT"},
			{auditor, "tenant=acme&from=yesterday", 400, "BAD_USER_INPUT"},
			{outsider, "tenant=acme", 404, "NOT_FOUND"},
			{auditor, "tenant=nope", 404, "NOT_FOUND"},
		} {
			resp := get(t, s, c.token, "/export/audit-entries.csv?"+c.query)
			var e struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			_ = json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != c.status || len(e.Errors) == 0 || e.Errors[0].Extensions["code"] != c.code {
				t.Fatalf("%q: HTTP %d %+v", c.query, resp.StatusCode, e)
			}
			if strings.Contains(c.query, "filter") && e.Errors[0].Extensions["position"] == nil {
				t.Fatalf("bad filter without position: %+v", e)
			}
		}
		n, err := s.Client().AuditEntry.Query().Where(auditentry.Action("audit_log.export"), auditentry.TenantID(acme.ID)).
			Count(testserver.SystemContext())
		if err != nil || n != 3 {
			t.Fatalf("audit_log.export entries = %d (%v)", n, err)
		}
	})
}

// TestExportSearch: the export takes auditEntries' search, so the
// dashboard's search box exports what it shows; it never reaches into
// another tenant.
func TestExportSearch(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme, other := s.CreateTenant(t, "acme"), s.CreateTenant(t, "other")
		_, auditor := s.Member(t, acme.ID, schematype.RoleAuditor, nil)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		named := func(tenant, name string, at int) audit.Entry {
			e := testserver.Entry(&tenant, "workspace.deploy", base.Add(time.Duration(at)*time.Hour))
			e.ResourceName = &name
			return e
		}
		rows := s.RecordEntries(t, named(acme.ID, "Deploy prod", 1), named(acme.ID, "staging", 2),
			named(acme.ID, "PRODUCTION db", 3), named(other.ID, "prod elsewhere", 4))
		resp := get(t, s, auditor, "/export/audit-entries.csv?"+url.Values{"tenant": {"acme"}, "search": {"Prod"}}.Encode())
		recs, err := csv.NewReader(resp.Body).ReadAll()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("HTTP %d %v", resp.StatusCode, err)
		}
		var got []string
		for _, r := range recs[1:] {
			got = append(got, r[0])
		}
		if want := []string{rows[0].ID, rows[2].ID}; !slices.Equal(got, want) {
			t.Fatalf("search export = %v, want %v", got, want)
		}
		resp = get(t, s, auditor, "/export/audit-entries.csv?tenant=acme&search="+strings.Repeat("x", 201))
		if resp.StatusCode != 400 {
			t.Fatalf("long search: HTTP %d", resp.StatusCode)
		}
		e, err := s.Client().AuditEntry.Query().Where(auditentry.Action("audit_log.export"), auditentry.TenantID(acme.ID)).
			Only(testserver.SystemContext())
		var meta struct{ Search string }
		if err != nil || json.Unmarshal(e.Metadata, &meta) != nil || meta.Search != "Prod" {
			t.Fatalf("audit_log.export entry: %v %v", e, err)
		}
	})
}

// TestExportAndDownloadNeedRead: an API key reads the log only with the
// READ scope. An INGEST-only key of the tenant is refused the export with
// 403 FORBIDDEN and the download with 404 (it may not see archives: one it
// may not see is one that does not exist), keys of another tenant get 404
// for both; none of the refused calls is recorded. A READ key exports and
// downloads, and is recorded.
func TestExportAndDownloadNeedRead(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme, other := s.CreateTenant(t, "acme"), s.CreateTenant(t, "other")
		_, admin := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		seed(t, s, acme.ID, other.ID, base)
		var d struct{ CreateArchive struct{ ID string } }
		s.GraphQL(t, admin, `mutation($t: ID!) { createArchive(tenantID: $t, input: {from: "2025-12-01T00:00:00Z", to: "2026-02-01T00:00:00Z", format: JSONL_GZ}) { id } }`,
			map[string]any{"t": acme.ID}).NoErrors(t).Decode(t, &d)
		p := waitProcess(t, s, admin, d.CreateArchive.ID)
		if p.Status != "SUCCEEDED" || p.Archive == nil {
			t.Fatalf("archive process %s %v", p.Status, p.Error)
		}
		ingest, _ := s.APIKey(t, acme.ID, schematype.ScopeIngest)
		read, _ := s.APIKey(t, acme.ID, schematype.ScopeRead)
		otherIngest, _ := s.APIKey(t, other.ID, schematype.ScopeIngest)
		otherRead, _ := s.APIKey(t, other.ID, schematype.ScopeRead, schematype.ScopeIngest)

		recorded := func(action string) int {
			t.Helper()
			n, err := s.Client().AuditEntry.Query().Where(auditentry.Action(action)).Count(testserver.SystemContext())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, c := range []struct {
			name, token, path string
			status            int
			code, action      string
		}{
			{"INGEST key exports CSV", ingest, "/export/audit-entries.csv?tenant=acme", 403, "FORBIDDEN", "audit_log.export"},
			{"INGEST key exports JSONL by ID", ingest, "/export/audit-entries.jsonl?tenant=" + acme.ID, 403, "FORBIDDEN", "audit_log.export"},
			{"INGEST key exports with a filter", ingest, "/export/audit-entries.jsonl?tenant=acme&filter=" + url.QueryEscape("action = 'member.invite'"), 403, "FORBIDDEN", "audit_log.export"},
			{"other tenant's INGEST key exports", otherIngest, "/export/audit-entries.csv?tenant=acme", 404, "NOT_FOUND", "audit_log.export"},
			{"other tenant's READ key exports", otherRead, "/export/audit-entries.jsonl?tenant=" + acme.ID, 404, "NOT_FOUND", "audit_log.export"},
			{"INGEST key downloads", ingest, p.Archive.DownloadURL, 404, "NOT_FOUND", "archive.download"},
			{"other tenant's INGEST key downloads", otherIngest, p.Archive.DownloadURL, 404, "NOT_FOUND", "archive.download"},
			{"other tenant's READ key downloads", otherRead, p.Archive.DownloadURL, 404, "NOT_FOUND", "archive.download"},
			{"INGEST key gets the manifest", ingest, "/archives/" + p.Archive.ID + "/manifest", 404, "NOT_FOUND", "archive.download"},
			{"other tenant's READ key gets the manifest", otherRead, "/archives/" + p.Archive.ID + "/manifest", 404, "NOT_FOUND", "archive.download"},
			{"anonymous gets the manifest", "", "/archives/" + p.Archive.ID + "/manifest", 401, "UNAUTHENTICATED", "archive.download"},
		} {
			before := recorded(c.action)
			resp := get(t, s, c.token, c.path)
			var e struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
				t.Fatalf("%s: the body is not a JSON error: %v", c.name, err)
			}
			if resp.StatusCode != c.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
				len(e.Errors) != 1 || e.Errors[0].Extensions["code"] != c.code || e.Errors[0].Message == "" {
				t.Fatalf("%s: HTTP %d %s %+v", c.name, resp.StatusCode, resp.Header.Get("Content-Type"), e)
			}
			if n := recorded(c.action); n != before {
				t.Fatalf("%s was refused but recorded %s (%d entries, was %d)", c.name, c.action, n, before)
			}
		}

		// The READ key of the tenant may do both, and both are recorded.
		before := recorded("audit_log.export")
		resp := get(t, s, read, "/export/audit-entries.jsonl?tenant=acme")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || strings.Count(string(body), "\n") < 30 {
			t.Fatalf("READ key export: HTTP %d, %d lines", resp.StatusCode, strings.Count(string(body), "\n"))
		}
		if n := recorded("audit_log.export"); n != before+1 {
			t.Fatalf("READ key export recorded %d entries", n-before)
		}
		before = recorded("archive.download")
		resp = get(t, s, read, p.Archive.DownloadURL)
		body, _ = io.ReadAll(resp.Body)
		if sum := sha256.Sum256(body); resp.StatusCode != 200 || hex.EncodeToString(sum[:]) != p.Archive.Sha256 {
			t.Fatalf("READ key download: HTTP %d", resp.StatusCode)
		}
		if n := recorded("archive.download"); n != before+1 {
			t.Fatalf("READ key download recorded %d entries", n-before)
		}
		// The READ key gets the signed manifest, which describes this file.
		resp = get(t, s, read, "/archives/"+p.Archive.ID+"/manifest")
		body, _ = io.ReadAll(resp.Body)
		var mf archive.ManifestFile
		var m archive.Manifest
		if resp.StatusCode != 200 || json.Unmarshal(body, &mf) != nil || json.Unmarshal(mf.Manifest, &m) != nil ||
			m.ArchiveID != p.Archive.ID || m.FileSHA256 != p.Archive.Sha256 || m.EntryCount != 30 || len(m.Leaves) != 30 ||
			!strings.Contains(mf.Signature, "trailmark-archive-manifest/v1\n"+p.Archive.ID+"\n") {
			t.Fatalf("READ key manifest: HTTP %d %.300s", resp.StatusCode, body)
		}
	}, fastJobs)
}

// TestExportCarriesSeq: once sequenced, every exported row (JSONL and
// CSV) carries its entry's seq, the same as AuditEntry.seq.
func TestExportCarriesSeq(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme, other := s.CreateTenant(t, "acme"), s.CreateTenant(t, "other")
		_, auditor := s.Member(t, acme.ID, schematype.RoleAuditor, nil)
		rows := seed(t, s, acme.ID, other.ID, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		var seqs map[string]int64
		testwait.Eventually(t, 20*time.Second, func() (bool, string) {
			var err error
			seqs, err = s.App.Ledger.Seqs(context.Background(), ids)
			return err == nil && len(seqs) == len(ids), fmt.Sprintf("%d of %d sequenced (%v)", len(seqs), len(ids), err)
		})
		resp := get(t, s, auditor, "/export/audit-entries.jsonl?tenant=acme")
		body, _ := io.ReadAll(resp.Body)
		n := 0
		for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
			var r archive.Row
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatal(err)
			}
			if _, seeded := seqs[r.ID]; !seeded {
				continue // the export's own audit_log.export entry, maybe not sequenced yet
			}
			if r.Seq == nil || *r.Seq != seqs[r.ID] {
				t.Fatalf("JSONL row %s: seq %v, want %d", r.ID, r.Seq, seqs[r.ID])
			}
			n++
		}
		resp = get(t, s, auditor, "/export/audit-entries.csv?tenant=acme")
		recs, err := csv.NewReader(resp.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if n != 30 || len(recs) < 31 || recs[0][len(recs[0])-1] != "seq" {
			t.Fatalf("%d JSONL rows, %d CSV records, header %v", n, len(recs), recs[0])
		}
		n = 0
		for _, rec := range recs[1:] {
			if _, seeded := seqs[rec[0]]; !seeded {
				continue
			}
			n++
			if rec[len(rec)-1] != fmt.Sprint(seqs[rec[0]]) {
				t.Fatalf("CSV row %s: seq %q, want %d", rec[0], rec[len(rec)-1], seqs[rec[0]])
			}
		}
		if n != 30 {
			t.Fatalf("%d seeded CSV rows", n)
		}
	})
}
