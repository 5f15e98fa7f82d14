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

// Archive is a stored, downloadable file of a tenant's entries for a time range.
type Archive struct{ ent.Schema }

func (Archive) Mixin() []ent.Mixin {
	return []ent.Mixin{BaseMixin{}, IDMixin{Type: "Archive"}, CreatedMixin{},
		TenantMixin{Ref: "archives", IndexBy: []string{"created_at"}}}
}

func (Archive) Fields() []ent.Field {
	skipType := entgql.Skip(entgql.SkipType)
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.Enum("format").Values("JSONL_GZ", "CSV_GZ").Immutable().Annotations(entgql.Type("ArchiveFormat")),
		field.Time("from").Immutable(),
		field.Time("to").Immutable(),
		// Named filter_text because ent generates a Filter method; GraphQL calls it filter.
		field.String("filter_text").StorageKey("filter").Optional().Nillable().Immutable().
			Annotations(entgql.Skip(entgql.SkipType)),
		field.Int("entry_count").Default(0),
		field.Int64("size_bytes").Default(0),
		field.String("sha256").Default(""),
		field.String("blob_key").Immutable().Annotations(entgql.Skip()),
		field.String("process_id").Immutable().Annotations(entgql.Skip()),
		field.Enum("created_by_type").GoType(schematype.ActorType("")).Immutable().
			Annotations(skipType, entgql.Type("ActorType")),
		field.String("created_by_id").Optional().Nillable().Immutable().Annotations(skipType),
		field.String("created_by_name").Optional().Nillable().Immutable().Annotations(skipType),
		field.String("created_by_email").Optional().Nillable().Immutable().Annotations(skipType),
	}
}

func (Archive) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("process", Process.Type).Ref("archive").Field("process_id").
			Unique().Required().Immutable(),
	}
}

func (Archive) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy: see ent/rule.
func (Archive) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.ArchiveQueryRule()},
		Mutation: privacy.MutationPolicy{rule.ArchiveMutationRule()},
	}
}

// Hooks record every change in the tenant's own log (internal/selfaudit).
func (Archive) Hooks() []ent.Hook {
	return []ent.Hook{selfaudit.Hook()}
}
