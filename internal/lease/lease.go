// Package lease is the row in log_leases by which one replica at a time
// runs a background job (the ledger's sequencer, the search indexer): a
// named claim with an expiry, renewed by its holder, taken over by anyone
// once it expired.
package lease

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/trailmark/trailmark/internal/sqltext"
)

// Lease is one process's claim on the named lease.
type Lease struct {
	db     *sql.DB
	dia    string
	name   string
	holder string
	ttl    time.Duration
	until  time.Time // the expiry this claim last wrote (zero: none held)
}

// New returns this process's claim on name, held for ttl after each Claim.
// The holder is host-pid-random, unique per call.
func New(db *sql.DB, dia, name string, ttl time.Duration) *Lease {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &Lease{db: db, dia: dia, name: name, ttl: ttl,
		holder: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))}
}

// Holder names this claim in log_leases.
func (l *Lease) Holder() string { return l.holder }

// Claim takes the lease, or renews it, until now+ttl; false when another
// holder's claim has not expired.
//
// A claim renewed less than a third of ttl ago is not written again: its
// holders call Claim before every pass (the sequencer twice a second), and
// each renewal is a commit with its fsync, taken under SQLite's one write
// lock (docs/performance.md "2026-12-06 (late morning) — SQLite batch
// ingest"). Nobody can take it over before it expires, two thirds of ttl
// later at the least.
func (l *Lease) Claim(ctx context.Context, now time.Time) (bool, error) {
	if !l.until.IsZero() && now.Before(l.until.Add(-2*l.ttl/3)) {
		return true, nil
	}
	l.until = time.Time{}
	res, err := l.db.ExecContext(ctx, sqltext.Rebind(l.dia, `INSERT INTO log_leases (name, holder, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
WHERE log_leases.holder = EXCLUDED.holder OR log_leases.expires_at < $4`),
		l.name, l.holder, now.Add(l.ttl).UnixMilli(), now.UnixMilli())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 1 {
		l.until = now.Add(l.ttl)
	}
	return n == 1, err
}

// Release gives the lease up if this claim holds it.
func (l *Lease) Release(ctx context.Context) error {
	l.until = time.Time{}
	_, err := l.db.ExecContext(ctx, sqltext.Rebind(l.dia, `DELETE FROM log_leases WHERE name = $1 AND holder = $2`), l.name, l.holder)
	return err
}
