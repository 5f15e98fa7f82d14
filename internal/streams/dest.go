package streams

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gocloud.dev/blob"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/internal/archive"
)

// maxResponse is how much of a destination's answer is read and kept.
const maxResponse = 2048

// userAgent names Trailmark to destinations.
const userAgent = "Trailmark-LogStream/1"

// Result is a destination's answer to one batch.
type Result struct {
	// Err is nil when the destination accepted the batch.
	Err        error
	HTTPStatus *int
	Response   string
	// RetryAfter is the destination's Retry-After, 0 when it sent none.
	RetryAfter time.Duration
	Latency    time.Duration
}

// destination sends batches of entries to one stream's target.
type destination interface {
	send(ctx context.Context, b batch) Result
	close() error
}

// batch is what one request carries: entries in delivery (seq) order.
type batch struct {
	streamID string
	entries  []*ent.AuditEntry
	seqs     []int64 // the entries' seqs; nil for the test event (seq null)
	test     bool
}

// newBatch is the batch of entries read after a stream's cursor.
func newBatch(streamID string, entries []pendingEntry) batch {
	b := batch{streamID: streamID, entries: make([]*ent.AuditEntry, len(entries)), seqs: make([]int64, len(entries))}
	for i, e := range entries {
		b.entries[i], b.seqs[i] = e.AuditEntry, e.Seq
	}
	return b
}

// seq is the seq of the i-th entry, nil when unknown.
func (b batch) seq(i int) *int64 {
	if b.seqs == nil {
		return nil
	}
	n := b.seqs[i]
	return &n
}

// messageID names a batch for receivers' de-duplication (webhook-id): the
// same entries of the same stream always get the same id, so a retried
// batch repeats its id.
func (b batch) messageID() string {
	h := sha256.New()
	h.Write([]byte(b.streamID))
	for _, e := range []*ent.AuditEntry{b.entries[0], b.entries[len(b.entries)-1]} {
		h.Write([]byte{0})
		h.Write([]byte(e.ID))
	}
	h.Write([]byte{0, byte(len(b.entries) >> 8), byte(len(b.entries))})
	return "msg_" + hex.EncodeToString(h.Sum(nil))[:32]
}

// options are a stream's kind-specific settings (LogStreamInput.options).
type options map[string]any

func (o options) str(k, def string) string {
	switch v := o[k].(type) {
	case string:
		if v != "" {
			return v
		}
	case []any: // ddtags as a list
		parts := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, ",")
		}
	}
	return def
}

func decodeOptions(raw []byte) (options, error) {
	o := options{}
	if len(raw) == 0 || string(raw) == "null" {
		return o, nil
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, errors.New("options must be a JSON object")
	}
	return o, nil
}

// deps are what destinations share.
type deps struct {
	client *http.Client
	now    func() time.Time
}

// newDestination builds the destination of s.
func newDestination(ctx context.Context, s *ent.LogStream, d deps) (destination, error) {
	o, err := decodeOptions(s.Options)
	if err != nil {
		return nil, err
	}
	token := ""
	if s.Token != nil {
		token = *s.Token
	}
	switch s.Kind {
	case logstream.KindWEBHOOK:
		return &webhook{d: d, url: s.Endpoint, token: token, headers: s.Headers, arrays: s.Format == logstream.FormatJSON_ARRAY,
			secret: s.Secret, previous: s.PreviousSecret, previousUntil: s.PreviousSecretExpiresAt}, nil
	case logstream.KindSPLUNK_HEC:
		return &splunk{d: d, url: splunkURL(s.Endpoint), token: token, headers: s.Headers, o: o}, nil
	case logstream.KindDATADOG:
		return &datadog{d: d, url: DatadogURL(s.Endpoint), token: token, headers: s.Headers, o: o}, nil
	case logstream.KindBUCKET:
		b, err := blob.OpenBucket(ctx, s.Endpoint)
		if err != nil {
			return nil, fmt.Errorf("open bucket: %w", err)
		}
		return &bucket{d: d, b: b, prefix: o.str("prefix", "")}, nil
	}
	return nil, fmt.Errorf("unknown stream kind %s", s.Kind)
}

// rows encodes a batch's entries as export rows (API.md "Export and archive
// rows") through internal/archive's JSONL encoder: one row per line, each
// with its seq (null only in the test event).
func rows(b batch) ([]byte, error) {
	var buf bytes.Buffer
	enc := archive.NewEncoder(&buf, archive.JSONL, archive.Options{WithRequest: true})
	for i, e := range b.entries {
		if err := enc.Encode(e, b.seq(i)); err != nil {
			return nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// rowLines splits rows' output into its lines (each one JSON object).
func rowLines(b batch) ([]json.RawMessage, error) {
	body, err := rows(b)
	if err != nil {
		return nil, err
	}
	var out []json.RawMessage
	for _, l := range bytes.Split(bytes.TrimRight(body, "\n"), []byte("\n")) {
		out = append(out, json.RawMessage(l))
	}
	return out, nil
}

// post sends body and reads the answer (up to maxResponse).
func post(ctx context.Context, d deps, url string, header http.Header, body []byte) Result {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Result{Err: fmt.Errorf("build request: %w", err)}
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", userAgent)
	start := time.Now()
	resp, err := d.client.Do(req)
	r := Result{Latency: time.Since(start)}
	if err != nil {
		r.Err = fmt.Errorf("request failed: %w", err)
		return r
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	r.Latency = time.Since(start)
	st := resp.StatusCode
	r.HTTPStatus = &st
	r.Response = strings.ToValidUTF8(string(b), "")
	r.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), d.now())
	if st < 200 || st > 299 {
		r.Err = fmt.Errorf("destination answered %d", st)
	}
	return r
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func customHeaders(hs []schemaHeader) http.Header {
	h := http.Header{}
	for _, x := range hs {
		h.Add(x.Name, x.Value)
	}
	return h
}

// webhook POSTs JSON Lines (or a JSON array) signed per Standard Webhooks.
type webhook struct {
	d             deps
	url, token    string
	headers       []schemaHeader
	arrays        bool
	secret        string
	previous      *string
	previousUntil *time.Time
}

func (w *webhook) send(ctx context.Context, b batch) Result {
	var (
		body []byte
		err  error
		ct   = "application/x-ndjson"
	)
	if w.arrays {
		var lines []json.RawMessage
		if lines, err = rowLines(b); err == nil {
			body, err = json.Marshal(lines)
		}
		ct = "application/json"
	} else {
		body, err = rows(b)
	}
	if err != nil {
		return Result{Err: err}
	}
	now := w.d.now()
	id := b.messageID()
	sigs := []string{}
	for _, s := range w.secrets(now) {
		sig, err := Sign(s, id, now, body)
		if err != nil {
			return Result{Err: err}
		}
		sigs = append(sigs, sig)
	}
	h := customHeaders(w.headers)
	h.Set("Content-Type", ct)
	h.Set("Webhook-Id", id)
	h.Set("Webhook-Timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("Webhook-Signature", strings.Join(sigs, " "))
	if w.token != "" {
		h.Set("Authorization", "Bearer "+w.token)
	}
	return post(ctx, w.d, w.url, h, body)
}

// secrets are the secrets that sign now: the current one, and the previous
// one during its overlap window.
func (w *webhook) secrets(now time.Time) []string {
	out := []string{w.secret}
	if w.previous != nil && w.previousUntil != nil && now.Before(*w.previousUntil) {
		out = append(out, *w.previous)
	}
	return out
}

func (w *webhook) close() error { return nil }

// splunk posts to a Splunk HTTP Event Collector.
type splunk struct {
	d          deps
	url, token string
	headers    []schemaHeader
	o          options
}

func splunkURL(endpoint string) string {
	e := strings.TrimRight(endpoint, "/")
	if strings.HasSuffix(e, "/services/collector/event") {
		return e
	}
	return e + "/services/collector/event"
}

func (s *splunk) send(ctx context.Context, b batch) Result {
	lines, err := rowLines(b)
	if err != nil {
		return Result{Err: err}
	}
	var body bytes.Buffer
	for i, e := range b.entries {
		ev := map[string]any{
			"time":       float64(e.OccurredAt.UnixMicro()) / 1e6,
			"event":      lines[i],
			"source":     s.o.str("source", "trailmark"),
			"sourcetype": s.o.str("sourcetype", "trailmark:audit"),
		}
		if v := s.o.str("index", ""); v != "" {
			ev["index"] = v
		}
		if v := s.o.str("host", ""); v != "" {
			ev["host"] = v
		}
		line, err := json.Marshal(ev)
		if err != nil {
			return Result{Err: err}
		}
		body.Write(line)
		body.WriteByte('\n')
	}
	h := customHeaders(s.headers)
	h.Set("Content-Type", "application/json")
	h.Set("Authorization", "Splunk "+s.token)
	return post(ctx, s.d, s.url, h, body.Bytes())
}

func (s *splunk) close() error { return nil }

// datadog posts to the Datadog Logs intake (v2).
type datadog struct {
	d          deps
	url, token string
	headers    []schemaHeader
	o          options
}

// DatadogURL is the logs intake URL of an endpoint: a URL as given, or a
// Datadog site ("datadoghq.com", "datadoghq.eu", "us5.datadoghq.com").
func DatadogURL(endpoint string) string {
	if strings.Contains(endpoint, "://") {
		return endpoint
	}
	return "https://http-intake.logs." + strings.Trim(endpoint, "/") + "/api/v2/logs"
}

func (d *datadog) send(ctx context.Context, b batch) Result {
	lines, err := rowLines(b)
	if err != nil {
		return Result{Err: err}
	}
	items := make([]map[string]any, len(lines))
	for i, l := range lines {
		it := map[string]any{
			"ddsource": d.o.str("ddsource", "trailmark"),
			"service":  d.o.str("service", "trailmark"),
			"message":  string(l),
		}
		if v := d.o.str("ddtags", ""); v != "" {
			it["ddtags"] = v
		}
		if v := d.o.str("hostname", ""); v != "" {
			it["hostname"] = v
		}
		items[i] = it
	}
	body, err := json.Marshal(items)
	if err != nil {
		return Result{Err: err}
	}
	h := customHeaders(d.headers)
	h.Set("Content-Type", "application/json")
	h.Set("DD-API-KEY", d.token)
	return post(ctx, d.d, d.url, h, body)
}

func (d *datadog) close() error { return nil }

// bucket writes one gzip JSON Lines object per batch, named by its first
// entry's day (received_at) and seq: within a day, names sort in delivery
// order; a retried batch overwrites its own object.
type bucket struct {
	d      deps
	b      *blob.Bucket
	prefix string
}

// ObjectKey is the name of the object of a batch starting with first, whose
// seq is seq (nil: the test event). "seq" sorts after the digits of the
// names used before seq cursors ("20261205T…"), so within a day objects
// written since still sort after those written before.
func ObjectKey(prefix string, first *ent.AuditEntry, seq *int64, test bool) string {
	t := first.ReceivedAt.UTC()
	var name string
	if seq == nil {
		name = t.Format("2006/01/02/20060102T150405.000000Z") + "_" + first.ID + ".jsonl.gz"
	} else {
		name = t.Format("2006/01/02/") + fmt.Sprintf("seq%020d_%s.jsonl.gz", *seq, first.ID)
	}
	if test {
		name = "test/" + name
	}
	return prefix + name
}

func (k *bucket) send(ctx context.Context, b batch) Result {
	start := time.Now()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	enc := archive.NewEncoder(zw, archive.JSONL, archive.Options{WithRequest: true})
	for i, e := range b.entries {
		if err := enc.Encode(e, b.seq(i)); err != nil {
			return Result{Err: err}
		}
	}
	if err := enc.Close(); err != nil {
		return Result{Err: err}
	}
	if err := zw.Close(); err != nil {
		return Result{Err: err}
	}
	key := ObjectKey(k.prefix, b.entries[0], b.seq(0), b.test)
	err := k.b.WriteAll(ctx, key, buf.Bytes(), &blob.WriterOptions{ContentType: "application/gzip"})
	r := Result{Latency: time.Since(start), Response: key}
	if err != nil {
		r.Err = fmt.Errorf("write object: %w", err)
	}
	return r
}

func (k *bucket) close() error { return k.b.Close() }
