// Package metrics holds Trailmark's Prometheus metrics: GraphQL operations,
// HTTP requests, the database pool, live subscriptions, and the Go runtime.
// One Metrics value is created at start and passed to whoever records.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"
)

// Metrics is the registry and the instruments Trailmark records into.
type Metrics struct {
	Registry *prometheus.Registry

	gqlRequests   *prometheus.CounterVec
	gqlDuration   *prometheus.HistogramVec
	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
	subscriptions prometheus.Gauge
	streams       *Streams
	// IntegrityViolations counts tamper findings: the sequencer finding its
	// tree damaged or rewritten, a VERIFY process finding entries that do
	// not match the tree (label: source).
	IntegrityViolations *prometheus.CounterVec
	// Checkpoints counts signed checkpoints.
	Checkpoints prometheus.Counter
	// SequencingLag is the time from an entry's receipt to its inclusion
	// in a signed checkpoint, observed per checkpoint for its newest leaf.
	SequencingLag prometheus.Histogram

	ops operationNames
}

// latencyBuckets span a cached page (sub-millisecond) to a timed-out query.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// New returns metrics registered on a fresh registry, with the Go runtime
// and process collectors.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		gqlRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "trailmark", Name: "graphql_requests_total",
			Help: "GraphQL operations by operation name, type (query, mutation, subscription) and outcome (ok or the first error code).",
		}, []string{"operation", "type", "outcome"}),
		gqlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "trailmark", Name: "graphql_request_duration_seconds",
			Help:    "Time from receiving a GraphQL query or mutation to its response.",
			Buckets: latencyBuckets,
		}, []string{"operation", "type", "outcome"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "trailmark", Name: "http_requests_total",
			Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "trailmark", Name: "http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern (WebSocket upgrades excluded).",
			Buckets: latencyBuckets,
		}, []string{"route"}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "trailmark", Name: "subscriptions_active",
			Help: "GraphQL subscriptions currently streaming.",
		}),
		IntegrityViolations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "trailmark", Name: "integrity_violations_total",
			Help: "Tamper findings: the sequencer's tree damaged or rewritten (sequencer), entries failing a VERIFY process (verify).",
		}, []string{"source"}),
		Checkpoints: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "trailmark", Name: "log_checkpoints_total",
			Help: "Signed checkpoints of the tamper-evident logs.",
		}),
		SequencingLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "trailmark", Name: "log_checkpoint_lag_seconds",
			Help:    "From an entry's receipt to the first signed checkpoint that includes it (newest leaf of each checkpoint).",
			Buckets: []float64{.1, .25, .5, 1, 2, 3, 5, 10, 30, 60},
		}),
	}
	m.Registry.MustRegister(
		m.IntegrityViolations, m.Checkpoints, m.SequencingLag,
		m.gqlRequests, m.gqlDuration, m.httpRequests, m.httpDuration, m.subscriptions,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// RegisterWriter exports the group-commit counters: groups committed, the
// requests they carried, and requests written again alone after their
// group failed.
func (m *Metrics) RegisterWriter(groups, grouped, retried func() int64) {
	for _, c := range []struct {
		name, help string
		f          func() int64
	}{
		{"ingest_groups_total", "Group-commit transactions committed (each carrying the batches of several requests).", groups},
		{"ingest_grouped_requests_total", "Ingestion requests committed as part of a group.", grouped},
		{"ingest_group_retries_total", "Requests written again alone because their group failed.", retried},
	} {
		m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "trailmark", Name: c.name, Help: c.help},
			func() float64 { return float64(c.f()) }))
	}
}

// RegisterLive exports how many distinct loads a live-tail notice costs
// this server (one per group of subscriptions with the same scope and
// filter; see internal/live).
func (m *Metrics) RegisterLive(shares func() int) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "trailmark", Name: "live_shares",
		Help: "Distinct loads of the audit entry live tail: subscriptions with the same scope and filter share one per notice."},
		func() float64 { return float64(shares()) }))
}

// RegisterDB exports the pool statistics of db (open, in use, idle, waits).
func (m *Metrics) RegisterDB(db *sql.DB, name string) {
	m.Registry.MustRegister(collectors.NewDBStatsCollector(db, name))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// SubscriptionStarted counts a live subscription; call the returned function
// exactly once when it ends.
func (m *Metrics) SubscriptionStarted() (ended func()) {
	if m == nil {
		return func() {}
	}
	m.subscriptions.Inc()
	var once sync.Once
	return func() { once.Do(m.subscriptions.Dec) }
}

// ObserveHTTP records one finished HTTP request. route is the mux pattern
// that served it (bounded), never the raw path.
func (m *Metrics) ObserveHTTP(route, method string, status int, d time.Duration, upgraded bool) {
	if m == nil {
		return
	}
	m.httpRequests.WithLabelValues(route, method, statusText(status)).Inc()
	if !upgraded {
		m.httpDuration.WithLabelValues(route).Observe(d.Seconds())
	}
}

func statusText(code int) string {
	if code >= 100 && code < 600 {
		return strconv.Itoa(code)
	}
	return "other"
}

// GraphQL returns the gqlgen extension that counts and times operations.
func (m *Metrics) GraphQL() graphql.HandlerExtension { return gqlExtension{m} }

type gqlExtension struct{ m *Metrics }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
	graphql.OperationInterceptor
} = gqlExtension{}

func (gqlExtension) ExtensionName() string                   { return "TrailmarkMetrics" }
func (gqlExtension) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation counts a subscription once, when it starts; queries and
// mutations are counted with their response.
func (e gqlExtension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		e.m.gqlRequests.WithLabelValues(e.m.ops.label(oc), "subscription", "ok").Inc()
	}
	return next(ctx)
}

// InterceptResponse sees every response, including parse and validation
// failures that never become an operation.
func (e gqlExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	typ := "unknown"
	if oc.Operation != nil {
		typ = string(oc.Operation.Operation)
	}
	if typ == string(ast.Subscription) {
		return resp
	}
	outcome := "ok"
	if resp != nil && len(resp.Errors) > 0 {
		outcome = "error"
		if c, ok := resp.Errors[0].Extensions["code"].(string); ok && c != "" {
			outcome = c
		}
	}
	op := e.m.ops.label(oc)
	e.m.gqlRequests.WithLabelValues(op, typ, outcome).Inc()
	if start := oc.Stats.OperationStart; !start.IsZero() {
		e.m.gqlDuration.WithLabelValues(op, typ, outcome).Observe(time.Since(start).Seconds())
	}
	return resp
}

// operationNames keeps the operation label's cardinality bounded: clients
// choose the names, so only well-formed ones are used, and after
// maxOperationNames distinct names new ones are counted as "other".
type operationNames struct {
	mu   sync.Mutex
	seen map[string]struct{}
}

const maxOperationNames = 500

var operationNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

func (o *operationNames) label(oc *graphql.OperationContext) string {
	name := oc.OperationName
	if name == "" && oc.Operation != nil {
		name = oc.Operation.Name
	}
	switch {
	case name == "":
		return "anonymous"
	case !operationNameRE.MatchString(name):
		return "other"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen == nil {
		o.seen = map[string]struct{}{}
	}
	if _, ok := o.seen[name]; ok {
		return name
	}
	if len(o.seen) >= maxOperationNames {
		return "other"
	}
	o.seen[name] = struct{}{}
	return name
}
