// Package graph holds the GraphQL resolvers. They are thin: they parse
// arguments, call ent or an internal package, and map errors. Authorization
// lives in ent privacy rules and in directives.go.
package graph

import (
	"log/slog"

	"github.com/trailmark/trailmark/internal/streams"

	"github.com/99designs/gqlgen/graphql"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/graph/generated"
	"github.com/trailmark/trailmark/internal/archive"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/ledger"
	"github.com/trailmark/trailmark/internal/live"
	"github.com/trailmark/trailmark/internal/metrics"
	"github.com/trailmark/trailmark/internal/pubsub"
)

// Version is Trailmark's version, set at build time with -ldflags.
var Version = "dev"

// Resolver is the root resolver; its fields are the services resolvers call.
type Resolver struct {
	DB     *db.DB
	Client *ent.Client
	// Feed is the audit entry live tail (auditEntryCreated).
	Feed *live.Feed
	// Metrics counts live subscriptions (nil: not counted).
	Metrics *metrics.Metrics
	// Views records audit_log.view for each auditEntries query (nil: none).
	Views *audit.ViewLog
	// Broker carries process notices (queued, cancel, updates).
	Broker pubsub.Broker
	// Archives deletes archive files.
	Archives *archive.Service
	// Streams delivers log streams: tests, lag, the destination policy.
	Streams *streams.Engine
	Log     *slog.Logger
	// Auth signs users in and out (internal/auth).
	Auth *auth.Authenticator
	// Writer records ingested batches (group commit); nil: audit.Record.
	Writer *audit.Writer
	// Ledger proves entries and serves checkpoints (internal/ledger).
	Ledger *ledger.Ledger
}

// NewSchema returns the executable schema with resolvers and directives wired.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	return withLoaders{
		ExecutableSchema: generated.NewExecutableSchema(generated.Config{
			Resolvers:  r,
			Directives: directives(r),
		}),
		client:   r.Client,
		ledger:   r.Ledger,
		resolver: r,
	}
}
