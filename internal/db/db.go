// Package db opens Trailmark's database: SQLite (embedded default) or
// PostgreSQL (when DATABASE_URL is a postgres URL), and applies migrations.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/lib/pq"  // PostgreSQL driver "postgres"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"

	"github.com/trailmark/trailmark/ent"
	_ "github.com/trailmark/trailmark/ent/runtime" // defaults, hooks and privacy policies of the schema
)

// Config says which database to open.
type Config struct {
	// URL is a postgres:// or postgresql:// URL; empty means SQLite.
	URL string
	// DataDir holds the SQLite file (trailmark.db) when URL is empty.
	DataDir string
	// MaxOpenConns caps the pool (0: a default per dialect).
	MaxOpenConns int
	// MaxReadConns caps the connections callers' reads (GraphQL queries,
	// exports) hold at once, keeping the rest for writes (0:
	// DefaultReadConns; negative: no cap).
	MaxReadConns int
	// Debug logs every SQL statement.
	Debug bool
	// StatementTimeout is PostgreSQL's statement_timeout on every connection
	// (0: DefaultStatementTimeout; negative: none; a statement_timeout in
	// the URL wins). Migrations are exempt.
	StatementTimeout time.Duration
	// ConnectTimeout bounds opening a PostgreSQL connection, handshake
	// included (0: DefaultConnectTimeout; a connect_timeout in the URL wins).
	ConnectTimeout time.Duration
}

// Defaults of Config.
const (
	DefaultStatementTimeout = 60 * time.Second
	DefaultConnectTimeout   = 10 * time.Second
)

// DB is an open database.
type DB struct {
	Client  *ent.Client
	SQL     *sql.DB
	Dialect string // dialect.SQLite or dialect.Postgres
	// URL is the PostgreSQL URL (for LISTEN connections); empty on SQLite.
	URL string
	// ReadConns is how many connections callers' reads may hold at once
	// (see Reads); another client on SQL should use GateReads with it.
	ReadConns int
	// ReadSlots are those connections (nil: reads ungated). Client's
	// queries take them; a read's statements on SQL take one with Hold.
	ReadSlots *ReadSlots

	stopCheckpoints func()          // SQLite: stops the pool's checkpointer
	checkpointsDone <-chan struct{} // closed when it has stopped
}

// Open connects and checks the connection; it does not migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	var (
		dsn, dia string
		maxConns = cfg.MaxOpenConns
	)
	switch {
	case strings.HasPrefix(cfg.URL, "postgres://"), strings.HasPrefix(cfg.URL, "postgresql://"):
		dsn, dia = cfg.URL, dialect.Postgres
		if maxConns == 0 {
			maxConns = 32
		}
	case cfg.URL == "":
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		dsn, dia = SQLiteDSN(filepath.Join(cfg.DataDir, "trailmark.db")), dialect.SQLite
		if maxConns == 0 {
			maxConns = 8
		}
	default:
		return nil, fmt.Errorf("DATABASE_URL must start with postgres:// (got %q)", redactURL(cfg.URL))
	}
	var (
		sqlDB *sql.DB
		gate  writeGate // SQLite's, for the checkpointer
	)
	if dia == dialect.Postgres {
		o := pgOptions{ConnectTimeout: cfg.ConnectTimeout, StatementTimeout: cfg.StatementTimeout}
		if o.ConnectTimeout <= 0 {
			o.ConnectTimeout = DefaultConnectTimeout
		}
		if o.StatementTimeout == 0 {
			o.StatementTimeout = DefaultStatementTimeout
		}
		conn, err := newPGConnector(dsn, o)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", dia, err)
		}
		sqlDB = sql.OpenDB(conn)
	} else {
		conn, err := newSQLiteConnector(dsn)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", dia, err)
		}
		gate = conn.gate
		sqlDB = sql.OpenDB(conn)
	}
	sqlDB.SetMaxOpenConns(maxConns)
	sqlDB.SetMaxIdleConns(maxConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s: %w", dia, err)
	}
	readConns := cfg.MaxReadConns
	if readConns == 0 {
		readConns = DefaultReadConns(maxConns)
	}
	slots := NewReadSlots(readConns)
	drv := GateReadsWith(entsql.OpenDB(dia, sqlDB), slots)
	if cfg.Debug {
		drv = dialect.Debug(drv)
	}
	d := &DB{
		Client:          ent.NewClient(ent.Driver(drv)),
		SQL:             sqlDB,
		Dialect:         dia,
		URL:             map[bool]string{true: cfg.URL}[dia == dialect.Postgres],
		ReadConns:       readConns,
		ReadSlots:       slots,
		stopCheckpoints: func() {},
	}
	if dia == dialect.SQLite {
		stop, done := make(chan struct{}), make(chan struct{})
		go checkpointer(sqlDB, gate, stop, done)
		d.stopCheckpoints = func() { close(stop); <-done }
		d.checkpointsDone = done
	}
	return d, nil
}

// SQLiteDSN is the modernc DSN Trailmark uses for a database file: foreign
// keys on, WAL, a busy timeout instead of SQLITE_BUSY, case-sensitive LIKE
// (as on PostgreSQL; ilike lowers both sides), and times stored in one
// sortable text format.
//
// synchronous is FULL: in WAL mode every commit fsyncs the WAL before it
// returns, so an entry acknowledged to a client survives a power loss or an
// OS crash, as the API promises ("durable before the answer"). NORMAL, the
// setting before, syncs only at checkpoints: a commit survives the process
// crashing but not the machine, and the last commits before a power loss
// could vanish after they were acknowledged. Group commit spreads the fsync
// over the requests of a group (docs/performance.md "SQLite").
//
// temp_store is MEMORY: a multi-row INSERT inside a transaction (every
// batch, the search indexer) keeps a statement journal of the pages it
// changes, and past 64 KiB SQLite spilled it to a temporary file, one
// pwrite per page — 4% of a batch's CPU. Temporary tables and sorts live in
// memory too; their size is bounded by the query (docs/performance.md
// "2026-12-06 — SQLite again").
//
// cache_size is 16 MB a connection (SQLite's default: 2 MB): a batch
// changes pages all over ten indexes, and with 2 MB the writer spilled
// dirty pages to the WAL mid-transaction (to write them again at commit)
// and read evicted pages back — a fifth of a 50-entry batch's CPU in the
// bench's profile. At most 16 MB × the pool's connections, used as filled.
func SQLiteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "case_sensitive_like(1)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "cache_size(-16384)")
	q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walBackstopPages))
	q.Add("_txlock", "immediate")
	q.Add("_time_format", "sqlite")
	// Times are compared as text: write every time parameter in UTC, as the
	// stored values are, whatever zone a caller's time.Time carries (a
	// where-input bound with an offset, a cursor decoded in local time).
	q.Add("_timezone", "UTC")
	// The path is part of a URI: '#' would end it (a test directory named
	// "x#01" put the database elsewhere, without these pragmas), '?' would
	// start the query. SQLite decodes %XX in URI file names.
	path = strings.NewReplacer("%", "%25", "#", "%23", "?", "%3F").Replace(path)
	return "file:" + path + "?" + q.Encode()
}

// Close stops the checkpointer, then closes the client and the pool.
func (d *DB) Close() error {
	d.stopCheckpoints()
	d.stopCheckpoints = func() {}
	return d.Client.Close()
}

// Ping checks the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.SQL.PingContext(ctx) }

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<unparseable>"
	}
	return u.Redacted()
}
