// Command trailmark is the Trailmark audit-log server. This file only reads
// configuration and wires the packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/trailmark/trailmark/frontend"
	"github.com/trailmark/trailmark/internal/app"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/httpapi"
)

// config is everything read from the environment and flags, once.
type config struct {
	Addr          string
	DatabaseURL   string
	DataDir       string
	CORSOrigins   []string
	Introspection bool
	LogLevel      string
	Demo          bool
	ShutdownGrace time.Duration
}

func loadConfig(args []string) (config, error) {
	fs := flag.NewFlagSet("trailmark", flag.ContinueOnError)
	c := config{}
	fs.StringVar(&c.Addr, "addr", env("TRAILMARK_ADDR", ":8080"), "listen address (TRAILMARK_ADDR)")
	fs.StringVar(&c.DatabaseURL, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL; empty uses SQLite (DATABASE_URL)")
	fs.StringVar(&c.DataDir, "data-dir", env("TRAILMARK_DATA_DIR", "./data"), "SQLite and archive directory (TRAILMARK_DATA_DIR)")
	origins := fs.String("cors-origins", os.Getenv("TRAILMARK_CORS_ORIGINS"), "comma-separated allowed origins (TRAILMARK_CORS_ORIGINS)")
	fs.BoolVar(&c.Introspection, "introspection", env("TRAILMARK_INTROSPECTION", "true") != "false", "allow GraphQL introspection (TRAILMARK_INTROSPECTION)")
	fs.BoolVar(&c.Demo, "demo", env("TRAILMARK_DEMO", "") == "1", "seed the demo tenant acme on first start (TRAILMARK_DEMO=1)")
	fs.StringVar(&c.LogLevel, "log-level", env("TRAILMARK_LOG_LEVEL", "info"), "debug, info, warn or error (TRAILMARK_LOG_LEVEL)")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", 20*time.Second, "how long in-flight requests may take on SIGTERM")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	return c, nil
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
		fmt.Fprintf(os.Stderr, "unknown command %q; commands: serve, migrate\n", cmd)
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
	d, err := db.Open(ctx, db.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
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

func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	d, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()

	a, err := app.New(ctx, app.Config{
		HTTP:    httpapi.Config{CORSOrigins: cfg.CORSOrigins, Introspection: cfg.Introspection},
		DataDir: cfg.DataDir,
		Demo:    cfg.Demo,
		SPA:     frontend.Dist(),
	}, d, log)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
		defer cancel()
		if err := a.Close(closeCtx); err != nil {
			log.Error("stopping background work", "err", err)
		}
	}()

	srv := &http.Server{Addr: cfg.Addr, Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("trailmark listening", "addr", cfg.Addr, "dialect", d.Dialect)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests", "grace", cfg.ShutdownGrace)
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
