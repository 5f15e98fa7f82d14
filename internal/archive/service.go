package archive

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/archive"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/ids"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/ledger"
)

// Service makes, stores and deletes archives and runs retention.
type Service struct {
	Client  *ent.Client
	Bucket  *blob.Bucket
	Dialect string
	Log     *slog.Logger
	// DeleteBatch is how many entries one retention statement deletes
	// (default 5000), each batch in its own short transaction.
	DeleteBatch int
	// Ledger gives archived rows their seq and archives their signed
	// manifest (nil: rows without seq, no manifest).
	Ledger *ledger.Ledger
	// SequenceWait bounds an archive's wait for its entries to be
	// sequenced and checkpointed (default SequenceWait).
	SequenceWait time.Duration
}

// seqs looks up seqs through the ledger (nil without one).
func (s *Service) seqs() Seqs {
	if s.Ledger == nil {
		return nil
	}
	return s.Ledger.Seqs
}

// Register installs the ARCHIVE, EXPORT and RETENTION handlers on r.
func (s *Service) Register(r *jobs.Runner) {
	r.Handle(schematype.ProcessArchive, s.runArchive)
	r.Handle(schematype.ProcessExport, s.runExport)
	r.Handle(schematype.ProcessRetention, s.runRetention)
}

// Extension is the file extension of a stored archive format.
func Extension(format archive.Format) string {
	if format == archive.FormatCSV_GZ {
		return "csv.gz"
	}
	return "jsonl.gz"
}

// written is the outcome of writing one archive file.
type written struct {
	id, key string
	count   int
	size    int64
	sha256  string
	rows    []archived // for the manifest
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// write streams the entries matching preds into a new blob: gzip over JSONL
// or CSV, hashed and measured on the way out (io.MultiWriter), so nothing
// but one page of entries is ever in memory (and, for the manifest, each
// entry's id, seq and hash). It first waits (bounded) for the log to be
// sequenced, and stores the signed manifest beside the file (manifest.go).
// A canceled ctx leaves no blob.
func (s *Service) write(ctx context.Context, run *jobs.Run, format archive.Format, preds []predicate.AuditEntry, spec manifestSpec) (*written, error) {
	tenantID := spec.tenantID
	start := time.Now()
	s.waitSequenced(ctx, run, tenantID, start)
	total, err := s.Client.AuditEntry.Query().Where(preds...).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("count entries: %w", err)
	}
	run.Infof("writing %d entries as %s", total, format)
	w := &written{id: ids.New("Archive")}
	w.key = fmt.Sprintf("%s/%s.%s", tenantID, w.id, Extension(format))
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bw, err := s.Bucket.NewWriter(wctx, w.key, &blob.WriterOptions{ContentType: "application/gzip"})
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", w.key, err)
	}
	h, size := sha256.New(), &counter{}
	gz := gzip.NewWriter(io.MultiWriter(bw, h, size))
	f := JSONL
	if format == archive.FormatCSV_GZ {
		f = CSV
	}
	enc := NewEncoder(gz, f, Options{WithRequest: true})
	err = StreamWithSeq(ctx, s.Client, s.seqs(), preds, 0, func(e *ent.AuditEntry, seq *int64) error {
		if err := enc.Encode(e, seq); err != nil {
			return err
		}
		if s.Ledger != nil {
			w.rows = append(w.rows, archived{id: e.ID, seq: seq, hash: e.Hash})
		}
		w.count++
		if w.count%PageSize == 0 && total > 0 {
			run.Progress(0.95 * float64(w.count) / float64(total))
		}
		return nil
	})
	if err == nil {
		err = enc.Close()
	}
	if err == nil {
		err = gz.Close()
	}
	if err != nil {
		cancel() // abort the blob write
		_ = bw.Close()
		return nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, fmt.Errorf("store blob %s: %w", w.key, err)
	}
	w.size, w.sha256 = size.n, hex.EncodeToString(h.Sum(nil))
	run.Infof("stored %d entries, %d bytes, sha256 %s", w.count, w.size, w.sha256)
	if s.Ledger != nil {
		spec.format = Extension(format)
		if err := s.writeManifest(ctx, run, w, spec, start); err != nil {
			s.removeBlob(w.key)
			return nil, err
		}
	}
	w.rows = nil
	return w, nil
}

// createRow is the Archive row of a written file, created by the process.
func createRow(ctx context.Context, tx *ent.Tx, p *ent.Process, w *written, name string, format archive.Format,
	from, to time.Time, filterText *string) error {
	_, err := tx.Archive.Create().
		SetID(w.id).
		SetTenantID(p.TenantID).
		SetName(name).
		SetFormat(format).
		SetFrom(from.UTC()).
		SetTo(to.UTC()).
		SetNillableFilterText(filterText).
		SetEntryCount(w.count).
		SetSizeBytes(w.size).
		SetSha256(w.sha256).
		SetBlobKey(w.key).
		SetProcessID(p.ID).
		SetCreatedByType(p.InitiatorType).
		SetNillableCreatedByID(p.InitiatorID).
		SetNillableCreatedByName(p.InitiatorName).
		SetNillableCreatedByEmail(p.InitiatorEmail).
		Save(ctx)
	if err != nil {
		return fmt.Errorf("create archive row: %w", err)
	}
	return nil
}

// ArchivePredicates selects a tenant's entries that occurred in [from, to)
// and match a filter.
func ArchivePredicates(tenantID string, from, to time.Time, filterText *string, now time.Time) ([]predicate.AuditEntry, error) {
	return rangePredicates(byOccurredAt, tenantID, from, to, filterText, now)
}

// axis is the time an archive's range bounds.
type axis int

const (
	byOccurredAt axis = iota // ARCHIVE: when it happened
	byReceivedAt             // EXPORT: when Trailmark recorded it
)

func rangePredicates(on axis, tenantID string, from, to time.Time, filterText *string, now time.Time) ([]predicate.AuditEntry, error) {
	ps := []predicate.AuditEntry{auditentry.TenantID(tenantID)}
	if on == byReceivedAt {
		ps = append(ps, auditentry.ReceivedAtGTE(from.UTC()), auditentry.ReceivedAtLT(to.UTC()))
	} else {
		ps = append(ps, auditentry.OccurredAtGTE(from.UTC()), auditentry.OccurredAtLT(to.UTC()))
	}
	if filterText != nil {
		p, err := filter.Compile(*filterText, filter.AuditEntries, now)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// runArchive is the ARCHIVE process: the tenant's entries that occurred in
// [from, to) matching the filter, into one file, then the Archive row.
func (s *Service) runArchive(ctx context.Context, run *jobs.Run) error {
	return s.runRange(ctx, run, byOccurredAt)
}

// runExport is the EXPORT process (started by EXPORT schedules, see
// jobs.ExportScheduleInput): the tenant's entries that Trailmark received
// in [from, to) matching the filter, into one file, then the Archive row —
// an ARCHIVE on the other time axis. It first waits for the transactions
// writing entries when it starts (as retention does), so no entry received
// before to commits after the export has read.
func (s *Service) runExport(ctx context.Context, run *jobs.Run) error {
	return s.runRange(ctx, run, byReceivedAt)
}

// runRange writes the entries of the process's range (jobs.ArchiveInput)
// on the given axis to one file and, with the process's success, its
// Archive row.
func (s *Service) runRange(ctx context.Context, run *jobs.Run, on axis) error {
	var in jobs.ArchiveInput
	if err := run.Input(&in); err != nil {
		return err
	}
	p := run.Process
	format := archive.Format(in.Format)
	if err := archive.FormatValidator(format); err != nil {
		return jobs.Permanent(fmt.Errorf("format %q: %w", in.Format, err))
	}
	if !in.From.Before(in.To) {
		return jobs.Permanent(errors.New("from must be before to"))
	}
	// Relative times in the filter are fixed when the process was asked for.
	preds, err := rangePredicates(on, p.TenantID, in.From, in.To, in.Filter, p.CreatedAt)
	if err != nil {
		return jobs.Permanent(fmt.Errorf("filter: %w", err))
	}
	ctx = rule.AsSystem(ctx)
	if on == byReceivedAt {
		run.Infof("exporting the entries received from %s to %s", Timestamp(in.From), Timestamp(in.To))
		if err := s.barrier(ctx); err != nil {
			return err
		}
	}
	w, err := s.write(ctx, run, format, preds, manifestSpec{tenantID: p.TenantID, on: on, from: in.From, to: in.To, filter: in.Filter})
	if err != nil {
		return err
	}
	name := in.Name
	if name == "" {
		name = fmt.Sprintf("Entries %s to %s", in.From.UTC().Format(time.RFC3339), in.To.UTC().Format(time.RFC3339))
	}
	if err := run.SetResult(map[string]any{"archiveID": w.id, "entryCount": w.count, "sizeBytes": w.size, "sha256": w.sha256,
		"from": Timestamp(in.From), "to": Timestamp(in.To)}); err != nil {
		return err
	}
	err = run.Succeed(ctx, func(ctx context.Context, tx *ent.Tx) error {
		return createRow(ctx, tx, p, w, name, format, in.From, in.To, in.Filter)
	})
	if err != nil {
		// This worker's file is not the archive (it lost its lease, or
		// the row could not be written): remove it.
		s.removeBlob(w.key)
		return err
	}
	return nil
}

// removeBlob removes an archive's file and its manifest.
func (s *Service) removeBlob(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, k := range []string{key, key + ManifestSuffix} {
		if err := s.Bucket.Delete(ctx, k); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			s.Log.Warn("archive: remove blob", "key", k, "err", err)
		}
	}
}

// Delete removes an archive: its row (with the viewer of ctx, so the privacy
// rules and self-audit apply, in the caller's transaction tx) and then its
// file. A file left behind by a failure is harmless: nothing points to it.
func (s *Service) Delete(ctx context.Context, tx *ent.Tx, a *ent.Archive) error {
	if err := tx.Archive.DeleteOneID(a.ID).Exec(ctx); err != nil {
		return err
	}
	return nil
}

// DeleteBlob removes an archive's file after its row is gone.
func (s *Service) DeleteBlob(key string) { s.removeBlob(key) }

// OpenManifest opens an archive's manifest for reading (a NotFound error
// for archives made before manifests, see gcerrors.Code).
func (s *Service) OpenManifest(ctx context.Context, a *ent.Archive) (*blob.Reader, error) {
	return s.Bucket.NewReader(ctx, a.BlobKey+ManifestSuffix, nil)
}

// Open opens an archive's file for reading.
func (s *Service) Open(ctx context.Context, a *ent.Archive) (*blob.Reader, error) {
	r, err := s.Bucket.NewReader(ctx, a.BlobKey, nil)
	if err != nil {
		return nil, fmt.Errorf("open archive file: %w", err)
	}
	return r, nil
}
