package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"reflect"
	"sync"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// modernc's SQLite interrupts a statement whose context ends only while the
// statement computes its first row; the rows after it are stepped without
// watching the context, so a filter that matches rarely keeps a connection
// busy for seconds after its request gave up. sqliteConnector's rows
// interrupt the statement (sqlite3_interrupt) when their context ends, so a
// query's time on SQLite is bounded by its request as on PostgreSQL.

// sqliteConnector opens modernc connections whose rows are interrupted when
// their context ends.
type sqliteConnector struct {
	drv driver.Driver
	dsn string
}

func newSQLiteConnector(dsn string) (driver.Connector, error) {
	probe, err := sql.Open("sqlite", dsn) // opens nothing: only to reach the registered driver
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	_ = probe.Close()
	return sqliteConnector{drv: drv, dsn: dsn}, nil
}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) {
	cn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &sqliteConn{Conn: cn, handle: sqliteHandle(cn)}, nil
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

// sqliteConn forwards to the modernc connection; its rows watch their context.
type sqliteConn struct {
	driver.Conn
	handle uintptr
}

func (c *sqliteConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	rows, err := c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	if err != nil || c.handle == 0 || ctx.Done() == nil {
		return rows, err
	}
	r := &sqliteRows{Rows: rows, handle: c.handle}
	r.stop = context.AfterFunc(ctx, r.interrupt)
	return r, nil
}

func (c *sqliteConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *sqliteConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *sqliteConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *sqliteConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *sqliteConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *sqliteConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

// sqliteRows interrupts its statement if its context ends before Close.
type sqliteRows struct {
	driver.Rows
	handle uintptr
	stop   func() bool

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
	return r.Rows.Close()
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
