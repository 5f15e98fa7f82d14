package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/ids"
)

// BaseMixin puts the rules every type starts with in front of the type's own
// policy (ent/rule): anonymous viewers are denied; Trailmark itself and
// platform admins read everything; Trailmark itself writes everything. A
// type's own rules decide the rest. (Session leaves it out: platform admins
// see their own sessions only.)
type BaseMixin struct{ mixin.Schema }

func (BaseMixin) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyAnonymous(), rule.AllowSystemAndPlatformAdmins()},
		Mutation: privacy.MutationPolicy{rule.DenyAnonymous(), rule.AllowSystem()},
	}
}

// IDMixin gives a type its prefixed ULID primary key (see internal/ids).
type IDMixin struct {
	mixin.Schema
	Type string
}

func (m IDMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").
			DefaultFunc(ids.NewFunc(m.Type)).
			Immutable().
			MaxLen(40).
			NotEmpty(),
	}
}

// CreatedMixin adds an immutable creation time.
type CreatedMixin struct{ mixin.Schema }

func (CreatedMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Default(clock.Now).
			Immutable().
			Annotations(entgql.OrderField("CREATED_AT")),
	}
}

// TenantMixin makes a type owned by a tenant: the immutable tenant_id column
// (not in GraphQL), the tenant edge and an index led by tenant_id, which
// every query of a tenant's rows filters on first.
type TenantMixin struct {
	mixin.Schema
	// Ref is the name of Tenant's edge to the type ("api_keys").
	Ref string
	// Optional allows rows of no tenant (the platform log).
	Optional bool
	// Platform allows rows of no tenant too, but keeps tenant_id a plain
	// string in Go that reads "" for them (processes of the platform log:
	// every tenant's process code keeps its string).
	Platform bool
	// IndexBy are the columns after tenant_id in the index.
	IndexBy []string
	// Unique makes the index unique.
	Unique bool
}

func (m TenantMixin) Fields() []ent.Field {
	f := field.String("tenant_id").Immutable().Annotations(entgql.Skip())
	switch {
	case m.Optional:
		f = f.Optional().Nillable()
	case m.Platform:
		f = f.Optional()
	}
	return []ent.Field{f}
}

func (m TenantMixin) Edges() []ent.Edge {
	e := edge.From("tenant", Tenant.Type).Ref(m.Ref).Field("tenant_id").Unique().Immutable()
	if !m.Optional && !m.Platform {
		e = e.Required()
	}
	if m.Platform {
		// GraphQL keeps `tenant: Tenant!` (API.md), resolved by hand: only
		// platform admins ever meet a row of no tenant.
		e = e.Annotations(entgql.Skip())
	}

	return []ent.Edge{e}
}

func (m TenantMixin) Indexes() []ent.Index {
	i := index.Fields(append([]string{"tenant_id"}, m.IndexBy...)...)
	if m.Unique {
		i = i.Unique()
	}
	return []ent.Index{i}
}
