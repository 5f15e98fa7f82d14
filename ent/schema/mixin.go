package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"github.com/trailmark/trailmark/internal/ids"
)

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
