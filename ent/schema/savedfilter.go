package schema

import (
	"errors"
	"strings"
	"unicode/utf8"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/selfaudit"
)

// SavedFilter is a named set of filters of one dashboard page (the page's
// URL query string), private to its owner or shared with the tenant. Who
// reads and manages which is ent/rule's SavedFilterQueryRule and
// SavedFilterMutationRule.
type SavedFilter struct{ ent.Schema }

// Limits of a saved filter's name and state, checked by the schema so that
// every writer gets the same BAD_USER_INPUT.
const (
	SavedFilterNameMax  = 100
	SavedFilterStateMax = 4000
)

func (SavedFilter) Mixin() []ent.Mixin {
	return []ent.Mixin{
		IDMixin{Type: "SavedFilter"}, CreatedMixin{},
		// One name per owner and page: a second one is a CONFLICT.
		TenantMixin{Ref: "saved_filters", IndexBy: []string{"owner_id", "page", "name"}, Unique: true},
	}
}

func (SavedFilter) Fields() []ent.Field {
	return []ent.Field{
		field.String("owner_id").Immutable().NotEmpty().MaxLen(40).Annotations(entgql.Skip()),
		field.String("name").Validate(validName),
		field.Enum("page").Values("AUDIT_LOG", "PROCESSES", "ARCHIVES").Immutable(),
		field.String("state").MaxLen(SavedFilterStateMax).Default("").
			Comment("the page's URL query string (filters, search, dates), without paging"),
		field.Bool("shared").Default(false),
		field.Time("updated_at").Default(clock.Now).UpdateDefault(clock.Now),
	}
}

func validName(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return errors.New("a name is required")
	case s != strings.TrimSpace(s):
		return errors.New("a name may not start or end with spaces")
	case utf8.RuneCountInString(s) > SavedFilterNameMax:
		return errors.New("a name is at most 100 characters")
	}
	return nil
}

// Policy: see ent/rule. Unlike BaseMixin, platform admins get no blanket
// read: a private saved filter is its owner's alone.
func (SavedFilter) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.DenyAnonymous(), rule.AllowSystem(), rule.SavedFilterQueryRule()},
		Mutation: privacy.MutationPolicy{rule.DenyAnonymous(), rule.AllowSystem(), rule.SavedFilterMutationRule()},
	}
}

// Hooks record every change in the tenant's own log (internal/selfaudit).
func (SavedFilter) Hooks() []ent.Hook {
	return []ent.Hook{selfaudit.Hook()}
}
