package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/clock"
)

// Limits of one recordAuditEntries call (API.md "Ingestion semantics").
const (
	// MaxBatch is the most entries one call may record.
	MaxBatch = 1000
	// MaxFuture is how far in the future occurredAt may lie (clock skew).
	MaxFuture = 5 * time.Minute
	// MaxJSONBytes caps each JSON value (oldValue, newValue, metadata,
	// request.payload) as encoded.
	MaxJSONBytes = 64 << 10
	// MaxJSONDepth caps the nesting of a JSON value; deeper values are
	// rejected so that diffing and redaction stay cheap.
	MaxJSONDepth = 32
)

// actionRE is a dotted, lower-case action: "member.role.update".
var actionRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$`)

// earliest is the oldest occurredAt accepted; anything before is a client bug
// (a zero time or seconds read as milliseconds).
var earliest = time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC)

// Input is one entry as an integration sends it, before validation.
type Input struct {
	IdempotencyKey *string
	OccurredAt     *time.Time
	Action         string
	ResourceType   string
	ResourceID     *string
	ResourceName   *string
	Workspace      *string
	Actor          *Actor // nil: the caller
	Status         *auditentry.Status
	OldValue       schematype.RawJSON
	NewValue       schematype.RawJSON
	Metadata       schematype.RawJSON
	Request        *schematype.RequestInfo
}

// FieldError is one invalid input field; Field is a path such as
// "entries[3].action".
type FieldError struct {
	Field string
	Msg   string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Msg }

// ValidationError holds every invalid field of a batch, in input order.
type ValidationError struct{ Fields []FieldError }

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Error()
	}
	return "invalid entries: " + strings.Join(msgs, "; ")
}

// Prepare validates a whole batch and turns it into entries ready for
// Create: occurredAt defaulted to now, the actor defaulted to caller, status
// defaulted to SUCCESS, secrets in request payloads and paths redacted, and
// Trailmark's own secrets redacted wherever they appear. When any
// entry is invalid it returns a *ValidationError listing every bad field of
// the batch and no entries, so that nothing of the batch is stored.
func Prepare(tenantID string, in []Input, caller Actor, now time.Time) ([]Entry, error) {
	now = clock.Stored(now)
	if len(in) == 0 {
		return nil, &ValidationError{Fields: []FieldError{{"entries", "at least one entry is required"}}}
	}
	if len(in) > MaxBatch {
		return nil, &ValidationError{Fields: []FieldError{{"entries", fmt.Sprintf("at most %d entries per call (got %d)", MaxBatch, len(in))}}}
	}
	var errs []FieldError
	out := make([]Entry, len(in))
	for i, e := range in {
		v := validator{prefix: fmt.Sprintf("entries[%d].", i)}
		out[i] = v.entry(tenantID, e, caller, now)
		redactEntry(&out[i])
		out[i].redacted = true
		errs = append(errs, v.errs...)
	}
	if len(errs) > 0 {
		return nil, &ValidationError{Fields: errs}
	}
	return out, nil
}

type validator struct {
	prefix string
	errs   []FieldError
}

func (v *validator) fail(field, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Field: v.prefix + field, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) entry(tenantID string, in Input, caller Actor, now time.Time) Entry {
	e := Entry{
		TenantID:     &tenantID,
		OccurredAt:   now,
		ReceivedAt:   now,
		Action:       in.Action,
		ResourceType: in.ResourceType,
		ResourceID:   v.optString("resourceID", in.ResourceID, 500),
		ResourceName: v.optString("resourceName", in.ResourceName, 500),
		Workspace:    v.optString("workspace", in.Workspace, 200),
		Status:       auditentry.StatusSUCCESS,
	}
	e.OldValue, e.canonical.oldValue = v.json("oldValue", in.OldValue)
	e.NewValue, e.canonical.newValue = v.json("newValue", in.NewValue)
	e.Metadata, e.canonical.metadata = v.json("metadata", in.Metadata)
	switch {
	case in.Action == "":
		v.fail("action", "is required")
	case len(in.Action) > 200:
		v.fail("action", "at most 200 bytes")
	case !actionRE.MatchString(in.Action):
		v.fail("action", "must be dotted lower case, like member.role.update (got %q)", in.Action)
	}
	v.text("resourceType", in.ResourceType, 200, true)
	if in.IdempotencyKey != nil {
		e.IdempotencyKey = in.IdempotencyKey
		v.text("idempotencyKey", *in.IdempotencyKey, 200, true)
	}
	if in.OccurredAt != nil {
		t := clock.Stored(*in.OccurredAt)
		switch {
		case t.After(now.Add(MaxFuture)):
			v.fail("occurredAt", "more than %s in the future", MaxFuture)
		case t.Before(earliest):
			v.fail("occurredAt", "before 1970-01-02")
		}
		e.OccurredAt = t
	} else {
		e.occurredAtDefault = true
	}
	if in.Status != nil {
		if err := auditentry.StatusValidator(*in.Status); err != nil {
			v.fail("status", "must be SUCCESS or FAILURE")
		}
		e.Status = *in.Status
	}
	if in.Metadata != nil && !bytes.HasPrefix(bytes.TrimSpace(in.Metadata), []byte("{")) {
		v.fail("metadata", "must be a JSON object")
	}
	e.Actor = caller
	if in.Actor != nil {
		e.Actor = v.actor(*in.Actor)
	}
	if in.Request != nil {
		e.Request = v.request(*in.Request)
	}
	return e
}

func (v *validator) actor(a Actor) Actor {
	if err := auditentry.ActorTypeValidator(a.Type); err != nil {
		v.fail("actor.type", "must be USER, API_KEY, SYSTEM or WEBHOOK")
	}
	out := Actor{
		Type:  a.Type,
		ID:    v.optString("actor.id", a.ID, 500),
		Name:  v.optString("actor.name", a.Name, 500),
		Email: v.optString("actor.email", a.Email, 320),
	}
	if out.Email != nil && !strings.Contains(*out.Email, "@") {
		v.fail("actor.email", "is not an email address")
	}
	if a.Type != schematype.ActorSystem && out.ID == nil && out.Name == nil && out.Email == nil {
		v.fail("actor", "a %s actor needs an id, a name or an email", a.Type)
	}
	return out
}

func (v *validator) request(r schematype.RequestInfo) *schematype.RequestInfo {
	out := &schematype.RequestInfo{
		Method:        v.optString("request.method", r.Method, 16),
		Path:          v.optString("request.path", r.Path, 2048),
		OperationName: v.optString("request.operationName", r.OperationName, 200),
		SourceIP:      v.optString("request.sourceIP", r.SourceIP, 64),
		UserAgent:     v.optString("request.userAgent", r.UserAgent, 1000),
		HTTPStatus:    r.HTTPStatus,
	}
	if out.SourceIP != nil {
		if _, err := netip.ParseAddr(*out.SourceIP); err != nil {
			v.fail("request.sourceIP", "is not an IP address")
		}
	}
	if r.HTTPStatus != nil && (*r.HTTPStatus < 100 || *r.HTTPStatus > 599) {
		v.fail("request.httpStatus", "must be between 100 and 599")
	}
	if p, _ := v.json("request.payload", r.Payload); p != nil {
		out.Payload = Redact(p)
	}
	return out
}

// optString checks an optional string; an empty string counts as absent.
func (v *validator) optString(field string, s *string, maxLen int) *string {
	if s == nil || *s == "" {
		return nil
	}
	if !v.text(field, *s, maxLen, false) {
		return nil
	}
	return s
}

// text checks that s is storable text: valid UTF-8 without NUL bytes (which
// PostgreSQL rejects) and at most maxLen bytes (the schema's limits are bytes).
func (v *validator) text(field, s string, maxLen int, required bool) bool {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.fail(field, "is required")
	case !utf8.ValidString(s):
		v.fail(field, "is not valid UTF-8")
	case strings.ContainsRune(s, 0):
		v.fail(field, "contains a NUL character")
	case len(s) > maxLen:
		v.fail(field, "at most %d bytes", maxLen)
	default:
		return true
	}
	return false
}

// json checks a JSON value's size, depth and text; JSON null counts as
// absent. It also returns the value's canonical form (for the hash), since
// it has decoded it anyway.
func (v *validator) json(field string, raw schematype.RawJSON) (schematype.RawJSON, []byte) {
	if len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, nil
	}
	if len(raw) > MaxJSONBytes {
		v.fail(field, "at most %d bytes of JSON (got %d)", MaxJSONBytes, len(raw))
		return nil, nil
	}
	if canon, ok := canonicalJSON(raw); ok {
		return raw, canon // valid, and checkJSON would accept it
	}
	val, err := decodeJSON(raw)
	if err != nil {
		v.fail(field, "is not valid JSON")
		return nil, nil
	}
	if err := checkJSON(val, 1); err != nil {
		v.fail(field, "%v", err)
		return nil, nil
	}
	return raw, appendCanonical(make([]byte, 0, len(raw)+16), val)
}

var errNUL = errors.New("contains a NUL character")

// checkJSON rejects values nested deeper than MaxJSONDepth and strings with
// NUL characters (PostgreSQL's jsonb cannot store \u0000).
func checkJSON(val any, depth int) error {
	if depth > MaxJSONDepth {
		return fmt.Errorf("nested deeper than %d levels", MaxJSONDepth)
	}
	switch x := val.(type) {
	case json.Number:
		if _, ok := plainNumber(string(x)); !ok {
			return fmt.Errorf("has a number with an exponent beyond ±%d", MaxNumberExponent)
		}
	case string:
		if strings.ContainsRune(x, 0) {
			return errNUL
		}
	case map[string]any:
		for k, c := range x {
			if strings.ContainsRune(k, 0) {
				return errNUL
			}
			if err := checkJSON(c, depth+1); err != nil {
				return err
			}
		}
	case []any:
		for _, c := range x {
			if err := checkJSON(c, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeJSON decodes one JSON value keeping numbers as written.
func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}
