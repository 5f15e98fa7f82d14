package testserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/trailmark/trailmark/internal/testwait"
)

// WaitSubscriptions waits until the server counts n live subscriptions
// (its trailmark_subscriptions_active metric). graphql-ws acknowledges no
// subscribe message, but a subscription is counted once it listens: what
// happens after WaitSubscriptions returns reaches it.
func (s *Server) WaitSubscriptions(t testing.TB, n int) {
	t.Helper()
	testwait.Eventually(t, 10*time.Second, func() (bool, string) {
		got := s.ActiveSubscriptions(t)
		return got == n, fmt.Sprintf("%d live subscriptions, want %d", got, n)
	})
}

// ActiveSubscriptions is the server's count of live subscriptions, as
// /metrics reports it.
func (s *Server) ActiveSubscriptions(t testing.TB) int {
	t.Helper()
	families, err := s.App.Metrics.Registry.Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	for _, f := range families {
		if f.GetName() == "trailmark_subscriptions_active" && len(f.GetMetric()) == 1 {
			return int(f.GetMetric()[0].GetGauge().GetValue())
		}
	}
	t.Fatal("no trailmark_subscriptions_active metric")
	return 0
}

// Subscription is a graphql-transport-ws subscription of a test.
type Subscription struct {
	conn *websocket.Conn
	id   string

	// A reader goroutine, started by the first Next, keeps reading so that
	// a timed-out wait does not close the connection (coder/websocket
	// closes it when a read's context ends). Until then nothing is read,
	// which lets a test play a client that does not keep up.
	readOnce sync.Once
	msgs     chan Message
	readErr  error
}

// Message is a graphql-ws message.
type Message struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Subscribe opens a WebSocket with graphql-transport-ws, authenticates with
// token in connection_init ("" for none) and starts the subscription.
func (s *Server) Subscribe(t testing.TB, token, query string, vars map[string]any) *Subscription {
	t.Helper()
	sub, err := s.TrySubscribe(token, query, vars)
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	t.Cleanup(sub.Close)
	return sub
}

// TrySubscribe is Subscribe returning the connection error instead of failing.
func (s *Server) TrySubscribe(token, query string, vars map[string]any) (*Subscription, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(s.URL, "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
		HTTPHeader:   http.Header{"Origin": []string{s.URL}},
	})
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	conn.SetReadLimit(16 << 20)
	init := map[string]any{}
	if token != "" {
		init["authorization"] = "Bearer " + token
	}
	payload, _ := json.Marshal(init)
	if err := wsjson.Write(ctx, conn, Message{Type: "connection_init", Payload: payload}); err != nil {
		return nil, err
	}
	var ack Message
	if err := wsjson.Read(ctx, conn, &ack); err != nil {
		return nil, fmt.Errorf("connection_init: %w", err)
	}
	if ack.Type != "connection_ack" {
		conn.Close(websocket.StatusNormalClosure, "")
		return nil, fmt.Errorf("connection_init answered %s: %s", ack.Type, ack.Payload)
	}
	p, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	sub := &Subscription{conn: conn, id: "1"}
	if err := wsjson.Write(ctx, conn, Message{ID: sub.id, Type: "subscribe", Payload: p}); err != nil {
		return nil, err
	}
	return sub, nil
}

// InitResult is the server's answer to connection_init: the first message
// (connection_ack), or the status and reason the server closed with.
type InitResult struct {
	Message Message
	Closed  *websocket.CloseError
}

// ConnectionInit opens a graphql-transport-ws WebSocket with header on the
// upgrade request (an Origin of the server itself is added), sends
// connection_init with payload and reports what the server answered. When
// it acknowledges, subscribe runs on the open connection (nil: none) and
// the connection is closed afterwards.
func (s *Server) ConnectionInit(t testing.TB, header http.Header, payload map[string]any, subscribe func(*Subscription)) InitResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h := http.Header{"Origin": []string{s.URL}}
	for k, v := range header {
		h[k] = v
	}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
		HTTPHeader:   h,
	})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.CloseNow()
	p, _ := json.Marshal(payload)
	if err := wsjson.Write(ctx, conn, Message{Type: "connection_init", Payload: p}); err != nil {
		t.Fatalf("connection_init: %v", err)
	}
	var m Message
	if err := wsjson.Read(ctx, conn, &m); err != nil {
		var ce websocket.CloseError
		if errors.As(err, &ce) {
			return InitResult{Closed: &ce}
		}
		t.Fatalf("waiting for the answer to connection_init: %v", err)
	}
	if m.Type == "connection_ack" && subscribe != nil {
		sub := &Subscription{conn: conn, id: "1"}
		subscribe(sub)
	}
	conn.Close(websocket.StatusNormalClosure, "")
	return InitResult{Message: m}
}

// Start sends a subscribe message for query on the subscription's
// connection (after ConnectionInit acknowledged it).
func (s *Subscription) Start(t testing.TB, query string, vars map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err := wsjson.Write(ctx, s.conn, Message{ID: s.id, Type: "subscribe", Payload: p}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
}

// Next waits up to timeout for the next message (next, error or complete;
// pings are answered and skipped). A timeout leaves the connection open.
func (s *Subscription) Next(timeout time.Duration) (Message, error) {
	s.readOnce.Do(func() {
		s.msgs = make(chan Message, 64)
		go s.read()
	})
	select {
	case m, ok := <-s.msgs:
		if !ok {
			return Message{}, s.readErr
		}
		return m, nil
	case <-time.After(timeout):
		return Message{}, fmt.Errorf("no message within %s", timeout)
	}
}

func (s *Subscription) read() {
	defer close(s.msgs)
	ctx := context.Background()
	for {
		var m Message
		if err := wsjson.Read(ctx, s.conn, &m); err != nil {
			s.readErr = err
			return
		}
		switch m.Type {
		case "ping":
			_ = wsjson.Write(ctx, s.conn, Message{Type: "pong"})
			continue
		case "pong", "ka":
			continue
		}
		s.msgs <- m
	}
}

// NextData waits for the next "next" message and returns its data; an error
// or complete message fails the test.
func (s *Subscription) NextData(t testing.TB, timeout time.Duration) json.RawMessage {
	t.Helper()
	m, err := s.Next(timeout)
	if err != nil {
		t.Fatalf("subscription: waiting for data: %v", err)
	}
	if m.Type != "next" {
		t.Fatalf("subscription: got %s %s, want next", m.Type, m.Payload)
	}
	var p struct {
		Data   json.RawMessage `json:"data"`
		Errors []Error         `json:"errors"`
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Errors) > 0 {
		t.Fatalf("subscription: errors %s", m.Payload)
	}
	return p.Data
}

// ExpectNothing fails if a "next" message arrives within d.
func (s *Subscription) ExpectNothing(t testing.TB, d time.Duration) {
	t.Helper()
	m, err := s.Next(d)
	if err == nil {
		t.Fatalf("subscription: unexpected %s %s", m.Type, m.Payload)
	}
}

// Close ends the subscription and the connection.
func (s *Subscription) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = wsjson.Write(ctx, s.conn, Message{ID: s.id, Type: "complete"})
	s.conn.Close(websocket.StatusNormalClosure, "")
}
