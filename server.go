// Command trailmark is the Trailmark audit-log server. This file only reads
// configuration and wires the packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/trailmark/trailmark/frontend"
	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/cli"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/demo"
	"github.com/trailmark/trailmark/internal/httpapi"
	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/streams"
)

// config is everything read from the environment and flags, once.
type config struct {
	Addr          string
	DatabaseURL   string
	DataDir       string
	BlobURL       string
	CORSOrigins   []string
	Introspection bool
	LogLevel      string
	Demo          bool
	ShutdownGrace time.Duration
	DBMaxConns    int
	// DBMaxReadConns and DBStatementTimeout bound callers' reads and every
	// statement (see db.Config).
	DBMaxReadConns     int
	DBStatementTimeout time.Duration
	JobLease           time.Duration
	JobRetryBase       time.Duration
	// ViewLogWindow folds a viewer's identical reads into one more
	// audit_log.view entry; 0 records every read.
	ViewLogWindow time.Duration
	// Streams tunes log stream delivery and says what streams may reach.
	Streams streams.Options
	// GroupCommit: ingestion transactions in flight at once on PostgreSQL,
	// each carrying many requests' batches (-1: off).
	GroupCommit int
	// Ledger is the tamper-evident logs' key, origin and timing.
	Ledger ledger.Config
	// Auth is sign-in, sessions and rate limits.
	Auth          auth.Config
	AdminEmail    string
	AdminPassword string
	DemoPassword  string
	// HTTP holds the limits and timeouts of the API (CORS and introspection
	// are copied in from the fields above).
	HTTP httpapi.Config
}

func loadConfig(args []string) (config, error) {
	fs := flag.NewFlagSet("trailmark", flag.ContinueOnError)
	c := config{}
	fs.StringVar(&c.Addr, "addr", env("TRAILMARK_ADDR", ":8080"), "listen address (TRAILMARK_ADDR)")
	fs.StringVar(&c.DatabaseURL, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL; empty uses SQLite (DATABASE_URL)")
	fs.StringVar(&c.DataDir, "data-dir", env("TRAILMARK_DATA_DIR", "./data"), "SQLite and archive directory (TRAILMARK_DATA_DIR)")
	fs.StringVar(&c.BlobURL, "blob-url", os.Getenv("TRAILMARK_BLOB_URL"), "archive bucket URL, e.g. file:///srv/archives; empty: <data-dir>/archives (TRAILMARK_BLOB_URL)")
	origins := fs.String("cors-origins", os.Getenv("TRAILMARK_CORS_ORIGINS"), "comma-separated allowed origins (TRAILMARK_CORS_ORIGINS)")
	fs.BoolVar(&c.Introspection, "introspection", env("TRAILMARK_INTROSPECTION", "true") != "false", "allow GraphQL introspection (TRAILMARK_INTROSPECTION)")
	fs.BoolVar(&c.Demo, "demo", env("TRAILMARK_DEMO", "") == "1", "seed the demo tenant acme on first start (TRAILMARK_DEMO=1)")
	fs.StringVar(&c.LogLevel, "log-level", env("TRAILMARK_LOG_LEVEL", "info"), "debug, info, warn or error (TRAILMARK_LOG_LEVEL)")
	var bad []string
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", envDuration("TRAILMARK_SHUTDOWN_GRACE", 20*time.Second, &bad), "how long in-flight requests may take on SIGTERM (TRAILMARK_SHUTDOWN_GRACE)")
	fs.DurationVar(&c.JobLease, "job-lease", envDuration("TRAILMARK_JOB_LEASE", 30*time.Second, &bad), "how long a server holds a process without a heartbeat before another retries it (TRAILMARK_JOB_LEASE)")
	fs.DurationVar(&c.JobRetryBase, "job-retry-base", envDuration("TRAILMARK_JOB_RETRY_BASE", 5*time.Second, &bad), "first delay before a failed process is retried; doubles per attempt (TRAILMARK_JOB_RETRY_BASE)")
	fs.DurationVar(&c.ViewLogWindow, "view-log-window", envDuration("TRAILMARK_VIEW_LOG_WINDOW", audit.DefaultViewWindow, &bad), "identical reads of the log by one viewer within this window are recorded as one more audit_log.view with their count; 0 records every read (TRAILMARK_VIEW_LOG_WINDOW)")
	fs.IntVar(&c.DBMaxConns, "db-max-conns", envInt("TRAILMARK_DB_MAX_CONNS", 0, &bad), "database pool size; 0: 32 on PostgreSQL, 8 on SQLite (TRAILMARK_DB_MAX_CONNS)")
	fs.IntVar(&c.DBMaxReadConns, "db-max-read-conns", envInt("TRAILMARK_DB_MAX_READ_CONNS", 0, &bad), "connections queries and exports may hold at once, the rest kept for writes; 0: the pool size less a quarter (at least 2); -1 off (TRAILMARK_DB_MAX_READ_CONNS)")
	fs.DurationVar(&c.DBStatementTimeout, "db-statement-timeout", envDuration("TRAILMARK_DB_STATEMENT_TIMEOUT", db.DefaultStatementTimeout, &bad), "PostgreSQL statement_timeout of every connection (migrations exempt); -1s off (TRAILMARK_DB_STATEMENT_TIMEOUT)")
	def := graph.DefaultLimits()
	fs.IntVar(&c.HTTP.Limits.MaxDepth, "max-depth", envInt("TRAILMARK_MAX_DEPTH", def.MaxDepth, &bad), "deepest field nesting of an operation; -1 off (TRAILMARK_MAX_DEPTH)")
	fs.IntVar(&c.HTTP.Limits.MaxComplexity, "max-complexity", envInt("TRAILMARK_MAX_COMPLEXITY", def.MaxComplexity, &bad), "complexity limit of an operation; -1 off (TRAILMARK_MAX_COMPLEXITY)")
	fs.IntVar(&c.HTTP.Limits.MaxAliases, "max-aliases", envInt("TRAILMARK_MAX_ALIASES", def.MaxAliases, &bad), "aliased fields per operation; -1 off (TRAILMARK_MAX_ALIASES)")
	fs.IntVar(&c.HTTP.Limits.MaxTokens, "max-tokens", envInt("TRAILMARK_MAX_TOKENS", def.MaxTokens, &bad), "lexer tokens per document; -1 off (TRAILMARK_MAX_TOKENS)")
	fs.IntVar(&c.HTTP.Limits.MaxFields, "max-fields", envInt("TRAILMARK_MAX_FIELDS", def.MaxFields, &bad), "fields per document, each fragment counted where it is spread; -1 off (TRAILMARK_MAX_FIELDS)")
	fs.IntVar(&c.HTTP.Limits.MaxFieldRepeats, "max-field-repeats", envInt("TRAILMARK_MAX_FIELD_REPEATS", def.MaxFieldRepeats, &bad), "selections of one field at one place; -1 off (TRAILMARK_MAX_FIELD_REPEATS)")
	fs.IntVar(&c.HTTP.Limits.MaxFragments, "max-fragments", envInt("TRAILMARK_MAX_FRAGMENTS", def.MaxFragments, &bad), "fragment definitions per document; -1 off (TRAILMARK_MAX_FRAGMENTS)")
	fs.Int64Var(&c.HTTP.MaxBodyBytes, "max-body-bytes", int64(envInt("TRAILMARK_MAX_BODY_BYTES", httpapi.DefaultMaxBodyBytes, &bad)), "largest POST /graphql body (TRAILMARK_MAX_BODY_BYTES)")
	fs.Int64Var(&c.HTTP.MaxIngestBodyBytes, "max-ingest-body-bytes", int64(envInt("TRAILMARK_MAX_INGEST_BODY_BYTES", httpapi.DefaultMaxIngestBodyBytes, &bad)), "largest recordAuditEntries body (TRAILMARK_MAX_INGEST_BODY_BYTES)")
	fs.DurationVar(&c.HTTP.RequestTimeout, "request-timeout", envDuration("TRAILMARK_REQUEST_TIMEOUT", httpapi.DefaultRequestTimeout, &bad), "time limit of a query or mutation, database work included; -1s off (TRAILMARK_REQUEST_TIMEOUT)")
	fs.StringVar(&c.AdminEmail, "admin-email", env("TRAILMARK_ADMIN_EMAIL", auth.DefaultAdminEmail), "the first platform admin, created when there is none (TRAILMARK_ADMIN_EMAIL)")
	c.AdminPassword = os.Getenv("TRAILMARK_ADMIN_PASSWORD") // env only: flags show in ps
	fs.StringVar(&c.DemoPassword, "demo-password", env("TRAILMARK_DEMO_PASSWORD", app.DefaultDemoPassword), "password of the demo people (TRAILMARK_DEMO_PASSWORD)")
	fs.BoolVar(&c.Streams.Policy.AllowPrivate, "streams-allow-private", env("TRAILMARK_STREAMS_ALLOW_PRIVATE", "") == "true", "let log streams reach loopback, private and link-local addresses (and http://, and any bucket); for tests and closed networks only (TRAILMARK_STREAMS_ALLOW_PRIVATE=true)")
	buckets := fs.String("streams-buckets", os.Getenv("TRAILMARK_STREAMS_BUCKETS"), "comma-separated bucket URL prefixes BUCKET log streams may write under, with this server's cloud credentials, e.g. s3://acme-log-streams/ (TRAILMARK_STREAMS_BUCKETS)")
	// Log streams read by seq since 2026-12-05: no settle window. The flag
	// and variable are still accepted (and ignored) so that configurations
	// setting them keep starting.
	_ = fs.Duration("streams-settle", envDuration("TRAILMARK_STREAMS_SETTLE", 0, &bad), "ignored: log streams deliver entries in seq order, without a settle window (TRAILMARK_STREAMS_SETTLE)")
	fs.DurationVar(&c.Streams.FailingAfter, "streams-failing-after", envDuration("TRAILMARK_STREAMS_FAILING_AFTER", 5*time.Minute, &bad), "continuous failure after which a log stream turns FAILING (TRAILMARK_STREAMS_FAILING_AFTER)")
	rateLimits := fs.String("rate-limits", env("TRAILMARK_RATE_LIMITS", "on"), "request rate limits: on or off; sign-in throttling stays on (TRAILMARK_RATE_LIMITS)")
	fs.BoolVar(&c.Auth.TrustProxy, "trust-proxy", env("TRAILMARK_TRUST_PROXY", "") == "true", "take client IP (the right-most X-Forwarded-For address) and TLS (X-Forwarded-Proto) from the proxy in front (TRAILMARK_TRUST_PROXY=true, only behind a proxy)")
	trustedProxies := fs.String("trusted-proxies", os.Getenv("TRAILMARK_TRUSTED_PROXIES"), "comma-separated CIDRs of the proxies in front; implies -trust-proxy (TRAILMARK_TRUSTED_PROXIES)")
	fs.DurationVar(&c.Auth.SessionIdle, "session-idle", envDuration("TRAILMARK_SESSION_IDLE", 12*time.Hour, &bad), "sign out after this long unused (TRAILMARK_SESSION_IDLE)")
	fs.DurationVar(&c.Auth.SessionMaxAge, "session-max-age", envDuration("TRAILMARK_SESSION_MAX_AGE", 7*24*time.Hour, &bad), "sign out this long after sign-in (TRAILMARK_SESSION_MAX_AGE)")
	fs.IntVar(&c.GroupCommit, "group-commit", envInt("TRAILMARK_GROUP_COMMIT", app.DefaultGroupCommit, &bad), "ingestion transactions in flight at once, each committing the batches of many concurrent requests (SQLite: at most 1); -1: one transaction per request (TRAILMARK_GROUP_COMMIT)")
	c.Ledger.Key = os.Getenv("TRAILMARK_LOG_KEY") // env only: flags show in ps
	fs.StringVar(&c.Ledger.Origin, "log-origin", env("TRAILMARK_LOG_ORIGIN", "trailmark"), "names this deployment in signed checkpoints (<origin>/<tenant id>) and in a generated key; use your host name, e.g. audit.example.com (TRAILMARK_LOG_ORIGIN)")
	fs.DurationVar(&c.Ledger.MergeDelay, "log-merge-delay", envDuration("TRAILMARK_LOG_MERGE_DELAY", time.Second, &bad), "longest wait of a committed entry for its seq and place in the Merkle tree (TRAILMARK_LOG_MERGE_DELAY)")
	fs.DurationVar(&c.Ledger.CheckpointEvery, "log-checkpoint-every", envDuration("TRAILMARK_LOG_CHECKPOINT_EVERY", 2*time.Second, &bad), "least time between two signed checkpoints of one log (TRAILMARK_LOG_CHECKPOINT_EVERY)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch strings.ToLower(*rateLimits) {
	case "on", "true", "1":
	case "off", "false", "0":
		c.Auth.RateLimits.Disabled = true
	default:
		bad = append(bad, fmt.Sprintf("TRAILMARK_RATE_LIMITS=%q: use on or off", *rateLimits))
	}
	if ps, err := auth.ParseTrustedProxies(*trustedProxies); err != nil {
		bad = append(bad, fmt.Sprintf("TRAILMARK_TRUSTED_PROXIES: %v", err))
	} else if len(ps) > 0 {
		c.Auth.TrustedProxies, c.Auth.TrustProxy = ps, true
	}
	if len(bad) > 0 {
		err := fmt.Errorf("invalid environment: %s", strings.Join(bad, "; "))
		fmt.Fprintln(os.Stderr, err)
		return c, err
	}
	c.HTTP.Introspection = c.Introspection
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	c.HTTP.CORSOrigins = c.CORSOrigins
	for _, b := range strings.Split(*buckets, ",") {
		if b = strings.TrimSpace(b); b != "" {
			c.Streams.Policy.BucketPrefixes = append(c.Streams.Policy.BucketPrefixes, b)
		}
	}
	c.Streams.Lease = c.JobLease
	return c, nil
}

// envInt reads an integer variable; a malformed value is noted in bad.
func envInt(key string, def int, bad *[]string) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		*bad = append(*bad, fmt.Sprintf("%s=%q is not an integer", key, v))
		return def
	}
	return n
}

// envDuration reads a Go duration ("15s", "2m"); a malformed value is noted in bad.
func envDuration(key string, def time.Duration, bad *[]string) time.Duration {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		*bad = append(*bad, fmt.Sprintf("%s=%q is not a duration", key, v))
		return def
	}
	return d
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func main() {
	cmd, args := "serve", os.Args[1:]
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	if slices.Contains(cli.Commands, cmd) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Run(ctx, cmd, args, func(ctx context.Context, url, dir string) (*db.DB, func() error, error) {
			d, err := openDB(ctx, config{DatabaseURL: url, DataDir: dir}, newLogger("warn"))
			if err != nil {
				return nil, nil, err
			}
			return d, d.Close, nil
		}, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	cfg, err := loadConfig(args)
	if err != nil {
		os.Exit(2)
	}
	log := newLogger(cfg.LogLevel)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, log)
	case "migrate":
		err = migrate(ctx, cfg, log)
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q; commands: serve, migrate, user, apikey, verify, log-key\n", cmd)
		os.Exit(2)
	}
	if err != nil {
		log.Error("trailmark stopped", "err", err)
		os.Exit(1)
	}
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

func openDB(ctx context.Context, cfg config, log *slog.Logger) (*db.DB, error) {
	d, err := db.Open(ctx, db.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxOpenConns: cfg.DBMaxConns,
		MaxReadConns: cfg.DBMaxReadConns, StatementTimeout: cfg.DBStatementTimeout})
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx, log); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func migrate(ctx context.Context, cfg config, log *slog.Logger) error {
	d, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	return d.Close()
}

// serve listens at once and serves 503 (not ready) until the database
// answers and the App is wired; a database that is down or hung at start
// delays readiness, never the listener.
func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	app.TuneGC()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	var waitingFor atomic.Value
	waitingFor.Store("connecting to the database")
	h := &swapHandler{}
	h.set(httpapi.Starting(func() string { return waitingFor.Load().(string) }))
	// No ReadTimeout or WriteTimeout: they would cut WebSockets and streaming
	// exports. /graphql sets its own read and write deadlines per request.
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("trailmark listening", "addr", ln.Addr().String())
	shutdown := func() error {
		log.Info("shutting down: finishing in-flight requests", "grace", cfg.ShutdownGrace)
		shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
		defer cancel()
		if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("shutdown: %w", err)
		}
		return nil
	}

	d, err := openDBWhenReachable(ctx, cfg, log, &waitingFor)
	if err != nil {
		shutErr := shutdown()
		if ctx.Err() != nil {
			return shutErr
		}
		return errors.Join(err, shutErr)
	}
	defer d.Close()

	a, err := app.New(ctx, app.Config{
		HTTP:         cfg.HTTP,
		DataDir:      cfg.DataDir,
		BlobURL:      cfg.BlobURL,
		Jobs:         jobs.Config{Lease: cfg.JobLease, RetryBase: cfg.JobRetryBase},
		Demo:         cfg.Demo,
		SPA:          frontend.Dist(),
		Auth:         cfg.Auth,
		Admin:        &auth.AdminBootstrap{Email: cfg.AdminEmail, Password: cfg.AdminPassword},
		DemoPassword: cfg.DemoPassword,
		Views:        audit.ViewLogOptions{Window: viewLogWindow(cfg.ViewLogWindow)},
		Streams:      cfg.Streams,
		Ledger:       cfg.Ledger,
		GroupCommit:  cfg.GroupCommit,
	}, d, log)
	if err != nil {
		return errors.Join(err, shutdown())
	}
	printSignIn(os.Stderr, cfg, a.Bootstrap)
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
		defer cancel()
		if err := a.Close(closeCtx); err != nil {
			log.Error("stopping background work", "err", err)
		}
	}()
	srv.RegisterOnShutdown(a.GoingAway)
	h.set(a.Handler)
	log.Info("trailmark ready", "addr", ln.Addr().String(), "dialect", d.Dialect)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	return shutdown()
}

// openDBWhenReachable opens and migrates the database, retrying (with a
// growing pause) while it is unreachable, until ctx ends. Other failures (a
// malformed URL, a refused password, a broken migration) end it at once.
func openDBWhenReachable(ctx context.Context, cfg config, log *slog.Logger, waitingFor *atomic.Value) (*db.DB, error) {
	pause := time.Second
	for {
		d, err := openDB(ctx, cfg, log)
		if err == nil {
			return d, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !db.IsUnavailable(err) {
			return nil, err
		}
		waitingFor.Store("database unreachable")
		log.Warn("database unreachable; not ready, retrying", "err", err, "retry_in", pause)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, 30*time.Second)
	}
}

// swapHandler serves the handler set last: "starting" until the App is ready.
type swapHandler struct{ h atomic.Pointer[http.Handler] }

func (s *swapHandler) set(h http.Handler) { s.h.Store(&h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}

// printSignIn tells the operator how to sign in: on stderr, in plain text
// rather than a log line, because a generated password appears here once
// and never again (it is stored only as a hash).
func printSignIn(w io.Writer, cfg config, b *auth.BootstrapResult) {
	host := cfg.Addr
	if strings.HasPrefix(host, ":") {
		host = "localhost" + host
	}
	fmt.Fprintf(w, "\nTrailmark is starting on http://%s\n", host)
	switch {
	case b == nil:
	case b.GeneratedPassword != "":
		fmt.Fprintf(w, "  Platform admin created: %s  password: %s\n", b.Email, b.GeneratedPassword)
		fmt.Fprintf(w, "  (generated and shown only now; set TRAILMARK_ADMIN_PASSWORD before the first start to choose it,\n")
		fmt.Fprintf(w, "   or run: trailmark user set-password --email %s)\n", b.Email)
	case b.Created:
		fmt.Fprintf(w, "  Platform admin created: %s with the password in TRAILMARK_ADMIN_PASSWORD\n", b.Email)
	default:
		fmt.Fprintf(w, "  Platform admin: %s (forgot the password? trailmark user set-password --email %s)\n", b.Email, b.Email)
	}
	if cfg.Demo {
		fmt.Fprintf(w, "  Demo tenant acme, password %q for every demo account:\n", cfg.DemoPassword)
		seen := map[string]bool{}
		for _, p := range demo.AcmePeople {
			kind := string(p.Role)
			if p.Workspace != "" {
				kind += " of workspace " + p.Workspace
			}
			if !seen[kind] {
				seen[kind] = true
				fmt.Fprintf(w, "    %-16s %s\n", p.Email, kind)
			}
		}
	}
	fmt.Fprintln(w)
}

// viewLogWindow maps the configured window to audit.ViewLogOptions, where
// zero means the default: here 0 (or less) records every read.
func viewLogWindow(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}
