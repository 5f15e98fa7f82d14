package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/selfaudit"
)

// Membership gives a user a role in a tenant, optionally scoped to one workspace.
type Membership struct{ ent.Schema }

func (Membership) Mixin() []ent.Mixin {
	return []ent.Mixin{BaseMixin{}, IDMixin{Type: "Membership"}, CreatedMixin{},
		TenantMixin{Ref: "memberships", IndexBy: []string{"user_id"}, Unique: true}}
}

func (Membership) Fields() []ent.Field {
	return []ent.Field{
		field.String("user_id").Immutable().Annotations(entgql.Skip()),
		field.Enum("role").GoType(schematype.Role("")).Annotations(entgql.Type("Role")),
		field.String("workspace").Optional().Nillable().MaxLen(200),
	}
}

func (Membership) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("memberships").Field("user_id").
			Unique().Required().Immutable(),
	}
}

func (Membership) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id")}
}

func (Membership) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy: see ent/rule.
func (Membership) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.MembershipQueryRule()},
		Mutation: privacy.MutationPolicy{rule.MembershipMutationRule()},
	}
}

// Hooks record every change in the tenant's own log (internal/selfaudit).
func (Membership) Hooks() []ent.Hook {
	return []ent.Hook{rule.MembershipInvariants(), selfaudit.Hook()}
}
