package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Checkpoint thinning (docs/integrity.md "Checkpoints kept"). A growing
// log gets a checkpoint every CheckpointEvery — 43 200 a day at the
// default 2 s — and nothing needs most of them once they are old: a
// consistency proof from a size a client pinned is computed from the
// tiles, not from a stored checkpoint, archives carry their checkpoint in
// the manifest, and the checkpoint the sequencer extends is the latest.
// Thin keeps every checkpoint of the last KeepAllFor, then the last one of
// each UTC hour until KeepHourlyFor, then the last one of each UTC day —
// and always a log's latest.

// thinBatch is how many checkpoints one DELETE removes.
const thinBatch = 500

// Thin deletes the checkpoints the policy above does not keep and returns
// how many. The sequencer runs it every ThinEvery under its lease.
func (l *Ledger) Thin(ctx context.Context) (int64, error) {
	now := l.now().UTC()
	cutoff := now.Add(-l.cfg.KeepAllFor)
	logs, err := l.logsWithCheckpointsBefore(ctx, cutoff)
	if err != nil {
		return 0, err
	}
	var deleted int64
	for _, logID := range logs {
		sizes, err := l.thinnable(ctx, logID, cutoff, now.Add(-l.cfg.KeepHourlyFor))
		if err != nil {
			return deleted, err
		}
		for start := 0; start < len(sizes); start += thinBatch {
			n, err := l.deleteCheckpoints(ctx, logID, sizes[start:min(start+thinBatch, len(sizes))])
			deleted += n
			if err != nil {
				return deleted, err
			}
		}
	}
	return deleted, nil
}

// logsWithCheckpointsBefore lists the logs that have a checkpoint older
// than cutoff (on the (log_id, created_at) index, log by log).
func (l *Ledger) logsWithCheckpointsBefore(ctx context.Context, cutoff time.Time) ([]string, error) {
	ids, err := l.logIDs(ctx, `SELECT log_id FROM log_heads h WHERE EXISTS
(SELECT 1 FROM log_checkpoints c WHERE c.log_id = h.log_id AND c.created_at < $1)`, cutoff)
	if err != nil {
		return nil, fmt.Errorf("thin checkpoints: %w", err)
	}
	return ids, nil
}

// thinnable reads the log's checkpoints older than cutoff in tree order
// and returns the sizes of those that are not the last of their bucket:
// an hour after hourlyFrom, a day before it.
func (l *Ledger) thinnable(ctx context.Context, logID string, cutoff, hourlyFrom time.Time) ([]int64, error) {
	rows, err := l.db.QueryContext(ctx, l.sql(`SELECT tree_size, created_at FROM log_checkpoints
WHERE log_id = $1 AND created_at < $2 ORDER BY tree_size`), logID, cutoff)
	if err != nil {
		return nil, fmt.Errorf("thin checkpoints: %w", err)
	}
	defer rows.Close()
	bucket := func(t time.Time) time.Time {
		t = t.UTC()
		if t.Before(hourlyFrom) {
			return t.Truncate(24 * time.Hour)
		}
		return t.Truncate(time.Hour)
	}
	var (
		out      []int64
		prev     int64
		prevB    time.Time
		havePrev bool
	)
	for rows.Next() {
		var (
			size int64
			at   time.Time
		)
		if err := rows.Scan(&size, &at); err != nil {
			return nil, err
		}
		b := bucket(at)
		if havePrev && b.Equal(prevB) {
			out = append(out, prev) // a later one of the same bucket follows
		}
		prev, prevB, havePrev = size, b, true
	}
	return out, rows.Err()
}

func (l *Ledger) deleteCheckpoints(ctx context.Context, logID string, sizes []int64) (int64, error) {
	args := make([]any, 0, len(sizes)+1)
	args = append(args, logID)
	marks := make([]string, len(sizes))
	for i, s := range sizes {
		args = append(args, s)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	res, err := l.db.ExecContext(ctx, l.sql(`DELETE FROM log_checkpoints WHERE log_id = $1 AND tree_size IN (`+
		strings.Join(marks, ", ")+`)`), args...)
	if err != nil {
		return 0, fmt.Errorf("thin checkpoints: %w", err)
	}
	return res.RowsAffected()
}
