package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"reflect"
	"strings"
	"sync"
	"time"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/trailmark/trailmark/internal/txn"
)

// modernc's SQLite interrupts a statement whose context ends only while the
// statement computes its first row; the rows after it are stepped without
// watching the context, so a filter that matches rarely keeps a connection
// busy for seconds after its request gave up. sqliteConnector's rows
// interrupt the statement (sqlite3_interrupt) when their context ends, so a
// query's time on SQLite is bounded by its request as on PostgreSQL.

// SQLite lets one connection write at a time; the others wait for the lock
// under busy_timeout, which polls: SQLite's busy handler sleeps 1, 2, 5, 10
// … up to 100 ms between tries and is not woken when the lock frees. With
// 32 clients ingesting, writers slept while the lock sat idle, and a batch
// could wait seconds. The connections of one connector therefore take
// writeGate, a lock in this process, before they write (a transaction —
// every transaction begins IMMEDIATE —, or a write statement outside one):
// a waiting writer starts as soon as the one before it finishes.
// busy_timeout stays for what the gate does not see (another process on
// the file, a write the statement test misses).

// writeGate is the write lock of one SQLite database in this process.
type writeGate chan struct{}

// gateWait bounds a wait for the gate: busy_timeout's 10 s. A writer that
// waited that long goes to SQLite without the gate, which then fails it
// with SQLITE_BUSY as it did before the gate (or lets it write, if the
// holder finished meanwhile) — never a wait without end.
const gateWait = 10 * time.Second

// acquire takes the gate, or reports false after gateWait or when ctx ends.
func (g writeGate) acquire(ctx context.Context) bool {
	select {
	case g <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(gateWait)
	defer t.Stop()
	select {
	case g <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (g writeGate) release() { <-g }

// sqliteConnector opens modernc connections whose rows are interrupted when
// their context ends and whose writes take the database's writeGate.
type sqliteConnector struct {
	drv  driver.Driver
	dsn  string
	gate writeGate
}

func newSQLiteConnector(dsn string) (driver.Connector, error) {
	probe, err := sql.Open("sqlite", dsn) // opens nothing: only to reach the registered driver
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	_ = probe.Close()
	return sqliteConnector{drv: drv, dsn: dsn, gate: make(writeGate, 1)}, nil
}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	cn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &sqliteConn{Conn: cn, handle: sqliteHandle(cn), gate: c.gate}, nil
}

func (c sqliteConnector) Driver() driver.Driver { return c.drv }

// sqliteHandle is the sqlite3* of a modernc connection (0 if its layout
// changed: rows are then only interrupted as modernc does itself).
func sqliteHandle(cn driver.Conn) uintptr {
	v := reflect.ValueOf(cn)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return 0
	}
	f := v.Elem().FieldByName("db")
	if !f.IsValid() || f.Kind() != reflect.Uintptr {
		return 0
	}
	return uintptr(f.Uint())
}

// sqliteConn forwards to the modernc connection; its rows watch their
// context, its writes take the gate. database/sql uses a connection from
// one goroutine at a time, so inTx needs no lock.
type sqliteConn struct {
	driver.Conn
	handle uintptr
	gate   writeGate
	inTx   bool // a transaction is open: it holds the gate (or gave up on it)
	bad    bool // its foreign keys may be left off: database/sql discards it
	stmts  stmtCache
}

func (c *sqliteConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	held := !c.inTx && isWrite(query) && c.gate.acquire(ctx)
	var (
		rows driver.Rows
		err  error
		cs   = c.stmts.take(ctx, c.Conn, query)
	)
	if cs != nil {
		rows, err = cs.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	} else {
		rows, err = c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	if err != nil {
		if held {
			c.gate.release()
		}
		cs.give()
		return nil, err
	}
	r := &sqliteRows{Rows: rows, handle: c.handle, stop: func() bool { return false }, stmt: cs}
	if held { // an INSERT … RETURNING writes until its rows are closed
		r.release = c.gate.release
	}
	if c.handle != 0 && ctx.Done() != nil {
		r.stop = context.AfterFunc(ctx, r.interrupt)
	}
	return r, nil
}

func (c *sqliteConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if !c.inTx && isWrite(query) && c.gate.acquire(ctx) {
		defer c.gate.release()
	}
	if cs := c.stmts.take(ctx, c.Conn, query); cs != nil {
		defer cs.give()
		return cs.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	}
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

// Close finalizes the cached statements, then closes the connection.
func (c *sqliteConn) Close() error {
	c.stmts.close()
	return c.Conn.Close()
}

// isWrite reports whether a statement run outside a transaction writes. A
// write it misses only waits for the lock as before the gate (busy_timeout);
// a read it took for a write would hold writers up, so it errs the other way.
func isWrite(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	head := strings.ToUpper(q[:min(len(q), 8)])
	for _, w := range []string{"INSERT", "UPDATE", "DELETE", "REPLACE"} {
		if strings.HasPrefix(head, w) {
			return true
		}
	}
	if strings.HasPrefix(head, "WITH") {
		u := strings.ToUpper(q)
		return strings.Contains(u, "INSERT ") || strings.Contains(u, "UPDATE ") || strings.Contains(u, "DELETE ")
	}
	return false
}

func (c *sqliteConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

// BeginTx takes the gate for the transaction's life: every transaction but
// a read-only one begins IMMEDIATE (the DSN's _txlock), that is, with
// SQLite's write lock.
//
// A transaction whose context carries txn.WithOwnForeignKeys runs with
// foreign_keys off (the pragma is a no-op inside a transaction, so it is
// set before BEGIN and restored after the end): its work checks what the
// foreign keys would, with the write lock held. A connection whose
// foreign keys could not be restored for sure is discarded.
func (c *sqliteConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	held := !opts.ReadOnly && c.gate.acquire(ctx) // read-only: a deferred BEGIN
	if !held && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	fkOff := !opts.ReadOnly && txn.OwnForeignKeys(ctx)
	if fkOff {
		if err := c.setForeignKeys(false); err != nil {
			if held {
				c.gate.release()
			}
			return nil, err
		}
	}
	tx, err := c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		if fkOff {
			c.restoreForeignKeys()
		}
		if held {
			c.gate.release()
		}
		return nil, err
	}
	c.inTx = true
	return &sqliteTx{Tx: tx, c: c, held: held, fkOff: fkOff}, nil
}

func (c *sqliteConn) setForeignKeys(on bool) error {
	q := "PRAGMA foreign_keys = OFF"
	if on {
		q = "PRAGMA foreign_keys = ON"
	}
	_, err := c.Conn.(driver.ExecerContext).ExecContext(context.Background(), q, nil)
	return err
}

// restoreForeignKeys turns foreign keys back on after a transaction
// without them, or marks the connection bad.
func (c *sqliteConn) restoreForeignKeys() {
	if err := c.setForeignKeys(true); err != nil {
		c.bad = true
	}
}

// sqliteTx releases the gate when it ends.
type sqliteTx struct {
	driver.Tx
	c     *sqliteConn
	held  bool
	fkOff bool // foreign keys are off for this transaction
}

func (t *sqliteTx) Commit() error {
	err := t.Tx.Commit()
	t.end(err)
	return err
}

func (t *sqliteTx) Rollback() error {
	err := t.Tx.Rollback()
	t.end(err)
	return err
}

// end restores foreign keys when they were off — unless the COMMIT or
// ROLLBACK failed: the transaction may then still be open, where the
// pragma does nothing, so the connection is discarded instead (closing it
// rolls back what is open) — and releases the gate.
func (t *sqliteTx) end(err error) {
	t.c.inTx = false
	if t.fkOff {
		t.fkOff = false
		if err != nil {
			t.c.bad = true
		} else {
			t.c.restoreForeignKeys()
		}
	}
	if t.held {
		t.held = false
		t.c.gate.release()
	}
}

func (c *sqliteConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *sqliteConn) ResetSession(ctx context.Context) error {
	if c.bad {
		return driver.ErrBadConn
	}
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *sqliteConn) IsValid() bool { return !c.bad && c.Conn.(driver.Validator).IsValid() }

// sqliteRows interrupts its statement if its context ends before Close.
type sqliteRows struct {
	driver.Rows
	handle  uintptr
	stop    func() bool
	release func() // the write gate, held by a write outside a transaction
	stmt    *cachedStmt

	mu     sync.Mutex
	closed bool
}

func (r *sqliteRows) interrupt() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed { // the connection may run another statement by now
		return
	}
	tls := libc.NewTLS()
	sqlite3.Xsqlite3_interrupt(tls, r.handle)
	tls.Close()
}

func (r *sqliteRows) Close() error {
	r.stop()
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	err := r.Rows.Close() // a cached statement is reset, not finalized
	r.stmt.give()
	r.stmt = nil
	if r.release != nil {
		r.release()
		r.release = nil
	}
	return err
}

func (r *sqliteRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *sqliteRows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *sqliteRows) ColumnTypeNullable(i int) (bool, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *sqliteRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

func (r *sqliteRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

// Preparing a statement is a good part of a small query's cost on SQLite
// (parsing, name resolution, planning, in modernc's translated C): a page
// of the audit log runs the same few statements over and over, and so does
// ingestion. Each connection keeps its prepared statements by text and
// reuses them (modernc resets a statement when its rows close).

// stmtCache holds one connection's prepared statements; database/sql uses
// a connection from one goroutine at a time, so it needs no lock.
type stmtCache struct {
	m    map[string]*cachedStmt
	size int // bytes of SQL text held
}

// Bounds of a connection's cache: a multi-row INSERT of hundreds of rows
// prepares into a large program, and a query with an IN list of ids comes
// in many lengths; such statements are not kept.
const (
	cacheMaxStmts = 64
	cacheMaxSQL   = 8 << 10 // bytes of one statement's text
	cacheMaxBytes = 128 << 10
)

// SQLiteCachedSQL is the longest statement text a SQLite connection keeps
// prepared: a statement run often should be shorter.
const SQLiteCachedSQL = cacheMaxSQL

type cachedStmt struct {
	stmt driver.Stmt
	busy bool // its rows are open (a caller reads another query meanwhile)
}

// take returns the cached statement of query, prepared if new, marked busy
// until give; nil (run it unprepared) when it is busy, too big, or fails
// to prepare — the unprepared run then reports the error.
func (c *stmtCache) take(ctx context.Context, cn driver.Conn, query string) *cachedStmt {
	if len(query) > cacheMaxSQL {
		return nil
	}
	cs := c.m[query]
	if cs == nil {
		st, err := cn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
		if err != nil {
			return nil
		}
		if len(c.m) >= cacheMaxStmts || c.size+len(query) > cacheMaxBytes {
			c.evict()
		}
		if c.m == nil {
			c.m = map[string]*cachedStmt{}
		}
		cs = &cachedStmt{stmt: st}
		c.m[query] = cs
		c.size += len(query)
	}
	if cs.busy {
		return nil
	}
	cs.busy = true
	return cs
}

// give returns a statement taken from the cache.
func (cs *cachedStmt) give() {
	if cs != nil {
		cs.busy = false
	}
}

// evict drops the statements not in use (all of them, simply: a workload
// that overflows the cache does not profit from it much anyway).
func (c *stmtCache) evict() {
	for q, cs := range c.m {
		if !cs.busy {
			_ = cs.stmt.Close()
			delete(c.m, q)
			c.size -= len(q)
		}
	}
}

func (c *stmtCache) close() {
	for _, cs := range c.m {
		cs.busy = false
	}
	c.evict()
}
