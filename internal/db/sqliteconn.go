package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
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

// All of a database's write transactions (and writes outside one) run on
// one SQLite connection of its connector, the writer, which only the
// gate's holder uses. SQLite drops a connection's whole page cache when it
// begins a transaction after another connection committed; with writes on
// whichever pooled connection database/sql handed out, every group of the
// ingest writer began with a cold cache and read the pages of ten indexes
// back (a quarter of its CPU in the bench's profile). On one connection the
// pages the last write left stay cached for the next, whoever writes it
// (docs/performance.md "2026-12-06 (late morning) — SQLite batch ingest").
// Reads stay on their own pooled connections.

// writerCacheKiB is the writer's page cache, in KiB (the DSN's is 16 MB
// a connection). A group of the bench's batches, whose keys land all over
// ten indexes, changes ~6 000 pages (24 MB): with 16 MB the writer spilled
// dirty pages into the WAL mid-transaction, wrote them again at the
// commit, and SQLite then read back and checksummed again every frame
// after the first one rewritten (walRewriteChecksums) — 8% of the bench's
// CPU. The writer's cache also holds the indexes' pages between writes.
const writerCacheKiB = 64 << 10

// rawConn is one modernc connection and its statement cache.
type rawConn struct {
	driver.Conn
	handle uintptr
	stmts  stmtCache
}

func (r *rawConn) close() error {
	r.stmts.close()
	return r.Conn.Close()
}

// sqliteConnector opens modernc connections whose rows are interrupted when
// their context ends and whose writes take the database's writeGate and
// run on its writer.
type sqliteConnector struct {
	drv    driver.Driver
	dsn    string
	gate   writeGate
	writer *rawConn // nil until the first write, or after it was dropped; the gate's holder's
}

func newSQLiteConnector(dsn string) (*sqliteConnector, error) {
	probe, err := sql.Open("sqlite", dsn) // opens nothing: only to reach the registered driver
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	_ = probe.Close()
	return &sqliteConnector{drv: drv, dsn: dsn, gate: make(writeGate, 1)}, nil
}

func (c *sqliteConnector) open() (*rawConn, error) {
	cn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &rawConn{Conn: cn, handle: sqliteHandle(cn)}, nil
}

func (c *sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	r, err := c.open()
	if err != nil {
		return nil, err
	}
	return &sqliteConn{own: r, cur: r, conn: c, gate: c.gate}, nil
}

func (c *sqliteConnector) Driver() driver.Driver { return c.drv }

// takeWriter returns the writer, opened if need be; the caller holds the gate.
func (c *sqliteConnector) takeWriter() (*rawConn, error) {
	if c.writer == nil {
		w, err := c.open()
		if err != nil {
			return nil, err
		}
		if _, err := w.Conn.(driver.ExecerContext).ExecContext(context.Background(), fmt.Sprintf("PRAGMA cache_size = -%d", writerCacheKiB), nil); err != nil {
			_ = w.close()
			return nil, err
		}
		c.writer = w
	}
	return c.writer, nil
}

// dropWriter closes the writer (rolling back what it may have open); the
// next write opens another. The caller holds the gate.
func (c *sqliteConnector) dropWriter() {
	if c.writer != nil {
		_ = c.writer.close()
		c.writer = nil
	}
}

// Close closes the writer once no write holds it; database/sql calls it
// when the pool closes.
func (c *sqliteConnector) Close() error {
	if !c.gate.acquire(context.Background()) {
		return nil // a write still holds it after gateWait: leave it
	}
	defer c.gate.release()
	c.dropWriter()
	return nil
}

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

// sqliteConn is a pooled connection: reads run on its own modernc
// connection, writes on the connector's writer with the gate held; its
// rows watch their context. database/sql uses a connection from one
// goroutine at a time, so its fields need no lock.
type sqliteConn struct {
	own  *rawConn
	cur  *rawConn // where statements run: own, or the writer during a write transaction
	conn *sqliteConnector
	gate writeGate
	inTx bool      // a transaction is open: it holds the gate (or gave up on it)
	tx   *sqliteTx // that transaction
	bad  bool      // it failed to end a transaction on its own connection: database/sql discards it
}

// writeOn takes the gate and the writer for a write outside a
// transaction: ok false (run it on c's own connection, without the gate)
// when the gate was not had within gateWait.
func (c *sqliteConn) writeOn(ctx context.Context) (r *rawConn, ok bool, err error) {
	if !c.gate.acquire(ctx) {
		return c.own, false, nil
	}
	w, err := c.conn.takeWriter()
	if err != nil {
		c.gate.release()
		return nil, false, err
	}
	return w, true, nil
}

func (c *sqliteConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rc, held := c.cur, false
	if !c.inTx && isWrite(query) {
		var err error
		if rc, held, err = c.writeOn(ctx); err != nil {
			return nil, err
		}
	}
	var (
		rows driver.Rows
		err  error
		cs   = rc.stmts.take(ctx, rc.Conn, query)
	)
	if cs != nil {
		rows, err = cs.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	} else {
		rows, err = rc.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	if err != nil {
		if held {
			c.gate.release()
		}
		cs.give()
		return nil, err
	}
	r := &sqliteRows{Rows: rows, handle: rc.handle, stop: func() bool { return false }, stmt: cs}
	if held { // an INSERT … RETURNING writes until its rows are closed
		r.release = c.gate.release
	}
	if rc.handle != 0 && ctx.Done() != nil {
		r.stop = context.AfterFunc(ctx, r.interrupt)
	}
	return r, nil
}

func (c *sqliteConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	rc := c.cur
	if !c.inTx && isWrite(query) {
		var (
			held bool
			err  error
		)
		if rc, held, err = c.writeOn(ctx); err != nil {
			return nil, err
		}
		if held {
			defer c.gate.release()
		}
	}
	if cs := rc.stmts.take(ctx, rc.Conn, query); cs != nil {
		defer cs.give()
		return cs.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	}
	return rc.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

// Close closes c's own connection. A transaction left open on the writer
// (database/sql ends them first; this is for safety) is rolled back by
// dropping the writer.
func (c *sqliteConn) Close() error {
	if t := c.tx; t != nil && !t.done {
		t.done = true
		c.endOn(c.cur, t.held, c.cur != c.own)
	}
	return c.own.close()
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

func (c *sqliteConn) Prepare(query string) (driver.Stmt, error) { return c.cur.Prepare(query) }

func (c *sqliteConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.cur.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

// Begin is the deprecated driver.Conn method; database/sql calls BeginTx.
func (c *sqliteConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx takes the gate for the transaction's life: every transaction but
// a read-only one begins IMMEDIATE (the DSN's _txlock), that is, with
// SQLite's write lock, and runs on the writer. A read-only one begins
// deferred on c's own connection.
//
// A transaction whose context carries txn.WithOwnForeignKeys runs with
// foreign_keys off (the pragma is a no-op inside a transaction, so it is
// set before BEGIN and restored after the end): its work checks what the
// foreign keys would, with the write lock held. A connection whose
// foreign keys could not be restored for sure is closed.
func (c *sqliteConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	rc, held := c.own, false
	if !opts.ReadOnly {
		var err error
		if rc, held, err = c.writeOn(ctx); err != nil {
			return nil, err
		}
		if !held && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	fkOff := !opts.ReadOnly && txn.OwnForeignKeys(ctx)
	if fkOff {
		if err := setForeignKeys(rc, false); err != nil {
			c.endOn(rc, held, true)
			return nil, err
		}
	}
	tx, err := rc.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		c.endOn(rc, held, fkOff && setForeignKeys(rc, true) != nil)
		return nil, err
	}
	c.cur, c.inTx = rc, true
	c.tx = &sqliteTx{Tx: tx, c: c, held: held, fkOff: fkOff}
	return c.tx, nil
}

func setForeignKeys(r *rawConn, on bool) error {
	q := "PRAGMA foreign_keys = OFF"
	if on {
		q = "PRAGMA foreign_keys = ON"
	}
	_, err := r.Conn.(driver.ExecerContext).ExecContext(context.Background(), q, nil)
	return err
}

// endOn ends c's use of rc for a transaction: rc is dropped (the writer)
// or c marked bad (its own) when broken, and the gate released if held.
func (c *sqliteConn) endOn(rc *rawConn, held, broken bool) {
	c.cur, c.inTx, c.tx = c.own, false, nil
	if broken {
		if rc == c.own {
			c.bad = true
		} else {
			c.conn.dropWriter()
		}
	}
	if held {
		c.gate.release()
	}
}

// sqliteTx ends its connection's use of the writer and the gate.
type sqliteTx struct {
	driver.Tx
	c     *sqliteConn
	held  bool
	fkOff bool // foreign keys are off for this transaction
	done  bool
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

// end restores foreign keys when they were off and releases the gate. A
// COMMIT or ROLLBACK that failed may leave the transaction open (where the
// pragma does nothing) or the connection in a state nobody checked: the
// writer is then dropped (closing it rolls back what is open) and opened
// anew by the next write, and c's own connection discarded.
func (t *sqliteTx) end(err error) {
	if t.done {
		return
	}
	t.done = true
	rc := t.c.cur
	broken := err != nil && (t.fkOff || rc != t.c.own)
	if t.fkOff && !broken {
		broken = setForeignKeys(rc, true) != nil
	}
	t.c.endOn(rc, t.held, broken)
}

func (c *sqliteConn) Ping(ctx context.Context) error { return c.own.Conn.(driver.Pinger).Ping(ctx) }

func (c *sqliteConn) ResetSession(ctx context.Context) error {
	if c.bad {
		return driver.ErrBadConn
	}
	return c.own.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *sqliteConn) IsValid() bool { return !c.bad && c.own.Conn.(driver.Validator).IsValid() }

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
