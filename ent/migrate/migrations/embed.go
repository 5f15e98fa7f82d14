// Package migrations holds the versioned SQL migrations of both dialects.
// They are generated from the ent schema by `make migration NAME=…`
// (ent/migrate/gen) and applied at start by internal/db.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
