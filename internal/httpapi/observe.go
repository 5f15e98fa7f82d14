package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/trailmark/trailmark/internal/metrics"
	"github.com/trailmark/trailmark/internal/requestid"
)

// reqInfo is what inner layers tell the request log about a request.
type reqInfo struct {
	mu        sync.Mutex
	operation string
	opType    string
	status    int // forced response status, 0: as written
}

type infoKey struct{}

// infoFrom returns the request's info; outside observe (tests of inner
// handlers) a throwaway one.
func infoFrom(ctx context.Context) *reqInfo {
	if i, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

func (i *reqInfo) setOperation(name, typ string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.operation == "" && i.opType == "" {
		i.operation, i.opType = name, typ
	}
}

func (i *reqInfo) forceStatus(code int) {
	i.mu.Lock()
	i.status = code
	i.mu.Unlock()
}

func (i *reqInfo) forced() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.status
}

// observe gives each request its id, and logs and counts it when done. The
// body is never logged, nor the query string (GET /graphql carries the
// query and its variables there).
func observe(log *slog.Logger, m *metrics.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestid.FromRequest(r)
		w.Header().Set(requestid.Header, id)
		info := &reqInfo{}
		ctx := context.WithValue(requestid.NewContext(r.Context(), id), infoKey{}, info)
		r = r.WithContext(ctx)
		rec := &recorder{ResponseWriter: w, info: info}
		defer func() {
			d := time.Since(start)
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			m.ObserveHTTP(route, r.Method, status, d, rec.hijacked)
			level := slog.LevelInfo
			switch r.URL.Path {
			case "/healthz", "/readyz", "/metrics":
				level = slog.LevelDebug // probes and scrapes every few seconds
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", status), slog.Float64("duration_ms", float64(d.Microseconds())/1000),
				slog.Int64("bytes", rec.bytes), slog.String("request_id", id),
			}
			info.mu.Lock()
			if info.opType != "" {
				attrs = append(attrs, slog.String("operation", info.operation), slog.String("operation_type", info.opType))
			}
			info.mu.Unlock()
			if rec.hijacked {
				attrs = append(attrs, slog.Bool("websocket", true))
			}
			log.LogAttrs(ctx, level, "http request", attrs...)
		}()
		next.ServeHTTP(rec, r)
	})
}

// recorder notes the status and size of a response. Unwrap lets
// http.ResponseController and coder/websocket reach Flush and Hijack.
type recorder struct {
	http.ResponseWriter
	info     *reqInfo
	status   int
	bytes    int64
	hijacked bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status != 0 {
		return
	}
	if f := r.info.forced(); f != 0 {
		code = f
	}
	if code == http.StatusSwitchingProtocols {
		r.hijacked = true
	}
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
