package sqltext

import (
	"testing"

	"entgo.io/ent/dialect"
)

func TestRebind(t *testing.T) {
	q := `INSERT INTO t (a, b) VALUES ($1, $12) ON CONFLICT (a) DO UPDATE SET b = $2 WHERE x = '$' AND y = $`
	if got := Rebind(dialect.Postgres, q); got != q {
		t.Fatalf("postgres: %s", got)
	}
	want := `INSERT INTO t (a, b) VALUES (?1, ?12) ON CONFLICT (a) DO UPDATE SET b = ?2 WHERE x = '$' AND y = $`
	if got := Rebind(dialect.SQLite, q); got != want {
		t.Fatalf("sqlite: %s", got)
	}
}
