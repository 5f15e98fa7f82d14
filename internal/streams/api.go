package streams

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/ids"
)

// TestAction is the action of the synthetic event testLogStream sends.
const TestAction = "trailmark.log_stream.test"

// TestEntry is the synthetic, clearly marked event of a test: action
// trailmark.log_stream.test, metadata {"test": true}. It is not stored in
// the log.
func TestEntry(s *ent.LogStream, now time.Time) *ent.AuditEntry {
	name, id, trailmark := s.Name, s.ID, "trailmark"
	return &ent.AuditEntry{
		ID: ids.New("AuditEntry"), TenantID: s.TenantID, OccurredAt: now, ReceivedAt: now,
		Action: TestAction, ResourceType: "log_stream", ResourceID: &id, ResourceName: &name,
		ActorType: schematype.ActorSystem, ActorName: &trailmark, Status: auditentry.StatusSUCCESS,
		Metadata: schematype.RawJSON(`{"test":true,"message":"Test event from Trailmark: this stream reaches its destination."}`),
	}
}

// Test sends one synthetic event to s's destination now (whatever its
// status, without moving its cursor) and records the attempt.
func (e *Engine) Test(ctx context.Context, s *ent.LogStream) (*ent.LogStreamDelivery, error) {
	now := e.o.Now()
	entry := TestEntry(s, now)
	d, err := newDestination(ctx, s, e.deps)
	var res Result
	if err != nil {
		res = Result{Err: err}
	} else {
		defer d.close()
		res = d.send(ctx, batch{streamID: s.ID, entries: []*ent.AuditEntry{entry}, test: true})
	}
	c := e.client.LogStreamDelivery.Create().SetStreamID(s.ID).SetAt(now).SetEntries(1).SetTest(true).
		SetLatencyMs(int(res.Latency.Milliseconds())).SetOk(res.Err == nil).
		SetFirstEntryID(entry.ID).SetLastEntryID(entry.ID).SetNillableHTTPStatus(res.HTTPStatus)
	if res.Response != "" {
		c.SetResponse(truncate(res.Response, 2000))
	}
	if res.Err != nil {
		c.SetError(truncate(res.Err.Error(), 2000))
	}
	row, err := c.Save(rule.AsSystem(context.WithoutCancel(ctx)))
	if err != nil {
		return nil, fmt.Errorf("record test delivery: %w", err)
	}
	return row, nil
}

// Lag is how far a stream is behind its log.
type Lag struct {
	Entries int
	Capped  bool
	Seconds float64
}

// lagCap bounds the count of waiting entries.
const lagCap = 10000

// Lag counts the entries s has yet to deliver (up to lagCap) — the leaves
// of its log after its cursor whose entries match its filter, and the
// committed entries still waiting for their seq — and the age of the
// oldest (by received_at).
func (e *Engine) Lag(ctx context.Context, s *ent.LogStream) (Lag, error) {
	ctx = rule.AsSystem(ctx)
	now := e.o.Now()
	after, err := e.cursorSeq(ctx, s, false)
	if errors.Is(err, errNotYet) {
		// The legacy cursor is not a seq yet (for a moment after an
		// upgrade or a stream's creation): count from it.
		return e.legacyLag(ctx, s, now)
	}
	if err != nil {
		return Lag{}, err
	}
	ps, err := e.selection(s, now)
	if err != nil {
		return Lag{}, err
	}
	var l Lag
	oldest := now
	for _, unsequenced := range []bool{false, true} {
		rows, err := e.client.AuditEntry.Query().Where(ps...).Modify(leafRange{log: logOf(s), after: after, unsequenced: unsequenced}.modify).
			Limit(lagCap + 1 - l.Entries).Select(auditentry.FieldReceivedAt).All(ctx)
		if err != nil {
			return Lag{}, err
		}
		for _, r := range rows {
			if r.ReceivedAt.Before(oldest) {
				oldest = r.ReceivedAt
			}
		}
		l.Entries += len(rows)
		if l.Entries > lagCap {
			l.Entries, l.Capped = lagCap, true
			break
		}
	}
	if l.Entries > 0 {
		l.Seconds = max(0, now.Sub(oldest).Seconds())
	}
	return l, nil
}

// legacyLag is Lag from a (received_at, id) cursor.
func (e *Engine) legacyLag(ctx context.Context, s *ent.LogStream, now time.Time) (Lag, error) {
	ps, err := e.selection(s, now)
	if err != nil {
		return Lag{}, err
	}
	at, id := legacyCursor(s)
	ps = append(ps, auditentry.Or(auditentry.ReceivedAtGT(at),
		auditentry.And(auditentry.ReceivedAtEQ(at), auditentry.IDGT(id))))
	rows, err := e.client.AuditEntry.Query().Where(ps...).Limit(lagCap + 1).Select(auditentry.FieldReceivedAt).All(ctx)
	if err != nil {
		return Lag{}, err
	}
	l := Lag{Entries: min(len(rows), lagCap), Capped: len(rows) > lagCap}
	oldest := now
	for _, r := range rows {
		if r.ReceivedAt.Before(oldest) {
			oldest = r.ReceivedAt
		}
	}
	if len(rows) > 0 {
		l.Seconds = max(0, now.Sub(oldest).Seconds())
	}
	return l, nil
}
