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
)

// Session is a signed-in browser or client; the token is stored hashed.
type Session struct{ ent.Schema }

func (Session) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Type: "Session"}, CreatedMixin{}}
}

func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.String("user_id").Immutable(),
		field.String("token_hash").Unique().Sensitive(),
		field.Time("expires_at"),
		field.Time("last_seen_at").Optional().Nillable(),
		field.String("source_ip").Optional(),
		field.String("user_agent").Optional().MaxLen(500),
	}
}

func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("sessions").Field("user_id").
			Unique().Required().Immutable(),
	}
}

func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id"), index.Fields("expires_at")}
}

func (Session) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy: see ent/rule. Session leaves BaseMixin out, so that platform
// admins, like everyone, see only their own sessions.
func (Session) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyAnonymous(), rule.AllowSystem(), rule.SessionQueryRule()},
		Mutation: privacy.MutationPolicy{rule.DenyAnonymous(), rule.AllowSystem(), rule.SystemOnlyMutationRule()},
	}
}
