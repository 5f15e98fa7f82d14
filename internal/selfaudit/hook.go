package selfaudit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/apikey"
	"github.com/trailmark/trailmark/ent/archive"
	"github.com/trailmark/trailmark/ent/invitation"
	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/schedule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/internal/audit"
)

// subject is one audited row as it appears in an entry.
type subject struct {
	tenantID string
	name     string
	value    map[string]any
}

// kind describes how one ent type is audited.
type kind struct {
	resourceType string
	// action names the change, or "" when it is not recorded (bookkeeping).
	action func(m ent.Mutation) string
	load   func(ctx context.Context, c *ent.Client, ids []string) (map[string]subject, error)
}

var kinds = map[string]kind{
	"Tenant":     {"tenant", tenantAction, loadTenants},
	"Membership": {"membership", byOp("member.add", "member.role.update", "member.remove"), loadMemberships},
	"Invitation": {"invitation", invitationAction, loadInvitations},
	"APIKey":     {"api_key", apiKeyAction, loadAPIKeys},
	"Archive":    {"archive", byOp("", "", "archive.delete"), loadArchives},
	"Schedule":   {"schedule", byOp("schedule.create", "schedule.update", "schedule.delete"), loadSchedules},
	"Process":    {"process", processAction, loadProcesses},
	"LogStream":  {"log_stream", logStreamAction, loadLogStreams},
}

type (
	ider  interface{ ID() (string, bool) }
	idser interface {
		IDs(context.Context) ([]string, error)
	}
	clienter interface{ Client() *ent.Client }
	txer     interface{ Tx() (*ent.Tx, error) }
)

// Hook records changes of the type it is installed on (see package doc).
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			k, ok := kinds[m.Type()]
			if !ok {
				return nil, fmt.Errorf("selfaudit: no description of %s", m.Type())
			}
			actor, record := actorOf(ctx)
			action := ""
			if record {
				action = k.action(m)
			}
			if action == "" {
				return next.Mutate(ctx, m)
			}
			if _, err := m.(txer).Tx(); err != nil {
				return nil, fmt.Errorf("%s %s: %w", action, m.Type(), ErrNoTransaction)
			}
			c := m.(clienter).Client()
			// The hook reads and writes what the viewer may not (old values,
			// the entry itself): the change was authorised by the policy.
			actx := privacy.DecisionContext(ctx, privacy.Allow)
			var (
				ids    []string
				before map[string]subject
				err    error
			)
			if !m.Op().Is(ent.OpCreate) {
				if ids, err = m.(idser).IDs(actx); err != nil {
					return nil, fmt.Errorf("%s: ids: %w", action, err)
				}
				if before, err = k.load(actx, c, ids); err != nil {
					return nil, fmt.Errorf("%s: old values: %w", action, err)
				}
			}
			val, err := next.Mutate(ctx, m)
			if err != nil {
				return val, err
			}
			after := map[string]subject{}
			if !m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
				if m.Op().Is(ent.OpCreate) {
					id, _ := m.(ider).ID()
					ids = []string{id}
				}
				if after, err = k.load(actx, c, ids); err != nil {
					return nil, fmt.Errorf("%s: new values: %w", action, err)
				}
			}
			v := viewerOf(ctx)
			now := time.Now()
			for _, id := range ids {
				old, hadOld := before[id]
				cur, hasNew := after[id]
				s := cur
				if !hasNew {
					s = old
				}
				var tenantID *string // the platform log for a tenant-less row (a platform log stream)
				if s.tenantID != "" {
					tenantID = &s.tenantID
				}
				e := audit.Entry{
					TenantID:     tenantID,
					OccurredAt:   now,
					ReceivedAt:   now,
					Action:       action,
					ResourceType: k.resourceType,
					ResourceID:   ptr(id),
					ResourceName: nonEmpty(s.name),
					Actor:        actor,
					Request:      RequestOf(v),
				}
				if hadOld {
					if e.OldValue, err = encode(old.value); err != nil {
						return nil, err
					}
				}
				if hasNew {
					if e.NewValue, err = encode(cur.value); err != nil {
						return nil, err
					}
				}
				if err := audit.Create(c.AuditEntry, e).Exec(actx); err != nil {
					return nil, fmt.Errorf("record %s: %w", action, err)
				}
			}
			return val, nil
		})
	}
}

func byOp(create, update, del string) func(ent.Mutation) string {
	return func(m ent.Mutation) string {
		switch {
		case m.Op().Is(ent.OpCreate):
			return create
		case m.Op().Is(ent.OpUpdate | ent.OpUpdateOne):
			return update
		}
		return del
	}
}

func tenantAction(m ent.Mutation) string {
	return byOp("tenant.create", "tenant.update", "tenant.delete")(m)
}

func invitationAction(m ent.Mutation) string {
	if !m.Op().Is(ent.OpUpdate | ent.OpUpdateOne) {
		return byOp("member.invite", "", "invitation.delete")(m)
	}
	switch st, _ := m.Field(invitation.FieldStatus); fmt.Sprint(st) {
	case invitation.StatusACCEPTED.String():
		return "invitation.accept"
	case invitation.StatusREVOKED.String():
		return "invitation.revoke"
	case invitation.StatusEXPIRED.String():
		return ""
	}
	return "invitation.update"
}

func apiKeyAction(m ent.Mutation) string {
	if !m.Op().Is(ent.OpUpdate | ent.OpUpdateOne) {
		return byOp("api_key.create", "", "api_key.delete")(m)
	}
	if _, ok := m.Field(apikey.FieldDeactivatedAt); ok {
		return "api_key.deactivate"
	}
	for _, f := range m.Fields() {
		if f != apikey.FieldLastUsedAt {
			return "api_key.update"
		}
	}
	return "" // last-used bookkeeping
}

func processAction(m ent.Mutation) string {
	switch {
	case m.Op().Is(ent.OpCreate):
		switch k, _ := m.Field(process.FieldKind); k {
		case schematype.ProcessArchive:
			return "archive.create"
		case schematype.ProcessExport:
			return "audit_log.export"
		case schematype.ProcessRetention:
			return "retention.run"
		}
		return "process.create"
	case m.Op().Is(ent.OpUpdate | ent.OpUpdateOne):
		if c, ok := m.Field(process.FieldCancelRequested); ok && c == true {
			return "process.cancel"
		}
		if st, ok := m.Field(process.FieldStatus); ok && fmt.Sprint(st) == process.StatusCANCELED.String() {
			return "process.cancel"
		}
	}
	return ""
}

// logStreamAction names a user's change of a log stream. The resolvers
// change the status only to pause or resume and the secret only to rotate
// it, so the fields set tell the action; the delivery engine's bookkeeping
// runs as Trailmark itself and is not recorded.
func logStreamAction(m ent.Mutation) string {
	if !m.Op().Is(ent.OpUpdate | ent.OpUpdateOne) {
		return byOp("log_stream.create", "", "log_stream.delete")(m)
	}
	if _, ok := m.Field(logstream.FieldSecret); ok {
		return "log_stream.rotate_secret"
	}
	if st, ok := m.Field(logstream.FieldStatus); ok {
		if fmt.Sprint(st) == logstream.StatusPAUSED.String() {
			return "log_stream.pause"
		}
		return "log_stream.resume"
	}
	return "log_stream.update"
}

// loadLogStreams describes streams without their secrets: the signing
// secret, the token and header values are never part of an entry (header
// names are).
func loadLogStreams(ctx context.Context, c *ent.Client, ids []string) (map[string]subject, error) {
	rows, err := c.LogStream.Query().Where(logstream.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]subject, len(rows))
	for _, s := range rows {
		headers := make([]string, len(s.Headers))
		for i, h := range s.Headers {
			headers[i] = h.Name
		}
		var options any // not secret by contract, but a secret-named key is redacted all the same
		if len(s.Options) > 0 {
			_ = json.Unmarshal(s.Options, &options)
			options = Redact(options)
		}
		tenantID := ""
		if s.TenantID != nil {
			tenantID = *s.TenantID
		}
		out[s.ID] = subject{tenantID: tenantID, name: s.Name, value: map[string]any{
			"id": s.ID, "name": s.Name, "kind": s.Kind, "status": s.Status, "endpoint": s.Endpoint,
			"hasToken": s.Token != nil && *s.Token != "", "headerNames": headers, "filter": s.FilterText,
			"format": s.Format, "batchSize": s.BatchSize, "maxDelaySeconds": s.MaxDelaySeconds,
			"options": options, "previousSecretExpiresAt": timeJSON(s.PreviousSecretExpiresAt),
		}}
	}
	return out, nil
}

func loadTenants(ctx context.Context, c *ent.Client, ids []string) (map[string]subject, error) {
	rows, err := c.Tenant.Query().Where(tenant.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]subject, len(rows))
	for _, t := range rows {
		out[t.ID] = subject{tenantID: t.ID, name: t.Name, value: map[string]any{
			"id": t.ID, "slug": t.Slug, "name": t.Name, "retentionDays": t.RetentionDays,
		}}
	}
	return out, nil
}

func loadMemberships(ctx context.Context, c *ent.Client, ids []string) (map[string]subject, error) {
	rows, err := c.Membership.Query().Where(membership.IDIn(ids...)).WithUser().All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]subject, len(rows))
	for _, m := range rows {
		v := map[string]any{"id": m.ID, "userID": m.UserID, "role": m.Role, "workspace": m.Workspace}
		name := m.UserID
		if u := m.Edges.User; u != nil {
			v["userName"], v["userEmail"] = u.Name, u.Email
			name = u.Email
		}
		out[m.ID] = subject{tenantID: m.TenantID, name: name, value: v}
	}
	return out, nil
}

func loadInvitations(ctx context.Context, c *ent.Client, ids []string) (map[string]subject, error) {
	rows, err := c.Invitation.Query().Where(invitation.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]subject, len(rows))
	for _, i := range rows {
		out[i.ID] = subject{tenantID: i.TenantID, name: i.Email, value: map[string]any{
			"id": i.ID, "email": i.Email, "role": i.Role, "workspace": i.Workspace,
			"status": i.Status, "expiresAt": timeJSON(&i.ExpiresAt), "acceptedAt": timeJSON(i.AcceptedAt),
		}}
	}
	return out, nil
}

func loadAPIKeys(ctx context.Context, c *ent.Client, ids []string) (map[string]subject, error) {
	rows, err := c.APIKey.Query().Where(apikey.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]subject, len(rows))
	for _, k := range rows {
		out[k.ID] = subject{tenantID: k.TenantID, name: k.Name, value: map[string]any{
			"id": k.ID, "name": k.Name, "prefix": k.Prefix, "scopes": k.Scopes,
			"active": k.DeactivatedAt == nil, "deactivatedAt": timeJSON(k.DeactivatedAt),
		}}
	}
	return out, nil
}

func loadArchives(ctx context.Context, c *ent.Client, ids []string) (map[string]subject, error) {
	rows, err := c.Archive.Query().Where(archive.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]subject, len(rows))
	for _, a := range rows {
		out[a.ID] = subject{tenantID: a.TenantID, name: a.Name, value: map[string]any{
			"id": a.ID, "name": a.Name, "format": a.Format, "from": timeJSON(&a.From), "to": timeJSON(&a.To),
			"filter": a.FilterText, "entryCount": a.EntryCount, "sizeBytes": a.SizeBytes, "sha256": a.Sha256,
		}}
	}
	return out, nil
}

func loadSchedules(ctx context.Context, c *ent.Client, ids []string) (map[string]subject, error) {
	rows, err := c.Schedule.Query().Where(schedule.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]subject, len(rows))
	for _, s := range rows {
		out[s.ID] = subject{tenantID: s.TenantID, name: string(s.Kind) + " " + s.Cron, value: map[string]any{
			"id": s.ID, "kind": s.Kind, "cron": s.Cron, "input": s.Input, "enabled": s.Enabled,
		}}
	}
	return out, nil
}

func loadProcesses(ctx context.Context, c *ent.Client, ids []string) (map[string]subject, error) {
	rows, err := c.Process.Query().Where(process.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]subject, len(rows))
	for _, p := range rows {
		out[p.ID] = subject{tenantID: p.TenantID, name: string(p.Kind), value: map[string]any{
			"id": p.ID, "kind": p.Kind, "status": p.Status, "input": p.Input,
			"cancelRequested": p.CancelRequested,
		}}
	}
	return out, nil
}

// timeJSON formats a time as the API does (RFC 3339, UTC).
func timeJSON(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339Nano)
	return &s
}
