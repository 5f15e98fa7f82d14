package migrate

import (
	atlas "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect/sql/schema"
)

// HandWrittenIndexes are indexes created by migration SQL that the ent
// schema does not declare; diffing the database against the ent schema
// would otherwise drop them:
//   - an operator class (PostgreSQL only);
//   - on PostgreSQL, partial indexes that leave out the bulk value of a
//     low-cardinality column (PostgreSQL stores the predicate rewritten,
//     `(status)::text <> 'SUCCESS'::text`, so a diff against an
//     entsql.IndexWhere never settles);
//   - on SQLite, full indexes in their place: SQLite matches a partial
//     index's predicate literally (it does not prove `actor_type =
//     'SYSTEM'` implies `actor_type <> 'USER'`), so it keeps one index per
//     column (docs/indexes.md, "Partial indexes").
var HandWrittenIndexes = map[string]bool{
	"auditentry_tenant_id_action_pattern":                     true,
	"auditentry_tenant_id_status_occurred_at_id_not_success":  true,
	"auditentry_tenant_id_actor_type_occurred_at_id_not_user": true,
	"auditentry_tenant_id_status_occurred_at_id":              true,
	"auditentry_tenant_id_actor_type_occurred_at_id":          true,
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
