package ledger

import (
	"context"
	"fmt"
)

// CheckpointPage lists a log's checkpoints whose tree size lies strictly
// between above and below (0: no bound), at most limit of them: the largest
// first, or with smallest the smallest ones, in ascending order (the end of
// a newest-first connection paged backwards).
func (l *Ledger) CheckpointPage(ctx context.Context, logID string, above, below int64, limit int, smallest bool) ([]*Checkpoint, error) {
	if below <= 0 {
		below = 1 << 62
	}
	order := "DESC"
	if smallest {
		order = "ASC"
	}
	rows, err := l.db.QueryContext(ctx, l.sql(`SELECT `+checkpointColumns+
		` FROM log_checkpoints WHERE log_id = $1 AND tree_size > $2 AND tree_size < $3 ORDER BY tree_size `+order+` LIMIT $4`),
		logID, above, below, limit)
	if err != nil {
		return nil, fmt.Errorf("list checkpoints: %w", err)
	}
	defer rows.Close()
	var out []*Checkpoint
	for rows.Next() {
		c, err := l.scanCheckpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountCheckpoints is the number of checkpoints the log has.
func (l *Ledger) CountCheckpoints(ctx context.Context, logID string) (int, error) {
	var n int
	if err := l.db.QueryRowContext(ctx, l.sql(`SELECT COUNT(*) FROM log_checkpoints WHERE log_id = $1`), logID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count checkpoints: %w", err)
	}
	return n, nil
}
