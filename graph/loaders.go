package graph

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/user"
	"github.com/trailmark/trailmark/internal/ledger"
)

// Loaders batch the lookups that list fields would otherwise make once per
// row (actor.user of every entry on a page). One set lives for one operation.
type loaders struct {
	users  userLoader
	seqs   seqLoader
	proofs *proverCache
}

type loadersKey struct{}

// withLoaders wraps a schema so that every response gets fresh loaders:
// results are cached for one query's or mutation's answer (or one event of
// a subscription) only, never across viewers or over time. The loaders go
// into the context the response handler runs fields with, which is not the
// one Exec is called with.
type withLoaders struct {
	graphql.ExecutableSchema
	client *ent.Client
	ledger *ledger.Ledger
	// resolver is the root resolver, for DirectRead.
	resolver *Resolver
}

func (s withLoaders) Exec(ctx context.Context) graphql.ResponseHandler {
	next := s.ExecutableSchema.Exec(ctx)
	return func(ctx context.Context) *graphql.Response {
		return next(context.WithValue(ctx, loadersKey{}, newLoaders(s.client, s.ledger)))
	}
}

func newLoaders(c *ent.Client, l *ledger.Ledger) *loaders {
	return &loaders{users: newUserLoader(c), seqs: newSeqLoader(l), proofs: &proverCache{ledger: l, m: map[proverKey]*proverResult{}}}
}

func loadersFrom(ctx context.Context, c *ent.Client, l *ledger.Ledger) *loaders {
	if ls, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return ls
	}
	return newLoaders(c, l) // outside an operation: no sharing
}

// batchLoader loads values by ID for one response: Prime loads a known set
// (a page's) in as few queries as possible; Load batches the IDs asked for
// within a short window into one query. An ID fetch does not return (a user
// the viewer may not see, an entry not sequenced yet) loads as absent.
type batchLoader[V any] struct {
	fetch func(ctx context.Context, ids []string) (map[string]V, error)
	wait  time.Duration

	mu    sync.Mutex
	cache map[string]*loadResult[V]
	batch *loadBatch[V]
}

type loadResult[V any] struct {
	done  chan struct{}
	v     V
	found bool
	err   error
}

type loadBatch[V any] struct {
	ids     []string
	results []*loadResult[V]
}

// maxBatch caps the IDs of one query.
const maxBatch = 500

func newBatchLoader[V any](fetch func(ctx context.Context, ids []string) (map[string]V, error)) *batchLoader[V] {
	return &batchLoader[V]{fetch: fetch, wait: 2 * time.Millisecond, cache: map[string]*loadResult[V]{}}
}

// Load returns the value of id and whether there is one.
func (l *batchLoader[V]) Load(ctx context.Context, id string) (V, bool, error) {
	l.mu.Lock()
	r, ok := l.cache[id]
	if !ok {
		r = &loadResult[V]{done: make(chan struct{})}
		l.cache[id] = r
		if l.batch == nil {
			b := &loadBatch[V]{}
			l.batch = b
			time.AfterFunc(l.wait, func() { l.dispatch(ctx, b) })
		}
		l.batch.ids = append(l.batch.ids, id)
		l.batch.results = append(l.batch.results, r)
		if len(l.batch.ids) >= maxBatch {
			b := l.batch
			l.batch = nil
			go l.run(ctx, b)
		}
	}
	l.mu.Unlock()
	select {
	case <-r.done:
		return r.v, r.found, r.err
	case <-ctx.Done():
		var zero V
		return zero, false, ctx.Err()
	}
}

// Prime loads every id not loaded yet and waits for them: one query per
// maxBatch IDs, whatever the loader's window.
func (l *batchLoader[V]) Prime(ctx context.Context, ids []string) {
	b := &loadBatch[V]{}
	l.mu.Lock()
	for _, id := range ids {
		if _, ok := l.cache[id]; ok {
			continue
		}
		r := &loadResult[V]{done: make(chan struct{})}
		l.cache[id] = r
		b.ids = append(b.ids, id)
		b.results = append(b.results, r)
	}
	l.mu.Unlock()
	for start := 0; start < len(b.ids); start += maxBatch {
		end := min(start+maxBatch, len(b.ids))
		l.run(ctx, &loadBatch[V]{ids: b.ids[start:end], results: b.results[start:end]})
	}
}

// dispatch runs b unless it was already sent because it filled up.
func (l *batchLoader[V]) dispatch(ctx context.Context, b *loadBatch[V]) {
	l.mu.Lock()
	if l.batch != b {
		l.mu.Unlock()
		return
	}
	l.batch = nil
	l.mu.Unlock()
	l.run(ctx, b)
}

func (l *batchLoader[V]) run(ctx context.Context, b *loadBatch[V]) {
	values, err := l.fetch(ctx, b.ids)
	for i, id := range b.ids {
		r := b.results[i]
		if v, ok := values[id]; ok && err == nil {
			r.v, r.found = v, true
		}
		r.err = err
		close(r.done)
	}
}

// userLoader loads users by ID, as the viewer may see them (actor.user of
// every entry on a page).
type userLoader struct{ *batchLoader[*ent.User] }

func newUserLoader(c *ent.Client) userLoader {
	return userLoader{newBatchLoader(func(ctx context.Context, ids []string) (map[string]*ent.User, error) {
		users, err := c.User.Query().Where(user.IDIn(slices.Compact(slices.Sorted(slices.Values(ids)))...)).All(ctx)
		byID := make(map[string]*ent.User, len(users))
		for _, u := range users {
			byID[u.ID] = u
		}
		return byID, err
	})}
}

// Load returns the user with id, or nil when it does not exist or the viewer
// may not see it.
func (l userLoader) Load(ctx context.Context, id string) (*ent.User, error) {
	u, _, err := l.batchLoader.Load(ctx, id)
	return u, err
}

// seqLoader loads the seq of entries (AuditEntry.seq, inclusionProof):
// the entries of a page ask within the loader's window, and one query
// (ledger.Seqs) answers them all. An unsequenced entry has no seq (nil).
type seqLoader struct{ *batchLoader[int64] }

func newSeqLoader(l *ledger.Ledger) seqLoader {
	fetch := func(context.Context, []string) (map[string]int64, error) {
		return nil, errors.New("tamper evidence is not configured")
	}
	if l != nil {
		fetch = l.Seqs
	}
	return seqLoader{newBatchLoader(fetch)}
}

// Load returns the seq of entry id, nil while it has none.
func (l seqLoader) Load(ctx context.Context, id string) (*int64, error) {
	n, ok, err := l.batchLoader.Load(ctx, id)
	if !ok || err != nil {
		return nil, err
	}
	return &n, nil
}

// proverCache shares one ledger.Prover per log and tree size among the
// inclusion proofs of a response: a page of proofs reads each tile once.
type proverCache struct {
	ledger *ledger.Ledger

	mu sync.Mutex
	m  map[proverKey]*proverResult
}

type proverKey struct {
	logID string
	size  int64 // 0: the latest checkpoint's
}

type proverResult struct {
	once   sync.Once
	prover *ledger.Prover
	err    error
}

// Get returns the prover of the log's tree of size leaves (0: the latest
// checkpoint's), made once per response.
func (c *proverCache) Get(ctx context.Context, logID string, size int64) (*ledger.Prover, error) {
	c.mu.Lock()
	k := proverKey{logID, size}
	r, ok := c.m[k]
	if !ok {
		r = &proverResult{}
		c.m[k] = r
	}
	c.mu.Unlock()
	r.once.Do(func() {
		if c.ledger == nil {
			r.err = errors.New("tamper evidence is not configured")
			return
		}
		r.prover, r.err = c.ledger.Prover(ctx, logID, size)
	})
	return r.prover, r.err
}
