// Package sqltext adapts hand-written SQL to the dialect: the packages that
// write SQL by hand (the ledger, the search indexer, log streams, VERIFY)
// write PostgreSQL's $N placeholders, and SQLite reads them as ?N.
package sqltext

import (
	"strings"

	"entgo.io/ent/dialect"
)

// Rebind leaves q as it is on PostgreSQL and writes its $N placeholders as
// ?N on SQLite (which binds ?N by number, so a placeholder may repeat or
// come out of order).
func Rebind(dia, q string) string {
	if dia == dialect.Postgres || !strings.Contains(q, "$") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q))
	for i := 0; i < len(q); i++ {
		if q[i] == '$' && i+1 < len(q) && q[i+1] >= '0' && q[i+1] <= '9' {
			b.WriteByte('?')
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}
