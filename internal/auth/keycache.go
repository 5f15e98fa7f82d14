package auth

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/apikey"
	"github.com/trailmark/trailmark/ent/hook"
	"github.com/trailmark/trailmark/internal/pubsub"
	"github.com/trailmark/trailmark/internal/viewer"
)

// TopicAPIKeys carries the IDs of API keys changed (deactivated) on one
// replica, so that every replica forgets its cached copy at once.
const TopicAPIKeys = "api_keys"

// keyCache remembers active API keys by secret hash, so that a request with
// a key costs no query. A change to a key (deactivation) evicts it when its
// transaction commits: on this replica directly, on the others through the
// broker (KeyHook, Listen). The TTL bounds how long a copy lives if a
// notification is ever lost; a lost listener connection clears everything.
type keyCache struct {
	ttl time.Duration
	max int

	mu     sync.Mutex
	gen    uint64 // bumped by every eviction
	byHash map[string]cachedKey
	hashOf map[string]string // key ID → secret hash
}

type cachedKey struct {
	v     viewer.Viewer
	until time.Time
}

func newKeyCache(ttl time.Duration, max int) *keyCache {
	return &keyCache{ttl: ttl, max: max, byHash: map[string]cachedKey{}, hashOf: map[string]string{}}
}

// get returns a copy of the cached viewer of hash, and the generation to
// pass to put after a miss.
func (c *keyCache) get(hash string, now time.Time) (*viewer.Viewer, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.byHash[hash]
	if !ok || now.After(k.until) {
		return nil, c.gen
	}
	v := k.v
	v.Scopes = slices.Clone(k.v.Scopes)
	return &v, c.gen
}

// put caches v under hash unless an eviction happened since gen was read:
// the key looked up may be the one just deactivated.
func (c *keyCache) put(hash string, v *viewer.Viewer, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.ttl <= 0 {
		return
	}
	if len(c.byHash) >= c.max {
		clear(c.byHash)
		clear(c.hashOf)
	}
	cp := *v
	cp.Scopes = slices.Clone(v.Scopes)
	c.byHash[hash] = cachedKey{v: cp, until: now.Add(c.ttl)}
	c.hashOf[v.APIKeyID] = hash
}

// forget evicts the keys with these IDs; none at all evicts every key.
func (c *keyCache) forget(ids ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if len(ids) == 0 {
		clear(c.byHash)
		clear(c.hashOf)
		return
	}
	for _, id := range ids {
		if h, ok := c.hashOf[id]; ok {
			delete(c.byHash, h)
			delete(c.hashOf, id)
		}
	}
}

// KeyHook evicts changed API keys from the cache when their transaction
// commits (or at once outside one) and announces them on the broker set
// with Listen, for the other replicas. Register it with
// client.APIKey.Use(a.KeyHook()).
func (a *Authenticator) KeyHook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return hook.APIKeyFunc(func(ctx context.Context, m *ent.APIKeyMutation) (ent.Value, error) {
			if m.Op().Is(ent.OpCreate) || onlyLastUsed(m) {
				return next.Mutate(ctx, m)
			}
			ids, err := m.IDs(ctx)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil || len(ids) == 0 {
				return v, err
			}
			tx, txErr := m.Tx()
			if txErr != nil { // not in a transaction: already committed
				a.keysChanged(ctx, ids)
				return v, nil
			}
			tx.OnCommit(func(next ent.Committer) ent.Committer {
				return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
					if err := next.Commit(ctx, tx); err != nil {
						return err
					}
					a.keysChanged(ctx, ids)
					return nil
				})
			})
			return v, nil
		})
	}
}

// onlyLastUsed reports whether m only records when the key was last used
// (the batched usage flush), which changes nothing a cached copy holds.
func onlyLastUsed(m *ent.APIKeyMutation) bool {
	fields := m.Fields()
	return len(fields) == 1 && fields[0] == apikey.FieldLastUsedAt && len(m.ClearedFields()) == 0
}

// keysChanged evicts ids here and tells the other replicas.
func (a *Authenticator) keysChanged(ctx context.Context, ids []string) {
	a.init()
	a.keys.forget(ids...)
	if a.broker == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for _, id := range ids {
		if err := a.broker.Publish(ctx, TopicAPIKeys, []byte(id)); err != nil && a.Log != nil {
			// The TTL still bounds how long other replicas accept the key.
			a.Log.Error("announce api key change", "err", err, "key", id)
		}
	}
}

// Listen evicts API keys changed on other replicas until ctx ends; after a
// lost notification connection (Resync) it clears the whole cache.
func (a *Authenticator) Listen(ctx context.Context, b pubsub.Broker) {
	a.init()
	a.broker = b
	sub := b.Subscribe(TopicAPIKeys)
	go func() {
		defer sub.Close()
		for {
			select {
			case m, ok := <-sub.C:
				if !ok {
					return
				}
				a.keys.forget(string(m.Payload))
			case <-sub.Resync:
				a.keys.forget()
			case <-ctx.Done():
				return
			}
		}
	}()
}
