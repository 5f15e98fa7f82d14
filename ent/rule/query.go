package rule

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/apikey"
	"github.com/trailmark/trailmark/ent/archive"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/invitation"
	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/logstreamdelivery"
	"github.com/trailmark/trailmark/ent/membership"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/processlog"
	"github.com/trailmark/trailmark/ent/schedule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/session"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/ent/user"
	"github.com/trailmark/trailmark/internal/viewer"
)

// Portable constant predicates (SQLite and PostgreSQL alike). They are
// made anew for each use: an ent predicate writes its SQL into itself when
// a query is built, so one shared by concurrent queries (auditFacets runs
// six at once) produced broken SQL now and then.
func matchAll() *sql.Predicate  { return sql.ExprP("1 = 1") }
func matchNone() *sql.Predicate { return sql.ExprP("1 = 0") }

func unauthenticated() error { return privacy.Denyf("%w", ErrUnauthenticated) }

// AuditEntryVisible returns the predicate selecting the audit entries the
// viewer of ctx may read (API.md "Roles and visibility"):
//   - Trailmark itself and platform admins: every entry, the platform log included;
//   - a tenant-wide OWNER, ADMIN or AUDITOR, or a READ API key: the tenant's entries;
//   - a workspace-scoped ADMIN or AUDITOR: the entries of that workspace;
//   - a MEMBER: the entries whose actor is that user (actor_type USER and
//     actor_id the user's ID), within their workspace when scoped.
//
// The platform log (tenant_id NULL) matches only the first case. An anonymous
// viewer gets ErrUnauthenticated. Code that reads entries without an ent
// query (facet SQL, subscriptions, exports) must apply this predicate.
func AuditEntryVisible(ctx context.Context) (predicate.AuditEntry, error) {
	v := viewer.FromContext(ctx)
	switch {
	case v.Kind == viewer.Anonymous:
		return nil, ErrUnauthenticated
	case SeesEverything(v):
		return func(s *sql.Selector) { s.Where(matchAll()) }, nil
	case v.Kind == viewer.APIKey:
		if v.HasScope(schematype.ScopeRead) {
			return auditentry.TenantID(v.APIKeyTenantID), nil
		}
		return func(s *sql.Selector) { s.Where(matchNone()) }, nil
	}
	var (
		wide []string
		ors  []predicate.AuditEntry
	)
	for _, m := range v.Memberships {
		switch {
		case m.Role.AtLeast(viewer.Auditor) && m.Workspace == nil:
			wide = append(wide, m.TenantID)
		case m.Role.AtLeast(viewer.Auditor):
			ors = append(ors, auditentry.And(auditentry.TenantID(m.TenantID), auditentry.Workspace(*m.Workspace)))
		default:
			own := []predicate.AuditEntry{
				auditentry.TenantID(m.TenantID),
				auditentry.ActorTypeEQ(schematype.ActorUser),
				auditentry.ActorID(v.UserID),
			}
			if m.Workspace != nil {
				own = append(own, auditentry.Workspace(*m.Workspace))
			}
			ors = append(ors, auditentry.And(own...))
		}
	}
	if len(wide) > 0 {
		ors = append(ors, auditentry.TenantIDIn(wide...))
	}
	switch len(ors) {
	case 0:
		return func(s *sql.Selector) { s.Where(matchNone()) }, nil
	case 1:
		return ors[0], nil
	}
	return auditentry.Or(ors...), nil
}

// AuditEntryQueryRule filters every audit entry query by AuditEntryVisible.
func AuditEntryQueryRule() privacy.QueryRule {
	return privacy.AuditEntryQueryRuleFunc(func(ctx context.Context, q *ent.AuditEntryQuery) error {
		p, err := AuditEntryVisible(ctx)
		if err != nil {
			return privacy.Denyf("%w", err)
		}
		q.Where(p)
		return privacy.Allow
	})
}

// SeesTenant reports whether the viewer may load tenant id: what the
// Tenant policy lets through (BaseMixin denies anonymous viewers and allows
// those that see everything, TenantQueryRule the others' own tenants). Every
// entry AuditEntryVisible lets a viewer read is of a tenant it sees, or of
// the platform log, which only viewers that see everything read: so a page
// may write `tenant { id }` from the entry's tenant_id (graph, tenantRefs).
func SeesTenant(v *viewer.Viewer, id string) bool {
	return v.Kind != viewer.Anonymous && BelongsTo(v, id)
}

// TenantQueryRule: a viewer sees the tenants it belongs to (an API key: its
// own; SeesTenant).
func TenantQueryRule() privacy.QueryRule {
	return privacy.TenantQueryRuleFunc(func(ctx context.Context, q *ent.TenantQuery) error {
		v := viewer.FromContext(ctx)
		q.Where(inOrNone(tenant.IDIn, MemberOf(v)))
		return privacy.Allow
	})
}

// UserQueryRule: a user sees themselves and, where they are AUDITOR or above
// (workspace-scoped included), the users of that tenant, so that the actors
// of the entries they read resolve. A READ key sees its tenant's users.
func UserQueryRule() privacy.QueryRule {
	return privacy.UserQueryRuleFunc(func(ctx context.Context, q *ent.UserQuery) error {
		v := viewer.FromContext(ctx)
		var readable []string
		switch v.Kind {
		case viewer.User:
			for _, m := range v.Memberships {
				if m.Role.AtLeast(viewer.Auditor) {
					readable = append(readable, m.TenantID)
				}
			}
		case viewer.APIKey:
			readable = TenantsWith(v, viewer.Auditor)
		}
		ors := []predicate.User{}
		if v.Kind == viewer.User {
			ors = append(ors, user.ID(v.UserID))
		}
		if len(readable) > 0 {
			ors = append(ors, user.HasMembershipsWith(membership.TenantIDIn(readable...)))
		}
		switch len(ors) {
		case 0:
			q.Where(func(s *sql.Selector) { s.Where(matchNone()) })
		case 1:
			q.Where(ors[0])
		default:
			q.Where(user.Or(ors...))
		}
		return privacy.Allow
	})
}

// MembershipQueryRule: a user sees their own memberships, and all of a
// tenant's where they are a tenant-wide ADMIN or above.
func MembershipQueryRule() privacy.QueryRule {
	return privacy.MembershipQueryRuleFunc(func(ctx context.Context, q *ent.MembershipQuery) error {
		v := viewer.FromContext(ctx)
		if v.Kind != viewer.User {
			q.Where(func(s *sql.Selector) { s.Where(matchNone()) })
			return privacy.Allow
		}
		admin := TenantsWith(v, viewer.Admin)
		if len(admin) == 0 {
			q.Where(membership.UserID(v.UserID))
		} else {
			q.Where(membership.Or(membership.UserID(v.UserID), membership.TenantIDIn(admin...)))
		}
		return privacy.Allow
	})
}

// tenantScopedQuery filters a query of a tenant-owned type to the tenants
// where the viewer holds at least min tenant-wide.
func tenantScopedQuery(ctx context.Context, min viewer.Role, restrict func(tenantIDs []string)) error {
	restrict(TenantsWith(viewer.FromContext(ctx), min))
	return privacy.Allow
}

// InvitationQueryRule: tenant-wide ADMIN or above.
func InvitationQueryRule() privacy.QueryRule {
	return privacy.InvitationQueryRuleFunc(func(ctx context.Context, q *ent.InvitationQuery) error {
		return tenantScopedQuery(ctx, viewer.Admin, func(t []string) { q.Where(inOrNone(invitation.TenantIDIn, t)) })
	})
}

// APIKeyQueryRule: tenant-wide ADMIN or above.
func APIKeyQueryRule() privacy.QueryRule {
	return privacy.APIKeyQueryRuleFunc(func(ctx context.Context, q *ent.APIKeyQuery) error {
		return tenantScopedQuery(ctx, viewer.Admin, func(t []string) { q.Where(inOrNone(apikey.TenantIDIn, t)) })
	})
}

// ScheduleQueryRule: tenant-wide ADMIN or above, who manage schedules. The
// platform log's schedules (no tenant) are for platform admins, allowed
// before: the tenant filter never matches them.
func ScheduleQueryRule() privacy.QueryRule {
	return privacy.ScheduleQueryRuleFunc(func(ctx context.Context, q *ent.ScheduleQuery) error {
		return tenantScopedQuery(ctx, viewer.Admin, func(t []string) { q.Where(inOrNone(schedule.TenantIDIn, t)) })
	})
}

// ProcessQueryRule: tenant-wide AUDITOR or above (READ keys included);
// processes cover the whole tenant, so workspace-scoped grants do not reach them.
func ProcessQueryRule() privacy.QueryRule {
	return privacy.ProcessQueryRuleFunc(func(ctx context.Context, q *ent.ProcessQuery) error {
		return tenantScopedQuery(ctx, viewer.Auditor, func(t []string) { q.Where(inOrNone(process.TenantIDIn, t)) })
	})
}

// ArchiveQueryRule: tenant-wide AUDITOR or above, as processes.
func ArchiveQueryRule() privacy.QueryRule {
	return privacy.ArchiveQueryRuleFunc(func(ctx context.Context, q *ent.ArchiveQuery) error {
		return tenantScopedQuery(ctx, viewer.Auditor, func(t []string) { q.Where(inOrNone(archive.TenantIDIn, t)) })
	})
}

// ProcessLogQueryRule: the lines of the processes the viewer may see.
func ProcessLogQueryRule() privacy.QueryRule {
	return privacy.ProcessLogQueryRuleFunc(func(ctx context.Context, q *ent.ProcessLogQuery) error {
		v := viewer.FromContext(ctx)
		q.Where(processlog.HasProcessWith(inOrNone(process.TenantIDIn, TenantsWith(v, viewer.Auditor))))
		return privacy.Allow
	})
}

// SessionQueryRule: a user sees their own sessions (platform admins
// included: Session's policy allows Trailmark itself only, not
// AllowSystemAndPlatformAdmins); sign-in code looks sessions up under an
// explicit allow decision.
func SessionQueryRule() privacy.QueryRule {
	return privacy.SessionQueryRuleFunc(func(ctx context.Context, q *ent.SessionQuery) error {
		v := viewer.FromContext(ctx)
		if v.Kind == viewer.User {
			q.Where(session.UserID(v.UserID))
			return privacy.Allow
		}
		q.Where(func(s *sql.Selector) { s.Where(matchNone()) })
		return privacy.Allow
	})
}

// inOrNone is in(ids...) or, for no ids, a predicate that matches nothing
// (an empty IN list is not valid SQL everywhere).
func inOrNone[P ~func(*sql.Selector)](in func(...string) P, ids []string) P {
	if len(ids) == 0 {
		return func(s *sql.Selector) { s.Where(matchNone()) }
	}
	return in(ids...)
}

// LogStreamQueryRule: tenant-wide ADMIN or above, who manage log streams
// (AUDITOR does not: a stream's endpoint and header names describe the
// tenant's infrastructure, and its health is an operator's concern). The
// platform log's streams (no tenant) are for platform admins, allowed before.
func LogStreamQueryRule() privacy.QueryRule {
	return privacy.LogStreamQueryRuleFunc(func(ctx context.Context, q *ent.LogStreamQuery) error {
		return tenantScopedQuery(ctx, viewer.Admin, func(t []string) { q.Where(inOrNone(logstream.TenantIDIn, t)) })
	})
}

// LogStreamDeliveryQueryRule: the attempts of the streams the viewer may see.
func LogStreamDeliveryQueryRule() privacy.QueryRule {
	return privacy.LogStreamDeliveryQueryRuleFunc(func(ctx context.Context, q *ent.LogStreamDeliveryQuery) error {
		v := viewer.FromContext(ctx)
		q.Where(logstreamdelivery.HasStreamWith(inOrNone(logstream.TenantIDIn, TenantsWith(v, viewer.Admin))))
		return privacy.Allow
	})
}

// AuditEntryScope names what the AuditEntry query policy lets the viewer of
// ctx read: two contexts with the same scope get the same entries from the
// same query, so their answers may be shared (the live tail loads a notice
// once per scope and filter, not once per subscriber). It is built from the
// very decisions of the policy — the base rules' (anonymous, Trailmark
// itself and platform admins) and the SQL of AuditEntryVisible with its
// arguments — so it cannot drift from them. A context carrying a privacy
// decision of its own (AsSystem) shares with no one: ok is false.
func AuditEntryScope(ctx context.Context) (scope string, ok bool) {
	if _, decided := privacy.DecisionFromContext(ctx); decided {
		return "", false
	}
	v := viewer.FromContext(ctx)
	switch {
	case v.Kind == viewer.Anonymous:
		return "", false
	case SeesEverything(v):
		return "everything", true
	}
	p, err := AuditEntryVisible(ctx)
	if err != nil {
		return "", false
	}
	s := sql.Dialect(dialect.Postgres).Select().From(sql.Table(auditentry.Table))
	p(s)
	query, args := s.Query()
	return fmt.Sprintf("%s %q", query, args), true
}
