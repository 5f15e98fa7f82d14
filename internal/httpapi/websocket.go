package httpapi

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// closeGoingAway is RFC 6455's "endpoint is going away" status.
const closeGoingAway = 1001

// originPatterns turns CORS origins into coder/websocket host patterns; the
// page's own origin is always accepted.
func originPatterns(origins []string) []string {
	var out []string
	for _, o := range origins {
		o = strings.TrimPrefix(strings.TrimPrefix(o, "https://"), "http://")
		out = append(out, o)
	}
	return out
}

// wsTracker knows the open WebSocket connections so that shutdown can close
// them with "going away" instead of dropping them.
type wsTracker struct {
	mu       sync.Mutex
	conns    map[*trackedConn]struct{}
	shutting bool
}

func (t *wsTracker) add(c *trackedConn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.shutting {
		return false
	}
	t.conns[c] = struct{}{}
	return true
}

func (t *wsTracker) remove(c *trackedConn) {
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
}

func (t *wsTracker) goingAway() {
	t.mu.Lock()
	t.shutting = true
	conns := make([]*trackedConn, 0, len(t.conns))
	for c := range t.conns {
		conns = append(conns, c)
	}
	t.mu.Unlock()
	for _, c := range conns {
		_ = c.WriteClose(closeGoingAway, "server shutting down")
	}
}

// trackingWebsocket wraps gqlgen's coder/websocket adapter to register each
// connection with the tracker.
type trackingWebsocket struct {
	tracker *wsTracker
	impl    transport.WebsocketImplementation
}

func (t trackingWebsocket) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := t.impl.Accept(w, r, opts)
	if err != nil {
		return nil, err
	}
	c := &trackedConn{WebsocketConn: conn, tracker: t.tracker}
	if !t.tracker.add(c) {
		_ = conn.WriteClose(closeGoingAway, "server shutting down")
	}
	// The request context ends when the handler returns, whatever path the
	// transport took to get there.
	go func() {
		<-r.Context().Done()
		c.once.Do(func() { t.tracker.remove(c) })
	}()
	return c, nil
}

// trackedConn forwards the optional read-limit and deadline interfaces that
// gqlgen looks for on the connection.
type trackedConn struct {
	transport.WebsocketConn
	tracker *wsTracker
	once    sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() { c.tracker.remove(c) })
	return c.WebsocketConn.Close()
}

func (c *trackedConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c *trackedConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}
