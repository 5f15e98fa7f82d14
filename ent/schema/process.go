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
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/selfaudit"
)

// Process is a background job (archive, export, retention, verify); the row
// is the job. A process of no tenant (tenant_id NULL, "" in Go) works on the
// platform log: a VERIFY started by a platform admin.
type Process struct{ ent.Schema }

func (Process) Mixin() []ent.Mixin {
	return []ent.Mixin{BaseMixin{}, IDMixin{Type: "Process"}, CreatedMixin{},
		TenantMixin{Ref: "processes", IndexBy: []string{"created_at"}, Platform: true}}
}

func (Process) Fields() []ent.Field {
	skipType := entgql.Skip(entgql.SkipType)
	return []ent.Field{
		field.Enum("kind").GoType(schematype.ProcessKind("")).Immutable().Annotations(entgql.Type("ProcessKind")),
		field.Enum("status").Values("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED").
			Default("QUEUED").Annotations(entgql.Type("ProcessStatus")),
		field.Enum("initiator_type").GoType(schematype.ActorType("")).Immutable().
			Annotations(skipType, entgql.Type("ActorType")),
		field.String("initiator_id").Optional().Nillable().Immutable().Annotations(skipType),
		field.String("initiator_name").Optional().Nillable().Immutable().Annotations(skipType),
		field.String("initiator_email").Optional().Nillable().Immutable().Annotations(skipType),
		field.String("schedule_id").Optional().Nillable().Immutable().Annotations(entgql.Skip()),
		field.JSON("input", schematype.RawJSON{}).Optional().Annotations(entgql.Type("Map")),
		field.Float("progress").Optional().Nillable(),
		field.JSON("result", schematype.RawJSON{}).Optional().Annotations(entgql.Type("Map")),
		field.String("error").Optional().Nillable(),
		field.Time("started_at").Optional().Nillable().Annotations(entgql.OrderField("STARTED_AT")),
		field.Time("finished_at").Optional().Nillable(),
		// Queue bookkeeping (see internal/jobs).
		field.Time("run_after").Default(clock.Now).Annotations(entgql.Skip()),
		field.String("locked_by").Optional().Nillable().Annotations(entgql.Skip()),
		field.Time("locked_until").Optional().Nillable().Annotations(entgql.Skip()),
		field.Int("attempts").Default(0).Annotations(entgql.Skip()),
		field.Int("max_attempts").Default(5).Annotations(entgql.Skip()),
		field.Bool("cancel_requested").Default(false).Annotations(entgql.Skip()),
	}
}

func (Process) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("schedule", Schedule.Type).Ref("processes").Field("schedule_id").
			Unique().Immutable(),
		edge.To("archive", Archive.Type).Unique(),
		edge.To("logs", ProcessLog.Type).Annotations(entgql.Skip()),
	}
}

func (Process) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "run_after"),
		index.Fields("schedule_id"),
	}
}

func (Process) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// ProcessLog is one line of a process's log; seq orders the lines of a process.
type ProcessLog struct{ ent.Schema }

func (ProcessLog) Mixin() []ent.Mixin {
	return []ent.Mixin{BaseMixin{}, IDMixin{Type: "ProcessLog"}}
}

func (ProcessLog) Fields() []ent.Field {
	return []ent.Field{
		field.String("process_id").Immutable(),
		field.Int("seq").Immutable(),
		field.Time("at").Default(clock.Now).Immutable(),
		field.Enum("level").Values("DEBUG", "INFO", "WARN", "ERROR").Default("INFO").Immutable(),
		field.Text("message").Immutable(),
	}
}

func (ProcessLog) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("process", Process.Type).Ref("logs").Field("process_id").
			Unique().Required().Immutable(),
	}
}

func (ProcessLog) Indexes() []ent.Index {
	return []ent.Index{index.Fields("process_id", "seq").Unique()}
}

func (ProcessLog) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy: see ent/rule.
func (Process) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.ProcessQueryRule()},
		Mutation: privacy.MutationPolicy{rule.ProcessMutationRule()},
	}
}

// Policy: see ent/rule.
func (ProcessLog) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.ProcessLogQueryRule()},
		Mutation: privacy.MutationPolicy{rule.SystemOnlyMutationRule()},
	}
}

// Hooks record every change in the tenant's own log (internal/selfaudit).
func (Process) Hooks() []ent.Hook {
	return []ent.Hook{selfaudit.Hook()}
}
