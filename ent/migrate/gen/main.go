// Command gen writes a new versioned migration for both dialects from the
// difference between the migrations already checked in and the ent schema.
//
//	go run ./ent/migrate/gen NAME
//
// It replays the existing files on a scratch database of each dialect (an
// in-memory SQLite and a temporary PostgreSQL database on
// TRAILMARK_DEV_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"net/url"
	"os"
	"time"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	_ "github.com/lib/pq"
	_ "modernc.org/sqlite"

	"github.com/trailmark/trailmark/ent/migrate"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: go run ./ent/migrate/gen NAME")
	}
	name := os.Args[1]
	ctx := context.Background()
	if err := diff(ctx, dialect.SQLite, "file:gen?mode=memory&_pragma=foreign_keys(1)", "ent/migrate/migrations/sqlite", name); err != nil {
		log.Fatalf("sqlite: %v", err)
	}
	base := os.Getenv("TRAILMARK_DEV_DATABASE_URL")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		log.Fatal(err)
	}
	dbName := fmt.Sprintf("trailmark_migrate_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+dbName); err != nil {
		log.Fatalf("postgres: create scratch database: %v", err)
	}
	defer admin.ExecContext(ctx, "DROP DATABASE "+dbName) //nolint:errcheck
	u, _ := url.Parse(base)
	u.Path = "/" + dbName
	if err := diff(ctx, dialect.Postgres, u.String(), "ent/migrate/migrations/postgres", name); err != nil {
		log.Fatalf("postgres: %v", err)
	}
}

func diff(ctx context.Context, dia, dsn, dirPath, name string) error {
	drvName := map[string]string{dialect.SQLite: "sqlite", dialect.Postgres: "postgres"}[dia]
	db, err := sql.Open(drvName, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one in-memory SQLite database
	dir, err := atlasmigrate.NewLocalDir(dirPath)
	if err != nil {
		return err
	}
	m, err := schema.NewMigrate(entsql.OpenDB(dia, db),
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dia),
		schema.WithFormatter(atlasmigrate.DefaultFormatter),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
		migrate.KeepHandWritten,
	)
	if err != nil {
		return err
	}
	return m.NamedDiff(ctx, name, migrate.Tables...)
}
