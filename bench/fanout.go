package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/auth"
	"github.com/trailmark/trailmark/internal/db"
)

// fanoutShape names the live fan-out shape for -only.
const fanoutShape = "fanout"

// The live fan-out shape: subscribers of auditEntryCreated over
// graphql-transport-ws, spread over two server processes (bin/trailmark
// serve) on one PostgreSQL database, which share notices through
// LISTEN/NOTIFY, while entries are recorded at a steady rate through both.
// It measures how long an entry takes from the client's send of the
// recording request to each subscriber that should get it, and what the
// servers hold in memory.

type fanoutOptions struct {
	subscribers int
	tenants     int
	rate        float64 // entries per second, one per request
	duration    time.Duration
	serverBin   string
}

// fanoutFilters are the subscriptions' filters, spread round-robin over the
// subscribers of each tenant; match says whether an entry reaches them.
var fanoutFilters = []struct {
	filter string
	match  func(action, status string) bool
}{
	{"", func(string, string) bool { return true }},
	{"status = 'failure'", func(_, s string) bool { return s == "failure" }},
	{"action like 'billing.%'", func(a, _ string) bool { return strings.HasPrefix(a, "billing.") }},
}

var fanoutActions = []string{"billing.invoice.paid", "user.login", "member.role.update", "billing.payment.failed"}

const fanoutSubscription = `subscription($t: ID!, $f: String) {
  auditEntryCreated(tenantID: $t, filter: $f) { id receivedAt action status resourceID }
}`

type replicaProc struct {
	cmd  *exec.Cmd
	base string
	logs *strings.Builder
}

func benchFanout(ctx context.Context, o options, fo fanoutOptions, log *slog.Logger) error {
	raiseFileLimit()
	url, err := createDatabase(ctx, o.adminURL, o.dbName+"_fanout")
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, db.Config{URL: url})
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, log); err != nil {
		return err
	}
	type tenantKeys struct{ id, read, ingest string }
	var tenants []tenantKeys
	for i := range fo.tenants {
		t, err := d.Client.Tenant.Create().SetSlug(fmt.Sprintf("fanout-%d", i)).SetName(fmt.Sprintf("Fan-out %d", i)).Save(system(ctx))
		if err != nil {
			return fmt.Errorf("create tenant: %w", err)
		}
		tk := tenantKeys{id: t.ID}
		for _, sc := range []schematype.Scope{schematype.ScopeRead, schematype.ScopeIngest} {
			secret, prefix := auth.NewAPIKeySecret()
			if _, err := d.Client.APIKey.Create().SetTenantID(t.ID).SetName("fanout " + prefix).SetPrefix(prefix).
				SetSecretHash(auth.HashToken(secret)).SetScopes([]string{string(sc)}).Save(system(ctx)); err != nil {
				return fmt.Errorf("create api key: %w", err)
			}
			if sc == schematype.ScopeRead {
				tk.read = secret
			} else {
				tk.ingest = secret
			}
		}
		tenants = append(tenants, tk)
	}

	dir, err := os.MkdirTemp("", "trailmark-fanout-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var reps []*replicaProc
	defer func() {
		for _, r := range reps {
			_ = r.cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { _ = r.cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = r.cmd.Process.Kill()
			}
		}
	}()
	for i := range 2 {
		r, err := startReplicaProc(ctx, fo.serverBin, filepath.Join(dir, fmt.Sprint(i)), url)
		if err != nil {
			return err
		}
		reps = append(reps, r)
	}
	idle := make([]memUse, len(reps))
	for i, r := range reps {
		idle[i] = readMem(ctx, r)
	}

	// Subscribers: round-robin over replicas, tenants and filters.
	type subscriber struct {
		tenant, filter, replica int
	}
	subs := make([]subscriber, fo.subscribers)
	for i := range subs {
		per := fo.tenants * len(fanoutFilters)
		subs[i] = subscriber{tenant: i % fo.tenants, filter: (i / fo.tenants) % len(fanoutFilters), replica: (i / per) % 2}
	}
	var (
		lat      latencies
		sent     sync.Map // resourceID -> time the request was sent
		received atomic.Int64
		failures atomic.Int64
	)
	subCtx, stopSubs := context.WithCancel(ctx)
	defer stopSubs()
	var (
		wg      sync.WaitGroup
		opened  atomic.Int64
		openErr atomic.Value
	)
	sem := make(chan struct{}, 32)
	openStart := time.Now()
	for _, s := range subs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := openSubscription(subCtx, reps[s.replica].base, tenants[s.tenant].read, map[string]any{
				"t": tenants[s.tenant].id, "f": nilIfEmpty(fanoutFilters[s.filter].filter)})
			<-sem
			if err != nil {
				openErr.Store(err)
				return
			}
			opened.Add(1)
			defer conn.CloseNow()
			for {
				var m struct {
					Type    string
					Payload struct {
						Data struct {
							AuditEntryCreated struct {
								ReceivedAt time.Time
								ResourceID string
							}
						}
					}
				}
				if err := wsjson.Read(subCtx, conn, &m); err != nil {
					if subCtx.Err() == nil {
						failures.Add(1)
					}
					return
				}
				now := time.Now()
				switch m.Type {
				case "next":
					e := m.Payload.Data.AuditEntryCreated
					if at, ok := sent.Load(e.ResourceID); ok {
						lat.add(now.Sub(at.(time.Time)), now.Sub(e.ReceivedAt))
					}
					received.Add(1)
				case "ping":
					_ = wsjson.Write(subCtx, conn, map[string]any{"type": "pong"})
				case "error", "complete":
					failures.Add(1)
					return
				}
			}
		}()
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	// Every subscription listens once the servers count them all.
	deadline := time.Now().Add(5 * time.Minute)
	for {
		n := 0
		for _, r := range reps {
			n += int(metricValue(ctx, r, "trailmark_subscriptions_active"))
		}
		if n >= fo.subscribers {
			break
		}
		if err, _ := openErr.Load().(error); err != nil {
			return fmt.Errorf("open subscription: %w", err)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("only %d of %d subscriptions listen after %v", n, fo.subscribers, time.Since(openStart).Round(time.Second))
		}
		time.Sleep(200 * time.Millisecond)
	}
	openTook := time.Since(openStart)
	subscribed := make([]memUse, len(reps))
	for i, r := range reps {
		subscribed[i] = readMem(ctx, r)
	}

	// Ingest at a steady rate, alternating replicas and tenants; count the
	// deliveries each entry should make.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	r := rand.New(rand.NewPCG(7, 8))
	cpu0 := make([]time.Duration, len(reps))
	for i, rp := range reps {
		cpu0[i], _ = procCPU(rp.cmd.Process.Pid)
	}
	pg0 := readCPU(backendPIDs(ctx, d))
	expected := 0
	recorded := 0
	var ingestErrs atomic.Int64
	var iwg sync.WaitGroup
	tick := time.NewTicker(time.Duration(float64(time.Second) / fo.rate))
	measureStart := time.Now()
	received.Store(0)
	peak := make([]memUse, len(reps))
	memTick := time.NewTicker(time.Second)
	for seq := 0; time.Since(measureStart) < fo.duration; seq++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-memTick.C:
			for i, rp := range reps {
				peak[i] = peak[i].max(readMem(ctx, rp))
			}
			<-tick.C
		case <-tick.C:
		}
		ti := seq % fo.tenants
		action := fanoutActions[r.IntN(len(fanoutActions))]
		status := "success"
		if r.IntN(4) == 0 {
			status = "failure"
		}
		for _, s := range subs {
			if s.tenant == ti && fanoutFilters[s.filter].match(action, status) {
				expected++
			}
		}
		recorded++
		rid := "fanout-" + strconv.Itoa(seq)
		body := gqlBody(ingestQuery, map[string]any{"tenant": tenants[ti].id, "entries": []map[string]any{{
			"action": action, "resourceType": "bench", "resourceID": rid, "status": strings.ToUpper(status),
			"actor": map[string]any{"type": "SYSTEM"},
		}}})
		base := reps[(seq/fo.tenants)%len(reps)].base
		iwg.Add(1)
		go func() {
			defer iwg.Done()
			sent.Store(rid, time.Now())
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tenants[ti].ingest)
			res, err := client.Do(req)
			if err != nil {
				ingestErrs.Add(1)
				return
			}
			var out struct{ Errors []any }
			_ = json.NewDecoder(res.Body).Decode(&out)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || len(out.Errors) > 0 {
				ingestErrs.Add(1)
			}
		}()
	}
	tick.Stop()
	memTick.Stop()
	iwg.Wait()
	// Let the last deliveries arrive.
	for wait := time.Now(); time.Since(wait) < 10*time.Second && int(received.Load()) < expected; {
		time.Sleep(100 * time.Millisecond)
	}
	_, pgCPU := readCPU(backendPIDs(ctx, d)).sub(pg0)
	cpu := make([]time.Duration, len(reps))
	for i, rp := range reps {
		c, _ := procCPU(rp.cmd.Process.Pid)
		cpu[i] = c - cpu0[i]
		peak[i] = peak[i].max(readMem(ctx, rp))
	}
	shares := make([]float64, len(reps))
	for i, rp := range reps {
		shares[i] = metricValue(ctx, rp, "trailmark_live_shares")
	}
	stopSubs()
	wg.Wait()

	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("Live fan-out, PostgreSQL, 2 server processes: %d auditEntryCreated subscribers (%d tenants × %d filters, READ keys), %.0f entries/s for %v\n",
		fo.subscribers, fo.tenants, len(fanoutFilters), fo.rate, fo.duration)
	fmt.Printf("  subscribed in %v; load average %s", openTook.Round(time.Millisecond), string(load))
	fmt.Printf("  recorded %d entries (%d failed requests); deliveries %d of %d expected; %d subscriptions ended early\n",
		recorded, ingestErrs.Load(), received.Load(), expected, failures.Load())
	send, recv := lat.percentiles()
	fmt.Printf("  latency, send of the recording request → subscriber: p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", ms(send[0]), ms(send[1]), ms(send[2]))
	fmt.Printf("  latency, entry receivedAt → subscriber:              p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", ms(recv[0]), ms(recv[1]), ms(recv[2]))
	fmt.Printf("  PostgreSQL CPU while recording: %.2f s\n", pgCPU.Seconds())
	for i := range reps {
		fmt.Printf("  server %d: idle RSS %s; with subscribers RSS %s, Go heap in use %s; peak while ingesting RSS %s, heap %s; CPU %.2f s (%.0f µs per delivery); shared loads per notice %.0f\n",
			i+1, mib(idle[i].rss), mib(subscribed[i].rss), mib(subscribed[i].heap), mib(peak[i].rss), mib(peak[i].heap),
			cpu[i].Seconds(), float64(cpu[i].Microseconds())/max(1, float64(received.Load())/float64(len(reps))), shares[i])
	}
	fmt.Println()
	return nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// raiseFileLimit lifts the soft open-file limit to the hard one: every
// subscriber is a socket here and one in a server (which inherit it).
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

func startReplicaProc(ctx context.Context, bin, dataDir, dbURL string) (*replicaProc, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "TRAILMARK_ADDR="+addr, "TRAILMARK_DATA_DIR="+dataDir, "DATABASE_URL="+dbURL,
		"TRAILMARK_DEMO=0", "TRAILMARK_RATE_LIMITS=off", "TRAILMARK_LOG_LEVEL=warn")
	r := &replicaProc{cmd: cmd, base: "http://" + addr, logs: &strings.Builder{}}
	cmd.Stderr = r.logs
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s (make build-go first): %w", bin, err)
	}
	for start := time.Now(); ; {
		res, err := http.Get(r.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return r, nil
			}
		}
		if time.Since(start) > time.Minute || ctx.Err() != nil {
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("server %s not ready: %v\n%s", addr, err, r.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// openSubscription opens a graphql-transport-ws connection authenticated
// with token and starts one auditEntryCreated subscription on it.
func openSubscription(ctx context.Context, base, token string, vars map[string]any) (*websocket.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	conn, _, err := websocket.Dial(dctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	if err := wsjson.Write(dctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}); err != nil {
		conn.CloseNow()
		return nil, err
	}
	var ack struct{ Type string }
	if err := wsjson.Read(dctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
		conn.CloseNow()
		return nil, fmt.Errorf("connection_init: %q %v", ack.Type, err)
	}
	if err := wsjson.Write(dctx, conn, map[string]any{"id": "1", "type": "subscribe",
		"payload": map[string]any{"query": fanoutSubscription, "variables": vars}}); err != nil {
		conn.CloseNow()
		return nil, err
	}
	return conn, nil
}

// latencies collects delivery latencies from many goroutines.
type latencies struct {
	mu         sync.Mutex
	send, recv []time.Duration
}

func (l *latencies) add(send, recv time.Duration) {
	l.mu.Lock()
	l.send = append(l.send, send)
	l.recv = append(l.recv, recv)
	l.mu.Unlock()
}

// percentiles returns p50, p99 and max of each series.
func (l *latencies) percentiles() (send, recv [3]time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	pick := func(xs []time.Duration) [3]time.Duration {
		if len(xs) == 0 {
			return [3]time.Duration{}
		}
		slices.Sort(xs)
		at := func(p float64) time.Duration { return xs[min(len(xs)-1, int(p*float64(len(xs))))] }
		return [3]time.Duration{at(0.50), at(0.99), xs[len(xs)-1]}
	}
	return pick(l.send), pick(l.recv)
}

type memUse struct{ rss, heap float64 }

func (m memUse) max(o memUse) memUse {
	return memUse{rss: max(m.rss, o.rss), heap: max(m.heap, o.heap)}
}

// readMem reads a server's resident set (/proc) and Go heap in use
// (/metrics).
func readMem(ctx context.Context, r *replicaProc) memUse {
	m := memUse{heap: metricValue(ctx, r, "go_memstats_heap_inuse_bytes")}
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(r.cmd.Process.Pid), "status"))
	if err != nil {
		return m
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		var kb float64
		if _, err := fmt.Sscanf(s.Text(), "VmRSS: %f kB", &kb); err == nil {
			m.rss = kb * 1024
		}
	}
	return m
}

// metricValue reads one unlabelled metric from a server's /metrics.
func metricValue(ctx context.Context, r *replicaProc, name string) float64 {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/metrics", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	s := bufio.NewScanner(res.Body)
	s.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for s.Scan() {
		line := s.Text()
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil {
				return f
			}
		}
	}
	return 0
}

func mib(b float64) string { return fmt.Sprintf("%.0f MiB", b/(1<<20)) }
