package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
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
			Default(now).
			Immutable().
			Annotations(entgql.OrderField("CREATED_AT")),
	}
}

// now is UTC at microsecond precision, the precision both dialects store,
// so a value read back compares equal to the value written.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
