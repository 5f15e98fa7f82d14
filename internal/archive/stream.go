package archive

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
)

// PageSize is how many entries a keyset page reads.
const PageSize = 1000

// Stream calls fn for every entry matching preds, in (occurred_at, id)
// order, reading keyset pages: memory stays flat however many there are.
// ctx carries the reader's viewer, so the privacy rules apply.
func Stream(ctx context.Context, c *ent.Client, preds []predicate.AuditEntry, fn func(*ent.AuditEntry) error) error {
	return StreamPages(ctx, c, preds, 0, fn)
}

// StreamPages is Stream with each page's read bounded by pageTimeout (0:
// only by ctx), so that a database that stops answering fails a long export
// within that time.
func StreamPages(ctx context.Context, c *ent.Client, preds []predicate.AuditEntry, pageTimeout time.Duration, fn func(*ent.AuditEntry) error) error {
	return streamPages(ctx, c, preds, pageTimeout, func(page []*ent.AuditEntry) error {
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
}

// Seqs looks up the seq of a page of entries (ledger.Ledger.Seqs).
type Seqs func(ctx context.Context, ids []string) (map[string]int64, error)

// StreamWithSeq is StreamPages that also hands fn each entry's seq in its
// tamper-evident log (nil until sequenced), read with one more query per
// page. seqs nil: every seq is nil.
func StreamWithSeq(ctx context.Context, c *ent.Client, seqs Seqs, preds []predicate.AuditEntry, pageTimeout time.Duration,
	fn func(e *ent.AuditEntry, seq *int64) error) error {
	return streamPages(ctx, c, preds, pageTimeout, func(page []*ent.AuditEntry) error {
		var known map[string]int64
		if seqs != nil && len(page) > 0 {
			ids := make([]string, len(page))
			for i, e := range page {
				ids[i] = e.ID
			}
			pageCtx, cancel := ctx, context.CancelFunc(func() {})
			if pageTimeout > 0 {
				pageCtx, cancel = context.WithTimeout(ctx, pageTimeout)
			}
			var err error
			known, err = seqs(pageCtx, ids)
			cancel()
			if err != nil {
				return err
			}
		}
		for _, e := range page {
			var seq *int64
			if n, ok := known[e.ID]; ok {
				seq = &n
			}
			if err := fn(e, seq); err != nil {
				return err
			}
		}
		return nil
	})
}

func streamPages(ctx context.Context, c *ent.Client, preds []predicate.AuditEntry, pageTimeout time.Duration, fn func([]*ent.AuditEntry) error) error {
	var last *ent.AuditEntry
	for {
		var ps []predicate.AuditEntry
		if last != nil {
			at, id := last.OccurredAt, last.ID
			// The keyset bound comes first and starts with occurred_at >=
			// at: SQLite seeks the index with the first lower bound it
			// finds on a column, and a later one (the range's from) would
			// make every page scan from the start.
			ps = append(ps, func(s *sql.Selector) {
				s.Where(sql.And(
					sql.GTE(s.C(auditentry.FieldOccurredAt), at),
					sql.Or(sql.GT(s.C(auditentry.FieldOccurredAt), at), sql.GT(s.C(auditentry.FieldID), id)),
				))
			})
		}
		ps = append(ps, preds...)
		pageCtx, cancel := ctx, context.CancelFunc(func() {})
		if pageTimeout > 0 {
			pageCtx, cancel = context.WithTimeout(ctx, pageTimeout)
		}
		page, err := c.AuditEntry.Query().Where(ps...).
			Order(auditentry.ByOccurredAt(), auditentry.ByID()).Limit(PageSize).All(pageCtx)
		cancel()
		if err != nil {
			return fmt.Errorf("read entries: %w", err)
		}
		if err := fn(page); err != nil {
			return err
		}
		if len(page) < PageSize {
			return nil
		}
		last = page[len(page)-1]
	}
}
