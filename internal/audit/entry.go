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
	"slices"
	"time"
	"unicode/utf8"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/ids"
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
	// ID is the entry's id; Create assigns one when it is empty, since the
	// content hash covers it.
	ID             string
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

	// canonical holds the canonical forms of the JSON values when Prepare
	// has already computed them; Hash computes what is missing.
	canonical struct{ oldValue, newValue, metadata []byte }
	// occurredAtDefault is set by Prepare when the client sent no
	// occurredAt: a replay without one matches any stored time.
	occurredAtDefault bool
	// redacted is set by Prepare, which has already redacted the entry:
	// Create then does not scan every value a second time.
	redacted bool
}

// Hash is the hex sha256 of the entry's canonical form (docs/api.md "The
// content hash"): one JSON object with fixed members in a fixed order, UTC
// times at microsecond precision, JSON values with sorted keys and numbers
// as written. Anyone holding an exported entry can recompute it. It is
// written by hand because it runs for every ingested entry; a test holds it
// to the encoding/json definition.
func Hash(e Entry) string { return hashOf(e, true) }

// HashV1 is the content hash of entries recorded before tamper evidence
// (docs/integrity.md "Legacy entries"): the same form without `id` and
// `receivedAt`. Verification uses it only for the leaves a log was
// started with, never for an entry sequenced since.
func HashV1(e Entry) string { return hashOf(e, false) }

func hashOf(e Entry, full bool) string {
	var req []byte
	if e.Request != nil {
		req = canonicalRequest(e.Request)
	}
	b := make([]byte, 0, 512+len(e.OldValue)+len(e.NewValue)+len(e.Metadata)+len(req))
	if full {
		b = append(b, `{"id":`...)
		b = appendString(b, e.ID)
		b = append(b, `,"tenantID":`...)
	} else {
		b = append(b, `{"tenantID":`...)
	}
	b = appendOptString(b, e.TenantID)
	b = append(b, `,"occurredAt":`...)
	b = appendString(b, clock.Stored(e.OccurredAt).Format(hashTimeLayout))
	if full {
		b = append(b, `,"receivedAt":`...)
		b = appendString(b, clock.Stored(e.ReceivedAt).Format(hashTimeLayout))
	}
	b = append(b, `,"action":`...)
	b = appendString(b, e.Action)
	b = append(b, `,"resourceType":`...)
	b = appendString(b, e.ResourceType)
	b = append(b, `,"resourceID":`...)
	b = appendOptString(b, e.ResourceID)
	b = append(b, `,"resourceName":`...)
	b = appendOptString(b, e.ResourceName)
	b = append(b, `,"workspace":`...)
	b = appendOptString(b, e.Workspace)
	b = append(b, `,"actorType":`...)
	b = appendString(b, string(e.Actor.Type))
	b = append(b, `,"actorID":`...)
	b = appendOptString(b, e.Actor.ID)
	b = append(b, `,"actorName":`...)
	b = appendOptString(b, e.Actor.Name)
	b = append(b, `,"actorEmail":`...)
	b = appendOptString(b, e.Actor.Email)
	b = append(b, `,"status":`...)
	b = appendString(b, string(e.Status))
	b = append(b, `,"oldValue":`...)
	b = append(b, canonicalOf(e.canonical.oldValue, e.OldValue)...)
	b = append(b, `,"newValue":`...)
	b = append(b, canonicalOf(e.canonical.newValue, e.NewValue)...)
	b = append(b, `,"metadata":`...)
	b = append(b, canonicalOf(e.canonical.metadata, e.Metadata)...)
	b = append(b, `,"request":`...)
	if req == nil {
		req = []byte("null")
	}
	b = append(b, req...)
	b = append(b, `,"idempotencyKey":`...)
	b = appendOptString(b, e.IdempotencyKey)
	b = append(b, '}')
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// hashTimeLayout is how the content hash writes times: UTC, microseconds.
const hashTimeLayout = "2006-01-02T15:04:05.000000Z"

// canonicalOf is known when set, else the canonical form of raw.
func canonicalOf(known, raw []byte) []byte {
	if known != nil {
		return known
	}
	return canonical(raw)
}

// canonical re-encodes a JSON value with sorted object keys and numbers in
// plain notation as PostgreSQL's jsonb stores them (plainNumber), so that
// the database an entry is read back from does not change its hash. An
// empty or invalid value is null.
func canonical(raw []byte) []byte {
	if len(raw) == 0 {
		return []byte("null")
	}
	if out, ok := canonicalJSON(raw); ok {
		return out
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return []byte("null")
	}
	return appendCanonical(make([]byte, 0, len(raw)+16), v)
}

// appendCanonical writes v as encoding/json's Marshal would: map keys
// sorted by bytes, HTML-safe string escaping; numbers as plainNumber writes
// them.
func appendCanonical(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		if x {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case json.Number:
		if x == "" {
			return append(b, '0')
		}
		if n, ok := plainNumber(string(x)); ok {
			return append(b, n...)
		}
		return append(b, x...) // refused at ingestion; as written if stored anyway
	case string:
		return appendString(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCanonical(b, e)
		}
		return append(b, ']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendCanonical(b, x[k])
		}
		return append(b, '}')
	default: // not produced by the decoder; keep the definition
		m, _ := json.Marshal(x)
		return append(b, m...)
	}
}

func appendOptString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

// appendString writes s as a JSON string the way encoding/json does. Plain
// printable ASCII (the common case) is copied; anything else goes through
// encoding/json itself.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			m, _ := json.Marshal(s)
			return append(b, m...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Create returns the builder for e on c (a client or a transaction's client),
// with times normalised, Trailmark's own secrets and secret query
// parameters of the request path redacted, and the hash set.
func Create(c *ent.AuditEntryClient, e Entry) *ent.AuditEntryCreate {
	e = finish(e)
	cr := c.Create().
		SetID(e.ID).
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

// finish gives e what it has when stored: redacted, times as stored,
// defaults and an id. Its hash is then final.
func finish(e Entry) Entry {
	if !e.redacted {
		redactEntry(&e) // self-audit entries come here without Prepare
		e.redacted = true
	}
	e.OccurredAt = clock.Stored(e.OccurredAt)
	if e.ReceivedAt.IsZero() {
		e.ReceivedAt = time.Now()
	}
	e.ReceivedAt = clock.Stored(e.ReceivedAt)
	if e.Status == "" {
		e.Status = auditentry.StatusSUCCESS
	}
	if e.ID == "" {
		e.ID = ids.New("AuditEntry")
	}
	return e
}

// EntryOf is the stored entry e as an Entry, so that its content hash can
// be recomputed (verification).
func EntryOf(e *ent.AuditEntry) Entry {
	return Entry{
		ID: e.ID, TenantID: e.TenantID, OccurredAt: e.OccurredAt, ReceivedAt: e.ReceivedAt, Action: e.Action,
		ResourceType: e.ResourceType, ResourceID: e.ResourceID, ResourceName: e.ResourceName, Workspace: e.Workspace,
		Actor:  Actor{Type: e.ActorType, ID: e.ActorID, Name: e.ActorName, Email: e.ActorEmail},
		Status: e.Status, OldValue: e.OldValue, NewValue: e.NewValue, Metadata: e.Metadata, Request: e.Request,
		IdempotencyKey: e.IdempotencyKey,
	}
}
