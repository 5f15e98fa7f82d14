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

// Schedule starts a process of its kind on a cron expression. A schedule of
// no tenant starts VERIFY processes of the platform log (platform admins
// only, like the processes it starts).
type Schedule struct{ ent.Schema }

func (Schedule) Mixin() []ent.Mixin {
	return []ent.Mixin{BaseMixin{}, IDMixin{Type: "Schedule"}, CreatedMixin{}, TenantMixin{Ref: "schedules", Platform: true}}
}

func (Schedule) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").GoType(schematype.ProcessKind("")).Immutable().Annotations(entgql.Type("ProcessKind")),
		field.String("cron").NotEmpty().MaxLen(100),
		field.JSON("input", schematype.RawJSON{}).Optional().Annotations(entgql.Type("Map")),
		field.Bool("enabled").Default(true),
		field.Time("next_run_at").Optional().Nillable(),
		field.String("created_by_id").Optional().Nillable().Immutable().Annotations(entgql.Skip()),
	}
}

func (Schedule) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("processes", Process.Type).Annotations(entgql.Skip()),
	}
}

func (Schedule) Indexes() []ent.Index {
	return []ent.Index{index.Fields("enabled", "next_run_at")}
}

func (Schedule) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy: see ent/rule.
func (Schedule) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.ScheduleQueryRule()},
		Mutation: privacy.MutationPolicy{rule.ScheduleMutationRule()},
	}
}

// Hooks record every change in the tenant's own log (internal/selfaudit).
func (Schedule) Hooks() []ent.Hook {
	return []ent.Hook{selfaudit.Hook()}
}
