package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/lib/pq"
)

// pgConnector opens lib/pq connections in its single-round-trip mode
// (binary_parameters): a query with arguments is sent as Parse, Bind and
// Execute at once instead of waiting for the Parse reply first, which halves
// the round trips of every statement Trailmark runs.
//
// In that mode lib/pq sends []byte arguments in binary format, which
// PostgreSQL rejects for jsonb (and would misread for text). ent passes
// JSON values as []byte, so the connections hand every []byte argument over
// as a string: text format, as before. The one bytea column (log_tiles.data)
// is written as hex through decode(…, 'hex').
//
// Every call is bounded (see boundConn): by its context, and by limit when
// the context has no end of its own, so that a database that stops
// answering fails calls instead of holding them forever.
type pgConnector struct {
	inner *pq.Connector
	// limit bounds a call whose context has no deadline: the statement
	// timeout and a margin for the network (0: none).
	limit time.Duration
}

// pgOptions are the bounds of PostgreSQL connections.
type pgOptions struct {
	// ConnectTimeout bounds opening a connection, handshake included.
	ConnectTimeout time.Duration
	// StatementTimeout is PostgreSQL's statement_timeout for every
	// connection, unless the URL sets one (0: none).
	StatementTimeout time.Duration
}

func newPGConnector(dsn string, o pgOptions) (driver.Connector, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.BinaryParameters = true
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = o.ConnectTimeout
	}
	if cfg.Runtime == nil {
		cfg.Runtime = map[string]string{}
	}
	limit := time.Duration(0)
	if v, ok := cfg.Runtime["statement_timeout"]; ok {
		if ms, err := strconv.Atoi(v); err == nil && ms > 0 {
			limit = time.Duration(ms)*time.Millisecond + networkMargin
		}
	} else if o.StatementTimeout > 0 {
		cfg.Runtime["statement_timeout"] = strconv.FormatInt(o.StatementTimeout.Milliseconds(), 10)
		limit = o.StatementTimeout + networkMargin
	}
	// No JIT compilation unless the URL asks for it: Trailmark's statements
	// are short, and a plan whose cost is overestimated (a range bounded by
	// a subquery, a LATERAL join) crosses jit_above_cost and spends
	// hundreds of milliseconds compiling what runs in a fraction of one
	// (docs/performance.md "2026-12-06 (night)"; docs/deployment.md).
	if _, ok := cfg.Runtime["jit"]; !ok {
		cfg.Runtime["jit"] = "off"
	}
	c, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, err
	}
	c.Dialer(newBoundDialer(cfg.ConnectTimeout))
	return pgConnector{inner: c, limit: limit}, nil
}

// networkMargin is how much longer than the statement timeout a call may
// wait for the server's answer (the answer to a timed-out statement).
const networkMargin = 10 * time.Second

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	at := &dialing{ctx: ctx}
	cn, err := c.inner.Connect(context.WithValue(ctx, dialingKey{}, at))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		return nil, err
	}
	if at.conn == nil { // a dialer other than ours (never: set in newPGConnector)
		return nil, errors.New("postgres connection opened without its bound dialer")
	}
	at.conn.bind(context.Background(), 0)
	return &pgConn{Conn: cn, nc: at.conn, limit: c.limit}, nil
}

func (c pgConnector) Driver() driver.Driver { return c.inner.Driver() }

// pgConn is a lib/pq connection whose []byte arguments travel as text and
// whose calls are bounded by their context (see boundConn).
type pgConn struct {
	driver.Conn
	nc    *boundConn
	limit time.Duration
}

// bind bounds the socket by ctx for the call about to run (and the rows it
// returns, read with the same context).
func (c *pgConn) bind(ctx context.Context) { c.nc.bind(ctx, c.limit) }

// ctxErr reports a failure caused by the end of ctx as that: lib/pq answers
// a socket deadline with a network error.
func ctxErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	return err
}

// CheckNamedValue applies lib/pq's conversions, then the standard ones, and
// turns a resulting []byte into a string (nil stays NULL).
func (c *pgConn) CheckNamedValue(nv *driver.NamedValue) error {
	err := c.Conn.(driver.NamedValueChecker).CheckNamedValue(nv)
	if errors.Is(err, driver.ErrSkip) {
		nv.Value, err = driver.DefaultParameterConverter.ConvertValue(nv.Value)
	}
	if err != nil {
		return err
	}
	if b, ok := nv.Value.([]byte); ok {
		if b == nil {
			nv.Value = nil
		} else {
			nv.Value = string(b)
		}
	}
	return nil
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.bind(ctx)
	rows, err := c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	return rows, ctxErr(ctx, err)
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.bind(ctx)
	res, err := c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	return res, ctxErr(ctx, err)
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.bind(ctx)
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	return st, ctxErr(ctx, err)
}

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.bind(ctx)
	tx, err := c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		return nil, ctxErr(ctx, err)
	}
	return &pgTx{Tx: tx, c: c, ctx: ctx}, nil
}

func (c *pgConn) Ping(ctx context.Context) error {
	c.bind(ctx)
	return ctxErr(ctx, c.Conn.(driver.Pinger).Ping(ctx))
}

// pgTx binds Commit and Rollback, which take no context, to the context the
// transaction began with: a rollback after that context ended fails at once
// and drops the connection, and PostgreSQL rolls back when it goes.
type pgTx struct {
	driver.Tx
	c   *pgConn
	ctx context.Context
}

func (t *pgTx) Commit() error {
	t.c.bind(t.ctx)
	return t.Tx.Commit()
}

func (t *pgTx) Rollback() error {
	t.c.bind(t.ctx)
	return t.Tx.Rollback()
}

func (c *pgConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *pgConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }
