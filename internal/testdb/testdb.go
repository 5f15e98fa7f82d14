// Package testdb gives each test its own migrated database, on SQLite and on
// PostgreSQL, so tests of both dialects run in parallel without sharing rows.
//
// PostgreSQL comes from TRAILMARK_TEST_DATABASE_URL or 127.0.0.1:5432. Where
// none answers the PostgreSQL half is skipped with a loud message, except
// under CI=true, where it fails.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/db"
)

// Dialects are the dialects every storage test runs on.
var Dialects = []string{dialect.SQLite, dialect.Postgres}

// PostgresURL is the server tests use.
func PostgresURL() string {
	if u := os.Getenv("TRAILMARK_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var (
	pgOnce sync.Once
	pgErr  error
)

// RequirePostgres skips t (or fails it under CI=true) when PostgreSQL is not reachable.
func RequirePostgres(t testing.TB) {
	t.Helper()
	pgOnce.Do(func() {
		d, err := sql.Open("postgres", PostgresURL())
		if err != nil {
			pgErr = err
			return
		}
		defer d.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pgErr = d.PingContext(ctx)
	})
	if pgErr != nil {
		msg := fmt.Sprintf("!!! PostgreSQL at %s is not reachable (%v): PostgreSQL tests SKIPPED. Set TRAILMARK_TEST_DATABASE_URL.", redact(PostgresURL()), pgErr)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " CI=true requires PostgreSQL.")
		}
		t.Skip(msg)
	}
}

// URL returns a database URL for a fresh, empty database of dialect dia
// (dropped when t ends): a SQLite file path ("" URL, DataDir set) or a
// PostgreSQL URL pointing at a new schema.
func URL(t testing.TB, dia string) db.Config {
	t.Helper()
	switch dia {
	case dialect.SQLite:
		return db.Config{DataDir: t.TempDir()}
	case dialect.Postgres:
		RequirePostgres(t)
		schema := "t_" + randHex(8)
		admin, err := sql.Open("postgres", PostgresURL())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
			admin.Close()
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() {
			defer admin.Close()
			if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
				t.Logf("drop schema %s: %v", schema, err)
			}
		})
		u, err := url.Parse(PostgresURL())
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return db.Config{URL: u.String(), MaxOpenConns: 8}
	}
	t.Fatalf("unknown dialect %q", dia)
	return db.Config{}
}

// Open returns a fresh migrated database of dialect dia, closed when t ends.
func Open(t testing.TB, dia string) *db.DB {
	t.Helper()
	return OpenConfig(t, URL(t, dia))
}

// OpenConfig opens and migrates the database of cfg, closed when t ends.
func OpenConfig(t testing.TB, cfg db.Config) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return d
}

// Each runs fn as a parallel subtest on each dialect with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dia := range Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, dia))
		})
	}
}

// SQLitePath is the database file of a SQLite config (for tests that open it twice).
func SQLitePath(cfg db.Config) string { return filepath.Join(cfg.DataDir, "trailmark.db") }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<url>"
	}
	return u.Redacted()
}
