package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
)

// ActionIntegrityViolation is recorded in the platform log when the
// tamper-evident log finds entries or its tree altered (docs/integrity.md).
const ActionIntegrityViolation = "integrity.violation"

// Violation is one finding, as recorded in the entry's metadata.
type Violation struct {
	EntryID string `json:"entryID,omitempty"`
	Seq     *int64 `json:"seq,omitempty"`
	Reason  string `json:"reason"`
}

// RecordViolation records an integrity.violation entry in the platform log
// about the log logID ("platform" or a tenant id): what was found (detail)
// and, when known, the findings entry by entry (at most the first 100).
func RecordViolation(ctx context.Context, c *ent.Client, logID string, found []Violation, detail string) error {
	meta := map[string]any{"log": logID, "detail": detail, "count": len(found)}
	if len(found) > 100 {
		found = found[:100]
	}
	if len(found) > 0 {
		meta["violations"] = found
	}
	b, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	_, err = Create(c.AuditEntry, Entry{
		OccurredAt: time.Now(), Action: ActionIntegrityViolation, ResourceType: "log", ResourceID: &logID,
		Actor: Actor{Type: schematype.ActorSystem}, Status: auditentry.StatusFAILURE, Metadata: b,
	}).Save(rule.AsSystem(ctx))
	return err
}
