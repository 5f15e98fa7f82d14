package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/processlog"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/archive"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/cli"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

func fastJobs(c *app.Config) {
	c.Jobs = jobs.Config{Poll: 50 * time.Millisecond, RetryBase: 100 * time.Millisecond,
		ScheduleTick: 100 * time.Millisecond, Lease: 5 * time.Second, Heartbeat: 100 * time.Millisecond,
		NoDailyRetention: true}
}

func status(t *testing.T, s *testserver.Server, id string) string {
	t.Helper()
	p, err := s.Client().Process.Get(testserver.SystemContext(), id)
	if err != nil {
		t.Fatal(err)
	}
	return string(p.Status)
}

func waitStatus(t *testing.T, s *testserver.Server, id string, want ...string) string {
	t.Helper()
	var st string
	testwait.Eventually(t, 20*time.Second, func() (bool, string) {
		st = status(t, s, id)
		return slices.Contains(want, st), fmt.Sprintf("process %s is %s, want %v", id, st, want)
	})
	return st
}

func queue(t *testing.T, s *testserver.Server, tenantID string, kind schematype.ProcessKind, input string) string {
	t.Helper()
	ctx := testserver.SystemContext()
	name := "test"
	p, err := jobs.Create(ctx, s.Client(), jobs.Spec{TenantID: tenantID, Kind: kind, Input: []byte(input),
		Initiator: audit.Actor{Type: schematype.ActorSystem, Name: &name}})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// TestCancelAndLogs: a running process logs lines that processLogAppended
// streams from afterSeq without gap or repeat; cancelProcess stops it
// promptly (CANCELED), and canceling a finished one changes nothing.
func TestCancelAndLogs(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		_, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		stopped := make(chan error, 1)
		s.App.Runner.Handle(schematype.ProcessExport, func(ctx context.Context, r *jobs.Run) error {
			for i := 1; ; i++ {
				r.Infof("step %d", i)
				select {
				case <-ctx.Done():
					stopped <- ctx.Err()
					return ctx.Err()
				case <-time.After(20 * time.Millisecond):
				}
			}
		})
		id := queue(t, s, acme.ID, schematype.ProcessExport, `{}`)
		waitStatus(t, s, id, "RUNNING")
		// Subscribe after line 5 is stored: lines 3 to 5 come from the
		// table, the rest as they are written.
		testwait.Eventually(t, 10*time.Second, func() (bool, string) {
			n, err := s.Client().ProcessLog.Query().Where(processlog.ProcessID(id)).Count(testserver.SystemContext())
			return err == nil && n >= 5, fmt.Sprintf("%d log lines stored (%v), want 5", n, err)
		})

		sub := s.Subscribe(t, token, `subscription($p: ID!) { processLogAppended(processID: $p, afterSeq: 2) { seq level message } }`,
			map[string]any{"p": id})
		want := 3
		for range 10 {
			var d struct{ ProcessLogAppended struct{ Seq int } }
			if err := json.Unmarshal(sub.NextData(t, 5*time.Second), &d); err != nil {
				t.Fatal(err)
			}
			if d.ProcessLogAppended.Seq != want {
				t.Fatalf("seq %d, want %d", d.ProcessLogAppended.Seq, want)
			}
			want++
		}

		start := time.Now()
		var c struct{ CancelProcess struct{ Status string } }
		s.GraphQL(t, token, `mutation($id: ID!) { cancelProcess(id: $id) { status } }`, map[string]any{"id": id}).NoErrors(t).Decode(t, &c)
		select {
		case <-stopped:
		case <-time.After(2 * time.Second):
			t.Fatal("the handler was not stopped")
		}
		if st := waitStatus(t, s, id, "CANCELED", "SUCCEEDED", "FAILED"); st != "CANCELED" || time.Since(start) > 2*time.Second {
			t.Fatalf("status %s after %s", st, time.Since(start))
		}
		// The log stream goes on to the last line, then completes.
		for {
			m, err := sub.Next(5 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if m.Type == "complete" {
				break
			}
			var d struct {
				Data struct{ ProcessLogAppended struct{ Seq int } }
			}
			_ = json.Unmarshal(m.Payload, &d)
			if d.Data.ProcessLogAppended.Seq != want {
				t.Fatalf("seq %d, want %d (%s)", d.Data.ProcessLogAppended.Seq, want, m.Payload)
			}
			want++
		}
		n, _ := s.Client().ProcessLog.Query().Where(processlog.ProcessID(id)).Count(testserver.SystemContext())
		if n != want-1 {
			t.Fatalf("stored %d lines, streamed up to %d", n, want-1)
		}
		s.GraphQL(t, token, `mutation($id: ID!) { cancelProcess(id: $id) { status } }`, map[string]any{"id": id}).NoErrors(t)
		if status(t, s, id) != "CANCELED" {
			t.Fatal("status changed")
		}

		// A queued process (due later) is canceled at once and never runs.
		lp, err := s.Client().Process.Create().SetTenantID(acme.ID).SetKind(schematype.ProcessExport).SetInitiatorType(schematype.ActorSystem).
			SetRunAfter(time.Now().Add(time.Hour)).Save(testserver.SystemContext())
		if err != nil {
			t.Fatal(err)
		}
		later := lp.ID
		var q struct{ CancelProcess struct{ Status string } }
		s.GraphQL(t, token, `mutation($id: ID!) { cancelProcess(id: $id) { status } }`, map[string]any{"id": later}).NoErrors(t).Decode(t, &q)
		if q.CancelProcess.Status != "CANCELED" {
			t.Fatalf("queued process: %s", q.CancelProcess.Status)
		}
	}, fastJobs)
}

// TestProcessUpdatedSubscription: a subscriber sees a process go through
// RUNNING to SUCCEEDED.
func TestProcessUpdatedSubscription(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		_, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		release := make(chan struct{})
		s.App.Runner.Handle(schematype.ProcessExport, func(ctx context.Context, r *jobs.Run) error {
			<-release
			return r.SetResult(map[string]any{"ok": true})
		})
		sub := s.Subscribe(t, token, `subscription($t: ID!) { processUpdated(tenantID: $t) { id status result initiator { type } } }`,
			map[string]any{"t": acme.ID})
		s.WaitSubscriptions(t, 1)
		id := queue(t, s, acme.ID, schematype.ProcessExport, `{}`)
		var seen []string
		for !slices.Contains(seen, "SUCCEEDED") {
			var d struct {
				ProcessUpdated struct {
					ID, Status string
					Result     map[string]any
				}
			}
			if err := json.Unmarshal(sub.NextData(t, 10*time.Second), &d); err != nil {
				t.Fatal(err)
			}
			if d.ProcessUpdated.ID != id {
				t.Fatalf("other process %s", d.ProcessUpdated.ID)
			}
			if d.ProcessUpdated.Status == "RUNNING" && len(seen) == 0 {
				close(release)
			}
			if d.ProcessUpdated.Status == "SUCCEEDED" && d.ProcessUpdated.Result["ok"] != true {
				t.Fatalf("result %v", d.ProcessUpdated.Result)
			}
			seen = append(seen, d.ProcessUpdated.Status)
		}
		if seen[0] != "RUNNING" {
			t.Fatalf("statuses %v", seen)
		}
	}, fastJobs)
}

// TestProcessUpdatedWithIDSendsItFirst: a subscriber to one process gets
// it as it is at once, so a page that read it "running" and subscribed
// after it finished is not left waiting for a change that already happened.
func TestProcessUpdatedWithIDSendsItFirst(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		_, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		s.App.Runner.Handle(schematype.ProcessExport, func(ctx context.Context, r *jobs.Run) error {
			return r.SetResult(map[string]any{"ok": true})
		})
		id := queue(t, s, acme.ID, schematype.ProcessExport, `{}`)
		waitStatus(t, s, id, "SUCCEEDED")
		sub := s.Subscribe(t, token, `subscription($t: ID!, $id: ID) { processUpdated(tenantID: $t, id: $id) { id status } }`,
			map[string]any{"t": acme.ID, "id": id})
		var d struct{ ProcessUpdated struct{ ID, Status string } }
		if err := json.Unmarshal(sub.NextData(t, 10*time.Second), &d); err != nil {
			t.Fatal(err)
		}
		if d.ProcessUpdated.ID != id || d.ProcessUpdated.Status != "SUCCEEDED" {
			t.Fatalf("first message %+v, want %s SUCCEEDED", d.ProcessUpdated, id)
		}
	}, fastJobs)
}

// TestExpiredLeaseIsRetried: a process claimed by a worker that died (its
// lease expired without a heartbeat) is re-queued with backoff and run by
// another server on the same PostgreSQL database; its archive holds every
// entry exactly once.
func TestExpiredLeaseIsRetried(t *testing.T) {
	t.Parallel()
	d := testdb.Open(t, dialect.Postgres)
	s := testserver.NewOnDB(t, d, fastJobs)
	acme := s.CreateTenant(t, "acme")
	base := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	var es []audit.Entry
	for i := range 2500 {
		es = append(es, testserver.Entry(&acme.ID, "x", base.Add(time.Duration(i)*time.Second)))
	}
	rows := s.RecordEntries(t, es...)
	ctx := testserver.SystemContext()
	in, _ := json.Marshal(jobs.ArchiveInput{From: base, To: base.Add(time.Hour), Format: "JSONL_GZ"})
	// A worker of another server claimed it, then died.
	past := clock.Now().Add(-time.Second)
	p, err := s.Client().Process.Create().SetTenantID(acme.ID).SetKind(schematype.ProcessArchive).SetInput(in).SetInitiatorType(schematype.ActorSystem).
		SetStatus(process.StatusRUNNING).SetLockedBy("dead-worker").SetLockedUntil(past).SetAttempts(1).
		SetStartedAt(past).SetRunAfter(past).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st := waitStatus(t, s, p.ID, "SUCCEEDED", "FAILED"); st != "SUCCEEDED" {
		t.Fatalf("status %s", st)
	}
	got, err := s.Client().Process.Query().Where(process.ID(p.ID)).WithArchive().Only(ctx)
	if err != nil || got.Edges.Archive == nil || got.Attempts != 2 {
		t.Fatalf("process %+v %v", got, err)
	}
	if got.Edges.Archive.EntryCount != 2500 || len(rows) != 2500 {
		t.Fatalf("archive holds %d entries", got.Edges.Archive.EntryCount)
	}
	lines, _ := s.Client().ProcessLog.Query().Where(processlog.ProcessID(p.ID)).Order(processlog.BySeq()).All(ctx)
	if len(lines) == 0 || lines[0].Message == "" || lines[0].Level != processlog.LevelWARN {
		t.Fatalf("no log line about the lost worker: %+v", lines)
	}
}

// TestSchedulesFireOnceAcrossServers: two servers on one PostgreSQL database
// start one process per firing of a schedule.
func TestSchedulesFireOnceAcrossServers(t *testing.T) {
	t.Parallel()
	d := testdb.Open(t, dialect.Postgres)
	a, b := testserver.NewOnDB(t, d, fastJobs), testserver.NewOnDB(t, d, fastJobs)
	acme := a.CreateTenant(t, "acme")
	_, token := a.Member(t, acme.ID, schematype.RoleAdmin, nil)
	var c struct {
		CreateSchedule struct {
			ID        string
			NextRunAt time.Time
			Enabled   bool
		}
	}
	a.GraphQL(t, token, `mutation($t: ID!) { createSchedule(tenantID: $t, input: {kind: ARCHIVE, cron: "0 3 * * *", input: {period: "day"}}) { id nextRunAt enabled } }`,
		map[string]any{"t": acme.ID}).NoErrors(t).Decode(t, &c)
	if !c.CreateSchedule.Enabled || c.CreateSchedule.NextRunAt.Hour() != 3 || !c.CreateSchedule.NextRunAt.After(time.Now()) {
		t.Fatalf("schedule %+v", c.CreateSchedule)
	}
	// Make it due now, on both servers at once.
	ctx := testserver.SystemContext()
	due := clock.Now().Add(-time.Minute)
	if _, err := a.Client().Schedule.UpdateOneID(c.CreateSchedule.ID).SetNextRunAt(due).Save(ctx); err != nil {
		t.Fatal(err)
	}
	// Each firing claims with a compare-and-set and commits its process
	// before FireDue returns: once all have returned, every process the
	// schedule started is there to count.
	var firing sync.WaitGroup
	for range 5 {
		for _, s := range []*testserver.Server{a, b} {
			firing.Go(func() { _ = s.App.Runner.FireDue() })
		}
	}
	firing.Wait()
	ps, err := a.Client().Process.Query().Where(process.ScheduleID(c.CreateSchedule.ID)).All(ctx)
	if err != nil || len(ps) != 1 {
		t.Fatalf("%d processes (%v)", len(ps), err)
	}
	if ps[0].InitiatorType != schematype.ActorSystem {
		t.Fatalf("initiator %s", ps[0].InitiatorType)
	}
	var in jobs.ArchiveInput
	_ = json.Unmarshal(ps[0].Input, &in)
	if !in.To.Equal(in.From.AddDate(0, 0, 1)) || in.To.Hour() != 0 {
		t.Fatalf("scheduled archive input %+v", in)
	}
	var l struct {
		Node struct {
			LastProcess struct{ ID string }
			NextRunAt   time.Time
		}
	}
	a.GraphQL(t, token, `query($id: ID!) { node(id: $id) { ... on Schedule { nextRunAt lastProcess { id } } } }`,
		map[string]any{"id": c.CreateSchedule.ID}).NoErrors(t).Decode(t, &l)
	if l.Node.LastProcess.ID != ps[0].ID || !l.Node.NextRunAt.After(time.Now()) {
		t.Fatalf("schedule after firing: %+v", l.Node)
	}
}

// TestScheduleValidation: bad cron or input is BAD_USER_INPUT naming the
// field; update and delete work.
func TestScheduleValidation(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		_, token := s.Member(t, acme.ID, schematype.RoleAdmin, nil)
		create := `mutation($t: ID!, $in: CreateScheduleInput!) { createSchedule(tenantID: $t, input: $in) { id cron enabled } }`
		for _, c := range []struct {
			in    map[string]any
			field string
		}{
			{map[string]any{"kind": "ARCHIVE", "cron": "every day"}, "input.cron"},
			{map[string]any{"kind": "ARCHIVE", "cron": "0 3 * * * *"}, "input.cron"},
			{map[string]any{"kind": "ARCHIVE", "cron": "0 3 * * *", "input": map[string]any{"period": "year"}}, "input.input.period"},
			{map[string]any{"kind": "ARCHIVE", "cron": "0 3 * * *", "input": map[string]any{"filter": "status = "}}, "input.input.filter"},
			{map[string]any{"kind": "ARCHIVE", "cron": "0 3 * * *", "input": map[string]any{"name": strings.Repeat("n", 201)}}, "input.input.name"},
			{map[string]any{"kind": "RETENTION", "cron": "0 3 * * *", "input": map[string]any{"archive": "yes"}}, "input.input"},
			{map[string]any{"kind": "EXPORT", "cron": "0 3 * * *", "input": map[string]any{"lastDays": 0}}, "input.input.lastDays"},
			{map[string]any{"kind": "EXPORT", "cron": "0 3 * * *", "input": map[string]any{"lastDays": 1.5}}, "input.input.lastDays"},
			{map[string]any{"kind": "EXPORT", "cron": "0 3 * * *", "input": map[string]any{"lastDays": "7"}}, "input.input.lastDays"},
			{map[string]any{"kind": "EXPORT", "cron": "0 3 * * *", "input": map[string]any{"lastDays": 3661}}, "input.input.lastDays"},
			{map[string]any{"kind": "EXPORT", "cron": "0 3 * * *", "input": map[string]any{"format": "ZIP"}}, "input.input.format"},
			{map[string]any{"kind": "EXPORT", "cron": "0 3 * * *", "input": map[string]any{"filter": "action = "}}, "input.input.filter"},
			{map[string]any{"kind": "EXPORT", "cron": "0 3 * * *", "input": map[string]any{"name": strings.Repeat("n", 121)}}, "input.input.name"},
			{map[string]any{"kind": "EXPORT", "cron": "0 3 * * *", "input": map[string]any{"period": "day"}}, "input.input"},
			{map[string]any{"kind": "EXPORT", "cron": "every day"}, "input.cron"},
		} {
			res := s.GraphQL(t, token, create, map[string]any{"t": acme.ID, "in": c.in})
			if !res.HasCode("BAD_USER_INPUT") || res.Errors[0].Extensions["field"] != c.field ||
				!strings.HasPrefix(res.Errors[0].Message, c.field+": ") {
				t.Fatalf("%v: %s", c.in, res.Body)
			}
			if strings.HasSuffix(c.field, ".filter") && res.Errors[0].Extensions["position"] == nil {
				t.Fatalf("a bad filter without its position: %s", res.Body)
			}
		}
		// A valid EXPORT schedule stores its input with the defaults; an
		// update is validated the same way.
		var e struct {
			CreateSchedule struct {
				ID    string
				Input map[string]any
			}
		}
		s.GraphQL(t, token, `mutation($t: ID!) { createSchedule(tenantID: $t, input: {kind: EXPORT, cron: "@daily", input: {lastDays: 7}}) { id input } }`,
			map[string]any{"t": acme.ID}).NoErrors(t).Decode(t, &e)
		if want := map[string]any{"lastDays": float64(7), "format": "JSONL_GZ"}; !maps.Equal(e.CreateSchedule.Input, want) {
			t.Fatalf("stored input %v, want %v", e.CreateSchedule.Input, want)
		}
		res := s.GraphQL(t, token, `mutation($id: ID!) { updateSchedule(id: $id, input: {input: {lastDays: -1}}) { id } }`,
			map[string]any{"id": e.CreateSchedule.ID})
		if !res.HasCode("BAD_USER_INPUT") || res.Errors[0].Extensions["field"] != "input.input.lastDays" {
			t.Fatalf("bad EXPORT update: %s", res.Body)
		}
		s.GraphQL(t, token, `mutation($id: ID!) { updateSchedule(id: $id, input: {input: {format: "CSV_GZ", filter: "status = 'failure'"}}) { id } }`,
			map[string]any{"id": e.CreateSchedule.ID}).NoErrors(t)
		var d struct{ CreateSchedule struct{ ID string } }
		s.GraphQL(t, token, create, map[string]any{"t": acme.ID, "in": map[string]any{
			"kind": "RETENTION", "cron": "@daily", "input": map[string]any{"archive": true}}}).NoErrors(t).Decode(t, &d)
		var u struct {
			UpdateSchedule struct {
				Cron    string
				Enabled bool
			}
		}
		s.GraphQL(t, token, `mutation($id: ID!) { updateSchedule(id: $id, input: {cron: "30 2 * * 1", enabled: false}) { cron enabled } }`,
			map[string]any{"id": d.CreateSchedule.ID}).NoErrors(t).Decode(t, &u)
		if u.UpdateSchedule.Cron != "30 2 * * 1" || u.UpdateSchedule.Enabled {
			t.Fatalf("update: %+v", u)
		}
		res = s.GraphQL(t, token, `mutation($id: ID!) { updateSchedule(id: $id, input: {cron: "61 * * * *"}) { cron } }`,
			map[string]any{"id": d.CreateSchedule.ID})
		if !res.HasCode("BAD_USER_INPUT") || res.Errors[0].Extensions["field"] != "input.cron" {
			t.Fatalf("bad update: %s", res.Body)
		}
		s.GraphQL(t, token, `mutation($id: ID!) { deleteSchedule(id: $id) }`, map[string]any{"id": d.CreateSchedule.ID}).NoErrors(t)
		res = s.GraphQL(t, token, `mutation($id: ID!) { deleteSchedule(id: $id) }`, map[string]any{"id": d.CreateSchedule.ID})
		if !res.HasCode("NOT_FOUND") {
			t.Fatalf("delete twice: %s", res.Body)
		}
	}, fastJobs)
}

// TestRetention deletes exactly the entries that occurred before the
// retention period, in the tenant with a period, and nothing else; with
// {"archive": true} the deleted entries are in the archive first.
func TestRetention(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := testserver.SystemContext()
		now := time.Now().UTC()
		for _, withArchive := range []bool{false, true} {
			slug := map[bool]string{false: "plain", true: "archived"}[withArchive]
			acme := s.CreateTenant(t, slug)
			other := s.CreateTenant(t, slug+"-other")
			if _, err := s.Client().Tenant.UpdateOneID(acme.ID).SetRetentionDays(30).Save(ctx); err != nil {
				t.Fatal(err)
			}
			ages := []time.Duration{400 * 24 * time.Hour, 31 * 24 * time.Hour, 30*24*time.Hour + time.Minute,
				30*24*time.Hour - time.Hour, 24 * time.Hour, 0}
			var es, othersEs []audit.Entry
			for _, age := range ages {
				es = append(es, testserver.Entry(&acme.ID, "x", now.Add(-age)))
				othersEs = append(othersEs, testserver.Entry(&other.ID, "x", now.Add(-age)))
			}
			rows := s.RecordEntries(t, es...)
			s.RecordEntries(t, othersEs...)
			input := `{}`
			if withArchive {
				input = `{"archive": true}`
			}
			id := queue(t, s, acme.ID, schematype.ProcessRetention, input)
			if st := waitStatus(t, s, id, "SUCCEEDED", "FAILED"); st != "SUCCEEDED" {
				p, _ := s.Client().Process.Get(ctx, id)
				t.Fatalf("retention %s: %v", st, p.Error)
			}
			left, _ := s.Client().AuditEntry.Query().Where(auditentry.TenantID(acme.ID), auditentry.Action("x")).IDs(ctx)
			want := []string{rows[3].ID, rows[4].ID, rows[5].ID}
			slices.Sort(left)
			slices.Sort(want)
			if !slices.Equal(left, want) {
				t.Fatalf("archive=%v: left %v, want %v", withArchive, left, want)
			}
			if n, _ := s.Client().AuditEntry.Query().Where(auditentry.TenantID(other.ID)).Count(ctx); n != len(ages) {
				t.Fatalf("other tenant lost entries: %d left", n)
			}
			p, _ := s.Client().Process.Query().Where(process.ID(id)).WithArchive().Only(ctx)
			var res struct{ Deleted int }
			_ = json.Unmarshal(p.Result, &res)
			if res.Deleted != 3 {
				t.Fatalf("result %s", p.Result)
			}
			if withArchive != (p.Edges.Archive != nil) || (withArchive && p.Edges.Archive.EntryCount != 3) {
				t.Fatalf("archive=%v: archive %+v", withArchive, p.Edges.Archive)
			}
			if withArchive {
				// The retention archive has its signed manifest and proves
				// the deleted entries offline (their leaves stay in the tree).
				a := p.Edges.Archive
				dir := t.TempDir()
				for _, f := range []struct{ key, name string }{{a.BlobKey, "r.jsonl.gz"}, {a.BlobKey + archive.ManifestSuffix, "r.jsonl.gz" + archive.ManifestSuffix}} {
					b, err := s.App.Archives.Bucket.ReadAll(ctx, f.key)
					if err != nil {
						t.Fatalf("read %s: %v", f.key, err)
					}
					if err := os.WriteFile(filepath.Join(dir, f.name), b, 0o600); err != nil {
						t.Fatal(err)
					}
				}
				var out, errOut bytes.Buffer
				code := cli.Run(context.Background(), "verify", []string{"archive", filepath.Join(dir, "r.jsonl.gz"), "--key", s.App.Ledger.VerifierKey()},
					nil, &out, &errOut)
				if code != 0 || !strings.Contains(out.String(), "OK: 3 entries") {
					t.Fatalf("verify the retention archive: %d\n%s%s", code, out.String(), errOut.String())
				}
			}
		}
	}, func(c *app.Config) {
		fastJobs(c)
	})
}

// TestDailyRetentionSweep: the daily run queues one RETENTION process per
// tenant with a retention period, none for a tenant keeping entries forever
// or having its own RETENTION schedule, and none twice in a day.
func TestDailyRetentionSweep(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		ctx := testserver.SystemContext()
		withPeriod, forever, scheduled := s.CreateTenant(t, "period"), s.CreateTenant(t, "forever"), s.CreateTenant(t, "scheduled")
		for _, id := range []string{withPeriod.ID, scheduled.ID} {
			if _, err := s.Client().Tenant.UpdateOneID(id).SetRetentionDays(7).Save(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Client().Schedule.Create().SetTenantID(scheduled.ID).SetKind(schematype.ProcessRetention).SetCron("0 1 * * *").Save(ctx); err != nil {
			t.Fatal(err)
		}
		since := time.Now().Add(-time.Hour)
		for range 3 {
			if err := s.App.Runner.SweepRetention(context.Background(), since); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			id   string
			want int
		}{{withPeriod.ID, 1}, {forever.ID, 0}, {scheduled.ID, 0}} {
			n, err := s.Client().Process.Query().Where(process.TenantID(c.id), process.KindEQ(schematype.ProcessRetention)).Count(ctx)
			if err != nil || n != c.want {
				t.Fatalf("tenant %s: %d retention processes (%v), want %d", c.id, n, err, c.want)
			}
		}
	}, func(c *app.Config) { fastJobs(c); c.Jobs.Disabled = true })
}

// TestManyQueuedAtOnce: processes queued together (a retention sweep over
// many tenants, archives requested while the runner was busy) are all
// claimed and run. A claim that read the queue with Only (LIMIT 2) found
// "not singular" whenever two were due, and ran none of them.
func TestManyQueuedAtOnce(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		acme := s.CreateTenant(t, "acme")
		s.App.Runner.Handle(schematype.ProcessExport, func(ctx context.Context, r *jobs.Run) error { return nil })
		ctx := testserver.SystemContext()
		ids := queueTogether(t, s, acme.ID, 5)
		jobs.Announce(ctx, s.App.Broker, slog.Default(), jobs.Notice{Tenant: acme.ID, ID: ids[0], Queued: true})
		for _, id := range ids {
			if st := waitStatus(t, s, id, "SUCCEEDED", "FAILED"); st != "SUCCEEDED" {
				t.Fatalf("process %s: %s", id, st)
			}
		}
	}, fastJobs)
}

// TestQueuedTogetherRunTogether: processes queued together under one
// notice start on both workers at once, not one now and the other at the
// next poll.
func TestQueuedTogetherRunTogether(t *testing.T) {
	t.Parallel()
	d := testdb.Open(t, dialect.Postgres)
	s := testserver.NewOnDB(t, d, func(c *app.Config) {
		fastJobs(c)
		c.Jobs.Poll = time.Hour
		c.Jobs.Concurrency = 2
	})
	acme := s.CreateTenant(t, "acme")
	started, release := make(chan string, 2), make(chan struct{})
	s.App.Runner.Handle(schematype.ProcessExport, func(ctx context.Context, r *jobs.Run) error {
		started <- r.Process.ID
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	})
	defer close(release)
	// Let both workers finish their first look at the queue and go idle:
	// from then on only notices wake them.
	testwait.Eventually(t, 10*time.Second, func() (bool, string) {
		n := s.App.Runner.Idle()
		return n == 2, fmt.Sprintf("%d of 2 workers idle", n)
	})
	ctx := testserver.SystemContext()
	ids := queueTogether(t, s, acme.ID, 2)
	jobs.Announce(ctx, s.App.Broker, slog.Default(), jobs.Notice{Tenant: acme.ID, ID: ids[1], Queued: true})
	for range 2 {
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Fatalf("only one of %v started", ids)
		}
	}
}

// queueTogether queues n EXPORT processes of tenantID in one transaction,
// without announcing them, and returns their IDs.
func queueTogether(t *testing.T, s *testserver.Server, tenantID string, n int) []string {
	t.Helper()
	ctx := testserver.SystemContext()
	tx, err := s.Client().Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	name := "test"
	var ids []string
	for range n {
		p, err := jobs.Create(ctx, tx.Client(), jobs.Spec{TenantID: tenantID, Kind: schematype.ProcessExport,
			Initiator: audit.Actor{Type: schematype.ActorSystem, Name: &name}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return ids
}
