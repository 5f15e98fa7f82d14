package db_test

import (
	"context"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
)

// TestPostgresJITOff: the server's PostgreSQL connections compile no
// plans (docs/deployment.md "JIT"): an overestimated search-tail plan
// spent hundreds of milliseconds in JIT compilation of a 0.1 ms query.
func TestPostgresJITOff(t *testing.T) {
	testdb.Each(t, func(t *testing.T, d *db.DB) {
		if d.Dialect != dialect.Postgres {
			t.Skip("PostgreSQL only")
		}
		for range 3 { // whichever pooled connection answers
			var jit string
			if err := d.SQL.QueryRowContext(context.Background(), "SELECT current_setting('jit')").Scan(&jit); err != nil {
				t.Fatal(err)
			}
			if jit != "off" {
				t.Fatalf("jit = %q on a server connection, want off", jit)
			}
		}
	})
}
