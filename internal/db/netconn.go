package db

import (
	"context"
	"net"
	"sync"
	"time"
)

// A database that accepts connections but never answers (a hung server, a
// black-holed proxy, a dead NAT entry) would hold a lib/pq call forever:
// lib/pq watches the context only to send PostgreSQL a cancel request, and
// then keeps waiting for the reply on the socket. TCP keepalive does not help
// when something in between still acknowledges. So every PostgreSQL socket is
// a boundConn, bound to the context of the call using it: when that context
// ends, the socket's deadline passes and the blocked read or write returns.

// aLongTimeAgo is a deadline already passed.
var aLongTimeAgo = time.Unix(1, 0)

// boundConn is a net.Conn whose deadline follows the context of the call
// that uses it, plus a fallback limit for calls whose context has none.
type boundConn struct {
	net.Conn

	mu   sync.Mutex
	gen  uint64
	stop func() bool
}

// bind makes the socket fail once ctx is done, and in any case after limit
// (0: no limit), until the next bind. It is called before every driver call,
// so a context that ends after its call has finished only marks an idle
// socket, which the next bind resets.
func (c *boundConn) bind(ctx context.Context, limit time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
	c.gen++
	if ctx.Err() != nil {
		_ = c.Conn.SetDeadline(aLongTimeAgo)
		return
	}
	deadline := time.Time{}
	if limit > 0 && !unbounded(ctx) {
		deadline = time.Now().Add(limit)
	}
	_ = c.Conn.SetDeadline(deadline)
	if ctx.Done() == nil {
		return
	}
	gen := c.gen
	c.stop = context.AfterFunc(ctx, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.gen == gen {
			_ = c.Conn.SetDeadline(aLongTimeAgo)
		}
	})
}

// boundDialer dials PostgreSQL with TCP keepalive and hands out boundConns.
type boundDialer struct{ d net.Dialer }

func newBoundDialer(connectTimeout time.Duration) boundDialer {
	return boundDialer{d: net.Dialer{
		Timeout: connectTimeout,
		KeepAliveConfig: net.KeepAliveConfig{
			Enable: true, Idle: 30 * time.Second, Interval: 10 * time.Second, Count: 3,
		},
	}}
}

func (b boundDialer) Dial(network, address string) (net.Conn, error) {
	return b.DialContext(context.Background(), network, address)
}

func (b boundDialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return b.DialContext(ctx, network, address)
}

// DialContext dials and, when the connect of pgConnector is under way,
// binds the socket to that connect's context (lib/pq itself reads the
// startup reply without watching any context).
func (b boundDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	nc, err := b.d.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	bc := &boundConn{Conn: nc}
	if at, ok := ctx.Value(dialingKey{}).(*dialing); ok {
		at.set(bc)
	}
	return bc, nil
}

type dialingKey struct{}

// dialing is the socket a connect opened, bound to the connect's context.
type dialing struct {
	ctx  context.Context
	conn *boundConn
}

func (d *dialing) set(c *boundConn) {
	d.conn = c
	c.bind(d.ctx, 0)
}

// unboundedKey marks a context whose database calls may run as long as they
// need (migrations building indexes).
type unboundedKey struct{}

// Unbounded returns a context whose PostgreSQL calls are not cut by the
// fallback limit of calls without a deadline (Migrate, which also lifts the
// statement timeout of its connection); its own deadline, if any, applies.
func Unbounded(ctx context.Context) context.Context {
	return context.WithValue(ctx, unboundedKey{}, true)
}

func unbounded(ctx context.Context) bool {
	v, _ := ctx.Value(unboundedKey{}).(bool)
	return v
}
