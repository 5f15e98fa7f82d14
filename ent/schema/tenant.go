package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/internal/selfaudit"
)

// Tenant is one customer organisation of the product that sends us events.
type Tenant struct{ ent.Schema }

func (Tenant) Mixin() []ent.Mixin {
	return []ent.Mixin{BaseMixin{}, IDMixin{Type: "Tenant"}, CreatedMixin{}}
}

func (Tenant) Fields() []ent.Field {
	return []ent.Field{
		field.String("slug").Unique().NotEmpty().MaxLen(63).
			Match(slugRE).
			Annotations(entgql.OrderField("SLUG")),
		field.String("name").NotEmpty().MaxLen(200).
			Annotations(entgql.OrderField("NAME")),
		field.Int("retention_days").Optional().Nillable().Positive(),
	}
}

func (Tenant) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("memberships", Membership.Type).Annotations(entgql.Skip()),
		edge.To("invitations", Invitation.Type).Annotations(entgql.Skip()),
		edge.To("api_keys", APIKey.Type).Annotations(entgql.Skip()),
		// Entries outlive nothing: a tenant with entries cannot be deleted.
		edge.To("audit_entries", AuditEntry.Type).Annotations(entgql.Skip(), entsql.OnDelete(entsql.Restrict)),
		// NO ACTION: a process of no tenant is the platform's; deleting a
		// tenant must not make its processes that.
		edge.To("processes", Process.Type).Annotations(entgql.Skip(), entsql.OnDelete(entsql.NoAction)),
		// NO ACTION, not SET NULL: a schedule of no tenant is the platform
		// log's, so a tenant's must never lose its tenant.
		edge.To("schedules", Schedule.Type).Annotations(entgql.Skip(), entsql.OnDelete(entsql.NoAction)),
		edge.To("archives", Archive.Type).Annotations(entgql.Skip()),
		// A tenant's streams go with it: never to the platform log.
		edge.To("log_streams", LogStream.Type).Annotations(entgql.Skip(), entsql.OnDelete(entsql.Cascade)),
		edge.To("saved_filters", SavedFilter.Type).Annotations(entgql.Skip()),
	}
}

func (Tenant) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.QueryField(),
	}
}

// Policy: see ent/rule.
func (Tenant) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.TenantQueryRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystemAndPlatformAdmins(), rule.TenantMutationRule()},
	}
}

// Hooks record every change in the tenant's own log (internal/selfaudit).
func (Tenant) Hooks() []ent.Hook {
	return []ent.Hook{selfaudit.Hook()}
}
