package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/internal/selfaudit"
)

// APIKey lets an integration act for one tenant with some scopes.
type APIKey struct{ ent.Schema }

func (APIKey) Mixin() []ent.Mixin {
	return []ent.Mixin{BaseMixin{}, IDMixin{Type: "APIKey"}, CreatedMixin{}, TenantMixin{Ref: "api_keys"}}
}

func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200),
		field.String("prefix").Immutable().NotEmpty(),
		field.String("secret_hash").Unique().Immutable().Sensitive().Annotations(entgql.Skip()),
		field.Strings("scopes").Annotations(entgql.Skip(entgql.SkipType)), // typed in graph/schema
		field.String("created_by_id").Optional().Nillable().Immutable().Annotations(entgql.Skip()),
		field.Time("last_used_at").Optional().Nillable(),
		field.Time("deactivated_at").Optional().Nillable(),
	}
}

func (APIKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("created_by", User.Type).Field("created_by_id").Unique().Immutable(),
	}
}

func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy: see ent/rule.
func (APIKey) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.APIKeyQueryRule()},
		Mutation: privacy.MutationPolicy{rule.APIKeyMutationRule()},
	}
}

// Hooks record every change in the tenant's own log (internal/selfaudit).
func (APIKey) Hooks() []ent.Hook {
	return []ent.Hook{selfaudit.Hook()}
}
