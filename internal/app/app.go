// Package app assembles a running Trailmark from its parts: the GraphQL
// schema and resolvers, authentication, the HTTP surface and the background
// workers. server.go (the binary) and internal/testserver (the tests) build
// the very same App, so tests exercise the real wiring.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/archive"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/demo"
	"github.com/trailmark/trailmark/internal/httpapi"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/live"
	"github.com/trailmark/trailmark/internal/metrics"
	"github.com/trailmark/trailmark/internal/pubsub"
	"github.com/trailmark/trailmark/internal/searchindex"
	"github.com/trailmark/trailmark/internal/streams"
	"github.com/trailmark/trailmark/internal/verify"
)

// Config is everything the App needs to know, read once by server.go.
type Config struct {
	HTTP httpapi.Config
	// DataDir is where SQLite, archives (file:// blobs) and other local state live.
	DataDir string
	// Demo seeds the demo tenant on start when it does not exist.
	Demo bool
	// Auth is sign-in, session and rate-limit configuration.
	Auth auth.Config
	// Admin, when set, creates the first platform admin on a fresh
	// installation (the binary sets it; tests make their own users).
	Admin *auth.AdminBootstrap
	// DemoPassword is the password of the demo people's accounts.
	DemoPassword string
	// SPA is the built dashboard (frontend.Dist()); nil serves a notice.
	SPA fs.FS
	// Live tunes subscriptions (zero: defaults).
	Live LiveConfig
	// BlobURL is the archive bucket (gocloud.dev URL); empty stores
	// archives under DataDir/archives.
	BlobURL string
	// Jobs tunes the process runner (zero: defaults).
	Jobs jobs.Config
	// Views tunes the audit_log.view writer (zero: defaults).
	Views audit.ViewLogOptions
	// Streams tunes log stream delivery (zero: defaults; private
	// destinations refused).
	Streams streams.Options
	// GroupCommit is how many ingestion transactions may be in flight at
	// once on PostgreSQL, each carrying the batches of many concurrent
	// requests (0: DefaultGroupCommit; negative: off, one transaction per
	// request). SQLite has one writer: any positive value means one group
	// in flight.
	GroupCommit int
	// Ledger tunes the tamper-evident logs: signing key, origin, merge
	// delay (zero: defaults, a key generated and kept in the database).
	Ledger ledger.Config
	// Search tunes the background search indexer (zero: defaults).
	Search searchindex.Config
}

// LiveConfig tunes the broker and the live tail.
type LiveConfig struct {
	Feed     live.FeedOptions
	Postgres pubsub.PostgresOptions
}

// App is a wired Trailmark server.
type App struct {
	Handler http.Handler
	DB      *db.DB
	Auth    *auth.Authenticator
	// Metrics is served at /metrics; live subscriptions report through
	// Metrics.SubscriptionStarted.
	Metrics *metrics.Metrics
	api     *httpapi.API
	// Broker carries change notifications (across replicas on PostgreSQL).
	Broker pubsub.Broker
	// Feed is the audit entry live tail.
	Feed *live.Feed
	// Writer records ingested batches (group commit on PostgreSQL).
	Writer *audit.Writer
	// Views records audit_log.view entries in the background.
	Views *audit.ViewLog
	// Runner runs processes and fires schedules.
	Runner *jobs.Runner
	// Archives stores archive files and runs ARCHIVE, EXPORT and RETENTION.
	Archives *archive.Service
	// Streams delivers log streams.
	Streams *streams.Engine
	// Ledger sequences entries into the per-tenant Merkle logs and proves them.
	Ledger *ledger.Ledger
	// Search fills the search index behind the ledger's sequencer.
	Search *searchindex.Indexer
	// Bootstrap says whether the first platform admin was created (and with
	// which generated password), for server.go to tell once.
	Bootstrap *auth.BootstrapResult
	log       *slog.Logger
	closers   []func(context.Context) error
}

// New wires an App on an open, migrated database.
func New(ctx context.Context, cfg Config, d *db.DB, log *slog.Logger) (*App, error) {
	if cfg.Auth.LookupTimeout == 0 && cfg.HTTP.RequestTimeout > 0 {
		cfg.Auth.LookupTimeout = cfg.HTTP.RequestTimeout
	}
	a := &App{DB: d, log: log, Auth: auth.New(d.Client, cfg.Auth), Metrics: metrics.New()}
	a.Auth.Log = log
	runCtx, stopAuth := context.WithCancel(context.WithoutCancel(ctx))
	go a.Auth.Run(runCtx)
	a.OnClose(func(ctx context.Context) error {
		stopAuth()
		return a.Auth.Flush(ctx)
	})
	a.Metrics.RegisterDB(d.SQL, d.Dialect)
	if err := a.startLive(ctx, cfg, d, log); err != nil {
		return nil, err
	}
	if cfg.Admin != nil {
		res, err := auth.EnsurePlatformAdmin(ctx, d.Client, *cfg.Admin)
		if err != nil {
			return nil, err
		}
		a.Bootstrap = res
	}
	if cfg.Demo {
		if err := seedDemo(ctx, d, log, cfg.DemoPassword); err != nil {
			return nil, err
		}
	}
	wo := audit.WriterOptions{Committers: cmp.Or(cfg.GroupCommit, DefaultGroupCommit)}
	switch {
	case wo.Committers < 0:
		wo.Committers = 0
	case d.Dialect == dialect.SQLite:
		// One writer at a time: a second group would only wait for the
		// first's commit, while the requests arriving meanwhile queue for
		// the next group anyway. Batches of any size join a group: they
		// are written one after another whatever happens, and in a group
		// they share its commit and fsync (docs/performance.md "SQLite").
		wo.Committers, wo.MaxBatch = 1, audit.MaxBatch
	}
	// A group's entries go in with one shared INSERT: of column arrays on
	// PostgreSQL, of VALUES rows on SQLite.
	wo.Arrays, wo.Dialect = true, d.Dialect
	a.Writer = audit.NewWriter(d.Client, wo)
	a.OnClose(a.Writer.Close)
	a.Metrics.RegisterWriter(a.Writer.Groups.Load, a.Writer.Grouped.Load, a.Writer.Retried.Load)
	a.Views = audit.NewViewLog(d.Client, log, cfg.Views)
	a.OnClose(a.Views.Close)
	if err := a.startLedger(ctx, cfg, d, log); err != nil {
		return nil, err
	}
	a.Search = searchindex.New(d.SQL, d.Dialect, cfg.Search, log)
	a.Search.Start()
	a.OnClose(a.Search.Stop)
	if err := a.startJobs(ctx, cfg, d, log); err != nil {
		return nil, err
	}
	so := cfg.Streams
	so.Dialect = d.Dialect // streams read the ledger's log_leaves by hand
	a.Streams = streams.New(d.Client, a.Broker, log, a.Metrics, so)
	a.Streams.Start()
	a.OnClose(a.Streams.Stop)
	resolver := &graph.Resolver{DB: d, Client: d.Client, Feed: a.Feed, Metrics: a.Metrics, Views: a.Views,
		Broker: a.Broker, Archives: a.Archives, Streams: a.Streams, Log: log, Auth: a.Auth, Ledger: a.Ledger, Writer: a.Writer}
	schema := graph.NewSchema(resolver)
	spa := cfg.SPA
	if spa == nil {
		spa = emptyFS{}
	}
	a.api = httpapi.New(cfg.HTTP, httpapi.Deps{
		DB:      d,
		Schema:  schema,
		SPA:     spa,
		Log:     log,
		Auth:    a.Auth,
		Metrics: a.Metrics,
		Routes: merge((&archive.HTTP{Service: a.Archives, Client: d.Client, Log: log,
			QueryTimeout: queryTimeout(cfg.HTTP.RequestTimeout)}).Routes(), ledger.Routes(a.Ledger)),
	})
	a.Handler = a.api
	return a, nil
}

// DefaultGroupCommit is how many group-commit transactions may be in flight
// at once: two keep the database busy while one group commits and the next
// forms (docs/performance.md "Group commit").
const DefaultGroupCommit = 2

// startLedger opens the tamper-evident logs and starts their sequencer. A
// violation it finds (its own tree damaged or rewritten) is recorded in the
// platform log and counted.
func (a *App) startLedger(ctx context.Context, cfg Config, d *db.DB, log *slog.Logger) error {
	l, err := ledger.Open(ctx, d.SQL, d.Dialect, cfg.Ledger, log)
	if err != nil {
		return err
	}
	l.OnViolation = func(ctx context.Context, logID, detail string) {
		a.Metrics.IntegrityViolations.WithLabelValues("sequencer").Inc()
		if err := audit.RecordViolation(ctx, d.Client, logID, nil, detail); err != nil {
			log.Error("ledger: record integrity.violation", "err", err)
		}
	}
	l.OnCheckpoint = func(_ string, _ int64, lag time.Duration) {
		a.Metrics.Checkpoints.Inc()
		a.Metrics.SequencingLag.Observe(lag.Seconds())
	}
	a.Ledger = l
	l.Start()
	a.OnClose(l.Stop)
	return nil
}

// registerVerify installs the VERIFY process (internal/verify): a failed
// verification is recorded in the platform log and counted.
func (a *App) registerVerify(d *db.DB, log *slog.Logger) {
	(&verify.Service{
		Verifier: &verify.Verifier{Ledger: a.Ledger, Client: d.Client, DB: d.SQL, Dialect: d.Dialect},
		OnViolation: func(ctx context.Context, logID string, found []audit.Violation, detail string) {
			a.Metrics.IntegrityViolations.WithLabelValues("verify").Inc()
			if err := audit.RecordViolation(ctx, d.Client, logID, found, detail); err != nil {
				log.Error("verify: record integrity.violation", "err", err)
			}
		},
	}).Register(a.Runner)
}

func merge(maps ...map[string]http.Handler) map[string]http.Handler {
	out := map[string]http.Handler{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// queryTimeout bounds each database call of the HTTP routes (downloads,
// exports) as the request timeout bounds a GraphQL request.
func queryTimeout(requestTimeout time.Duration) time.Duration {
	switch {
	case requestTimeout == 0:
		return httpapi.DefaultRequestTimeout
	case requestTimeout < 0:
		return 0
	}
	return requestTimeout
}

// GoingAway closes open WebSockets with status 1001 so clients reconnect
// elsewhere; the binary registers it with http.Server.RegisterOnShutdown.
func (a *App) GoingAway() { a.api.GoingAway() }

// OnClose registers a shutdown step; steps run in reverse order.
func (a *App) OnClose(f func(context.Context) error) { a.closers = append(a.closers, f) }

// Close stops background work (flushing what is buffered); it does not close the database.
func (a *App) Close(ctx context.Context) error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i](ctx))
	}
	return errors.Join(errs...)
}

// startLive starts the broker (PostgreSQL LISTEN/NOTIFY, or in-process on
// SQLite) and the audit entry live tail, whose hook announces every created
// entry — ingested or self-audit — once its transaction commits.
func (a *App) startLive(ctx context.Context, cfg Config, d *db.DB, log *slog.Logger) error {
	if d.Dialect == dialect.Postgres {
		o := cfg.Live.Postgres
		o.Topics = append(append(o.Topics, live.Topics...), auth.TopicAPIKeys, streams.Topic)
		o.Log = log
		b, err := pubsub.NewPostgres(ctx, d.SQL, d.URL, o)
		if err != nil {
			return fmt.Errorf("start broker: %w", err)
		}
		a.Broker = b
	} else {
		a.Broker = pubsub.NewMemory(cfg.Live.Postgres.Buffer)
	}
	a.OnClose(func(context.Context) error { return a.Broker.Close() })
	listenCtx, stopListen := context.WithCancel(context.WithoutCancel(ctx))
	a.OnClose(func(context.Context) error { stopListen(); return nil })
	a.Auth.Listen(listenCtx, a.Broker)
	d.Client.APIKey.Use(a.Auth.KeyHook())
	a.Feed = live.NewFeed(d.Client, a.Broker, log, cfg.Live.Feed)
	a.Metrics.RegisterLive(a.Feed.Shares)
	a.OnClose(func(context.Context) error { a.Feed.Close(); return nil })
	d.Client.AuditEntry.Use(a.Feed.Hook())
	return nil
}

// seedDemo creates the demo tenants (TRAILMARK_DEMO=1) unless acme exists.
func seedDemo(ctx context.Context, d *db.DB, log *slog.Logger, password string) error {
	start := time.Now()
	res, err := demo.Seed(ctx, d.Client, demo.Options{Users: demoUsers(password)})
	if err != nil {
		return fmt.Errorf("seed demo data: %w", err)
	}
	if res.Seeded {
		log.Info("demo data seeded", "tenants", []string{res.Tenants.Acme.Slug, res.Tenants.Globex.Slug},
			"entries", res.Entries, "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// startJobs opens the archive bucket and starts the process runner (stopped
// cleanly on Close: running processes go back to the queue).
func (a *App) startJobs(ctx context.Context, cfg Config, d *db.DB, log *slog.Logger) error {
	bucket, err := archive.OpenBucket(ctx, cfg.BlobURL, cfg.DataDir)
	if err != nil {
		return err
	}
	a.OnClose(func(context.Context) error { return bucket.Close() })
	a.Archives = &archive.Service{Client: d.Client, Bucket: bucket, Dialect: d.Dialect, Log: log, Ledger: a.Ledger}
	a.Runner = jobs.New(d, a.Broker, log, cfg.Jobs)
	a.Archives.Register(a.Runner)
	a.registerVerify(d, log)
	a.Runner.Start()
	a.OnClose(a.Runner.Stop)
	return nil
}

// DefaultDemoPassword signs in every demo person (TRAILMARK_DEMO=1 only).
const DefaultDemoPassword = "trailmark-demo"

// demoUsers creates the demo people's accounts and memberships, with the
// fixed IDs their demo entries name as actors, so that actor.user resolves
// and a MEMBER sees exactly their own demo activity.
func demoUsers(password string) func(ctx context.Context, c *ent.Client, t demo.Tenants) error {
	if password == "" {
		password = DefaultDemoPassword
	}
	return func(ctx context.Context, c *ent.Client, t demo.Tenants) error {
		for _, set := range []struct {
			tenant *ent.Tenant
			people []demo.Person
		}{{t.Acme, demo.AcmePeople}, {t.Globex, demo.GlobexPeople}} {
			for _, p := range set.people {
				u, err := auth.CreateUser(ctx, c, auth.NewUser{ID: p.ID, Email: p.Email, Name: p.Name, Password: password})
				if err != nil {
					return err
				}
				m := c.Membership.Create().SetTenantID(set.tenant.ID).SetUserID(u.ID).SetRole(p.Role)
				if p.Workspace != "" {
					m.SetWorkspace(p.Workspace)
				}
				if err := m.Exec(ctx); err != nil {
					return fmt.Errorf("demo membership %s: %w", p.Email, err)
				}
			}
		}
		return nil
	}
}

type emptyFS struct{}

func (emptyFS) Open(string) (fs.File, error) { return nil, fs.ErrNotExist }
