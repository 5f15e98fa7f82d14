package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/internal/clock"
)

// usage collects API keys' last-used and sessions' last-seen times in
// memory and writes them in batches: a request never waits for a write, and
// a busy key costs one UPDATE per flush, not one per request.
type usage struct {
	client *ent.Client

	mu       sync.Mutex
	keys     map[string]time.Time
	sessions map[string]time.Time
}

func newUsage(c *ent.Client) *usage {
	return &usage{client: c, keys: map[string]time.Time{}, sessions: map[string]time.Time{}}
}

func (u *usage) key(id string, t time.Time) {
	u.mu.Lock()
	u.keys[id] = t
	u.mu.Unlock()
}

func (u *usage) session(id string, t time.Time) {
	u.mu.Lock()
	u.sessions[id] = t
	u.mu.Unlock()
}

// sessionSeen is a last-seen time not yet written.
func (u *usage) sessionSeen(id string) (time.Time, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	t, ok := u.sessions[id]
	return t, ok
}

// flush writes what was collected, as Trailmark itself (bookkeeping is not
// audited). Rows deleted meanwhile (a revoked session) are skipped.
func (u *usage) flush(ctx context.Context) error {
	u.mu.Lock()
	keys, sessions := u.keys, u.sessions
	u.keys, u.sessions = map[string]time.Time{}, map[string]time.Time{}
	u.mu.Unlock()
	ctx = rule.AsSystem(ctx)
	var errs []error
	for id, t := range keys {
		err := u.client.APIKey.UpdateOneID(id).SetLastUsedAt(clock.Stored(t)).Exec(ctx)
		if err != nil && !ent.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("api key %s last used: %w", id, err))
		}
	}
	for id, t := range sessions {
		err := u.client.Session.UpdateOneID(id).SetLastSeenAt(clock.Stored(t)).Exec(ctx)
		if err != nil && !ent.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("session %s last seen: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// Run writes last-used times every FlushEvery until ctx ends.
func (a *Authenticator) Run(ctx context.Context) {
	a.init()
	t := time.NewTicker(a.cfg.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := a.usage.flush(context.WithoutCancel(ctx)); err != nil && a.Log != nil {
				a.Log.Warn("writing last-used times", "err", err)
			}
		}
	}
}

// Flush writes the pending last-used times now (shutdown, tests).
func (a *Authenticator) Flush(ctx context.Context) error {
	a.init()
	return a.usage.flush(ctx)
}
