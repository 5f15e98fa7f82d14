package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strings"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent/migrate/migrations"
	"github.com/trailmark/trailmark/internal/txn"
)

const migrationsTable = "trailmark_migrations"

// Migration is one versioned migration file.
type Migration struct {
	Version string // file name without .sql, e.g. 20261129000000_init
	SQL     string
}

// Migrations returns the migrations of a dialect in order.
func Migrations(dia string) ([]Migration, error) {
	dir := map[string]string{dialect.SQLite: "sqlite", dialect.Postgres: "postgres"}[dia]
	if dir == "" {
		return nil, fmt.Errorf("no migrations for dialect %q", dia)
	}
	entries, err := fs.ReadDir(migrations.FS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(migrations.FS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, Migration{Version: strings.TrimSuffix(e.Name(), ".sql"), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every migration not applied yet, each in its own
// transaction, and records it. Concurrent replicas on PostgreSQL serialize on
// an advisory lock.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	ms, err := Migrations(d.Dialect)
	if err != nil {
		return err
	}
	conn, err := d.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if d.Dialect == dialect.Postgres {
		// A migration may build an index on a large table, and a replica
		// waits here for another's migrations: no statement timeout.
		ctx = Unbounded(ctx)
		if _, err := conn.ExecContext(ctx, `SET statement_timeout = 0`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `RESET statement_timeout`) //nolint:errcheck
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7262110)`); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7262110)`) //nolint:errcheck
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+migrationsTable+
		` (version VARCHAR(255) PRIMARY KEY, applied_at VARCHAR(64) NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: create %s: %w", migrationsTable, err)
	}
	applied := map[string]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM `+migrationsTable)
	if err != nil {
		return fmt.Errorf("migrate: list applied: %w", err)
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("migrate: %w", err)
		}
		applied[v] = true
	}
	rows.Close()
	ins := `INSERT INTO ` + migrationsTable + ` (version, applied_at) VALUES (?, CURRENT_TIMESTAMP)`
	if d.Dialect == dialect.Postgres {
		ins = `INSERT INTO ` + migrationsTable + ` (version, applied_at) VALUES ($1, now()::text)`
	}
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		// A SQLite table rebuild (Atlas writes "PRAGMA foreign_keys = off"
		// around it) drops a table other tables reference. The pragma does
		// nothing inside a transaction, so the transaction runs with
		// foreign keys off (txn.WithOwnForeignKeys: the connection's are
		// set around it), and the references are checked before the commit
		// (SQLite's "making other kinds of table schema changes").
		rebuild := d.Dialect == dialect.SQLite && strings.Contains(m.SQL, "PRAGMA foreign_keys = off")
		if err := d.apply(ctx, conn, m, ins, rebuild); err != nil {
			return err
		}
		log.Info("applied migration", "version", m.Version, "dialect", d.Dialect)
	}
	return nil
}

// apply runs one migration and records it in one transaction; checkFKs
// refuses to commit it while a foreign key points nowhere.
func (d *DB) apply(ctx context.Context, conn *sql.Conn, m Migration, ins string, checkFKs bool) error {
	txCtx := ctx
	if checkFKs {
		txCtx = txn.WithOwnForeignKeys(ctx)
	}
	tx, err := conn.BeginTx(txCtx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", m.Version, err)
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		tx.Rollback() //nolint:errcheck
		return fmt.Errorf("migrate %s: %w", m.Version, err)
	}
	if checkFKs {
		rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			tx.Rollback() //nolint:errcheck
			return fmt.Errorf("migrate %s: foreign key check: %w", m.Version, err)
		}
		bad := rows.Next()
		rows.Close()
		if bad {
			tx.Rollback() //nolint:errcheck
			return fmt.Errorf("migrate %s: foreign keys point nowhere after it", m.Version)
		}
	}
	if _, err := tx.ExecContext(ctx, ins, m.Version); err != nil {
		tx.Rollback() //nolint:errcheck
		return fmt.Errorf("migrate %s: record: %w", m.Version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", m.Version, err)
	}
	return nil
}

// Pending returns the versions not applied yet (readiness reports them).
func (d *DB) Pending(ctx context.Context) ([]string, error) {
	ms, err := Migrations(d.Dialect)
	if err != nil {
		return nil, err
	}
	applied := map[string]bool{}
	rows, err := d.SQL.QueryContext(ctx, `SELECT version FROM `+migrationsTable)
	if err != nil {
		return nil, fmt.Errorf("list applied migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	var out []string
	for _, m := range ms {
		if !applied[m.Version] {
			out = append(out, m.Version)
		}
	}
	return out, rows.Err()
}
