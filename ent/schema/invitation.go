package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/selfaudit"
)

// Invitation asks someone by email to join a tenant; its token is single-use.
type Invitation struct{ ent.Schema }

func (Invitation) Mixin() []ent.Mixin {
	return []ent.Mixin{BaseMixin{}, IDMixin{Type: "Invitation"}, CreatedMixin{},
		TenantMixin{Ref: "invitations", IndexBy: []string{"status"}}}
}

func (Invitation) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").NotEmpty().MaxLen(320),
		field.Enum("role").GoType(schematype.Role("")).Annotations(entgql.Type("Role")),
		field.String("workspace").Optional().Nillable().MaxLen(200),
		field.String("token_hash").Unique().Sensitive().Annotations(entgql.Skip()),
		field.Enum("status").Values("PENDING", "ACCEPTED", "REVOKED", "EXPIRED").
			Default("PENDING").Annotations(entgql.Type("InvitationStatus")),
		field.Time("expires_at"),
		field.String("invited_by_id").Optional().Nillable().Annotations(entgql.Skip()),
		field.Time("accepted_at").Optional().Nillable(),
	}
}

func (Invitation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("invited_by", User.Type).Field("invited_by_id").Unique(),
	}
}

func (Invitation) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy: see ent/rule.
func (Invitation) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.InvitationQueryRule()},
		Mutation: privacy.MutationPolicy{rule.InvitationMutationRule()},
	}
}

// Hooks record every change in the tenant's own log (internal/selfaudit).
func (Invitation) Hooks() []ent.Hook {
	return []ent.Hook{selfaudit.Hook()}
}
