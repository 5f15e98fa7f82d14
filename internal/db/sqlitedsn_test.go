package db_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/trailmark/trailmark/internal/db"
)

// A database path with URI characters ('#' ends a URI, '?' starts its
// query, '%' escapes) is opened where asked, with Trailmark's pragmas. A
// subtest named "sqlite3#01" has such a temporary directory: its database
// was opened at a shared path outside it, without foreign keys, and kept
// between runs.
func TestSQLiteDSNEscapesThePath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#01?b%2Fc")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "trailmark.db")
	s, err := sql.Open("sqlite", db.SQLiteDSN(p))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Exec("CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	var fk int
	if err := s.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d (%v): the pragmas were lost", fk, err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the database is not where asked: %v", err)
	}
}
