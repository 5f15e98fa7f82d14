package rule

import (
	"context"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/viewer"
)

func forbidden() error { return privacy.Denyf("%w", ErrForbidden) }

// allowed is the context authorization code uses to look at rows the viewer
// may not read, to decide on a write.
func allowed(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// tenantMutation is what every mutation of a tenant-owned type offers.
type tenantMutation interface {
	ent.Mutation
	ID() (string, bool)
	TenantID() (string, bool)
}

// tenantWrite allows a single-row write of a tenant-owned object to a
// viewer holding at least min over the whole tenant; bulk updates and deletes
// are left to platform admins (and Trailmark itself, allowed before). It
// returns Skip when allowed, so that rules after it can still deny.
func tenantWrite(ctx context.Context, m tenantMutation, min viewer.Role, tenantOf func(ctx context.Context, id string) (string, error)) error {
	return ownerWrite(ctx, m, min, tenantOf, false)
}

// platformOrTenantWrite is tenantWrite for a type whose rows may be the
// platform log's (no tenant): those are platform admins' alone.
func platformOrTenantWrite(ctx context.Context, m tenantMutation, min viewer.Role, tenantOf func(ctx context.Context, id string) (string, error)) error {
	return ownerWrite(ctx, m, min, tenantOf, true)
}

// ownerWrite decides a write by the row's owner: its tenant (tenantOf
// gives "" for none), or with platform the platform log when it has none.
func ownerWrite(ctx context.Context, m tenantMutation, min viewer.Role, tenantOf func(ctx context.Context, id string) (string, error), platform bool) error {
	v := viewer.FromContext(ctx)
	var tenantID string
	switch {
	case m.Op().Is(ent.OpCreate):
		tenantID, _ = m.TenantID()
	case m.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne):
		id, ok := m.ID()
		if !ok {
			return forbidden()
		}
		t, err := tenantOf(allowed(ctx), id)
		if err != nil {
			return err
		}
		tenantID = t
	default:
		if SeesEverything(v) {
			return privacy.Allow
		}
		return forbidden()
	}
	if tenantID == "" {
		if platform && SeesEverything(v) {
			return privacy.Allow
		}
		return forbidden()
	}
	if HasTenantRole(v, tenantID, min) {
		return privacy.Skip
	}
	return forbidden()
}

// TenantMutationRule: platform admins create and delete tenants (Tenant's
// policy puts AllowSystemAndPlatformAdmins before this rule); a tenant-wide
// ADMIN renames one; only an OWNER changes retention.
func TenantMutationRule() privacy.MutationRule {
	return privacy.TenantMutationRuleFunc(func(ctx context.Context, m *ent.TenantMutation) error {
		if !m.Op().Is(ent.OpUpdateOne) {
			return forbidden()
		}
		v := viewer.FromContext(ctx)
		id, _ := m.ID()
		min := viewer.Admin
		if _, set := m.RetentionDays(); set || m.RetentionDaysCleared() {
			min = viewer.Owner
		}
		if HasTenantRole(v, id, min) {
			return privacy.Allow
		}
		return forbidden()
	})
}

// MembershipMutationRule: a tenant-wide ADMIN manages members; granting,
// changing or removing OWNER needs an OWNER. (The last-OWNER rule is a hook:
// it holds for everyone, Trailmark itself included.)
func MembershipMutationRule() privacy.MutationRule {
	return privacy.MembershipMutationRuleFunc(func(ctx context.Context, m *ent.MembershipMutation) error {
		var old *ent.Membership
		load := func(ctx context.Context, id string) (string, error) {
			var err error
			old, err = m.Client().Membership.Get(ctx, id)
			if err != nil {
				return "", err
			}
			return old.TenantID, nil
		}
		if err := tenantWrite(ctx, m, viewer.Admin, load); err != privacy.Skip {
			return err
		}
		v := viewer.FromContext(ctx)
		tenantID, _ := m.TenantID()
		touchesOwner := false
		if r, ok := m.Role(); ok && r == schematype.Role(viewer.Owner) {
			touchesOwner = true
		}
		if old != nil {
			tenantID = old.TenantID
			touchesOwner = touchesOwner || old.Role == schematype.Role(viewer.Owner)
		}
		if touchesOwner && !HasTenantRole(v, tenantID, viewer.Owner) {
			return forbidden()
		}
		return privacy.Allow
	})
}

// InvitationMutationRule: a tenant-wide ADMIN invites and revokes; inviting
// an OWNER needs an OWNER. Accepting is authorised by the token and runs
// under an explicit decision in internal/auth.
func InvitationMutationRule() privacy.MutationRule {
	return privacy.InvitationMutationRuleFunc(func(ctx context.Context, m *ent.InvitationMutation) error {
		load := tenantOf(m.Client().Invitation.Get, func(inv *ent.Invitation) string { return inv.TenantID })
		if err := tenantWrite(ctx, m, viewer.Admin, load); err != privacy.Skip {
			return err
		}
		if r, ok := m.Role(); ok && r == schematype.Role(viewer.Owner) {
			tenantID, _ := m.TenantID()
			if !HasTenantRole(viewer.FromContext(ctx), tenantID, viewer.Owner) {
				return forbidden()
			}
		}
		return privacy.Allow
	})
}

// APIKeyMutationRule: a tenant-wide ADMIN creates and deactivates keys.
func APIKeyMutationRule() privacy.MutationRule {
	return privacy.APIKeyMutationRuleFunc(func(ctx context.Context, m *ent.APIKeyMutation) error {
		return skipToAllow(tenantWrite(ctx, m, viewer.Admin,
			tenantOf(m.Client().APIKey.Get, func(k *ent.APIKey) string { return k.TenantID })))
	})
}

// ScheduleMutationRule: a tenant-wide ADMIN manages the tenant's schedules;
// the platform log's (no tenant: VERIFY of the platform log) are platform
// admins' (the runner, as Trailmark itself, is allowed before).
func ScheduleMutationRule() privacy.MutationRule {
	return privacy.ScheduleMutationRuleFunc(func(ctx context.Context, m *ent.ScheduleMutation) error {
		return skipToAllow(platformOrTenantWrite(ctx, m, viewer.Admin,
			tenantOf(m.Client().Schedule.Get, func(s *ent.Schedule) string { return s.TenantID })))
	})
}

// ArchiveMutationRule: a tenant-wide ADMIN deletes archives (the runner,
// as Trailmark itself, writes them).
func ArchiveMutationRule() privacy.MutationRule {
	return privacy.ArchiveMutationRuleFunc(func(ctx context.Context, m *ent.ArchiveMutation) error {
		return skipToAllow(tenantWrite(ctx, m, viewer.Admin,
			tenantOf(m.Client().Archive.Get, func(a *ent.Archive) string { return a.TenantID })))
	})
}

// ProcessMutationRule: a tenant-wide ADMIN starts (createArchive) and
// cancels processes; the runner updates them as Trailmark itself.
func ProcessMutationRule() privacy.MutationRule {
	return privacy.ProcessMutationRuleFunc(func(ctx context.Context, m *ent.ProcessMutation) error {
		return skipToAllow(tenantWrite(ctx, m, viewer.Admin,
			tenantOf(m.Client().Process.Get, func(p *ent.Process) string { return p.TenantID })))
	})
}

// AuditEntryMutationRule: entries are recorded by INGEST keys for their
// tenant and by tenant-wide ADMINs (CanIngest); self-audit entries and the
// platform log are written by Trailmark under an explicit decision. Updates
// and deletes are refused by the schema's immutability hook; retention runs
// as Trailmark itself.
func AuditEntryMutationRule() privacy.MutationRule {
	return privacy.AuditEntryMutationRuleFunc(func(ctx context.Context, m *ent.AuditEntryMutation) error {
		if !m.Op().Is(ent.OpCreate) {
			return forbidden()
		}
		if t, ok := m.TenantID(); ok && CanIngest(viewer.FromContext(ctx), t) {
			return privacy.Allow
		}
		return forbidden()
	})
}

// SystemOnlyMutationRule is for types only Trailmark writes: users (CLI,
// first start, accepted invitations), sessions (sign-in) and process logs.
// Trailmark itself is allowed before it (AllowSystem), and code holding an
// explicit allow decision (sign-in) never reaches it: it forbids the rest.
func SystemOnlyMutationRule() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(context.Context, ent.Mutation) error {
		return forbidden()
	})
}

// tenantOf makes tenantWrite's loader of the tenant of a row from the
// type's Get and the row's tenant.
func tenantOf[E any](get func(context.Context, string) (E, error), tenant func(E) string) func(context.Context, string) (string, error) {
	return func(ctx context.Context, id string) (string, error) {
		e, err := get(ctx, id)
		if err != nil {
			return "", err
		}
		return tenant(e), nil
	}
}

func skipToAllow(err error) error {
	if err == privacy.Skip {
		return privacy.Allow
	}
	return err
}

// LogStreamMutationRule: a tenant-wide ADMIN manages the tenant's log
// streams; the platform log's streams (no tenant) are platform admins'
// (the delivery engine writes as Trailmark itself, allowed before).
func LogStreamMutationRule() privacy.MutationRule {
	return privacy.LogStreamMutationRuleFunc(func(ctx context.Context, m *ent.LogStreamMutation) error {
		return skipToAllow(platformOrTenantWrite(ctx, m, viewer.Admin,
			tenantOf(m.Client().LogStream.Get, func(s *ent.LogStream) string {
				if s.TenantID == nil {
					return ""
				}
				return *s.TenantID
			})))
	})
}
