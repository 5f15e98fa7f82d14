// Package audit records audit entries: the one place that turns an entry
// into a row (validation, redaction, idempotency and the content hash).
// Ingestion (recordAuditEntries) and Trailmark's self-audit both write
// through it, so every entry is hashed and shaped the same way.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
)

// Actor is who did something.
type Actor struct {
	Type  schematype.ActorType
	ID    *string
	Name  *string
	Email *string
}

// Entry is an audit entry about to be stored.
type Entry struct {
	TenantID       *string // nil: the platform log
	OccurredAt     time.Time
	ReceivedAt     time.Time
	Action         string
	ResourceType   string
	ResourceID     *string
	ResourceName   *string
	Workspace      *string
	Actor          Actor
	Status         auditentry.Status
	OldValue       schematype.RawJSON
	NewValue       schematype.RawJSON
	Metadata       schematype.RawJSON
	Request        *schematype.RequestInfo
	IdempotencyKey *string
}

// hashed is the canonical form the content hash is computed over: fixed
// field order, UTC times at microsecond precision, JSON values with sorted
// keys and numbers as written.
type hashed struct {
	TenantID       *string         `json:"tenantID"`
	OccurredAt     string          `json:"occurredAt"`
	Action         string          `json:"action"`
	ResourceType   string          `json:"resourceType"`
	ResourceID     *string         `json:"resourceID"`
	ResourceName   *string         `json:"resourceName"`
	Workspace      *string         `json:"workspace"`
	ActorType      string          `json:"actorType"`
	ActorID        *string         `json:"actorID"`
	ActorName      *string         `json:"actorName"`
	ActorEmail     *string         `json:"actorEmail"`
	Status         string          `json:"status"`
	OldValue       json.RawMessage `json:"oldValue"`
	NewValue       json.RawMessage `json:"newValue"`
	Metadata       json.RawMessage `json:"metadata"`
	Request        json.RawMessage `json:"request"`
	IdempotencyKey *string         `json:"idempotencyKey"`
}

// Hash is the hex sha256 of the entry's canonical form. Anyone holding an
// exported entry can recompute it (docs/api.md "Content hash").
func Hash(e Entry) string {
	var req json.RawMessage
	if e.Request != nil {
		b, _ := json.Marshal(e.Request)
		req = canonical(b)
	}
	h := hashed{
		TenantID:     e.TenantID,
		OccurredAt:   e.OccurredAt.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z"),
		Action:       e.Action,
		ResourceType: e.ResourceType, ResourceID: e.ResourceID, ResourceName: e.ResourceName,
		Workspace: e.Workspace,
		ActorType: string(e.Actor.Type), ActorID: e.Actor.ID, ActorName: e.Actor.Name, ActorEmail: e.Actor.Email,
		Status:   string(e.Status),
		OldValue: canonical(e.OldValue), NewValue: canonical(e.NewValue), Metadata: canonical(e.Metadata),
		Request:        req,
		IdempotencyKey: e.IdempotencyKey,
	}
	b, _ := json.Marshal(h)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// canonical re-encodes a JSON value with sorted object keys and numbers kept
// as written, so that PostgreSQL's jsonb normalisation does not change the hash.
func canonical(raw []byte) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return json.RawMessage("null")
	}
	b, _ := json.Marshal(v)
	return b
}

// Create returns the builder for e on c (a client or a transaction's client),
// with times normalised and the hash set.
func Create(c *ent.AuditEntryClient, e Entry) *ent.AuditEntryCreate {
	e.OccurredAt = e.OccurredAt.UTC().Truncate(time.Microsecond)
	if e.ReceivedAt.IsZero() {
		e.ReceivedAt = time.Now()
	}
	e.ReceivedAt = e.ReceivedAt.UTC().Truncate(time.Microsecond)
	if e.Status == "" {
		e.Status = auditentry.StatusSUCCESS
	}
	cr := c.Create().
		SetNillableTenantID(e.TenantID).
		SetOccurredAt(e.OccurredAt).
		SetReceivedAt(e.ReceivedAt).
		SetAction(e.Action).
		SetResourceType(e.ResourceType).
		SetNillableResourceID(e.ResourceID).
		SetNillableResourceName(e.ResourceName).
		SetNillableWorkspace(e.Workspace).
		SetActorType(e.Actor.Type).
		SetNillableActorID(e.Actor.ID).
		SetNillableActorName(e.Actor.Name).
		SetNillableActorEmail(e.Actor.Email).
		SetStatus(e.Status).
		SetNillableIdempotencyKey(e.IdempotencyKey).
		SetHash(Hash(e))
	if len(e.OldValue) > 0 {
		cr.SetOldValue(e.OldValue)
	}
	if len(e.NewValue) > 0 {
		cr.SetNewValue(e.NewValue)
	}
	if len(e.Metadata) > 0 {
		cr.SetMetadata(e.Metadata)
	}
	if e.Request != nil {
		cr.SetRequest(e.Request)
	}
	return cr
}
