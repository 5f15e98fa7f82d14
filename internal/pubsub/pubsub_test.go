package pubsub_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/internal/pubsub"
	"github.com/trailmark/trailmark/internal/testdb"
)

// brokers returns a fresh Memory broker and, when PostgreSQL is reachable,
// two Postgres brokers on one schema (two replicas).
func eachBroker(t *testing.T, fn func(t *testing.T, pub, sub pubsub.Broker)) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		b := pubsub.NewMemory(4)
		t.Cleanup(func() { b.Close() })
		fn(t, b, b)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		a, b, _ := twoPostgres(t, pubsub.PostgresOptions{Buffer: 4, Topics: []string{"t1", "t2"}})
		fn(t, a, b)
	})
}

func twoPostgres(t *testing.T, o pubsub.PostgresOptions) (*pubsub.Postgres, *pubsub.Postgres, *sql.DB) {
	t.Helper()
	d := testdb.Open(t, dialect.Postgres)
	ctx := context.Background()
	a, err := pubsub.NewPostgres(ctx, d.SQL, d.URL, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := pubsub.NewPostgres(ctx, d.SQL, d.URL, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b, d.SQL
}

func recv(t *testing.T, s *pubsub.Subscription) pubsub.Message {
	t.Helper()
	select {
	case m, ok := <-s.C:
		if !ok {
			t.Fatal("subscription closed")
		}
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message within 5s")
	}
	return pubsub.Message{}
}

func TestPublishSubscribe(t *testing.T) {
	eachBroker(t, func(t *testing.T, pub, sub pubsub.Broker) {
		ctx := context.Background()
		s1 := sub.Subscribe("t1")
		defer s1.Close()
		s2 := sub.Subscribe("t1", "t2")
		defer s2.Close()
		for _, m := range []pubsub.Message{{"t1", []byte("a")}, {"t2", []byte("b")}, {"t1", []byte("c")}} {
			if err := pub.Publish(ctx, m.Topic, m.Payload); err != nil {
				t.Fatal(err)
			}
		}
		for _, want := range []string{"t1:a", "t1:c"} {
			if m := recv(t, s1); fmt.Sprintf("%s:%s", m.Topic, m.Payload) != want {
				t.Fatalf("s1 got %s:%s, want %s", m.Topic, m.Payload, want)
			}
		}
		for _, want := range []string{"t1:a", "t2:b", "t1:c"} {
			if m := recv(t, s2); fmt.Sprintf("%s:%s", m.Topic, m.Payload) != want {
				t.Fatalf("s2 got %s:%s, want %s", m.Topic, m.Payload, want)
			}
		}
		if err := pub.Publish(ctx, "t1", make([]byte, pubsub.MaxPayload+1)); err != pubsub.ErrPayloadTooLarge {
			t.Fatalf("large payload: %v", err)
		}
		s1.Close()
		if _, ok := <-s1.C; ok {
			t.Fatal("closed subscription still delivers")
		}
	})
}

// TestSlowSubscriberResyncs: a subscriber that does not read loses messages
// beyond its buffer and is told to resync; the publisher never blocks.
func TestSlowSubscriberResyncs(t *testing.T) {
	eachBroker(t, func(t *testing.T, pub, sub pubsub.Broker) {
		ctx := context.Background()
		slow := sub.Subscribe("t1")
		defer slow.Close()
		start := time.Now()
		for i := range 20 {
			if err := pub.Publish(ctx, "t1", fmt.Appendf(nil, "%d", i)); err != nil {
				t.Fatal(err)
			}
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("publishing blocked on a slow subscriber")
		}
		select {
		case <-slow.Resync:
		case <-time.After(5 * time.Second):
			t.Fatal("no resync signal")
		}
		if slow.Dropped() == 0 {
			t.Fatal("nothing dropped")
		}
		for i := range 4 {
			if m := recv(t, slow); string(m.Payload) != fmt.Sprint(i) {
				t.Fatalf("message %d = %s", i, m.Payload)
			}
		}
	})
}

// TestPostgresReconnectResyncs cuts the listener's connection: the broker
// reconnects, tells subscribers to resync and delivers again.
func TestPostgresReconnectResyncs(t *testing.T) {
	a, b, db := twoPostgres(t, pubsub.PostgresOptions{Topics: []string{"t1"}, MinReconnect: 50 * time.Millisecond})
	s := b.Subscribe("t1")
	defer s.Close()
	ctx := context.Background()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, b.ApplicationName()).Scan(&n); err != nil || n != 1 {
		t.Fatalf("terminate listener: n=%d err=%v", n, err)
	}
	select {
	case <-s.Resync:
	case <-time.After(10 * time.Second):
		t.Fatal("no resync after reconnect")
	}
	if b.Reconnects() != 1 {
		t.Fatalf("reconnects = %d", b.Reconnects())
	}
	if err := a.Publish(ctx, "t1", []byte("after")); err != nil {
		t.Fatal(err)
	}
	if m := recv(t, s); string(m.Payload) != "after" {
		t.Fatalf("got %s", m.Payload)
	}
}

// TestPostgresSchemasIsolated: brokers on different schemas of one database
// do not hear each other.
func TestPostgresSchemasIsolated(t *testing.T) {
	a, _, _ := twoPostgres(t, pubsub.PostgresOptions{Topics: []string{"t1"}})
	_, other, _ := twoPostgres(t, pubsub.PostgresOptions{Topics: []string{"t1"}})
	s := other.Subscribe("t1")
	defer s.Close()
	if err := a.Publish(context.Background(), "t1", []byte("x")); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-s.C:
		t.Fatalf("heard another schema's message %s", m.Payload)
	case <-time.After(300 * time.Millisecond):
	}
}
