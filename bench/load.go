package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"github.com/trailmark/trailmark/ent/privacy"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/ids"
)

// createDatabase drops and recreates database name on the server of
// adminURL and returns a URL for it.
func createDatabase(ctx context.Context, adminURL, name string) (string, error) {
	admin, err := sql.Open("postgres", adminURL)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	q := pq.QuoteIdentifier(name)
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+q+` WITH (FORCE)`); err != nil {
		return "", fmt.Errorf("drop bench database: %w", err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+q); err != nil {
		return "", fmt.Errorf("create bench database: %w", err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// system is a context in which the loader bypasses privacy rules, as
// Trailmark's own background work does.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

var copyColumns = []string{"id", "occurred_at", "received_at", "action", "resource_type", "resource_id",
	"resource_name", "workspace", "actor_type", "actor_id", "actor_name", "actor_email", "status",
	"old_value", "new_value", "metadata", "request", "idempotency_key", "hash", "tenant_id"}

type loadResult struct {
	tenants []*tenantData
	sizes   []int
	rows    int64
	took    time.Duration
}

// load creates the tenants and COPYs `total` entries spread over `days`
// days, a day at a time in time order, as a live system would have
// appended them.
func load(ctx context.Context, d *db.DB, log *slog.Logger, total, nTenants, days, workers int) (*loadResult, error) {
	sizes := tenantSizes(total, nTenants, 0.30)
	r := rand.New(rand.NewPCG(1, 2))
	res := &loadResult{sizes: sizes}
	for i, size := range sizes {
		slug := fmt.Sprintf("bench-%02d", i)
		tn, err := d.Client.Tenant.Create().SetSlug(slug).SetName(fmt.Sprintf("Bench tenant %02d", i)).Save(system(ctx))
		if err != nil {
			return nil, fmt.Errorf("create tenant: %w", err)
		}
		res.tenants = append(res.tenants, newTenantData(r, i, tn.ID, slug, size))
	}

	start := time.Now()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	first := today.AddDate(0, 0, -days+1)
	var (
		next   atomic.Int64
		loaded atomic.Int64
		wg     sync.WaitGroup
		errMu  sync.Mutex
		errOut error
	)
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				n := loaded.Load()
				log.Info("loading", "rows", n, "rows_per_s", int(float64(n)/time.Since(start).Seconds()))
			}
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w+10), 7))
			for {
				day := int(next.Add(1) - 1)
				if day >= days {
					return
				}
				n, err := loadDay(ctx, d.SQL, r, res, first.AddDate(0, 0, day), day, days)
				loaded.Add(n)
				if err != nil {
					errMu.Lock()
					errOut = err
					errMu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	if errOut != nil {
		return nil, errOut
	}
	res.rows, res.took = loaded.Load(), time.Since(start)
	// A live table is vacuumed by autovacuum as it grows; a bulk load is not
	// until autovacuum wakes up. Without the visibility map, index-only scans
	// fetch every row from the heap and the numbers would describe a state
	// no production table stays in.
	if _, err := d.SQL.ExecContext(ctx, `VACUUM (ANALYZE) audit_entries`); err != nil {
		return nil, fmt.Errorf("vacuum: %w", err)
	}
	return res, nil
}

// loadDay writes every tenant's share of day `day` in one COPY.
func loadDay(ctx context.Context, sqlDB *sql.DB, r *rand.Rand, res *loadResult, date time.Time, day, days int) (int64, error) {
	var entries []audit.Entry
	for i, t := range res.tenants {
		size := res.sizes[i]
		n := size*(day+1)/days - size*day/days
		for range n {
			at := businessTime(r, date)
			if at.After(time.Now()) {
				at = time.Now().Add(-time.Duration(r.IntN(3600)) * time.Second)
			}
			entries = append(entries, t.entry(r, at))
		}
	}
	slices.SortFunc(entries, func(a, b audit.Entry) int { return a.OccurredAt.Compare(b.OccurredAt) })

	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("audit_entries", copyColumns...))
	if err != nil {
		return 0, fmt.Errorf("copy: %w", err)
	}
	for _, e := range entries {
		req, _ := json.Marshal(e.Request)
		e.ID = ids.New("AuditEntry")
		if _, err := stmt.ExecContext(ctx, e.ID, e.OccurredAt, e.ReceivedAt, e.Action,
			e.ResourceType, e.ResourceID, e.ResourceName, e.Workspace, string(e.Actor.Type), e.Actor.ID,
			e.Actor.Name, e.Actor.Email, string(e.Status), jsonArg(e.OldValue), jsonArg(e.NewValue),
			jsonArg(e.Metadata), string(req), e.IdempotencyKey, audit.Hash(e), e.TenantID); err != nil {
			return 0, fmt.Errorf("copy row: %w", err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return 0, fmt.Errorf("copy flush: %w", err)
	}
	if err := stmt.Close(); err != nil {
		return 0, err
	}
	return int64(len(entries)), tx.Commit()
}

func jsonArg(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}
