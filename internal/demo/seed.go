// Package demo fills a fresh installation with two tenants and a few
// thousand realistic audit entries, so that `make run` shows a working
// product: tenant "Acme Inc" (slug acme) with ≥5 000 entries over the last
// 90 days and a smaller "Globex Corporation" (slug globex).
//
// The data are deterministic (a fixed-seed generator) except that times are
// relative to now. Entries go through audit.Prepare, like ingested ones:
// validated, payload secrets redacted, hashed by audit.Create.
package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/rule"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/ent/tenant"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/txn"
)

// Slugs of the demo tenants.
const (
	AcmeSlug   = "acme"
	GlobexSlug = "globex"
)

// Sizes of the demo logs.
const (
	AcmeEntries   = 5600
	GlobexEntries = 900
	Days          = 90
)

// Tenants are the tenants Seed created.
type Tenants struct {
	Acme, Globex *ent.Tenant
}

// Options adjust Seed.
type Options struct {
	// Users, when set, runs inside the seed's transaction once the tenants
	// exist: it creates the demo people's users (with the IDs of
	// AcmePeople/GlobexPeople, so that actor.user resolves), memberships and
	// a sign-in. Identity owns users; the demo only names them.
	Users func(ctx context.Context, c *ent.Client, t Tenants) error
	// Now anchors the data; zero means time.Now().
	Now time.Time
}

// Result says what Seed did.
type Result struct {
	// Seeded is false when the acme tenant already existed (nothing done).
	Seeded  bool
	Tenants Tenants
	Entries int
}

// Seed creates the demo tenants and their entries unless the tenant acme
// exists, all in one transaction (a failed seed leaves nothing behind and
// runs again on the next start).
func Seed(ctx context.Context, client *ent.Client, opts Options) (*Result, error) {
	ctx = rule.AsSystem(ctx)
	exists, err := client.Tenant.Query().Where(tenant.Slug(AcmeSlug)).Exist(ctx)
	if err != nil {
		return nil, fmt.Errorf("look for the demo tenant: %w", err)
	}
	if exists {
		return &Result{}, nil
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)

	var res *Result
	err = txn.Do(ctx, client, func(tx *ent.Tx) error {
		var err error
		res, err = seed(ctx, tx.Client(), now, opts)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("demo seed: %w", err)
	}
	res.Tenants.Acme = res.Tenants.Acme.Unwrap()
	res.Tenants.Globex = res.Tenants.Globex.Unwrap()
	return res, nil
}

func seed(ctx context.Context, c *ent.Client, now time.Time, opts Options) (*Result, error) {
	acme, err := c.Tenant.Create().SetSlug(AcmeSlug).SetName("Acme Inc").SetCreatedAt(now.AddDate(0, 0, -Days-30)).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create demo tenant acme: %w", err)
	}
	globex, err := c.Tenant.Create().SetSlug(GlobexSlug).SetName("Globex Corporation").SetRetentionDays(365).
		SetCreatedAt(now.AddDate(0, 0, -Days-10)).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create demo tenant globex: %w", err)
	}
	res := &Result{Seeded: true, Tenants: Tenants{Acme: acme, Globex: globex}}
	if opts.Users != nil {
		if err := opts.Users(ctx, c, res.Tenants); err != nil {
			return nil, fmt.Errorf("create demo users: %w", err)
		}
	}
	for _, t := range []struct {
		tenant *ent.Tenant
		g      *generator
		n      int
	}{
		{acme, newGenerator(1, now, acme.Name, AcmePeople, acmeWorkspaces), AcmeEntries},
		{globex, newGenerator(2, now, globex.Name, GlobexPeople, globexWorkspaces), GlobexEntries},
	} {
		n, err := insert(ctx, c, t.tenant.ID, t.g.entries(t.n))
		if err != nil {
			return nil, fmt.Errorf("seed %s: %w", t.tenant.Slug, err)
		}
		res.Entries += n
	}
	return res, nil
}

// insert validates and stores generated entries with multi-row inserts.
func insert(ctx context.Context, c *ent.Client, tenantID string, gen []generated) (int, error) {
	const chunk = 500
	for start := 0; start < len(gen); start += chunk {
		part := gen[start:min(start+chunk, len(gen))]
		in := make([]audit.Input, len(part))
		for i, g := range part {
			in[i] = g.Input
		}
		entries, err := audit.Prepare(tenantID, in, audit.Actor{Type: schematype.ActorSystem}, time.Now())
		if err != nil {
			return 0, err
		}
		builders := make([]*ent.AuditEntryCreate, len(entries))
		for i, e := range entries {
			e.ReceivedAt = part[i].ReceivedAt
			builders[i] = audit.Create(c.AuditEntry, e)
		}
		if err := c.AuditEntry.CreateBulk(builders...).Exec(ctx); err != nil {
			return 0, err
		}
	}
	return len(gen), nil
}

// generated is one demo entry and when Trailmark received it.
type generated struct {
	audit.Input
	ReceivedAt time.Time
}

// generator makes the entries of one tenant.
type generator struct {
	r          *rand.Rand
	now        time.Time
	people     []Person
	workspaces []workspace
	org        string
	seq        int
}

func newGenerator(seed uint64, now time.Time, org string, people []Person, ws []workspace) *generator {
	return &generator{
		org:        org,
		r:          rand.New(rand.NewPCG(seed, 0x7a11_3a4c)),
		now:        now,
		people:     people,
		workspaces: slices.Clone(ws),
	}
}

// entries makes n entries, oldest first, spread over the last Days days:
// more on weekdays and in working hours, growing towards today.
func (g *generator) entries(n int) []generated {
	out := make([]generated, 0, n)
	for len(out) < n {
		at := g.moment()
		in := g.event(at)
		in.OccurredAt = &at
		received := at.Add(time.Duration(50+g.r.IntN(1500)) * time.Millisecond)
		if received.After(g.now) {
			received = g.now
		}
		out = append(out, generated{Input: in, ReceivedAt: received})
	}
	slices.SortFunc(out, func(a, b generated) int { return a.OccurredAt.Compare(*b.OccurredAt) })
	return out
}

func (g *generator) moment() time.Time {
	for {
		// Growth: the newest days are about twice as busy as the oldest.
		day := int(float64(Days) * (1 - sqrtUniform(g.r)))
		t := g.now.AddDate(0, 0, -day).Truncate(24 * time.Hour)
		if wd := t.Weekday(); (wd == time.Saturday || wd == time.Sunday) && g.r.Float64() < 0.75 {
			continue
		}
		hour := 14 + g.r.NormFloat64()*3.5 // UTC: Europe's afternoon, America's morning
		if hour < 0 || hour >= 24 {
			continue
		}
		at := t.Add(time.Duration(hour * float64(time.Hour))).Add(time.Duration(g.r.IntN(60)) * time.Second).Truncate(time.Millisecond)
		if at.After(g.now) {
			continue
		}
		return at
	}
}

// sqrtUniform is in [0,1) with a density rising linearly (2x).
func sqrtUniform(r *rand.Rand) float64 { return math.Sqrt(r.Float64()) }
