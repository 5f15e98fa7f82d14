// Package pubsub carries small change notifications between the parts of a
// Trailmark server and across replicas: "these audit entries were committed",
// "this process changed", "this process logged a line".
//
// Messages are hints, not data: a subscriber reloads what changed from the
// database (through the privacy layer) when told. So a subscriber that may
// have missed messages — its buffer overflowed, or the PostgreSQL listener
// lost its connection — is told to Resync and catches up from the database.
//
// Two implementations: Memory (one process: SQLite, tests) and Postgres
// (LISTEN/NOTIFY through lib/pq's Listener, every replica hears every message).
package pubsub

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// Broker publishes and delivers messages by topic.
type Broker interface {
	// Publish sends payload to every subscriber of topic, on every replica.
	// Payloads are small (PostgreSQL caps them below 8000 bytes).
	Publish(ctx context.Context, topic string, payload []byte) error
	// Subscribe starts delivering the messages of topics to a new
	// subscription; Close it when done.
	Subscribe(topics ...string) *Subscription
	// Close stops delivery and closes every subscription.
	Close() error
}

// MaxPayload is the largest payload every Broker accepts.
const MaxPayload = 7900

// ErrPayloadTooLarge is returned by Publish for a payload over MaxPayload.
var ErrPayloadTooLarge = errors.New("pubsub: payload too large")

// ErrClosed is returned by Publish after Close.
var ErrClosed = errors.New("pubsub: broker closed")

// Message is one published message.
type Message struct {
	Topic   string
	Payload []byte
}

// DefaultBuffer is how many undelivered messages a subscription holds before
// it is told to resync instead.
const DefaultBuffer = 1024

// Subscription receives the messages of its topics in publish order. A slow
// subscriber never blocks publishers: when its buffer is full the message is
// dropped and Resync is signalled, as after a lost listener connection.
type Subscription struct {
	// C delivers messages; it is closed by Close (or the broker's Close).
	C <-chan Message
	// Resync is signalled when messages may have been missed; the
	// subscriber should reload from the database what it tracks.
	Resync <-chan struct{}

	c       chan Message
	resync  chan struct{}
	topics  []string
	dropped atomic.Int64
	once    sync.Once
	unsub   func(*Subscription)
}

func newSubscription(topics []string, buffer int, unsub func(*Subscription)) *Subscription {
	s := &Subscription{
		c:      make(chan Message, buffer),
		resync: make(chan struct{}, 1),
		topics: topics,
		unsub:  unsub,
	}
	s.C, s.Resync = s.c, s.resync
	return s
}

// Dropped counts messages dropped because the subscriber was behind.
func (s *Subscription) Dropped() int64 { return s.dropped.Load() }

// Close stops delivery to s and closes C.
func (s *Subscription) Close() {
	s.once.Do(func() { s.unsub(s) })
}

// deliver hands m over without blocking; the caller holds the broker's lock,
// so C is not closed underneath it.
func (s *Subscription) deliver(m Message) {
	select {
	case s.c <- m:
	default:
		s.dropped.Add(1)
		s.signalResync()
	}
}

func (s *Subscription) signalResync() {
	select {
	case s.resync <- struct{}{}:
	default: // one pending signal is enough
	}
}

// registry is the subscriber bookkeeping both brokers share.
type registry struct {
	mu      sync.RWMutex
	buffer  int
	closed  bool
	byTopic map[string]map[*Subscription]struct{}
}

func newRegistry(buffer int) *registry {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	return &registry{buffer: buffer, byTopic: map[string]map[*Subscription]struct{}{}}
}

// add registers a new subscription; it reports which topics had no
// subscriber before (the Postgres broker LISTENs on those).
func (r *registry) add(topics []string) (*Subscription, []string) {
	s := newSubscription(append([]string(nil), topics...), r.buffer, r.remove)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		close(s.c)
		s.once.Do(func() {})
		return s, nil
	}
	var fresh []string
	for _, t := range topics {
		subs := r.byTopic[t]
		if subs == nil {
			subs = map[*Subscription]struct{}{}
			r.byTopic[t] = subs
			fresh = append(fresh, t)
		}
		subs[s] = struct{}{}
	}
	return s, fresh
}

func (r *registry) remove(s *Subscription) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range s.topics {
		delete(r.byTopic[t], s)
	}
	if !r.closed {
		close(s.c)
	}
}

func (r *registry) publish(m Message) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for s := range r.byTopic[m.Topic] {
		s.deliver(m)
	}
}

// resyncAll tells every subscriber it may have missed messages.
func (r *registry) resyncAll() {
	r.mu.RLock()
	defer r.mu.RUnlock()
	seen := map[*Subscription]bool{}
	for _, subs := range r.byTopic {
		for s := range subs {
			if !seen[s] {
				seen[s] = true
				s.signalResync()
			}
		}
	}
}

func (r *registry) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	r.closed = true
	seen := map[*Subscription]bool{}
	for _, subs := range r.byTopic {
		for s := range subs {
			if !seen[s] {
				seen[s] = true
				close(s.c)
			}
		}
	}
	r.byTopic = map[string]map[*Subscription]struct{}{}
}

func (r *registry) isClosed() bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.closed
}
