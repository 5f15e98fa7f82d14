package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/clock"
)

// tenantSizes splits total entries over n tenants by a Zipf law whose
// exponent is chosen so that the biggest tenant holds `top` of them: one
// big customer, a few medium ones, a long tail.
func tenantSizes(total, n int, top float64) []int {
	share := func(s float64) float64 {
		var h float64
		for i := 1; i <= n; i++ {
			h += 1 / math.Pow(float64(i), s)
		}
		return 1 / h
	}
	lo, hi := 0.0, 5.0
	for range 60 {
		mid := (lo + hi) / 2
		if share(mid) < top {
			lo = mid
		} else {
			hi = mid
		}
	}
	s := (lo + hi) / 2
	var h float64
	for i := 1; i <= n; i++ {
		h += 1 / math.Pow(float64(i), s)
	}
	sizes := make([]int, n)
	sum := 0
	for i := range sizes {
		sizes[i] = max(1, int(float64(total)/math.Pow(float64(i+1), s)/h))
		sum += sizes[i]
	}
	sizes[0] += total - sum
	return sizes
}

// action is one kind of event, with how often it happens.
type action struct {
	name, resourceType string
	weight             int
	change             func(r *rand.Rand) (old, new any)
	failRate           float64
}

var actions = []action{
	{"user.login", "user", 220, nil, 0.04},
	{"document.view", "document", 160, nil, 0},
	{"pipeline.run", "pipeline", 110, nil, 0.06},
	{"process.finish", "process", 70, func(r *rand.Rand) (any, any) {
		return map[string]any{"status": "RUNNING"}, map[string]any{"status": "SUCCEEDED", "durationMs": r.IntN(90000)}
	}, 0},
	{"workspace.update", "workspace", 60, func(r *rand.Rand) (any, any) {
		return map[string]any{"name": "analytics", "settings": map[string]any{"retention": 30, "region": "eu-west-1"}},
			map[string]any{"name": "analytics", "settings": map[string]any{"retention": 90, "region": "eu-west-1"}}
	}, 0},
	{"connection.update", "connection", 45, func(r *rand.Rand) (any, any) {
		return map[string]any{"regions": []any{"us-east-1"}}, map[string]any{"regions": []any{"us-east-1", "eu-west-1"}}
	}, 0.02},
	{"settings.update", "settings", 35, func(r *rand.Rand) (any, any) {
		return map[string]any{"theme": "light", "limits": map[string]any{"seats": 10}},
			map[string]any{"theme": "dark", "limits": map[string]any{"seats": 10 + r.IntN(40)}}
	}, 0},
	{"member.invite", "member", 25, func(r *rand.Rand) (any, any) {
		return nil, map[string]any{"email": fmt.Sprintf("new%d@example.com", r.IntN(10000)), "role": "MEMBER"}
	}, 0},
	{"invitation.accept", "invitation", 20, nil, 0},
	{"member.role.update", "member", 18, func(r *rand.Rand) (any, any) {
		roles := []string{"MEMBER", "AUDITOR", "ADMIN", "OWNER"}
		i := r.IntN(3)
		return map[string]any{"role": roles[i]}, map[string]any{"role": roles[i+1]}
	}, 0},
	{"workspace.create", "workspace", 15, func(r *rand.Rand) (any, any) {
		return nil, map[string]any{"name": fmt.Sprintf("ws-%d", r.IntN(500)), "plan": "team"}
	}, 0},
	{"api_key.create", "api_key", 12, func(r *rand.Rand) (any, any) {
		return nil, map[string]any{"name": "ci", "scopes": []any{"INGEST"}}
	}, 0},
	{"billing.invoice.paid", "billing", 10, func(r *rand.Rand) (any, any) {
		return nil, map[string]any{"amount": 4900 + r.IntN(100000), "currency": "USD"}
	}, 0},
	{"plan.upgrade", "plan", 6, func(r *rand.Rand) (any, any) {
		return map[string]any{"plan": "team", "seats": 10}, map[string]any{"plan": "enterprise", "seats": 50}
	}, 0},
	{"member.remove", "member", 6, func(r *rand.Rand) (any, any) {
		return map[string]any{"role": "MEMBER"}, nil
	}, 0},
	{"billing.payment.failed", "billing", 4, nil, 1},
	{"api_key.deactivate", "api_key", 4, nil, 0},
	{"workspace.delete", "workspace", 3, nil, 0},
	{"organization.update", "organization", 3, func(r *rand.Rand) (any, any) {
		return map[string]any{"displayName": "Acme"}, map[string]any{"displayName": "Acme Inc."}
	}, 0},
	{"plan.downgrade", "plan", 2, func(r *rand.Rand) (any, any) {
		return map[string]any{"plan": "enterprise"}, map[string]any{"plan": "team"}
	}, 0},
}

var actionPick = func() []int {
	var out []int
	for i, a := range actions {
		for range a.weight {
			out = append(out, i)
		}
	}
	return out
}()

var (
	firstNames = []string{"Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger", "Radia", "Alan", "Katherine", "John", "Hedy", "Tim", "Joan"}
	lastNames  = []string{"Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra", "Perlman", "Turing", "Johnson", "Backus", "Lamarr", "Berners-Lee", "Clarke"}
	regions    = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"}
	agents     = []string{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36", "trailmark-cli/1.4.2", "terraform-provider/0.9.1"}
)

// tenantData is the cast of one tenant: its people, keys and workspaces.
type tenantData struct {
	id, slug   string
	users      []person
	keys       []person
	workspaces []string
}

type person struct{ id, name, email string }

func newTenantData(r *rand.Rand, i int, id, slug string, size int) *tenantData {
	t := &tenantData{id: id, slug: slug}
	nUsers := min(500, 3+size/1500)
	for u := range nUsers {
		f, l := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		t.users = append(t.users, person{
			id:    fmt.Sprintf("usr_%s%04d%04d", "BENCH", i, u),
			name:  f + " " + l,
			email: fmt.Sprintf("%s.%s%d@%s.example.com", lower(f), lower(l), u, slug),
		})
	}
	for k := range 1 + nUsers/20 {
		t.keys = append(t.keys, person{id: fmt.Sprintf("key_BENCH%04d%04d", i, k), name: fmt.Sprintf("ci-key-%d", k)})
	}
	for w := range 1 + min(20, size/10000) {
		t.workspaces = append(t.workspaces, fmt.Sprintf("%s-ws%d", slug, w))
	}
	return t
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// entry makes one realistic audit entry of t at time at.
func (t *tenantData) entry(r *rand.Rand, at time.Time) audit.Entry {
	a := actions[actionPick[r.IntN(len(actionPick))]]
	e := audit.Entry{
		TenantID:     &t.id,
		OccurredAt:   clock.Stored(at),
		ReceivedAt:   clock.Stored(at.Add(time.Duration(r.IntN(2000)) * time.Millisecond)),
		Action:       a.name,
		ResourceType: a.resourceType,
		Status:       auditentry.StatusSUCCESS,
	}
	if r.Float64() < a.failRate {
		e.Status = auditentry.StatusFAILURE
	}
	rid := fmt.Sprintf("%s_%06d", a.resourceType, r.IntN(50000))
	e.ResourceID = &rid
	if r.IntN(3) > 0 {
		name := fmt.Sprintf("%s %d", a.resourceType, r.IntN(5000))
		e.ResourceName = &name
	}
	if r.IntN(5) > 0 {
		ws := t.workspaces[r.IntN(len(t.workspaces))]
		e.Workspace = &ws
	}
	switch n := r.IntN(100); {
	case n < 80:
		p := t.users[zipfIndex(r, len(t.users))]
		e.Actor = audit.Actor{Type: schematype.ActorUser, ID: &p.id, Name: &p.name, Email: &p.email}
	case n < 95:
		p := t.keys[r.IntN(len(t.keys))]
		e.Actor = audit.Actor{Type: schematype.ActorAPIKey, ID: &p.id, Name: &p.name}
	default:
		e.Actor = audit.Actor{Type: schematype.ActorSystem}
	}
	if a.change != nil {
		o, n := a.change(r)
		e.OldValue, e.NewValue = rawJSON(o), rawJSON(n)
	}
	e.Metadata = rawJSON(map[string]any{"region": regions[r.IntN(len(regions))], "client": []string{"web", "api", "cli"}[r.IntN(3)], "traceID": fmt.Sprintf("%016x", r.Uint64())})
	method, status := "POST", 200
	if e.Status == auditentry.StatusFAILURE {
		status = []int{400, 403, 409, 500}[r.IntN(4)]
	}
	path := "/api/v1/" + a.resourceType + "s/" + rid
	ip := fmt.Sprintf("203.0.%d.%d", r.IntN(255), r.IntN(255))
	ua := agents[r.IntN(len(agents))]
	e.Request = &schematype.RequestInfo{Method: &method, Path: &path, SourceIP: &ip, UserAgent: &ua, HTTPStatus: &status,
		Payload: rawJSON(map[string]any{"password": "[REDACTED]", "name": e.ResourceName})}
	if r.IntN(10) < 3 {
		k := fmt.Sprintf("evt-%016x", r.Uint64())
		e.IdempotencyKey = &k
	}
	return e
}

// zipfIndex favours low indexes: a few people do most of the work.
func zipfIndex(r *rand.Rand, n int) int {
	if n <= 1 {
		return 0
	}
	return min(n-1, int(math.Floor(math.Pow(float64(n), r.Float64()))-1))
}

// businessTime picks a moment on day d (UTC midnight), weighted to working hours.
func businessTime(r *rand.Rand, day time.Time) time.Time {
	h := r.IntN(24)
	if r.IntN(4) > 0 {
		h = 8 + r.IntN(10)
	}
	return day.Add(time.Duration(h)*time.Hour + time.Duration(r.Int64N(int64(time.Hour))))
}

func rawJSON(v any) schematype.RawJSON {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	return b
}

// inputJSON is e as the GraphQL AuditEntryInput of the ingest benchmark.
func inputJSON(e audit.Entry) map[string]any {
	m := map[string]any{
		"occurredAt":   e.OccurredAt.Format(time.RFC3339Nano),
		"action":       e.Action,
		"resourceType": e.ResourceType,
		"resourceID":   e.ResourceID,
		"resourceName": e.ResourceName,
		"workspace":    e.Workspace,
		"status":       string(e.Status),
		"metadata":     json.RawMessage(e.Metadata),
	}
	if e.Actor.Type != "" {
		m["actor"] = map[string]any{"type": string(e.Actor.Type), "id": e.Actor.ID, "name": e.Actor.Name, "email": e.Actor.Email}
	}
	if e.OldValue != nil {
		m["oldValue"] = json.RawMessage(e.OldValue)
	}
	if e.NewValue != nil {
		m["newValue"] = json.RawMessage(e.NewValue)
	}
	if rq := e.Request; rq != nil {
		m["request"] = map[string]any{"method": rq.Method, "path": rq.Path, "sourceIP": rq.SourceIP,
			"userAgent": rq.UserAgent, "httpStatus": rq.HTTPStatus, "payload": json.RawMessage(rq.Payload)}
	}
	return m
}
