package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
)

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`)

// User is a person who signs in to the dashboard.
type User struct{ ent.Schema }

func (User) Mixin() []ent.Mixin {
	return []ent.Mixin{BaseMixin{}, IDMixin{Type: "User"}, CreatedMixin{}}
}

func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Unique().NotEmpty().MaxLen(320).
			Annotations(entgql.Skip(entgql.SkipType)), // exposed with a field rule in graph/schema
		field.String("name").NotEmpty().MaxLen(200),
		field.String("password_hash").Optional().Sensitive().
			Annotations(entgql.Skip()),
		field.Bool("is_platform_admin").Default(false),
	}
}

func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("memberships", Membership.Type).Annotations(entgql.Skip()),
		edge.To("sessions", Session.Type).Annotations(entgql.Skip()),
	}
}

func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy: see ent/rule.
func (User) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.UserQueryRule()},
		Mutation: privacy.MutationPolicy{rule.SystemOnlyMutationRule()},
	}
}
