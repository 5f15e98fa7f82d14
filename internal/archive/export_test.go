package archive_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/archive"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// received is an entry of tenantID with action, recorded by Trailmark at
// receivedAt and said to have occurred at occurredAt.
func received(tenantID, action string, occurredAt, receivedAt time.Time) audit.Entry {
	e := testserver.Entry(&tenantID, action, occurredAt)
	e.ReceivedAt = receivedAt
	return e
}

// fireAt makes schedule id due at t (already past) and waits for the
// process its firing starts; exclude lists processes it started before.
func fireAt(t *testing.T, s *testserver.Server, id string, at time.Time, exclude ...string) *ent.Process {
	t.Helper()
	ctx := testserver.SystemContext()
	if d := time.Until(at); d > 0 {
		time.Sleep(d + 10*time.Millisecond)
	}
	if err := s.Client().Schedule.UpdateOneID(id).SetNextRunAt(clock.Stored(at)).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	var fired *ent.Process
	testwait.Eventually(t, 20*time.Second, func() (bool, string) {
		q := s.Client().Process.Query().Where(process.ScheduleID(id))
		if len(exclude) > 0 {
			q.Where(process.IDNotIn(exclude...))
		}
		ps, err := q.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) > 1 {
			t.Fatalf("one firing started %d processes", len(ps))
		}
		if len(ps) == 1 {
			fired = ps[0]
		}
		return fired != nil, fmt.Sprintf("schedule %s did not fire", id)
	})
	return fired
}

// exportedIDs downloads a finished EXPORT process's archive as token and
// returns the IDs of the entries it holds, in file order.
func exportedIDs(t *testing.T, s *testserver.Server, token string, p processView) []string {
	t.Helper()
	if p.Status != "SUCCEEDED" || p.Archive == nil {
		msg := ""
		if p.Error != nil {
			msg = *p.Error
		}
		t.Fatalf("export process %s: %s", p.Status, msg)
	}
	resp := get(t, s, token, p.Archive.DownloadURL)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("download: HTTP %d %s", resp.StatusCode, body)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	if p.Archive.Format == "CSV_GZ" {
		recs, err := csv.NewReader(bytes.NewReader(plain)).ReadAll()
		if err != nil || !slices.Equal(recs[0], archive.CSVHeader) {
			t.Fatalf("csv: %v %v", err, recs)
		}
		for _, r := range recs[1:] {
			ids = append(ids, r[0])
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(plain))
		for sc.Scan() {
			var r archive.Row
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			ids = append(ids, r.ID)
		}
	}
	if len(ids) != p.Archive.EntryCount {
		t.Fatalf("the archive says %d entries, its file holds %d", p.Archive.EntryCount, len(ids))
	}
	return ids
}

// inOrder lists the IDs of rows in archive order: (occurredAt, id).
func inOrder(rows ...*ent.AuditEntry) []string {
	rows = slices.Clone(rows)
	slices.SortFunc(rows, func(a, b *ent.AuditEntry) int {
		if c := a.OccurredAt.Compare(b.OccurredAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	ids := []string{}
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestExportSchedule: an EXPORT schedule fires into an EXPORT process that
// succeeds with an archive holding exactly the tenant's entries matching
// its filter that were received in its window. Without lastDays the first
// window starts at the schedule's creation and each next one where the
// last successful one ended — backdated entries included, a firing while
// an export is pending starting nothing, and a canceled export leaving no
// gap; with lastDays the window is the days before the firing.
func TestExportSchedule(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := testserver.SystemContext()
		acme, other := s.CreateTenant(t, "acme"), s.CreateTenant(t, "other")
		_, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		create := `mutation($t: ID!, $in: CreateScheduleInput!) { createSchedule(tenantID: $t, input: $in) { id input } }`
		var d struct {
			CreateSchedule struct {
				ID    string
				Input map[string]any
			}
		}
		// Yearly: the test makes it due by hand; it never fires on its own.
		s.GraphQL(t, token, create, map[string]any{"t": acme.ID, "in": map[string]any{
			"kind": "EXPORT", "cron": "0 3 1 1 *", "input": map[string]any{"filter": "action like 'member.%'", "format": "CSV_GZ"},
		}}).NoErrors(t).Decode(t, &d)
		id := d.CreateSchedule.ID
		if d.CreateSchedule.Input["format"] != "CSV_GZ" || d.CreateSchedule.Input["filter"] != "action like 'member.%'" {
			t.Fatalf("stored input %v", d.CreateSchedule.Input)
		}
		sc, err := s.Client().Schedule.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		c := sc.CreatedAt
		ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
		longAgo := c.AddDate(-1, 0, 0)

		// First window: [creation, t1).
		t1 := c.Add(ms(800))
		rows := s.RecordEntries(t,
			received(acme.ID, "member.invite", c.Add(-time.Hour), c.Add(-time.Second)),    // 0: before creation
			received(acme.ID, "member.invite", c, c),                                      // 1: at the start (inclusive)
			received(acme.ID, "member.remove", longAgo, c.Add(ms(100))),                   // 2: backdated, received in the window
			received(acme.ID, "api_key.create", c.Add(ms(200)), c.Add(ms(200))),           // 3: does not match the filter
			received(other.ID, "member.invite", c.Add(ms(300)), c.Add(ms(300))),           // 4: another tenant
			received(acme.ID, "member.invite", c.Add(ms(400)), t1.Add(-time.Microsecond)), // 5: last instant
			received(acme.ID, "member.invite", c.Add(ms(500)), t1),                        // 6: at the end: the next window
		)
		p1 := fireAt(t, s, id, t1)
		if p1.Kind != schematype.ProcessExport || p1.InitiatorType != schematype.ActorSystem {
			t.Fatalf("process %s by %s", p1.Kind, p1.InitiatorType)
		}
		var in jobs.ArchiveInput
		if err := json.Unmarshal(p1.Input, &in); err != nil || !in.From.Equal(c) || !in.To.Equal(t1) || in.Format != "CSV_GZ" {
			t.Fatalf("first window %+v (%v), want %s to %s", in, err, c, t1)
		}
		v1 := waitProcess(t, s, token, p1.ID)
		if got, want := exportedIDs(t, s, token, v1), inOrder(rows[1], rows[2], rows[5]); !slices.Equal(got, want) {
			t.Fatalf("first export holds %v, want %v", got, want)
		}
		if v1.Result["entryCount"] != float64(3) || v1.Result["archiveID"] != v1.Archive.ID ||
			v1.Result["from"] != archive.Timestamp(c) || v1.Result["to"] != archive.Timestamp(t1) {
			t.Fatalf("result %v", v1.Result)
		}

		// A firing while an export of the schedule is pending starts nothing.
		// (Queued to run in an hour: no runner takes it meanwhile.)
		pending, err := s.Client().Process.Create().SetTenantID(acme.ID).SetKind(schematype.ProcessExport).SetScheduleID(id).
			SetInitiatorType(schematype.ActorSystem).SetRunAfter(time.Now().Add(time.Hour)).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		skipped := t1.Add(ms(300))
		time.Sleep(time.Until(skipped) + 10*time.Millisecond)
		if err := s.Client().Schedule.UpdateOneID(id).SetNextRunAt(skipped).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		testwait.Eventually(t, 10*time.Second, func() (bool, string) {
			sc, err := s.Client().Schedule.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return sc.NextRunAt.After(time.Now()), "the firing was not claimed"
		})
		if n, _ := s.Client().Process.Query().Where(process.ScheduleID(id)).Count(ctx); n != 2 {
			t.Fatalf("a firing with an export pending started a process: %d processes", n)
		}
		// Canceled, it leaves no gap: the next window starts where the
		// last successful export ended.
		if err := s.Client().Process.UpdateOneID(pending.ID).SetStatus(process.StatusCANCELED).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		t2 := t1.Add(ms(800))
		more := s.RecordEntries(t,
			received(acme.ID, "member.role.update", longAgo, t1.Add(ms(50))),      // 0: backdated into the first window, received late
			received(acme.ID, "member.invite", t1.Add(ms(100)), t1.Add(ms(100))),  // 1
			received(acme.ID, "tenant.update", t1.Add(ms(150)), t1.Add(ms(150))),  // 2: does not match
			received(other.ID, "member.invite", t1.Add(ms(200)), t1.Add(ms(200))), // 3: another tenant
			received(acme.ID, "member.invite", t2.Add(ms(100)), t2.Add(ms(100))),  // 4: after the window
		)
		p2 := fireAt(t, s, id, t2, p1.ID, pending.ID)
		if err := json.Unmarshal(p2.Input, &in); err != nil || !in.From.Equal(t1) || !in.To.Equal(t2) {
			t.Fatalf("second window %+v (%v), want %s to %s", in, err, t1, t2)
		}
		v2 := waitProcess(t, s, token, p2.ID)
		if got, want := exportedIDs(t, s, token, v2), inOrder(rows[6], more[0], more[1]); !slices.Equal(got, want) {
			t.Fatalf("second export holds %v, want %v", got, want)
		}
		var a struct {
			Node struct {
				Kind string
				Logs struct {
					Edges []struct{ Node struct{ Message string } }
				}
			}
		}
		s.GraphQL(t, token, `query($id: ID!) { node(id: $id) { ... on Process { kind logs(first: 50) { edges { node { message } } } } } }`,
			map[string]any{"id": p2.ID}).NoErrors(t).Decode(t, &a)
		var logs []string
		for _, e := range a.Node.Logs.Edges {
			logs = append(logs, e.Node.Message)
		}
		if a.Node.Kind != "EXPORT" || !strings.Contains(strings.Join(logs, "\n"), "exporting the entries received from "+archive.Timestamp(t1)) ||
			!slices.Contains(logs, "succeeded") {
			t.Fatalf("process %s logs %q", a.Node.Kind, logs)
		}

		// lastDays: the days before the firing, whatever came before.
		s.GraphQL(t, token, create, map[string]any{"t": acme.ID, "in": map[string]any{
			"kind": "EXPORT", "cron": "0 3 1 1 *", "input": map[string]any{"lastDays": 2, "name": "Two days", "filter": "action like 'x.%'"},
		}}).NoErrors(t).Decode(t, &d)
		t3 := clock.Now()
		recent := s.RecordEntries(t,
			received(acme.ID, "x.old", t3.Add(-49*time.Hour), t3.Add(-49*time.Hour)),  // 0: too old
			received(acme.ID, "x.edge", t3.Add(-48*time.Hour), t3.Add(-48*time.Hour)), // 1: at the start
			received(acme.ID, "x.new", longAgo, t3.Add(-time.Hour)),                   // 2: backdated
			received(other.ID, "x.new", t3.Add(-time.Hour), t3.Add(-time.Hour)),       // 3: another tenant
			received(acme.ID, "x.later", t3, t3),                                      // 4: at the end
		)
		p3 := fireAt(t, s, d.CreateSchedule.ID, t3)
		v3 := waitProcess(t, s, token, p3.ID)
		if got, want := exportedIDs(t, s, token, v3), inOrder(recent[1], recent[2]); !slices.Equal(got, want) {
			t.Fatalf("lastDays export holds %v, want %v", got, want)
		}
		if v3.Archive.Format != "JSONL_GZ" || v3.Archive.Name != "Two days "+t3.Add(-48*time.Hour).Format(time.RFC3339)+" to "+t3.Format(time.RFC3339) {
			t.Fatalf("archive %+v", v3.Archive)
		}

		// The exports are archives of the tenant.
		var list struct{ Archives struct{ TotalCount int } }
		s.GraphQL(t, token, `query($t: ID!) { archives(tenantID: $t) { totalCount } }`, map[string]any{"t": acme.ID}).
			NoErrors(t).Decode(t, &list)
		if list.Archives.TotalCount != 3 {
			t.Fatalf("%d archives, want 3", list.Archives.TotalCount)
		}
	}, fastJobs)
}
