package pubsub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

// PostgresOptions tune the Postgres broker; the zero value is fine.
type PostgresOptions struct {
	// Buffer is each subscription's capacity (0: DefaultBuffer).
	Buffer int
	// MinReconnect and MaxReconnect bound the listener's reconnect backoff
	// (defaults 100ms and 5s).
	MinReconnect, MaxReconnect time.Duration
	// PingInterval checks an idle listener connection (default 15s), so a
	// silently dropped connection is noticed and resynced.
	PingInterval time.Duration
	// Topics are LISTENed before NewPostgres returns, so that nothing
	// published after it returns is missed; other topics are LISTENed on
	// their first Subscribe.
	Topics []string
	// Dialer opens the listener's connection (nil: lib/pq's default).
	Dialer pq.Dialer
	Log    *slog.Logger
}

// Postgres is the Broker of replicas sharing a PostgreSQL database: Publish
// is pg_notify, and each replica holds one pq.Listener connection that
// LISTENs on the topics its subscribers want. Channels are named after the
// database schema, so deployments (and tests) sharing one database in
// different schemas do not hear each other.
type Postgres struct {
	reg      *registry
	db       *sql.DB
	prefix   string
	listener *pq.Listener
	appName  string
	log      *slog.Logger
	done     chan struct{}
	wg       sync.WaitGroup

	mu        sync.Mutex
	listening map[string]bool

	reconnects atomic.Int64
}

// NewPostgres starts a broker on db (for NOTIFY) and a listener connection
// opened from dsn.
func NewPostgres(ctx context.Context, db *sql.DB, dsn string, o PostgresOptions) (*Postgres, error) {
	if o.MinReconnect <= 0 {
		o.MinReconnect = 100 * time.Millisecond
	}
	if o.MaxReconnect <= 0 {
		o.MaxReconnect = 5 * time.Second
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 15 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	var schema string
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return nil, fmt.Errorf("pubsub: read schema: %w", err)
	}
	b := &Postgres{
		reg:       newRegistry(o.Buffer),
		db:        db,
		prefix:    channelPrefix(schema),
		appName:   "trailmark-listener-" + randomHex(6),
		log:       o.Log,
		done:      make(chan struct{}),
		listening: map[string]bool{},
	}
	listenDSN, err := withAppName(dsn, b.appName)
	if err != nil {
		return nil, err
	}
	b.listener = pq.NewDialListener(dialerOrDefault(o.Dialer), listenDSN, o.MinReconnect, o.MaxReconnect,
		func(ev pq.ListenerEventType, err error) {
			switch ev {
			case pq.ListenerEventDisconnected:
				b.log.Warn("pubsub: listener disconnected", "err", err)
			case pq.ListenerEventReconnected:
				b.reconnects.Add(1)
				b.log.Info("pubsub: listener reconnected; subscribers resync")
			case pq.ListenerEventConnectionAttemptFailed:
				b.log.Warn("pubsub: listener connection attempt failed", "err", err)
			}
		})
	for _, t := range o.Topics {
		if err := b.listen(t); err != nil {
			b.listener.Close()
			return nil, err
		}
	}
	b.wg.Add(1)
	go b.dispatch(o.PingInterval)
	return b, nil
}

// ApplicationName is the application_name of the listener's connection (to
// find it in pg_stat_activity).
func (b *Postgres) ApplicationName() string { return b.appName }

// Reconnects counts how often the listener connection was re-established.
func (b *Postgres) Reconnects() int64 { return b.reconnects.Load() }

// Publish implements Broker with pg_notify, outside any transaction: callers
// publish after their transaction committed.
func (b *Postgres) Publish(ctx context.Context, topic string, payload []byte) error {
	if len(payload) > MaxPayload {
		return ErrPayloadTooLarge
	}
	if b.reg.isClosed() {
		return ErrClosed
	}
	if _, err := b.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, b.prefix+topic, string(payload)); err != nil {
		return fmt.Errorf("pubsub: notify %s: %w", topic, err)
	}
	return nil
}

// Subscribe implements Broker. A topic not LISTENed yet is LISTENed in the
// background (pq blocks while the connection is down).
func (b *Postgres) Subscribe(topics ...string) *Subscription {
	s, fresh := b.reg.add(topics)
	for _, t := range fresh {
		go func() {
			if err := b.listen(t); err != nil && !b.reg.isClosed() {
				b.log.Error("pubsub: listen", "topic", t, "err", err)
			}
		}()
	}
	return s
}

func (b *Postgres) listen(topic string) error {
	b.mu.Lock()
	if b.listening[topic] {
		b.mu.Unlock()
		return nil
	}
	b.listening[topic] = true
	b.mu.Unlock()
	err := b.listener.Listen(b.prefix + topic)
	if err == pq.ErrChannelAlreadyOpen {
		return nil
	}
	if err != nil {
		b.mu.Lock()
		delete(b.listening, topic)
		b.mu.Unlock()
		return fmt.Errorf("pubsub: listen %s: %w", topic, err)
	}
	return nil
}

func (b *Postgres) dispatch(pingEvery time.Duration) {
	defer b.wg.Done()
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case n, ok := <-b.listener.Notify:
			if !ok {
				return
			}
			if n == nil {
				// pq sends nil after a reconnect: anything published
				// meanwhile was not heard.
				b.reg.resyncAll()
				continue
			}
			topic, ok := strings.CutPrefix(n.Channel, b.prefix)
			if !ok {
				continue
			}
			b.reg.publish(Message{Topic: topic, Payload: []byte(n.Extra)})
		case <-ping.C:
			go func() { _ = b.listener.Ping() }()
		case <-b.done:
			return
		}
	}
}

// Close implements Broker.
func (b *Postgres) Close() error {
	select {
	case <-b.done:
		return nil
	default:
	}
	close(b.done)
	err := b.listener.Close()
	b.wg.Wait()
	b.reg.close()
	return err
}

// channelPrefix names the channels of a schema, within PostgreSQL's 63-byte
// identifier limit.
func channelPrefix(schema string) string {
	if len(schema) > 32 {
		sum := sha256.Sum256([]byte(schema))
		schema = hex.EncodeToString(sum[:8])
	}
	return "trailmark_" + schema + "."
}

func withAppName(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		// A key=value DSN.
		return dsn + " application_name=" + name, nil
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// netDialer is lib/pq's default dialing, for when no Dialer is given.
type netDialer struct{ d net.Dialer }

func (n netDialer) Dial(network, address string) (net.Conn, error) {
	return n.d.Dial(network, address)
}

func (n netDialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return n.d.DialContext(ctx, network, address)
}

func dialerOrDefault(d pq.Dialer) pq.Dialer {
	if d == nil {
		return netDialer{}
	}
	return d
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
