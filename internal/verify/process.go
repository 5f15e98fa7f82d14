package verify

import (
	"context"
	"fmt"
	"strings"

	"github.com/trailmark/trailmark/ent/processlog"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/ledger"
)

// MaxLogLines caps the findings a VERIFY process writes to its log, one
// line each; the last line says how many more there were.
const MaxLogLines = 200

// Service runs VERIFY processes.
type Service struct {
	Verifier *Verifier
	// OnViolation is called once per failed verification with its
	// findings (the app records an integrity.violation entry in the
	// platform log and counts it).
	OnViolation func(ctx context.Context, logID string, found []audit.Violation, detail string)
}

// Register installs the VERIFY handler on r.
func (s *Service) Register(r *jobs.Runner) { r.Handle(schematype.ProcessVerify, s.run) }

// run is the VERIFY process: it verifies the process's tenant's log (the
// platform log for a process of no tenant) and
// ends SUCCEEDED with a summary, or FAILED naming every finding (up to
// MaxLogLines lines).
func (s *Service) run(ctx context.Context, run *jobs.Run) error {
	var in jobs.VerifyInput
	if err := run.Input(&in); err != nil {
		return err
	}
	logID := run.Process.TenantID
	if logID == "" { // a platform admin's process of no tenant
		logID = ledger.PlatformLog
	}
	run.Infof("verifying the log %s against its signed checkpoints", logID)
	res, err := s.Verifier.Verify(ctx, logID, run.Progress)
	if err != nil {
		return err // the database failed: retried
	}
	for _, w := range res.Warnings {
		run.Logf(processlog.LevelWARN, "%s", w)
	}
	summary := Summary(res)
	if res.OK() {
		run.Infof("verified: %s", summary)
		if err := run.SetResult(map[string]any{
			"checked": res.Checked, "pruned": res.Pruned, "checkpointSize": res.CheckpointSize,
			"treeSize": res.TreeSize, "later": res.Later, "olderCheckpoints": res.Older,
		}); err != nil {
			return err
		}
		return run.Succeed(ctx, nil)
	}
	for i, f := range res.Findings {
		if i == MaxLogLines {
			run.Logf(processlog.LevelERROR, "… and %d more findings", len(res.Findings)-MaxLogLines)
			break
		}
		run.Logf(processlog.LevelERROR, "%s", Line(f))
	}
	detail := fmt.Sprintf("VERIFY process %s: %d findings (%s)", run.Process.ID, len(res.Findings), summary)
	if s.OnViolation != nil {
		s.OnViolation(context.WithoutCancel(ctx), logID, res.Findings, detail)
	}
	return jobs.Permanent(fmt.Errorf("the log does not verify: %d findings (%s)", len(res.Findings), summary))
}

// Summary says what a verification covered.
func Summary(r *Result) string {
	if r.CheckpointSize == 0 && r.TreeSize == 0 {
		return "no signed checkpoint yet: nothing to check against"
	}
	return fmt.Sprintf("%d entries checked, %d pruned by retention, checkpoint size %d (and %d earlier checkpoints), stored tree size %d, %d newer leaves left for the next run",
		r.Checked, r.Pruned, r.CheckpointSize, r.Older, r.TreeSize, r.Later)
}

// Line is one finding as a log line: "entry <id> seq <n>: <reason>".
func Line(f audit.Violation) string {
	var b strings.Builder
	if f.EntryID != "" {
		b.WriteString("entry " + f.EntryID)
	}
	if f.Seq != nil {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "seq %d", *f.Seq)
	}
	if b.Len() == 0 {
		b.WriteString("log")
	}
	return b.String() + ": " + f.Reason
}
