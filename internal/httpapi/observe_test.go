package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/trailmark/trailmark/graph"
	"github.com/trailmark/trailmark/internal/db"
	"github.com/trailmark/trailmark/internal/testdb"
)

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHealthAndReadiness(t *testing.T) {
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			t.Parallel()
			ready := startAPI(t, testdb.Open(t, dia), Config{}, nil)
			if code, body := getBody(t, ready.URL+"/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
				t.Errorf("healthz: %d %s", code, body)
			}
			if code, body := getBody(t, ready.URL+"/readyz"); code != 200 || !strings.Contains(body, `"ready"`) {
				t.Errorf("readyz on a migrated database: %d %s", code, body)
			}

			// The same build on a database that was never migrated: alive, not ready.
			raw, err := db.Open(context.Background(), testdb.URL(t, dia))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { raw.Close() })
			pending := startAPI(t, raw, Config{}, nil)
			if code, _ := getBody(t, pending.URL+"/healthz"); code != 200 {
				t.Errorf("healthz must not depend on migrations: %d", code)
			}
			code, body := getBody(t, pending.URL+"/readyz")
			if code != http.StatusServiceUnavailable || !strings.Contains(body, "migrations pending") {
				t.Errorf("readyz with pending migrations: %d %s", code, body)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	srv := startAPI(t, d, Config{}, nil)

	if r := srv.post(t, `query CountTenants { tenants { totalCount } }`, nil, srv.asAdmin(t)...); len(r.Errors) != 0 {
		t.Fatal(r.Raw)
	}
	srv.post(t, `query CountTenants { tenants { totalCount } }`, nil, srv.asAdmin(t)...)
	srv.post(t, `query TooMany `+aliases(101), nil)
	srv.post(t, `{ tenants {`, nil)
	srv.post(t, `query BadPage { tenants(first: 5000) { totalCount } }`, nil)
	end := srv.metrics.SubscriptionStarted()
	srv.metrics.SubscriptionStarted()()

	_, body := getBody(t, srv.URL+"/metrics")
	for _, want := range []string{
		`trailmark_graphql_requests_total{operation="CountTenants",outcome="ok",type="query"} 2`,
		`trailmark_graphql_requests_total{operation="TooMany",outcome="QUERY_TOO_COMPLEX",type="query"} 1`,
		`trailmark_graphql_requests_total{operation="anonymous",outcome="GRAPHQL_PARSE_FAILED",type="unknown"} 1`,
		`trailmark_graphql_requests_total{operation="BadPage",outcome="BAD_USER_INPUT",type="query"} 1`,
		`trailmark_graphql_request_duration_seconds_count{operation="CountTenants",outcome="ok",type="query"} 2`,
		`trailmark_http_requests_total{method="POST",route="/graphql",status="200"} 3`,
		`trailmark_http_requests_total{method="POST",route="/graphql",status="422"} 2`,
		`trailmark_http_request_duration_seconds_count{route="/graphql"} 5`,
		`trailmark_subscriptions_active 1`,
		`go_sql_open_connections{db_name="trailmark"}`,
		`go_sql_in_use_connections{db_name="trailmark"}`,
		`go_sql_idle_connections{db_name="trailmark"}`,
		`go_sql_wait_count_total{db_name="trailmark"}`,
		`go_sql_wait_duration_seconds_total{db_name="trailmark"}`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	end()
	end() // ending twice must not drive the gauge below the truth
	if _, body := getBody(t, srv.URL+"/metrics"); !strings.Contains(body, "trailmark_subscriptions_active 0") {
		t.Error("subscriptions gauge did not return to 0")
	}
}

// TestOperationLabelIsBounded: clients name operations, so the label
// accepts only identifiers and a bounded number of them.
func TestOperationLabelIsBounded(t *testing.T) {
	srv := startAPI(t, testdb.Open(t, dialect.SQLite), Config{}, nil)
	for i := 0; i < 3; i++ {
		srv.post(t, `query Q`+strings.Repeat("x", 70)+` { __typename }`, nil)
	}
	_, body := getBody(t, srv.URL+"/metrics")
	if strings.Contains(body, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx") {
		t.Error("an over-long operation name became a label")
	}
	if !strings.Contains(body, `operation="other"`) {
		t.Error(`over-long names must count as "other"`)
	}
}

func TestRequestLog(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	srv := startAPI(t, d, Config{}, nil)
	r := srv.post(t, `query Probe($secret: String) { tenants(where: {slug: $secret}) { totalCount } }`,
		map[string]any{"secret": "hunter2-password"}, append(srv.asAdmin(t), "X-Request-ID", "proxy-id-123")...)
	if len(r.Errors) != 0 || r.Header.Get("X-Request-ID") != "proxy-id-123" {
		t.Fatalf("a sane proxy request id is kept: %q %s", r.Header.Get("X-Request-ID"), r.Raw)
	}
	bad := srv.post(t, `{ __typename }`, nil, "X-Request-ID", "evil id with spaces; and <script>")
	if id := bad.Header.Get("X-Request-ID"); !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(id) {
		t.Errorf("an unsafe request id must be replaced, got %q", id)
	}

	var line map[string]any
	for _, l := range strings.Split(srv.log.String(), "\n") {
		if strings.Contains(l, "proxy-id-123") && strings.Contains(l, `"http request"`) {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatal(err)
			}
		}
	}
	if line == nil {
		t.Fatalf("no request log line:\n%s", srv.log.String())
	}
	for k, want := range map[string]any{"method": "POST", "path": "/graphql", "status": 200.0,
		"operation": "Probe", "operation_type": "query", "request_id": "proxy-id-123"} {
		if line[k] != want {
			t.Errorf("log %s = %v, want %v", k, line[k], want)
		}
	}
	if _, ok := line["duration_ms"].(float64); !ok {
		t.Errorf("log lacks duration_ms: %v", line)
	}
	if strings.Contains(srv.log.String(), "hunter2") {
		t.Error("the request body reached the log")
	}
}

// TestLogLevelsOfProbes: probes and scrapes come every few seconds and
// would drown the log at info level.
func TestLogLevelsOfProbes(t *testing.T) {
	d := testdb.Open(t, dialect.SQLite)
	lb := &logBuffer{}
	api := New(Config{}, Deps{DB: d, Schema: graph.NewSchema(&graph.Resolver{DB: d, Client: d.Client}),
		Log: slog.New(slog.NewJSONHandler(lb, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	srv := httptest.NewServer(api)
	defer srv.Close()
	getBody(t, srv.URL+"/healthz")
	getBody(t, srv.URL+"/readyz")
	getBody(t, srv.URL+"/some/spa/page")
	logs := lb.String()
	if strings.Contains(logs, "/healthz") || strings.Contains(logs, "/readyz") {
		t.Errorf("probes are logged at debug level only:\n%s", logs)
	}
	if !strings.Contains(logs, "/some/spa/page") {
		t.Errorf("ordinary requests are logged at info:\n%s", logs)
	}
}
