package audit

import (
	"strings"

	"entgo.io/ent/dialect/sql"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/predicate"
)

// MaxSearch caps the length of a search text.
const MaxSearch = 200

// searchColumns are what `search` looks in: action, resource, actor, workspace.
var searchColumns = []string{
	auditentry.FieldAction, auditentry.FieldResourceType, auditentry.FieldResourceID,
	auditentry.FieldResourceName, auditentry.FieldActorName, auditentry.FieldActorEmail,
	auditentry.FieldActorID, auditentry.FieldWorkspace,
}

// Search matches entries where any searched column contains text, ignoring
// case. The text is literal: % and _ match themselves. It returns nil for a
// blank text.
func Search(text string) predicate.AuditEntry {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	pattern := "%" + escapeLike(strings.ToLower(text)) + "%"
	return func(s *sql.Selector) {
		preds := make([]*sql.Predicate, len(searchColumns))
		for i, col := range searchColumns {
			c := s.C(col)
			preds[i] = sql.P(func(b *sql.Builder) {
				b.WriteString("LOWER(").WriteString(c).WriteString(") LIKE ").Arg(pattern).WriteString(` ESCAPE '\'`)
			})
		}
		s.Where(sql.Or(preds...))
	}
}

// escapeLike makes s literal inside a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
