package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
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

// LogStream delivers a tenant's log (or, without a tenant, the platform log)
// to a destination, continuously, from a durable cursor (internal/streams).
// Its secrets (signing secret, token, header values) are write-only: they
// are skipped by entgql and never part of self-audit values.
type LogStream struct{ ent.Schema }

func (LogStream) Mixin() []ent.Mixin {
	return []ent.Mixin{BaseMixin{}, IDMixin{Type: "LogStream"}, CreatedMixin{},
		TenantMixin{Ref: "log_streams", Optional: true, IndexBy: []string{"created_at"}}}
}

func (LogStream) Fields() []ent.Field {
	skip := entgql.Skip()
	skipType := entgql.Skip(entgql.SkipType)
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.Enum("kind").Values("WEBHOOK", "SPLUNK_HEC", "DATADOG", "BUCKET").Immutable().
			Annotations(entgql.Type("LogStreamKind")),
		// PENDING: nothing delivered yet since creation or resume; HEALTHY:
		// the last attempt succeeded; FAILING: attempts have failed for longer
		// than the failing threshold (still retried); PAUSED: not delivered.
		field.Enum("status").Values("PENDING", "HEALTHY", "FAILING", "PAUSED").Default("PENDING").
			Annotations(entgql.Type("LogStreamStatus")),
		field.String("endpoint").NotEmpty().MaxLen(2048),
		field.String("token").Optional().Nillable().Sensitive().MaxLen(4096).Annotations(skip),
		field.JSON("headers", []schematype.StreamHeader{}).Optional().Sensitive().Annotations(skip),
		field.String("filter_text").StorageKey("filter").Optional().Nillable().MaxLen(10000).
			Annotations(skipType),
		field.Enum("format").Values("JSONL", "JSON_ARRAY").Default("JSONL").
			Annotations(entgql.Type("LogStreamFormat")),
		field.Int("batch_size").Default(100).Min(1).Max(1000),
		field.Int("max_delay_seconds").Default(5).Min(0).Max(3600),
		field.JSON("options", schematype.RawJSON{}).Optional().Annotations(entgql.Type("Map")),
		// Standard Webhooks signing secret (whsec_ + base64), and the one it
		// replaced, still signed with until previous_secret_expires_at.
		field.String("secret").Sensitive().Annotations(skip),
		field.String("previous_secret").Optional().Nillable().Sensitive().Annotations(skip),
		field.Time("previous_secret_expires_at").Optional().Nillable().Annotations(skipType),
		// Set by the API on changes of the configuration (not by delivery bookkeeping).
		field.Time("updated_at").Default(clock.Now),
		// Delivery state (internal/streams): the cursor is the seq, in the
		// stream's tamper-evident log, of the last delivered entry; it only
		// moves after the destination accepted the batch that ends with it.
		// Null until the stream's first step sets it from the legacy cursor
		// below (or from created_at): see internal/streams/cursor.go.
		field.Int64("cursor_seq").Optional().Nillable().Annotations(skip),
		// The legacy cursor, (received_at, id) of the last delivered entry:
		// still written, so that an older server taking over resumes where
		// this one stopped.
		field.Time("cursor_received_at").Optional().Nillable().Annotations(skip),
		field.String("cursor_id").Optional().Nillable().Annotations(skip),
		field.Time("last_delivered_at").Optional().Nillable(),
		field.String("last_error").Optional().Nillable().MaxLen(2000),
		field.Time("failing_since").Optional().Nillable().Annotations(skipType),
		field.Int("failures").Default(0).Annotations(skip),
		field.Time("next_attempt_at").Optional().Nillable().Annotations(skipType),
		field.Int64("delivered_entries").Default(0).Annotations(skipType),
		// Lease: one replica delivers a stream at a time.
		field.String("locked_by").Optional().Nillable().Annotations(skip),
		field.Time("locked_until").Optional().Nillable().Annotations(skip),
		field.Enum("created_by_type").GoType(schematype.ActorType("")).Immutable().
			Annotations(skipType, entgql.Type("ActorType")),
		field.String("created_by_id").Optional().Nillable().Immutable().Annotations(skipType),
		field.String("created_by_name").Optional().Nillable().Immutable().Annotations(skipType),
		field.String("created_by_email").Optional().Nillable().Immutable().Annotations(skipType),
	}
}

func (LogStream) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", LogStreamDelivery.Type).
			Annotations(entgql.Skip(), entsql.OnDelete(entsql.Cascade)),
	}
}

func (LogStream) Indexes() []ent.Index {
	return []ent.Index{index.Fields("status", "locked_until")}
}

func (LogStream) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)}
}

// Policy: see ent/rule.
func (LogStream) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.LogStreamQueryRule()},
		Mutation: privacy.MutationPolicy{rule.LogStreamMutationRule()},
	}
}

// Hooks record every change made by a user or API key in the tenant's own
// log (internal/selfaudit); the delivery engine's bookkeeping is not.
func (LogStream) Hooks() []ent.Hook {
	return []ent.Hook{selfaudit.Hook()}
}

// LogStreamDelivery is one attempt to deliver a batch (or a test event) to a
// stream's destination; the newest few hundred per stream are kept.
type LogStreamDelivery struct{ ent.Schema }

func (LogStreamDelivery) Mixin() []ent.Mixin {
	return []ent.Mixin{BaseMixin{}, IDMixin{Type: "LogStreamDelivery"}}
}

func (LogStreamDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.String("stream_id").Immutable().Annotations(entgql.Skip()),
		field.Time("at").Default(clock.Now).Immutable(),
		field.Int("entries").Default(0).Immutable(),
		field.Int("http_status").Optional().Nillable().Immutable(),
		field.Int("latency_ms").Default(0).Immutable(),
		field.String("error").Optional().Nillable().MaxLen(2000).Immutable(),
		field.Bool("ok").Default(false).Immutable(),
		field.Bool("test").Default(false).Immutable(),
		field.String("first_entry_id").Optional().Nillable().Immutable(),
		field.String("last_entry_id").Optional().Nillable().Immutable(),
		field.String("response").Optional().Nillable().MaxLen(2000).Immutable(),
	}
}

func (LogStreamDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("stream", LogStream.Type).Ref("deliveries").Field("stream_id").
			Unique().Required().Immutable(),
	}
}

func (LogStreamDelivery) Indexes() []ent.Index {
	return []ent.Index{index.Fields("stream_id", "at")}
}

func (LogStreamDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)}
}

// Policy: see ent/rule.
func (LogStreamDelivery) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.LogStreamDeliveryQueryRule()},
		Mutation: privacy.MutationPolicy{rule.SystemOnlyMutationRule()},
	}
}
