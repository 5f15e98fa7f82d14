package archive

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/archive"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/viewer"
)

// runRetention is the RETENTION process: it deletes the tenant's entries
// that occurred more than retentionDays before the run started, optionally
// archiving them first (input {"archive": true}).
//
// The run's bounds are fixed by its first start (process.started_at), so a
// retried run deletes exactly what the first attempt set out to: entries
// with occurred_at < start - retentionDays and received_at < start. Entries
// recorded while it runs — even backdated ones — wait for the next day,
// and when archiving, nothing is deleted that the archive does not hold.
func (s *Service) runRetention(ctx context.Context, run *jobs.Run) error {
	var in jobs.RetentionInput
	if err := run.Input(&in); err != nil {
		return err
	}
	p := run.Process
	ctx = rule.AsSystem(ctx)
	t, err := s.Client.Tenant.Get(ctx, p.TenantID)
	if err != nil {
		return fmt.Errorf("load tenant: %w", err)
	}
	if t.RetentionDays == nil {
		run.Infof("the tenant keeps entries forever (no retention period): nothing to do")
		return run.SetResult(map[string]any{"deleted": 0})
	}
	started := p.CreatedAt
	if p.StartedAt != nil {
		started = *p.StartedAt
	}
	cutoff := started.Add(-time.Duration(*t.RetentionDays) * 24 * time.Hour)
	run.Infof("retention of %d days: removing entries that occurred before %s", *t.RetentionDays, cutoff.Format(time.RFC3339))
	if err := s.barrier(ctx); err != nil {
		return err
	}
	expired := []predicate.AuditEntry{
		auditentry.TenantID(p.TenantID),
		auditentry.OccurredAtLT(cutoff),
		auditentry.ReceivedAtLT(started),
	}
	result := map[string]any{"cutoff": Timestamp(cutoff)}
	if in.Archive {
		id, err := s.retentionArchive(ctx, run, in, expired, cutoff)
		if err != nil {
			return err
		}
		result["archiveID"] = id
	}
	deleted, err := s.deleteExpired(ctx, run, expired)
	if err != nil {
		return err
	}
	run.Infof("deleted %d entries", deleted)
	result["deleted"] = deleted
	if err := run.SetResult(result); err != nil {
		return err
	}
	return run.Succeed(ctx, nil)
}

// barrier waits until every transaction that was writing entries when it is
// called has ended, so that no entry received before the run started can
// commit after the run has read: on SQLite by taking the write lock, on
// PostgreSQL by a SHARE lock on the table (which waits for inserters).
func (s *Service) barrier(ctx context.Context) error {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("retention barrier: %w", err)
	}
	if s.Dialect == dialect.Postgres {
		if _, err := tx.ExecContext(ctx, `LOCK TABLE `+auditentry.Table+` IN SHARE MODE`); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("retention barrier: %w", err)
		}
	}
	// SQLite transactions begin IMMEDIATE: holding one means holding the
	// write lock.
	return tx.Commit()
}

// retentionArchive writes the expired entries to an archive (once: a retry
// finds the archive of its earlier attempt).
func (s *Service) retentionArchive(ctx context.Context, run *jobs.Run, in jobs.RetentionInput,
	expired []predicate.AuditEntry, cutoff time.Time) (string, error) {
	p := run.Process
	if a, err := s.Client.Archive.Query().Where(archive.ProcessID(p.ID)).Only(ctx); err == nil {
		run.Infof("archive %s from an earlier attempt holds the expired entries", a.ID)
		return a.ID, nil
	}
	format := archive.FormatJSONL_GZ
	if in.Format != "" {
		format = archive.Format(in.Format)
	}
	from := cutoff
	if first, err := s.Client.AuditEntry.Query().Where(expired...).
		Order(auditentry.ByOccurredAt()).First(ctx); err == nil {
		from = first.OccurredAt
	} else if !ent.IsNotFound(err) {
		return "", fmt.Errorf("oldest expired entry: %w", err)
	}
	w, err := s.write(ctx, run, format, expired, manifestSpec{tenantID: p.TenantID, on: byOccurredAt, from: from, to: cutoff})
	if err != nil {
		return "", err
	}
	name := "Retention " + cutoff.Format("2006-01-02")
	// The row commits before anything is deleted, under the lease.
	err = run.Commit(ctx, func(ctx context.Context, tx *ent.Tx) error {
		return createRow(ctx, tx, p, w, name, format, from, cutoff, nil)
	})
	if err != nil {
		s.removeBlob(w.key)
		return "", err
	}
	return w.id, nil
}

// deleteExpired deletes in batches of DeleteBatch rows, each in its own
// short transaction, so that recording never waits long behind retention.
func (s *Service) deleteExpired(ctx context.Context, run *jobs.Run, expired []predicate.AuditEntry) (int, error) {
	batch := s.DeleteBatch
	if batch <= 0 {
		batch = 5000
	}
	total, err := s.Client.AuditEntry.Query().Where(expired...).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count expired entries: %w", err)
	}
	dctx := viewer.WithRetentionDelete(ctx)
	deleted := 0
	for {
		if err := ctx.Err(); err != nil {
			return deleted, err
		}
		n, err := s.deleteBatch(dctx, expired, batch)
		if err != nil {
			return deleted, err
		}
		deleted += n
		if total > 0 {
			run.Progress(0.5 + 0.5*float64(deleted)/float64(max(total, deleted)))
		}
		if n < batch {
			return deleted, nil
		}
	}
}

func (s *Service) deleteBatch(ctx context.Context, expired []predicate.AuditEntry, batch int) (int, error) {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return 0, err
	}
	idList, err := tx.AuditEntry.Query().Where(expired...).Limit(batch).IDs(ctx)
	if err != nil {
		_ = tx.Rollback()
		return 0, fmt.Errorf("select expired entries: %w", err)
	}
	if len(idList) == 0 {
		return 0, tx.Rollback()
	}
	n, err := tx.AuditEntry.Delete().Where(auditentry.IDIn(idList...)).Exec(ctx)
	if err != nil {
		_ = tx.Rollback()
		return 0, fmt.Errorf("delete expired entries: %w", err)
	}
	// The leaves stay in the tamper-evident log, marked pruned, so that
	// proofs of the remaining entries hold and verification tells a
	// pruned entry from a deleted one (docs/integrity.md).
	if err := ledger.MarkPruned(ctx, tx, s.Dialect, idList, time.Now()); err != nil {
		_ = tx.Rollback()
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit deletion: %w", err)
	}
	return n, nil
}
