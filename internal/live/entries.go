// Package live turns committed changes into subscription events: the audit
// entry live tail (auditEntryCreated), process updates and process log lines.
//
// Writers publish small hints through a pubsub.Broker after their
// transaction commits; the rows are reloaded through ent with a subscriber's
// viewer, so a subscription sees exactly what the matching query would show
// it. Subscriptions whose viewers read the same entries (rule.AuditEntryScope)
// and whose filters are equal share that load: a notice costs one query per
// distinct scope and filter, not one per subscriber. See
// docs/subscriptions.md.
package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/hook"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/internal/clock"
	"github.com/trailmark/trailmark/internal/ids"
	"github.com/trailmark/trailmark/internal/pubsub"
	"github.com/trailmark/trailmark/internal/viewer"
)

// Topics of the broker.
const (
	TopicAuditEntries = "audit_entries"
	TopicProcesses    = "processes"
	TopicProcessLogs  = "process_logs"
)

// Topics lists every topic live uses, for brokers that LISTEN up front.
var Topics = []string{TopicAuditEntries, TopicProcesses, TopicProcessLogs}

// ErrTooSlow ends a subscription whose client does not keep up.
var ErrTooSlow = errors.New("subscriber fell too far behind; subscribe again (resume with a query from the last entry received)")

// maxIDsPerGroup keeps a notification under the broker's payload limit; a
// larger batch is announced as the range of its ids instead.
const maxIDsPerGroup = 150

// group announces the entries one transaction committed in one tenant: by id
// when few, else as the range of their ids. IDs are ULIDs, sortable by
// creation time, so a range is an index range scan on the primary key; it
// may take in entries of concurrent transactions, which are committed too
// and which the subscription sends once.
type group struct {
	Tenant string   `json:"t"` // "" for the platform log
	IDs    []string `json:"ids,omitempty"`
	N      int      `json:"n,omitempty"`
	From   string   `json:"from,omitempty"`
	To     string   `json:"to,omitempty"`
	// Committed is when the transaction had committed (Unix µs): a
	// subscription started later does not get it.
	Committed int64 `json:"c,omitempty"`
	// retry counts re-checks of ids that were not visible yet.
	retry int
}

type notice struct {
	Groups []*group `json:"g"`
}

// FeedOptions tune the live tail; the zero value is fine.
type FeedOptions struct {
	// Queue is how many undelivered batches a subscription may hold before
	// it is closed with ErrTooSlow (default 256).
	Queue int
	// MaxCatchUp is how many entries a resync may deliver before the
	// subscription is closed with ErrTooSlow instead (default 10000).
	MaxCatchUp int
	// Slack is how far before its cursor a resync looks, for entries whose
	// transaction committed after later-received ones (default 30s).
	Slack time.Duration
}

// Feed is the audit entry live tail of one server: an ent hook publishes the
// ids of each committed transaction, and a hub fans the notices out to the
// server's subscriptions.
type Feed struct {
	client *ent.Client
	broker pubsub.Broker
	log    *slog.Logger
	opts   FeedOptions

	mu     sync.Mutex
	subs   map[*entrySub]struct{}
	shares map[string]*share

	active atomic.Int64
	bsub   *pubsub.Subscription
	retry  chan *group
	done   chan struct{}
	wg     sync.WaitGroup
}

// NewFeed starts the hub on broker. Register Hook on the client so that
// created entries are announced.
func NewFeed(client *ent.Client, broker pubsub.Broker, log *slog.Logger, o FeedOptions) *Feed {
	if o.Queue <= 0 {
		o.Queue = 256
	}
	if o.MaxCatchUp <= 0 {
		o.MaxCatchUp = 10000
	}
	if o.Slack <= 0 {
		o.Slack = 30 * time.Second
	}
	f := &Feed{
		client: client,
		broker: broker,
		log:    log,
		opts:   o,
		subs:   map[*entrySub]struct{}{},
		shares: map[string]*share{},
		bsub:   broker.Subscribe(TopicAuditEntries),
		retry:  make(chan *group, 64),
		done:   make(chan struct{}),
	}
	f.wg.Add(1)
	go f.hub()
	return f
}

// ActiveSubscriptions is the number of open auditEntryCreated subscriptions
// on this server (a metrics gauge).
func (f *Feed) ActiveSubscriptions() int64 { return f.active.Load() }

// Shares is the number of distinct loads a notice costs this server: one
// per group of subscriptions with the same scope and filter.
func (f *Feed) Shares() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.shares)
}

// Close stops the hub; open subscriptions end.
func (f *Feed) Close() {
	select {
	case <-f.done:
		return
	default:
	}
	close(f.done)
	f.bsub.Close()
	f.wg.Wait()
}

// Hook announces created audit entries once their transaction commits: one
// notice per transaction (never one per row), grouped by tenant, published
// right after the commit. An entry created outside a transaction is
// announced as soon as it is stored. Register it with
// client.AuditEntry.Use(feed.Hook()).
func (f *Feed) Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return hook.AuditEntryFunc(func(ctx context.Context, m *ent.AuditEntryMutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil || !m.Op().Is(ent.OpCreate) {
				return v, err
			}
			id, ok := m.ID()
			if !ok {
				return v, nil
			}
			e := created{id: id}
			if t, ok := m.TenantID(); ok {
				e.tenant = t
			}
			tx, txErr := m.Tx()
			if txErr != nil { // not in a transaction: already committed
				f.publish(ctx, []created{e})
				return v, nil
			}
			tx.OnCommit(func(next ent.Committer) ent.Committer {
				return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
					// Every created entry registers a commit hook; the
					// outermost one collects them all and publishes once.
					c, _ := ctx.Value(collectorKey{}).(*collector)
					outer := c == nil || c.tx != tx
					if outer {
						c = &collector{tx: tx}
						ctx = context.WithValue(ctx, collectorKey{}, c)
					}
					c.entries = append(c.entries, e)
					if err := next.Commit(ctx, tx); err != nil {
						return err
					}
					if outer {
						f.publish(ctx, c.entries)
					}
					return nil
				})
			})
			return v, nil
		})
	}
}

type created struct {
	tenant, id string
}

type collectorKey struct{}

type collector struct {
	tx      *ent.Tx
	entries []created
}

// publish announces committed entries; a failure is logged, not returned:
// the entries are stored, and subscribers catch up on their next resync.
func (f *Feed) publish(ctx context.Context, entries []created) {
	var order []string
	byTenant := map[string]*group{}
	for _, e := range entries {
		g := byTenant[e.tenant]
		if g == nil {
			g = &group{Tenant: e.tenant}
			byTenant[e.tenant] = g
			order = append(order, e.tenant)
		}
		g.IDs = append(g.IDs, e.id)
		g.N++
		if g.From == "" || e.id < g.From {
			g.From = e.id
		}
		if e.id > g.To {
			g.To = e.id
		}
	}
	n := notice{}
	committed := time.Now().UnixMicro()
	for _, t := range order {
		g := byTenant[t]
		g.Committed = committed
		if len(g.IDs) > maxIDsPerGroup {
			g.IDs = nil
		} else {
			g.N, g.From, g.To = 0, "", ""
		}
		n.Groups = append(n.Groups, g)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for _, payload := range splitNotice(n) {
		if err := f.broker.Publish(ctx, TopicAuditEntries, payload); err != nil {
			f.log.Error("live: announce audit entries", "err", err)
		}
	}
}

// splitNotice encodes n in as few payloads as fit the broker's limit (more
// than one only when a transaction wrote to many tenants). Each group is
// encoded once and the payloads are joined from those bytes — what
// json.Marshal of the notice of those groups gives — where encoding the
// growing notice again for every group cost the writer time quadratic in
// the tenants of its transaction (a q4a group commit holds ~10).
func splitNotice(n notice) [][]byte {
	const head, tail = `{"g":[`, `]}`
	var (
		out [][]byte
		cur []byte
	)
	for _, g := range n.Groups {
		b, _ := json.Marshal(g)
		if cur != nil && len(cur)+1+len(b)+len(tail) > pubsub.MaxPayload {
			out = append(out, append(cur, tail...))
			cur = nil
		}
		if cur == nil {
			cur = append([]byte(head), b...)
		} else {
			cur = append(append(cur, ','), b...)
		}
	}
	if cur != nil {
		out = append(out, append(cur, tail...))
	}
	return out
}

// hub receives notices and hands them to the interested subscriptions
// without ever blocking on one.
func (f *Feed) hub() {
	defer f.wg.Done()
	for {
		select {
		case m, ok := <-f.bsub.C:
			if !ok {
				return
			}
			var n notice
			if err := json.Unmarshal(m.Payload, &n); err != nil {
				f.log.Warn("live: bad audit entry notice", "err", err)
				continue
			}
			for _, g := range n.Groups {
				f.dispatch(g)
			}
		case g := <-f.retry:
			f.dispatch(g)
		case <-f.bsub.Resync:
			for _, s := range f.snapshot() {
				s.signalResync()
			}
		case <-f.done:
			return
		}
	}
}

func (f *Feed) snapshot() []*entrySub {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*entrySub, 0, len(f.subs))
	for s := range f.subs {
		out = append(out, s)
	}
	return out
}

// sharesFor lists the shares whose subscribers want notices of tenant.
func (f *Feed) sharesFor(tenant string) []*share {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*share
	for _, sh := range f.shares {
		if sh.wants(tenant) {
			out = append(out, sh)
		}
	}
	return out
}

func (f *Feed) dispatch(g *group) {
	shares := f.sharesFor(g.Tenant)
	if len(shares) == 0 {
		return
	}
	if len(g.IDs) > 0 {
		// The notice is published after the commit, so the rows are
		// visible; should one not be yet (a lagging read path), it is
		// looked for again shortly instead of being lost.
		present, err := f.visible(g.IDs)
		if err != nil {
			f.log.Warn("live: check announced entries", "err", err)
			present = g.IDs
		}
		if missing := minus(g.IDs, present); len(missing) > 0 && g.retry < 2 {
			again := &group{Tenant: g.Tenant, IDs: missing, Committed: g.Committed, retry: g.retry + 1}
			time.AfterFunc(time.Duration(200*(g.retry+1))*time.Millisecond, func() {
				select {
				case f.retry <- again:
				case <-f.done:
				}
			})
		}
		if len(present) == 0 {
			return
		}
		g = &group{Tenant: g.Tenant, IDs: present, Committed: g.Committed}
	}
	for _, sh := range shares {
		sh.enqueue(g)
	}
}

// visible returns those of ids that are stored (Trailmark's own look, not
// the subscriber's: that one comes next, through the privacy rules).
func (f *Feed) visible(idList []string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ctx = rule.AsSystem(ctx)
	return f.client.AuditEntry.Query().Where(auditentry.IDIn(idList...)).IDs(ctx)
}

func minus(all, some []string) []string {
	have := make(map[string]bool, len(some))
	for _, id := range some {
		have[id] = true
	}
	var out []string
	for _, id := range all {
		if !have[id] {
			out = append(out, id)
		}
	}
	return out
}

// EntryQuery is what an auditEntryCreated subscription asks for.
type EntryQuery struct {
	// TenantID limits the tail to one tenant; nil is every tenant the
	// viewer reads.
	TenantID *string
	// Where are the subscriber's fixed predicates (the where input).
	Where []predicate.AuditEntry
	// Filter compiles the subscriber's filter for a given now (relative
	// times such as now() - interval '1 hour' move with the clock); nil
	// for none.
	Filter func(now time.Time) (predicate.AuditEntry, error)
	// Key names Where and Filter (for instance their source text):
	// subscriptions of the same scope whose keys are equal share one load
	// per notice. With Where or Filter set, "" shares with no one.
	Key string
	// Fail is called once, before the channel closes, when the
	// subscription ends for a reason the client should hear (ErrTooSlow,
	// a database error).
	Fail func(error)
}

// Subscribe starts a live tail for the viewer of ctx: every entry committed
// from now on that the viewer may see and that matches q, once, in commit
// order per tenant. The channel closes when ctx ends or the subscription
// fails (q.Fail is told why).
func (f *Feed) Subscribe(ctx context.Context, q EntryQuery) <-chan *ent.AuditEntry {
	v := viewer.FromContext(ctx)
	s := &entrySub{
		feed:   f,
		ctx:    ctx,
		q:      q,
		out:    make(chan *ent.AuditEntry),
		events: make(chan []*ent.AuditEntry, f.opts.Queue),
		resync: make(chan struct{}, 1),
		failed: make(chan struct{}),
		seen:   map[string]time.Time{},
		start:  clock.Now(),
	}
	r := route{}
	switch {
	case q.TenantID != nil:
		r.tenants = map[string]bool{*q.TenantID: true}
		r.scoped = true
	case rule.SeesEverything(v):
		r.anyTenant = true
	default:
		r.tenants = map[string]bool{}
		for _, t := range rule.MemberOf(v) {
			r.tenants[t] = true
		}
	}
	s.cursor.at = s.start
	key, shared := shareKey(ctx, q, r)
	f.mu.Lock()
	f.subs[s] = struct{}{}
	sh := f.shares[key]
	if sh == nil || !shared {
		sh = f.newShare(ctx, q, r)
		if shared {
			sh.key = key
		} else {
			sh.key = fmt.Sprintf("own %p", s)
		}
		f.shares[sh.key] = sh
	}
	sh.subs[s] = struct{}{}
	s.share = sh
	f.mu.Unlock()
	f.active.Add(1)
	go s.run()
	return s.out
}

// shareKey is the key of the share a subscription joins: its viewer's
// scope, the tenants it listens to and its filter. ok is false when it
// shares with no one.
func shareKey(ctx context.Context, q EntryQuery, r route) (key string, ok bool) {
	scope, ok := rule.AuditEntryScope(ctx)
	if !ok || (q.Key == "" && (len(q.Where) > 0 || q.Filter != nil)) {
		return "", false
	}
	tenants := make([]string, 0, len(r.tenants))
	for t := range r.tenants {
		tenants = append(tenants, t)
	}
	slices.Sort(tenants)
	return fmt.Sprintf("%s\x00%t %t %q\x00%s", scope, r.anyTenant, r.scoped, tenants, q.Key), true
}

// route is which tenants' notices concern a subscription.
type route struct {
	tenants   map[string]bool
	anyTenant bool
	// scoped: the subscription named its tenant (tenantID).
	scoped bool
}

// wants reports whether notices of tenant ("" = platform log) concern the
// subscription. It only routes: what it may see is decided by the privacy
// rules when the entries are loaded.
func (r route) wants(tenant string) bool {
	if tenant == "" {
		// The platform log, as auditEntries without tenantID shows it
		// (to platform admins).
		return r.anyTenant && !r.scoped
	}
	return r.anyTenant || r.tenants[tenant]
}

// share loads the entries of each notice once for the subscriptions whose
// viewers read the same entries with the same filter, and hands the rows to
// each of them. Its queries run with the viewer of its first subscription
// (the others' are equivalent: rule.AuditEntryScope); fields are still
// resolved per subscription, with its own viewer, when gqlgen marshals them.
type share struct {
	feed *Feed
	key  string
	ctx  context.Context
	stop context.CancelFunc
	q    EntryQuery
	route

	subs   map[*entrySub]struct{} // guarded by feed.mu
	groups chan *group
}

func (f *Feed) newShare(ctx context.Context, q EntryQuery, r route) *share {
	sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	sh := &share{
		feed:   f,
		ctx:    sctx,
		stop:   stop,
		q:      EntryQuery{TenantID: q.TenantID, Where: q.Where, Filter: q.Filter, Key: q.Key},
		route:  r,
		subs:   map[*entrySub]struct{}{},
		groups: make(chan *group, f.opts.Queue),
	}
	go sh.run()
	return sh
}

// leave removes s from its share; the last one out stops it.
func (sh *share) leave(s *entrySub) {
	f := sh.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(sh.subs, s)
	if len(sh.subs) == 0 {
		if f.shares[sh.key] == sh {
			delete(f.shares, sh.key)
		}
		sh.stop()
	}
}

func (sh *share) members() []*entrySub {
	f := sh.feed
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*entrySub, 0, len(sh.subs))
	for s := range sh.subs {
		out = append(out, s)
	}
	return out
}

// enqueue never blocks the hub: when the share's loads fall behind (a slow
// database), its subscriptions re-read what they missed instead.
func (sh *share) enqueue(g *group) {
	select {
	case sh.groups <- g:
	default:
		for _, s := range sh.members() {
			s.signalResync()
		}
	}
}

func (sh *share) run() {
	for {
		select {
		case g := <-sh.groups:
			sh.deliver(g)
		case <-sh.ctx.Done():
			return
		case <-sh.feed.done:
			return
		}
	}
}

// deliver loads the entries of g once and hands them to every subscription
// of the share that began before the commit.
func (sh *share) deliver(g *group) {
	subs := sh.members()
	var want []*entrySub
	for _, s := range subs {
		if g.Committed != 0 && g.Committed < s.start.UnixMicro() {
			continue // committed before this subscription began
		}
		want = append(want, s)
	}
	if len(want) == 0 {
		return
	}
	rows, err := sh.load(g)
	if err != nil {
		if sh.ctx.Err() != nil {
			return
		}
		for _, s := range want {
			s.fail(err)
		}
		return
	}
	if len(rows) == 0 {
		return
	}
	for _, s := range want {
		s.enqueue(rows)
	}
}

// predicates are the share's conditions: tenant scope, where, filter.
func (sh *share) predicates() ([]predicate.AuditEntry, error) {
	return predicatesOf(sh.q)
}

func predicatesOf(q EntryQuery) ([]predicate.AuditEntry, error) {
	ps := append([]predicate.AuditEntry(nil), q.Where...)
	if q.TenantID != nil {
		ps = append(ps, auditentry.TenantID(*q.TenantID))
	}
	if q.Filter != nil {
		p, err := q.Filter(time.Now())
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// load returns the entries of one notice that the share's viewer may see
// and that match, through ent (privacy rules apply), in live-tail order.
func (sh *share) load(g *group) ([]*ent.AuditEntry, error) {
	ps, err := sh.predicates()
	if err != nil {
		return nil, err
	}
	if len(g.IDs) > 0 {
		ps = append(ps, auditentry.IDIn(g.IDs...))
	} else {
		if g.Tenant == "" {
			ps = append(ps, auditentry.TenantIDIsNil())
		} else {
			ps = append(ps, auditentry.TenantID(g.Tenant))
		}
		ps = append(ps, auditentry.IDGTE(g.From), auditentry.IDLTE(g.To))
	}
	rows, err := sh.feed.client.AuditEntry.Query().Where(ps...).
		Order(auditentry.ByReceivedAt(), auditentry.ByID()).All(sh.ctx)
	if err != nil {
		return nil, fmt.Errorf("load entries: %w", err)
	}
	return rows, nil
}

// entrySub is one subscription: its own goroutine sends the entries its
// share loaded (and re-reads what it missed on a resync), so a slow client
// only ever slows itself. The rows are shared with the other subscriptions
// of the share and are read, never changed.
type entrySub struct {
	feed  *Feed
	share *share
	ctx   context.Context
	q     EntryQuery

	out    chan *ent.AuditEntry
	events chan []*ent.AuditEntry
	resync chan struct{}

	failOnce sync.Once
	failErr  error
	failed   chan struct{}

	start  time.Time
	cursor struct {
		at time.Time
		id string
	}
	// seen holds the ids delivered within Slack of the cursor, so that a
	// resync, which looks back that far, sends none twice.
	seen map[string]time.Time
}

func (s *entrySub) enqueue(rows []*ent.AuditEntry) {
	select {
	case s.events <- rows:
	default:
		s.fail(ErrTooSlow)
	}
}

func (s *entrySub) signalResync() {
	select {
	case s.resync <- struct{}{}:
	default:
	}
}

func (s *entrySub) fail(err error) {
	s.failOnce.Do(func() {
		s.failErr = err
		close(s.failed)
	})
}

func (s *entrySub) run() {
	defer func() {
		s.feed.mu.Lock()
		delete(s.feed.subs, s)
		s.feed.mu.Unlock()
		s.share.leave(s)
		s.feed.active.Add(-1)
		if s.failErr != nil && s.q.Fail != nil && s.ctx.Err() == nil {
			s.q.Fail(s.failErr)
		}
		close(s.out)
	}()
	for {
		var err error
		select {
		case rows := <-s.events:
			err = s.send(rows)
		case <-s.resync:
			err = s.catchUp()
		case <-s.failed:
			return
		case <-s.ctx.Done():
			return
		case <-s.feed.done:
			return
		}
		if err != nil {
			if s.ctx.Err() == nil {
				s.fail(err)
			}
			return
		}
	}
}

// predicates are the subscriber's conditions: tenant scope, where, filter.
func (s *entrySub) predicates() ([]predicate.AuditEntry, error) {
	return predicatesOf(s.q)
}

// catchUp re-reads what may have been missed (after a lost listener
// connection or dropped notices): every matching entry created since the
// last one sent, looking Slack further back for transactions that
// committed late, minus those already sent. It walks the primary key: IDs
// are ULIDs, ordered by creation time.
func (s *entrySub) catchUp() error {
	from := s.cursor.at.Add(-s.feed.opts.Slack)
	if from.Before(s.start) {
		from = s.start
	}
	lower := idFloor(from)
	after := ""
	sent := 0
	for {
		var ps []predicate.AuditEntry
		if after != "" {
			ps = append(ps, auditentry.IDGT(after))
		} else {
			ps = append(ps, auditentry.IDGTE(lower))
		}
		// IDs have millisecond precision; nothing received before the
		// subscription started is sent.
		ps = append(ps, auditentry.ReceivedAtGTE(s.start))
		more, err := s.predicates()
		if err != nil {
			return err
		}
		ps = append(ps, more...)
		const page = 500
		rows, err := s.feed.client.AuditEntry.Query().Where(ps...).
			Order(auditentry.ByID()).Limit(page).All(s.ctx)
		if err != nil {
			return fmt.Errorf("catch up entries: %w", err)
		}
		if sent += len(rows); sent > s.feed.opts.MaxCatchUp {
			return ErrTooSlow
		}
		if len(rows) == 0 {
			return nil
		}
		after = rows[len(rows)-1].ID
		// Within a page, send in the order the live path does.
		slices.SortStableFunc(rows, func(a, b *ent.AuditEntry) int {
			if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		if err := s.send(rows); err != nil {
			return err
		}
		if len(rows) < page {
			return nil
		}
	}
}

// idFloor is the smallest audit entry ID created at t or later: the ULID of
// t's millisecond with zero randomness (see internal/ids).
func idFloor(t time.Time) string {
	const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	ms := uint64(t.UnixMilli())
	var out [26]byte
	for i := range out {
		out[i] = '0'
	}
	// The first 10 characters encode the 48-bit millisecond time.
	for i := 9; i >= 0; i-- {
		out[i] = crockford[ms&31]
		ms >>= 5
	}
	return ids.Prefix("AuditEntry") + "_" + string(out[:])
}

func (s *entrySub) send(rows []*ent.AuditEntry) error {
	for _, e := range rows {
		if _, dup := s.seen[e.ID]; dup {
			continue
		}
		select {
		case s.out <- e:
		case <-s.ctx.Done():
			return s.ctx.Err()
		case <-s.failed:
			return s.failErr
		}
		s.seen[e.ID] = e.ReceivedAt
		if e.ReceivedAt.After(s.cursor.at) || (e.ReceivedAt.Equal(s.cursor.at) && e.ID > s.cursor.id) {
			s.cursor.at, s.cursor.id = e.ReceivedAt, e.ID
		}
	}
	s.prune()
	return nil
}

// prune forgets delivered ids too old for a resync to return again.
func (s *entrySub) prune() {
	if len(s.seen) < 1024 {
		return
	}
	horizon := s.cursor.at.Add(-s.feed.opts.Slack)
	for id, at := range s.seen {
		if at.Before(horizon) {
			delete(s.seen, id)
		}
	}
}
