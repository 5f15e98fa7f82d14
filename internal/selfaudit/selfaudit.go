// Package selfaudit records Trailmark's own state changes in the tenant's
// audit log (API.md "Trailmark audits itself").
//
// Hook is an ent hook on every audited type: it computes the old and new
// values of the changed rows and writes one entry per row through
// audit.Create, in the same transaction as the change, with the caller as
// actor and the HTTP request from the viewer. Changes made by Trailmark
// itself (the process runner, last-used bookkeeping) are not recorded unless
// the context names an actor (WithSystemActor, used by the CLI).
//
// Events that are not ent mutations — downloads, exports, sign-ins — are
// written with Record.
package selfaudit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/viewer"
)

// ErrNoTransaction is returned for an audited change made outside a
// transaction: its entry could not be written atomically with it.
var ErrNoTransaction = errors.New("self-audited change outside a transaction")

type ctxKey int

const (
	coveredKey ctxKey = iota
	systemActorKey
)

// Covered marks ctx's changes as covered by an entry recorded for another
// row (acceptInvitation records invitation.accept, not the membership it
// creates), so each API mutation leaves exactly one entry.
func Covered(ctx context.Context) context.Context {
	return context.WithValue(ctx, coveredKey, true)
}

// WithSystemActor makes changes by Trailmark itself recorded, with a as the
// actor (the CLI: {SYSTEM, name "trailmark cli"}).
func WithSystemActor(ctx context.Context, a audit.Actor) context.Context {
	return context.WithValue(ctx, systemActorKey, a)
}

// actorOf returns who to record for ctx, and false when nothing is recorded.
func actorOf(ctx context.Context) (audit.Actor, bool) {
	if ok, _ := ctx.Value(coveredKey).(bool); ok {
		return audit.Actor{}, false
	}
	v := viewer.FromContext(ctx)
	switch v.Kind {
	case viewer.User, viewer.APIKey:
		return audit.ActorOf(v), true
	case viewer.System:
		a, ok := ctx.Value(systemActorKey).(audit.Actor)
		return a, ok
	}
	return audit.Actor{}, false
}

// RequestOf is the request part of an entry: method, path, operation name,
// the variables with secrets redacted, source IP and user agent.
func RequestOf(v *viewer.Viewer) *schematype.RequestInfo {
	r := v.Request
	if r == nil {
		return nil
	}
	info := &schematype.RequestInfo{
		Method:        nonEmpty(r.Method),
		Path:          nonEmpty(r.Path),
		OperationName: nonEmpty(r.OperationName),
		SourceIP:      nonEmpty(r.SourceIP),
		UserAgent:     nonEmpty(r.UserAgent),
	}
	if len(r.Variables) > 0 {
		if b, err := json.Marshal(Redact(r.Variables)); err == nil {
			info.Payload = b
		}
	}
	return info
}

// Event is a self-audit entry that is not an ent mutation.
type Event struct {
	TenantID     *string // nil: the platform log
	Action       string
	ResourceType string
	ResourceID   *string
	ResourceName *string
	Status       auditentry.Status // empty: SUCCESS
	Old, New     any               // JSON-encoded; nil: none
	Metadata     map[string]any
	// Actor overrides the viewer of ctx (a failed sign-in names the account tried).
	Actor *audit.Actor
}

// Record writes ev with the viewer of ctx as actor, on c (a transaction's
// client to make it atomic with other writes).
func Record(ctx context.Context, c *ent.Client, ev Event) error {
	v := viewer.FromContext(ctx)
	actor := audit.ActorOf(v)
	if ev.Actor != nil {
		actor = *ev.Actor
	}
	e := audit.Entry{
		TenantID:     ev.TenantID,
		OccurredAt:   time.Now(),
		Action:       ev.Action,
		ResourceType: ev.ResourceType,
		ResourceID:   ev.ResourceID,
		ResourceName: ev.ResourceName,
		Actor:        actor,
		Status:       ev.Status,
		Request:      RequestOf(v),
	}
	var err error
	if e.OldValue, err = encode(ev.Old); err != nil {
		return err
	}
	if e.NewValue, err = encode(ev.New); err != nil {
		return err
	}
	if len(ev.Metadata) > 0 {
		if e.Metadata, err = encode(ev.Metadata); err != nil {
			return err
		}
	}
	if err := audit.Create(c.AuditEntry, e).Exec(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
		return fmt.Errorf("record %s: %w", ev.Action, err)
	}
	return nil
}

func encode(v any) (schematype.RawJSON, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode audit value: %w", err)
	}
	return b, nil
}

func ptr(s string) *string {
	return &s
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func viewerOf(ctx context.Context) *viewer.Viewer { return viewer.FromContext(ctx) }
