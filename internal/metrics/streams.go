package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Streams are the log stream metrics, per stream ID (docs/streams.md).
type Streams struct {
	delivered *prometheus.CounterVec
	failures  *prometheus.CounterVec
	lag       *prometheus.GaugeVec
}

var streamsMu sync.Mutex

// Streams returns the log stream instruments, registered on first use.
func (m *Metrics) Streams() *Streams {
	streamsMu.Lock()
	defer streamsMu.Unlock()
	if m.streams == nil {
		s := &Streams{
			delivered: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "trailmark", Name: "log_stream_delivered_entries_total",
				Help: "Entries a log stream's destination accepted (a retried batch counts once per acceptance).",
			}, []string{"stream"}),
			failures: prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "trailmark", Name: "log_stream_failures_total",
				Help: "Failed delivery attempts of a log stream.",
			}, []string{"stream"}),
			lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
				Namespace: "trailmark", Name: "log_stream_lag_seconds",
				Help: "Age of the oldest entry a log stream has yet to deliver (0 when caught up), as seen by the replica delivering it.",
			}, []string{"stream"}),
		}
		m.Registry.MustRegister(s.delivered, s.failures, s.lag)
		m.streams = s
	}
	return m.streams
}

// Delivered counts n entries accepted by stream's destination.
func (s *Streams) Delivered(stream string, n int) {
	s.delivered.WithLabelValues(stream).Add(float64(n))
}

// Failed counts a failed attempt of stream.
func (s *Streams) Failed(stream string) { s.failures.WithLabelValues(stream).Inc() }

// Lag sets stream's lag in seconds.
func (s *Streams) Lag(stream string, seconds float64) { s.lag.WithLabelValues(stream).Set(seconds) }

// Forget drops a deleted stream's series.
func (s *Streams) Forget(stream string) {
	s.delivered.DeleteLabelValues(stream)
	s.failures.DeleteLabelValues(stream)
	s.lag.DeleteLabelValues(stream)
}
