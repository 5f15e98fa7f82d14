package streams

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/sqltext"
)

// The cursor: everything about "where is a stream in its log" is in this
// file.
//
// A stream reads its log (the tenant's, or the platform log) in seq order:
// the gapless leaf index the ledger's sequencer gives every committed entry
// of a log, in the order it sees them committed (internal/ledger,
// docs/integrity.md). Seqs are assigned by one sequencer transaction at a
// time, each numbering from the last one's end, so a reader never sees seq
// n+1 without seq n: once a stream has delivered up to seq n, every entry it
// has not delivered has a seq above n or none yet. No settle window, no
// skipped late commits. An entry is delivered once it is sequenced (within
// the merge delay, TRAILMARK_LOG_MERGE_DELAY, 1 s by default).
//
// Entries deleted by retention leave their leaf behind (pruned): the
// read of their entries by id skips them.
//
// Streams created before seq cursors have a cursor on (received_at, id)
// (cursor_received_at, cursor_id; a new stream: its created_at); the
// stream's first step turns it into a seq (migrateCursor).

// leafTable is the ledger's table of leaves (entry_id, log_id, seq, …).
const leafTable = "log_leaves"

// logOf is the id of s's log.
func logOf(s *ent.LogStream) string { return ledger.LogID(s.TenantID) }

// pendingEntry is an entry to deliver and its seq.
type pendingEntry struct {
	*ent.AuditEntry
	Seq int64
}

// leafRange selects, in an entry query, the entries of a log by their
// leaf: sequenced after after, or, with unsequenced, not sequenced yet.
type leafRange struct {
	log         string
	after       int64
	unsequenced bool
}

func (r leafRange) modify(s *entsql.Selector) {
	l := entsql.Table(leafTable).As("l")
	s.Join(l).On(s.C(auditentry.FieldID), l.C("entry_id"))
	if r.unsequenced {
		s.Where(entsql.And(entsql.EQ(l.C("log_id"), r.log), entsql.IsNull(l.C("seq"))))
		return
	}
	s.Where(entsql.And(entsql.EQ(l.C("log_id"), r.log), entsql.GT(l.C("seq"), r.after)))
}

type leaf struct {
	id  string
	seq int64
}

// leaves reads the leaves of logID with a seq in (after, after+n], in seq
// order; more reports whether the window was full (more may follow).
func (e *Engine) leaves(ctx context.Context, logID string, after, n int64) (out []leaf, more bool, err error) {
	rows, err := e.client.QueryContext(ctx, e.sqlText(`SELECT entry_id, seq FROM log_leaves
WHERE log_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`), logID, after, after+n)
	if err != nil {
		return nil, false, fmt.Errorf("read leaves: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l leaf
		if err := rows.Scan(&l.id, &l.seq); err != nil {
			return nil, false, err
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	return out, int64(len(out)) == n, nil
}

// errNotYet is returned by migrateCursor while entries up to the legacy
// cursor still wait for their seq.
var errNotYet = fmt.Errorf("entries before the legacy cursor are not sequenced yet")

// legacyCursor is a stream's (received_at, id) cursor; a stream that never
// delivered starts at its creation.
func legacyCursor(s *ent.LogStream) (time.Time, string) {
	at, id := s.CreatedAt, ""
	if s.CursorReceivedAt != nil {
		at = *s.CursorReceivedAt
		if s.CursorID != nil {
			id = *s.CursorID
		}
	}
	return at.UTC(), id
}

// cursorSeq is the seq after which s delivers: its cursor_seq, or — for a
// stream that has none yet — the seq its legacy cursor corresponds to
// (store: the stream's row gets it, while this replica holds its lease).
func (e *Engine) cursorSeq(ctx context.Context, s *ent.LogStream, store bool) (int64, error) {
	if s.CursorSeq != nil {
		return *s.CursorSeq, nil
	}
	seq, err := e.migrateCursor(ctx, s)
	if err != nil {
		return 0, err
	}
	if store {
		n, err := e.client.LogStream.Update().
			Where(logstream.ID(s.ID), logstream.LockedBy(e.o.WorkerID), logstream.CursorSeqIsNil()).
			SetCursorSeq(seq).Save(ctx)
		if err != nil {
			return 0, fmt.Errorf("store seq cursor: %w", err)
		}
		if n == 0 {
			return 0, errLeaseLost
		}
		s.CursorSeq = &seq
	}
	return seq, nil
}

// migrateCursor turns the legacy cursor (received_at, id) into a seq: one
// less than the first seq whose entry is after it, so that nothing after
// it is skipped and nothing but entries committed late around it (within a
// transaction's time) is delivered twice. It waits (errNotYet) while leaves
// at or before the legacy cursor are unsequenced: numbered later, they
// would otherwise land after the cursor and be delivered again. The
// statements run in this order so that no snapshot is needed: the largest
// seq is read before the smallest one after the cursor, and seqs, once
// assigned, never change.
func (e *Engine) migrateCursor(ctx context.Context, s *ent.LogStream) (int64, error) {
	at, id := legacyCursor(s)
	logID := logOf(s)
	q := e.sqlText
	var waiting int
	if err := e.queryRow(ctx, q(`SELECT COUNT(*) FROM log_leaves WHERE log_id = $1 AND seq IS NULL
AND (received_at < $2 OR (received_at = $2 AND entry_id <= $3))`), []any{logID, at, id}, &waiting); err != nil {
		return 0, fmt.Errorf("migrate cursor: %w", err)
	}
	if waiting > 0 {
		return 0, errNotYet
	}
	var last, first sql.NullInt64
	if err := e.queryRow(ctx, q(`SELECT MAX(seq) FROM log_leaves WHERE log_id = $1`), []any{logID}, &last); err != nil {
		return 0, fmt.Errorf("migrate cursor: %w", err)
	}
	if err := e.queryRow(ctx, q(`SELECT MIN(seq) FROM log_leaves WHERE log_id = $1 AND seq IS NOT NULL
AND (received_at > $2 OR (received_at = $2 AND entry_id > $3))`), []any{logID, at, id}, &first); err != nil {
		return 0, fmt.Errorf("migrate cursor: %w", err)
	}
	switch {
	case first.Valid:
		return first.Int64 - 1, nil
	case last.Valid:
		return last.Int64, nil
	}
	return -1, nil
}

func (e *Engine) queryRow(ctx context.Context, query string, args []any, dest any) error {
	rows, err := e.client.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest); err != nil {
		return err
	}
	return rows.Close()
}

// sqlText writes $n placeholders as the dialect wants them.
func (e *Engine) sqlText(q string) string { return sqltext.Rebind(e.o.Dialect, q) }

// selection is the predicate of s's entries: its log, filtered.
func (e *Engine) selection(s *ent.LogStream, now time.Time) ([]predicate.AuditEntry, error) {
	var ps []predicate.AuditEntry
	if s.TenantID != nil {
		ps = append(ps, auditentry.TenantID(*s.TenantID))
	} else {
		ps = append(ps, auditentry.TenantIDIsNil())
	}
	if s.FilterText != nil && *s.FilterText != "" {
		p, err := filter.Compile(*s.FilterText, filter.AuditEntries, now)
		if err != nil {
			return nil, fmt.Errorf("stream filter: %w", err)
		}
		ps = append(ps, p)
	}
	return ps, nil
}
