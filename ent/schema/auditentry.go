package schema

import (
	"context"
	"errors"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/viewer"
)

// AuditEntry is one who-did-what-when event. The table is append-only: rows
// are never updated, and only retention deletes them.
type AuditEntry struct{ ent.Schema }

func (AuditEntry) Mixin() []ent.Mixin {
	return []ent.Mixin{
		BaseMixin{}, IDMixin{Type: "AuditEntry"},
		// The default listing: a tenant's newest entries, keyset on
		// (occurred_at, id). Entries of no tenant are the platform log.
		TenantMixin{Ref: "audit_entries", Optional: true, IndexBy: []string{"occurred_at", "id"}},
	}
}

// jsonExact keeps the bytes as given on PostgreSQL (json, not jsonb).
var jsonExact = map[string]string{dialect.Postgres: "json"}

func (AuditEntry) Fields() []ent.Field {
	skipType := entgql.Skip(entgql.SkipType)
	return []ent.Field{
		field.Time("occurred_at").Immutable().Annotations(entgql.OrderField("OCCURRED_AT")),
		field.Time("received_at").Immutable().Annotations(entgql.OrderField("RECEIVED_AT")),
		field.String("action").Immutable().NotEmpty().MaxLen(200).Annotations(entgql.OrderField("ACTION")),
		field.String("resource_type").Immutable().NotEmpty().MaxLen(200),
		field.String("resource_id").Optional().Nillable().Immutable().MaxLen(500),
		field.String("resource_name").Optional().Nillable().Immutable().MaxLen(500),
		field.String("workspace").Optional().Nillable().Immutable().MaxLen(200),
		field.Enum("actor_type").GoType(schematype.ActorType("")).Immutable().
			Annotations(skipType, entgql.Type("ActorType")),
		field.String("actor_id").Optional().Nillable().Immutable().MaxLen(500).Annotations(skipType),
		field.String("actor_name").Optional().Nillable().Immutable().MaxLen(500).Annotations(skipType),
		field.String("actor_email").Optional().Nillable().Immutable().MaxLen(500).Annotations(skipType),
		field.Enum("status").Values("SUCCESS", "FAILURE").Default("SUCCESS").Immutable().
			Annotations(entgql.Type("AuditStatus")),
		jsonValue("old_value", "JSON"),
		jsonValue("new_value", "JSON"),
		jsonValue("metadata", "Map"),
		field.JSON("request", &schematype.RequestInfo{}).Optional().Immutable().
			SchemaType(jsonExact).
			Annotations(entgql.Skip()), // exposed with a field rule in graph/schema
		field.String("idempotency_key").Optional().Nillable().Immutable().MaxLen(200),
		field.String("hash").Immutable().NotEmpty(),
	}
}

// jsonValue is a JSON column read without json.Unmarshal: ent scans a JSON
// field through json.Unmarshal, whose validation and second scan of each
// value were 4% of a page's CPU (docs/performance.md, "2026-12-05 (evening)
// — the response write and row scanning"). The column type and the stored
// bytes are a JSON field's (schematype.JSONValue).
func jsonValue(name, gqlType string) ent.Field {
	return field.Bytes(name).GoType(schematype.RawJSON{}).ValueScanner(schematype.JSONValue{}).
		SchemaType(map[string]string{dialect.Postgres: "jsonb", dialect.SQLite: "json"}).Optional().Immutable().
		Annotations(entgql.Type(gqlType))
}

func (AuditEntry) Indexes() []ent.Index {
	return []ent.Index{
		// The dashboard's filters: action, resource type and user within a tenant.
		index.Fields("tenant_id", "action", "occurred_at"),
		index.Fields("tenant_id", "resource_type", "occurred_at"),
		index.Fields("tenant_id", "actor_id", "occurred_at"),
		// status and actor_type: on PostgreSQL partial indexes
		// (tenant_id, X, occurred_at, id) that leave out the bulk value
		// (WHERE status <> 'SUCCESS' / actor_type <> 'USER'), so most inserts
		// skip both while a filter on any other value (failures, the
		// "Triggers & webhooks" tab, SYSTEM, API_KEY) has an index; on SQLite,
		// which matches a partial index's predicate literally, full indexes
		// of the same columns. Written by hand per dialect (migration
		// audit_partial_indexes, ent/migrate/handwritten.go): PostgreSQL
		// rewrites an index predicate, so the migration drift check would
		// never settle on an entsql.IndexWhere (docs/indexes.md).
		// orderBy: RECEIVED_AT and EXPORT windows on received_at (scheduled
		// exports). Log streams no longer need it (they read log_leaves by
		// seq); kept because without it both are a scan of the table
		// (docs/indexes.md, docs/performance.md "2026-12-05 — log streams by seq").
		index.Fields("tenant_id", "received_at", "id"),
		// Cross-tenant views of platform admins and the platform log.
		index.Fields("occurred_at", "id"),
		index.Fields("tenant_id", "idempotency_key").Unique().
			Annotations(entsql.IndexWhere("idempotency_key IS NOT NULL")),
	}
}

func (AuditEntry) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// ErrImmutable is returned for any attempt to change or delete an audit entry
// outside retention.
var ErrImmutable = errors.New("audit entries are immutable")

func (AuditEntry) Hooks() []ent.Hook {
	return []ent.Hook{
		func(next ent.Mutator) ent.Mutator {
			return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
				switch {
				case m.Op().Is(ent.OpCreate):
					return next.Mutate(ctx, m)
				case m.Op().Is(ent.OpDelete) && viewer.RetentionDeleteAllowed(ctx):
					return next.Mutate(ctx, m)
				}
				return nil, ErrImmutable
			})
		},
	}
}

// Policy: see ent/rule.
func (AuditEntry) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AuditEntryQueryRule()},
		Mutation: privacy.MutationPolicy{rule.AuditEntryMutationRule()},
	}
}
