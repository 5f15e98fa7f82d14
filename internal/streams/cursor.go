package streams

import (
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
)

// The cursor: everything about "where is a stream in its log" is in this
// file, so that it can move to the gapless per-tenant seq of tamper
// evidence (issue 11) once that is assigned.
//
// Entries are delivered in (received_at, id) order. A transaction that
// began earlier can commit later than one that began after it, so the
// newest rows are not yet final: a cursor that passed them could skip a
// late commit. Only entries received more than the settle window ago
// (default 2 s) are delivered; a transaction that takes longer than that
// to commit after stamping received_at could still be skipped, which is
// why the window is configurable (TRAILMARK_STREAMS_SETTLE).

// Cursor is the last delivered entry of a stream.
type Cursor struct {
	ReceivedAt time.Time
	ID         string
}

// cursorOf reads a stream's cursor; a new stream starts at its creation:
// it delivers the entries received from then on (archives cover the past).
func cursorOf(s *ent.LogStream) Cursor {
	c := Cursor{ReceivedAt: s.CreatedAt}
	if s.CursorReceivedAt != nil {
		c.ReceivedAt = *s.CursorReceivedAt
	}
	if s.CursorID != nil {
		c.ID = *s.CursorID
	}
	return c
}

// cursorAfter is the cursor once entries (in delivery order) are delivered.
func cursorAfter(entries []*ent.AuditEntry) Cursor {
	last := entries[len(entries)-1]
	return Cursor{ReceivedAt: last.ReceivedAt, ID: last.ID}
}

// pending selects the entries after c that have settled by now.
func (c Cursor) pending(now time.Time, settle time.Duration) []predicate.AuditEntry {
	return []predicate.AuditEntry{
		auditentry.ReceivedAtLT(now.Add(-settle).UTC()),
		auditentry.Or(
			auditentry.ReceivedAtGT(c.ReceivedAt.UTC()),
			auditentry.And(auditentry.ReceivedAtEQ(c.ReceivedAt.UTC()), auditentry.IDGT(c.ID)),
		),
	}
}

// deliveryOrder is the order entries are delivered in.
func deliveryOrder() []auditentry.OrderOption {
	return []auditentry.OrderOption{auditentry.ByReceivedAt(sql.OrderAsc()), auditentry.ByID(sql.OrderAsc())}
}
