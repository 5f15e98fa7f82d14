package db

import (
	"context"
	"database/sql/driver"
	"errors"

	"github.com/lib/pq"
)

// pgConnector opens lib/pq connections in its single-round-trip mode
// (binary_parameters): a query with arguments is sent as Parse, Bind and
// Execute at once instead of waiting for the Parse reply first, which halves
// the round trips of every statement Trailmark runs.
//
// In that mode lib/pq sends []byte arguments in binary format, which
// PostgreSQL rejects for jsonb (and would misread for text). Trailmark has
// no bytea column, and ent passes JSON values as []byte, so the connections
// hand every []byte argument over as a string: text format, as before.
type pgConnector struct{ inner *pq.Connector }

func newPGConnector(dsn string) (driver.Connector, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.BinaryParameters = true
	c, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, err
	}
	return pgConnector{inner: c}, nil
}

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{cn}, nil
}

func (c pgConnector) Driver() driver.Driver { return c.inner.Driver() }

// pgConn is a lib/pq connection whose []byte arguments travel as text.
type pgConn struct{ driver.Conn }

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
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *pgConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *pgConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *pgConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }
