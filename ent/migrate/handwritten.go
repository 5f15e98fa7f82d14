package migrate

import (
	atlas "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect/sql/schema"
)

// HandWrittenIndexes are indexes created by hand-written migration SQL
// because the ent schema cannot express them: an operator class on
// PostgreSQL only, and partial indexes on an enum value (PostgreSQL stores
// the predicate rewritten, `(status)::text = 'FAILURE'::text`, so a diff
// against an entsql.IndexWhere never settles). Diffing the database
// against the ent schema would otherwise drop them.
var HandWrittenIndexes = map[string]bool{
	"auditentry_tenant_id_action_pattern":         true,
	"auditentry_failure_tenant_id_occurred_at_id": true,
	"auditentry_webhook_tenant_id_occurred_at_id": true,
}

// KeepHandWritten is a diff hook that drops the planned removal of
// HandWrittenIndexes; use it wherever the ent schema is diffed against a
// migrated database (ent/migrate/gen, the drift test in internal/db).
var KeepHandWritten = schema.WithDiffHook(func(next schema.Differ) schema.Differ {
	return schema.DiffFunc(func(current, desired *atlas.Schema) ([]atlas.Change, error) {
		changes, err := next.Diff(current, desired)
		if err != nil {
			return nil, err
		}
		out := changes[:0]
		for _, c := range changes {
			if m, ok := c.(*atlas.ModifyTable); ok {
				kept := m.Changes[:0]
				for _, tc := range m.Changes {
					if d, ok := tc.(*atlas.DropIndex); ok && HandWrittenIndexes[d.I.Name] {
						continue
					}
					kept = append(kept, tc)
				}
				if len(kept) == 0 {
					continue
				}
				m.Changes = kept
			}
			out = append(out, c)
		}
		return out, nil
	})
})
