// Command archiverss measures the memory of writing a large archive: it
// seeds N entries (default 1,000,000) into a fresh database, resets the
// process's peak RSS, runs one ARCHIVE process through the real runner and
// archive service, and reports the peak RSS of that run.
//
//	go run ./bench/archiverss -n 1000000            # SQLite in a temp dir
//	DATABASE_URL=postgres://… go run ./bench/archiverss   # an empty PostgreSQL schema
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/archive"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/pubsub"
)

func main() {
	n := flag.Int("n", 1_000_000, "entries to archive")
	format := flag.String("format", "JSONL_GZ", "JSONL_GZ or CSV_GZ")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the archive run to this file")
	flag.Parse()
	profile = *cpuProfile
	if err := run(*n, *format); err != nil {
		fmt.Fprintln(os.Stderr, "archiverss:", err)
		os.Exit(1)
	}
}

var profile string

func run(n int, format string) error {
	ctx := rule.AsSystem(context.Background())
	dir, err := os.MkdirTemp("", "archiverss")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := db.Open(ctx, db.Config{URL: os.Getenv("DATABASE_URL"), DataDir: dir})
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, log); err != nil {
		return err
	}
	t, err := d.Client.Tenant.Create().SetSlug("bench").SetName("Bench").Save(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := seed(ctx, d.Client, t.ID, n); err != nil {
		return err
	}
	fmt.Printf("seeded %d entries in %s (%s)\n", n, time.Since(start).Round(time.Second), d.Dialect)

	runtime.GC()
	// Reset the peak RSS (VmHWM) so that it measures the archive alone.
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return fmt.Errorf("reset peak RSS: %w", err)
	}
	before := status("VmRSS")
	bucket, err := archive.OpenBucket(ctx, "", dir)
	if err != nil {
		return err
	}
	defer bucket.Close()
	broker := pubsub.NewMemory(0)
	defer broker.Close()
	runner := jobs.New(d, broker, log, jobs.Config{Poll: 50 * time.Millisecond})
	svc := &archive.Service{Client: d.Client, Bucket: bucket, Dialect: d.Dialect, Log: log}
	svc.Register(runner)
	in, _ := json.Marshal(jobs.ArchiveInput{From: time.Unix(0, 0), To: time.Now().Add(time.Hour), Format: format})
	name := "bench"
	p, err := jobs.Create(ctx, d.Client, jobs.Spec{TenantID: t.ID, Kind: schematype.ProcessArchive, Input: in,
		Initiator: audit.Actor{Type: schematype.ActorSystem, Name: &name}})
	if err != nil {
		return err
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start = time.Now()
	runner.Start()
	defer runner.Stop(context.Background())
	for {
		p, err = d.Client.Process.Query().Where(process.ID(p.ID)).WithArchive().Only(ctx)
		if err != nil {
			return err
		}
		if p.Status != process.StatusQUEUED && p.Status != process.StatusRUNNING {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if p.Status != process.StatusSUCCEEDED {
		return fmt.Errorf("archive process %s: %v", p.Status, p.Error)
	}
	a := p.Edges.Archive
	fmt.Printf("archived %d entries (%s) in %s: %.1f MiB compressed\n", a.EntryCount, format,
		time.Since(start).Round(time.Millisecond), float64(a.SizeBytes)/(1<<20))
	fmt.Printf("RSS before the archive: %d MiB; peak RSS while archiving: %d MiB\n", before>>10, status("VmHWM")>>10)
	return nil
}

// seed inserts n entries in transactions of 5000 (multi-row inserts of 500).
func seed(ctx context.Context, c *ent.Client, tenantID string, n int) error {
	base := time.Now().Add(-time.Duration(n) * time.Millisecond)
	actions := []string{"member.invite", "api_key.create", "tenant.update", "workspace.create"}
	for done := 0; done < n; {
		tx, err := c.Tx(ctx)
		if err != nil {
			return err
		}
		for i := 0; i < 10 && done < n; i++ {
			bs := make([]*ent.AuditEntryCreate, 0, 500)
			for j := 0; j < 500 && done < n; j++ {
				ws := "ws-" + strconv.Itoa(done%7)
				e := audit.Entry{
					TenantID: &tenantID, OccurredAt: base.Add(time.Duration(done) * time.Millisecond),
					Action: actions[done%len(actions)], ResourceType: "workspace", Workspace: &ws,
					Actor:    audit.Actor{Type: schematype.ActorSystem},
					Metadata: []byte(`{"i": ` + strconv.Itoa(done) + `, "note": "` + strings.Repeat("x", 40) + `"}`),
					NewValue: []byte(`{"plan": "pro", "seats": 10}`),
				}
				bs = append(bs, audit.Create(tx.AuditEntry, e))
				done++
			}
			if err := tx.AuditEntry.CreateBulk(bs...).Exec(ctx); err != nil {
				_ = tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// status reads a kB field of /proc/self/status.
func status(field string) int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			v, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return v
		}
	}
	return 0
}
