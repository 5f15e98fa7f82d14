package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/testdb"
	"github.com/trailmark/trailmark/internal/testserver"
	"github.com/trailmark/trailmark/internal/testwait"
)

// TestKilledServerProcessIsRetried runs two real server binaries on one
// PostgreSQL database: the first is killed with SIGKILL while it writes an
// archive; after its lease expires the second retries the process, and the
// archive holds every entry exactly once.
func TestKilledServerProcessIsRetried(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cfg := testdb.URL(t, dialect.Postgres)
	d := testdb.OpenConfig(t, cfg)
	dir := t.TempDir()
	bin := buildBinary(t, dir)

	ctx := testserver.SystemContext()
	tn, err := d.Client.Tenant.Create().SetSlug("acme").SetName("Acme").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = 150_000
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	seeded := map[string]bool{}
	for done := 0; done < n; {
		tx, err := d.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		bs := make([]*ent.AuditEntryCreate, 0, 1000)
		for j := 0; j < 1000 && done < n; j++ {
			e := testserver.Entry(&tn.ID, "x", base.Add(time.Duration(done)*time.Millisecond))
			e.Metadata = []byte(`{"padding": "` + strings.Repeat("p", 200) + `"}`)
			bs = append(bs, audit.Create(tx.AuditEntry, e))
			done++
		}
		for i := 0; i < len(bs); i += 500 {
			rows, err := tx.AuditEntry.CreateBulk(bs[i:min(i+500, len(bs))]...).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				seeded[r.ID] = true
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}

	blobDir := filepath.Join(dir, "archives")
	start := func(name string) *replica {
		return startReplica(t, bin, dir, name, cfg.URL, "TRAILMARK_BLOB_URL=file://"+blobDir+"?create_dir=1&metadata=skip",
			"TRAILMARK_JOB_LEASE=2s", "TRAILMARK_JOB_RETRY_BASE=500ms", "TRAILMARK_LOG_LEVEL=debug")
	}
	a := start("a")

	in, _ := json.Marshal(jobs.ArchiveInput{From: base, To: base.Add(24 * time.Hour), Format: "JSONL_GZ"})
	name := "test"
	p, err := jobs.Create(ctx, d.Client, jobs.Spec{TenantID: tn.ID, Kind: schematype.ProcessArchive, Input: in,
		Initiator: audit.Actor{Type: schematype.ActorSystem, Name: &name}})
	if err != nil {
		t.Fatal(err)
	}
	// Kill A once it is well into the archive.
	testwait.Eventually(t, 60*time.Second, func() (bool, string) {
		cur, err := d.Client.Process.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Status == process.StatusSUCCEEDED {
			t.Fatal("the archive finished before the server could be killed; seed more entries")
		}
		return cur.Status == process.StatusRUNNING && cur.Progress != nil && *cur.Progress > 0.1,
			fmt.Sprintf("process %s never got going", cur.Status)
	})
	a.kill(t)
	killed, _ := d.Client.Process.Get(ctx, p.ID)
	if killed.Status != process.StatusRUNNING || killed.Attempts != 1 {
		t.Fatalf("after the kill: %s, attempt %d", killed.Status, killed.Attempts)
	}

	start("b")
	var done *ent.Process
	testwait.Eventually(t, 120*time.Second, func() (bool, string) {
		done, err = d.Client.Process.Query().Where(process.ID(p.ID)).WithArchive().Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return done.Status != process.StatusQUEUED && done.Status != process.StatusRUNNING,
			fmt.Sprintf("process still %s", done.Status)
	})
	if done.Status != process.StatusSUCCEEDED || done.Attempts != 2 || done.Edges.Archive == nil {
		t.Fatalf("process %s after %d attempts (error %v)", done.Status, done.Attempts, done.Error)
	}
	f, err := os.Open(filepath.Join(blobDir, done.Edges.Archive.BlobKey))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	got := map[string]bool{}
	for sc.Scan() {
		var row struct{ ID string }
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		if got[row.ID] || !seeded[row.ID] {
			t.Fatalf("entry %s twice or unknown", row.ID)
		}
		got[row.ID] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != n || done.Edges.Archive.EntryCount != n {
		t.Fatalf("archive holds %d entries (row says %d), want %d", len(got), done.Edges.Archive.EntryCount, n)
	}
	// Only the finished archive's file and its signed manifest are left
	// (the killed writer's temporary file was never committed under a key).
	var files []string
	_ = filepath.Walk(blobDir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	want := filepath.Join(blobDir, done.Edges.Archive.BlobKey)
	if len(files) != 2 || !slices.Contains(files, want) || !slices.Contains(files, want+".manifest.json") {
		t.Errorf("files in the bucket: %v, want only the archive and its manifest", files)
	}
}
