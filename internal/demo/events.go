package demo

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/audit"
)

// workspace is an account or project inside a demo tenant.
type workspace struct {
	ID, Name, Region, Plan string
	Seats                  int
}

var acmeWorkspaces = []workspace{
	{"ws_prod_eu", "prod-eu", "eu-central-1", "business", 40},
	{"ws_prod_us", "prod-us", "us-east-1", "business", 40},
	{"ws_staging", "staging", "eu-central-1", "team", 15},
	{"ws_analytics", "analytics", "eu-west-1", "team", 10},
	{"ws_ml", "ml-training", "us-west-2", "enterprise", 25},
	{"ws_sandbox", "sandbox", "eu-central-1", "free", 3},
}

var globexWorkspaces = []workspace{
	{"ws_hq", "hq", "us-east-1", "enterprise", 60},
	{"ws_labs", "labs", "us-west-2", "team", 12},
}

// family makes one kind of event; weight is its share of the log.
type family struct {
	weight int
	make   func(g *generator, at time.Time) audit.Input
}

var families = []family{
	{22, (*generator).workspaceDeploy},
	{12, (*generator).workspaceUpdate},
	{3, (*generator).workspaceLifecycle},
	{2, (*generator).workspaceCreate},
	{8, (*generator).memberEvent},
	{5, (*generator).userEvent},
	{4, (*generator).invitation},
	{2, (*generator).organizationUpdate},
	{1, (*generator).planChange},
	{6, (*generator).billing},
	{16, (*generator).process},
	{2, (*generator).apiKey},
	{10, (*generator).settingsUpdate},
	{7, (*generator).login},
	{1, (*generator).trigger},
}

var totalWeight = func() int {
	n := 0
	for _, f := range families {
		n += f.weight
	}
	return n
}()

func (g *generator) event(at time.Time) audit.Input {
	w := g.r.IntN(totalWeight)
	for _, f := range families {
		if w < f.weight {
			return f.make(g, at)
		}
		w -= f.weight
	}
	panic("unreachable")
}

// --- helpers ---------------------------------------------------------------

func (g *generator) pick(n int) int { return g.r.IntN(n) }

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

func (g *generator) ws() workspace { return g.workspaces[g.pick(len(g.workspaces))] }

// person picks an actor; admins and the owner act more often.
func (g *generator) person() Person {
	for {
		p := g.people[g.pick(len(g.people))]
		if p.Role == schematype.RoleMember && g.chance(0.4) {
			continue
		}
		return p
	}
}

func (g *generator) admin() Person {
	for {
		if p := g.person(); p.Role == schematype.RoleOwner || p.Role == schematype.RoleAdmin {
			return p
		}
	}
}

func userActor(p Person) *audit.Actor {
	return &audit.Actor{Type: schematype.ActorUser, ID: &p.ID, Name: &p.Name, Email: &p.Email}
}

func keyActorOf(k keyActor) *audit.Actor {
	return &audit.Actor{Type: schematype.ActorAPIKey, ID: &k.ID, Name: &k.Name}
}

func systemActor() *audit.Actor {
	return &audit.Actor{Type: schematype.ActorSystem, Name: ptr("Trailmark scheduler")}
}

// webhookActor is an inbound webhook or trigger, named by its source.
func webhookActor(source, delivery string) *audit.Actor {
	return &audit.Actor{Type: schematype.ActorWebhook, ID: &delivery, Name: &source}
}

func ptr[T any](v T) *T { return &v }

func js(v any) schematype.RawJSON {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func status(failed bool) *auditentry.Status {
	if failed {
		return ptr(auditentry.StatusFAILURE)
	}
	return ptr(auditentry.StatusSUCCESS)
}

var userAgents = []string{
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
	"Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
	"acme-cli/2.8.1 (darwin; arm64)",
}

// request is the HTTP request a person's action came with.
func (g *generator) request(p Person, method, path, op string, status int, payload any) *schematype.RequestInfo {
	n := 0
	for _, c := range p.ID {
		n += int(c)
	}
	r := &schematype.RequestInfo{
		Method:     &method,
		Path:       &path,
		SourceIP:   ptr(fmt.Sprintf("203.0.113.%d", 10+n%200)),
		UserAgent:  &userAgents[n%len(userAgents)],
		HTTPStatus: &status,
	}
	if op != "" {
		r.OperationName = &op
	}
	if payload != nil {
		r.Payload = js(payload)
	}
	return r
}

func (g *generator) key(prefix string) *string {
	g.seq++
	return ptr(fmt.Sprintf("%s-%06d", prefix, g.seq))
}

// --- families --------------------------------------------------------------

var versions = []string{"v2.14.0", "v2.14.1", "v2.14.2", "v2.15.0", "v2.15.1", "v2.16.0-rc.1"}

func (g *generator) workspaceDeploy(at time.Time) audit.Input {
	w := g.ws()
	failed := g.chance(0.07)
	v := versions[g.pick(len(versions))]
	meta := map[string]any{
		"version":     v,
		"commit":      fmt.Sprintf("%07x", g.r.Uint32()>>4),
		"duration_ms": 20_000 + g.pick(400_000),
		"strategy":    []string{"rolling", "blue-green", "canary"}[g.pick(3)],
	}
	if failed {
		meta["error"] = []string{"health check failed on 2/6 instances", "image pull timeout", "migration lock not acquired"}[g.pick(3)]
	}
	in := audit.Input{
		Action: "workspace.deploy", ResourceType: "workspace", ResourceID: &w.ID, ResourceName: &w.Name, Workspace: &w.Name,
		Status: status(failed), Metadata: js(meta),
		OldValue: js(map[string]any{"version": versions[max(0, g.pick(len(versions))-1)]}),
		NewValue: js(map[string]any{"version": v}),
	}
	if g.chance(0.7) {
		in.Actor = keyActorOf(deployBot)
		in.IdempotencyKey = g.key("deploy")
	} else {
		p := g.admin()
		in.Actor = userActor(p)
		in.Request = g.request(p, "POST", "/api/workspaces/"+w.ID+"/deployments", "DeployWorkspace", map[bool]int{true: 502, false: 201}[failed], map[string]any{"version": v})
	}
	return in
}

func (g *generator) workspaceUpdate(at time.Time) audit.Input {
	w := g.ws()
	p := g.admin()
	oldCPU, newCPU := 2+g.pick(8), 2+g.pick(8)
	oldV := map[string]any{"name": w.Name, "limits": map[string]any{"cpu": oldCPU, "memory_gb": oldCPU * 4, "seats": w.Seats}, "tags": []string{"team:platform", "env:" + w.Name}}
	newV := map[string]any{"name": w.Name, "limits": map[string]any{"cpu": newCPU, "memory_gb": newCPU * 4, "seats": w.Seats + g.pick(3)}, "tags": []string{"team:platform", "env:" + w.Name, "cost-center:" + fmt.Sprint(100+g.pick(5))}}
	return audit.Input{
		Action: "workspace.update", ResourceType: "workspace", ResourceID: &w.ID, ResourceName: &w.Name, Workspace: &w.Name,
		Actor: userActor(p), OldValue: js(oldV), NewValue: js(newV),
		Request: g.request(p, "PATCH", "/api/workspaces/"+w.ID, "UpdateWorkspace", 200, map[string]any{"limits": newV["limits"]}),
	}
}

func (g *generator) workspaceLifecycle(at time.Time) audit.Input {
	w := g.ws()
	kinds := []struct{ action, from, to string }{
		{"workspace.suspend", "active", "suspended"},
		{"workspace.resume", "suspended", "active"},
		{"workspace.terminate", "suspended", "terminated"},
	}
	k := kinds[g.pick(len(kinds))]
	in := audit.Input{
		Action: k.action, ResourceType: "workspace", ResourceID: &w.ID, ResourceName: &w.Name, Workspace: &w.Name,
		OldValue: js(map[string]any{"state": k.from}), NewValue: js(map[string]any{"state": k.to}),
		Metadata: js(map[string]any{"reason": []string{"payment overdue", "requested by customer", "security review", "idle for 30 days"}[g.pick(4)]}),
	}
	if g.chance(0.3) {
		in.Actor = systemActor()
	} else {
		p := g.admin()
		in.Actor = userActor(p)
		in.Request = g.request(p, "POST", "/api/workspaces/"+w.ID+"/"+strings.TrimPrefix(k.action, "workspace."), "", 200, nil)
	}
	return in
}

func (g *generator) workspaceCreate(at time.Time) audit.Input {
	w := g.ws()
	p := g.admin()
	id := fmt.Sprintf("%s_%d", w.ID, g.pick(900)+100)
	name := fmt.Sprintf("%s-%d", w.Name, g.pick(90)+10)
	nv := map[string]any{"name": name, "region": w.Region, "plan": w.Plan, "limits": map[string]any{"cpu": 4, "memory_gb": 16, "seats": 5}}
	return audit.Input{
		Action: "workspace.create", ResourceType: "workspace", ResourceID: &id, ResourceName: &name, Workspace: &name,
		Actor: userActor(p), NewValue: js(nv),
		Request: g.request(p, "POST", "/api/workspaces", "CreateWorkspace", 201, nv),
	}
}

var roles = []schematype.Role{schematype.RoleMember, schematype.RoleAuditor, schematype.RoleAdmin}

func (g *generator) memberEvent(at time.Time) audit.Input {
	p := g.admin()
	subject := g.people[g.pick(len(g.people))]
	switch g.pick(3) {
	case 0:
		failed := g.chance(0.08) // the seat limit
		in := audit.Input{
			Action: "member.add", ResourceType: "membership", ResourceID: ptr("mem_" + subject.ID[4:]), ResourceName: &subject.Email,
			Actor: userActor(p), Status: status(failed), NewValue: js(map[string]any{"email": subject.Email, "role": roles[g.pick(2)]}),
			Request: g.request(p, "POST", "/api/members", "AddMember", map[bool]int{true: 402, false: 201}[failed], map[string]any{"email": subject.Email}),
		}
		if failed {
			in.Metadata = js(map[string]any{"error": "seat limit reached", "seats": map[string]any{"used": 40, "limit": 40}})
		}
		return in
	case 1:
		from, to := roles[g.pick(3)], roles[g.pick(3)]
		if from == to {
			to = schematype.RoleAdmin
			if from == schematype.RoleAdmin {
				to = schematype.RoleMember
			}
		}
		return audit.Input{
			Action: "member.role.update", ResourceType: "membership", ResourceID: ptr("mem_" + subject.ID[4:]), ResourceName: &subject.Email,
			Actor: userActor(p), OldValue: js(map[string]any{"role": from}), NewValue: js(map[string]any{"role": to}),
			Request: g.request(p, "PATCH", "/api/members/"+subject.ID, "UpdateMembership", 200, map[string]any{"role": to}),
		}
	default:
		return audit.Input{
			Action: "member.remove", ResourceType: "membership", ResourceID: ptr("mem_" + subject.ID[4:]), ResourceName: &subject.Email,
			Actor: userActor(p), OldValue: js(map[string]any{"email": subject.Email, "role": roles[g.pick(3)]}),
			Request: g.request(p, "DELETE", "/api/members/"+subject.ID, "RemoveMember", 204, nil),
		}
	}
}

func (g *generator) userEvent(at time.Time) audit.Input {
	p := g.person()
	if g.chance(0.25) {
		email := fmt.Sprintf("new.hire%d@%s", g.pick(500), strings.SplitN(p.Email, "@", 2)[1])
		a := g.admin()
		return audit.Input{
			Action: "user.create", ResourceType: "user", ResourceID: ptr(fmt.Sprintf("ext_user_%d", g.pick(100000))), ResourceName: &email,
			Actor: userActor(a), NewValue: js(map[string]any{"email": email, "locale": "en-GB", "mfa": false}),
			Request: g.request(a, "POST", "/api/users", "CreateUser", 201,
				map[string]any{"email": email, "password": "Winter2025!", "sendWelcome": true}),
		}
	}
	// A profile or password change by the user themselves.
	if g.chance(0.4) {
		return audit.Input{
			Action: "user.update", ResourceType: "user", ResourceID: &p.ID, ResourceName: &p.Email,
			Actor: userActor(p), Metadata: js(map[string]any{"fields": []string{"password"}}),
			Request: g.request(p, "POST", "/api/me/password", "ChangePassword", 200,
				map[string]any{"currentPassword": "correct horse", "newPassword": "battery staple 42", "logoutOtherSessions": true}),
		}
	}
	oldTZ, newTZ := "Europe/Berlin", []string{"Europe/London", "America/New_York", "Asia/Tokyo"}[g.pick(3)]
	return audit.Input{
		Action: "user.update", ResourceType: "user", ResourceID: &p.ID, ResourceName: &p.Email,
		Actor: userActor(p), OldValue: js(map[string]any{"profile": map[string]any{"timezone": oldTZ, "theme": "light"}}),
		NewValue: js(map[string]any{"profile": map[string]any{"timezone": newTZ, "theme": "dark"}}),
		Request:  g.request(p, "PATCH", "/api/me", "UpdateProfile", 200, map[string]any{"timezone": newTZ, "theme": "dark"}),
	}
}

func (g *generator) invitation(at time.Time) audit.Input {
	email := fmt.Sprintf("%s.%d@contractor.example", []string{"alex", "sam", "kim", "jo", "robin"}[g.pick(5)], g.pick(100))
	id := fmt.Sprintf("inv_%d", g.pick(1_000_000))
	if g.chance(0.55) {
		p := g.admin()
		return audit.Input{
			Action: "invitation.create", ResourceType: "invitation", ResourceID: &id, ResourceName: &email,
			Actor: userActor(p), NewValue: js(map[string]any{"email": email, "role": roles[g.pick(2)], "expiresInDays": 7}),
			Request: g.request(p, "POST", "/api/invitations", "InviteMember", 201, map[string]any{"email": email}),
		}
	}
	name := strings.SplitN(email, "@", 2)[0]
	return audit.Input{
		Action: "invitation.accept", ResourceType: "invitation", ResourceID: &id, ResourceName: &email,
		Actor:    &audit.Actor{Type: schematype.ActorUser, ID: ptr("ext_" + name), Name: &name, Email: &email},
		OldValue: js(map[string]any{"status": "PENDING"}), NewValue: js(map[string]any{"status": "ACCEPTED"}),
		Request: &schematype.RequestInfo{
			Method: ptr("POST"), Path: ptr("/accept-invitation"), SourceIP: ptr(fmt.Sprintf("198.51.100.%d", g.pick(250))),
			UserAgent: &userAgents[g.pick(3)], HTTPStatus: ptr(200),
			Payload: js(map[string]any{"token": "inv_tok_" + fmt.Sprint(g.r.Uint64()), "name": name, "password": "first-day-password"}),
		},
	}
}

func (g *generator) organizationUpdate(at time.Time) audit.Input {
	p := g.admin()
	domain := strings.SplitN(p.Email, "@", 2)[1]
	oldV := map[string]any{"name": g.org, "billingEmail": "billing@" + domain, "security": map[string]any{"ssoEnforced": false, "sessionTimeoutMinutes": 720, "allowedDomains": []string{domain}}}
	newV := map[string]any{"name": g.org, "billingEmail": "finance@" + domain, "security": map[string]any{"ssoEnforced": g.chance(0.5), "sessionTimeoutMinutes": []int{60, 240, 720}[g.pick(3)], "allowedDomains": []string{domain, "corp." + domain}}}
	return audit.Input{
		Action: "organization.update", ResourceType: "organization", ResourceID: ptr("org_main"), ResourceName: &g.org,
		Actor: userActor(p), OldValue: js(oldV), NewValue: js(newV),
		Request: g.request(p, "PATCH", "/api/organization", "UpdateOrganization", 200, map[string]any{"security": newV["security"]}),
	}
}

var plans = []string{"free", "team", "business", "enterprise"}

func (g *generator) planChange(at time.Time) audit.Input {
	w := g.ws()
	p := g.admin()
	i := 1 + g.pick(len(plans)-1)
	action, from, to := "plan.upgrade", plans[i-1], plans[i]
	if g.chance(0.3) {
		action, from, to = "plan.downgrade", plans[i], plans[i-1]
	}
	return audit.Input{
		Action: action, ResourceType: "subscription", ResourceID: ptr("sub_" + w.ID[3:]), ResourceName: &w.Name, Workspace: &w.Name,
		Actor:    userActor(p),
		OldValue: js(map[string]any{"plan": from, "seats": w.Seats, "billingCycle": "monthly"}),
		NewValue: js(map[string]any{"plan": to, "seats": w.Seats + 5, "billingCycle": "annual"}),
		Metadata: js(map[string]any{"prorated_cents": 1000 + g.pick(90000), "currency": "EUR"}),
		Request:  g.request(p, "POST", "/api/billing/subscription", "ChangePlan", 200, map[string]any{"plan": to}),
	}
}

func (g *generator) billing(at time.Time) audit.Input {
	w := g.ws()
	invoice := fmt.Sprintf("in_%s_%s", at.Format("200601"), w.ID[3:])
	amount := 4900 + g.pick(250_000)
	if g.chance(0.15) {
		return audit.Input{
			Action: "billing.payment.failed", ResourceType: "invoice", ResourceID: &invoice, ResourceName: ptr("Invoice " + invoice), Workspace: &w.Name,
			Actor: keyActorOf(billingBot), Status: status(true), IdempotencyKey: g.key("stripe-evt"),
			Metadata: js(map[string]any{"amount_cents": amount, "currency": "EUR", "card": map[string]any{"brand": "visa", "last4": fmt.Sprintf("%04d", g.pick(10000))}, "decline_code": []string{"insufficient_funds", "expired_card", "do_not_honor"}[g.pick(3)], "attempt": 1 + g.pick(3)}),
		}
	}
	return audit.Input{
		Action: "billing.invoice.paid", ResourceType: "invoice", ResourceID: &invoice, ResourceName: ptr("Invoice " + invoice), Workspace: &w.Name,
		Actor: keyActorOf(billingBot), IdempotencyKey: g.key("stripe-evt"),
		OldValue: js(map[string]any{"status": "open"}), NewValue: js(map[string]any{"status": "paid"}),
		Metadata: js(map[string]any{"amount_cents": amount, "currency": "EUR", "lines": 1 + g.pick(4)}),
	}
}

func (g *generator) process(at time.Time) audit.Input {
	w := g.ws()
	kinds := []string{"backup", "report.export", "index.rebuild", "data.sync"}
	kind := kinds[g.pick(len(kinds))]
	id := fmt.Sprintf("job_%d", g.r.Uint32())
	switch g.pick(3) {
	case 0:
		return audit.Input{
			Action: "process.start", ResourceType: "process", ResourceID: &id, ResourceName: &kind, Workspace: &w.Name,
			Actor: systemActor(), Metadata: js(map[string]any{"kind": kind, "trigger": []string{"schedule", "manual", "webhook"}[g.pick(3)]}),
		}
	case 1:
		failed := g.chance(0.1)
		action := "process.complete"
		meta := map[string]any{"kind": kind, "duration_ms": 1000 + g.pick(3_600_000), "records": g.pick(2_000_000)}
		if failed {
			action = "process.fail"
			meta["error"] = "worker lost its lease"
		}
		return audit.Input{
			Action: action, ResourceType: "process", ResourceID: &id, ResourceName: &kind, Workspace: &w.Name,
			Actor: systemActor(), Status: status(failed), Metadata: js(meta),
			OldValue: js(map[string]any{"state": "running"}), NewValue: js(map[string]any{"state": map[bool]string{true: "failed", false: "succeeded"}[failed]}),
		}
	default:
		p := g.person()
		return audit.Input{
			Action: "process.cancel", ResourceType: "process", ResourceID: &id, ResourceName: &kind, Workspace: &w.Name,
			Actor: userActor(p), OldValue: js(map[string]any{"state": "queued"}), NewValue: js(map[string]any{"state": "canceled"}),
			Request: g.request(p, "POST", "/api/processes/"+id+"/cancel", "CancelProcess", 200, nil),
		}
	}
}

func (g *generator) apiKey(at time.Time) audit.Input {
	p := g.admin()
	id := fmt.Sprintf("key_ext_%d", g.pick(10000))
	name := []string{"terraform", "grafana-exporter", "zapier", "ci-pipeline", "backup-agent"}[g.pick(5)]
	if g.chance(0.6) {
		return audit.Input{
			Action: "api_key.create", ResourceType: "api_key", ResourceID: &id, ResourceName: &name,
			Actor: userActor(p), NewValue: js(map[string]any{"name": name, "scopes": []string{"READ"}, "prefix": fmt.Sprintf("tmk_%04x", g.pick(65536))}),
			Request: g.request(p, "POST", "/api/api-keys", "CreateAPIKey", 201, map[string]any{"name": name, "scopes": []string{"READ"}}),
		}
	}
	return audit.Input{
		Action: "api_key.deactivate", ResourceType: "api_key", ResourceID: &id, ResourceName: &name,
		Actor: userActor(p), OldValue: js(map[string]any{"active": true}), NewValue: js(map[string]any{"active": false}),
		Request: g.request(p, "POST", "/api/api-keys/"+id+"/deactivate", "DeactivateAPIKey", 200, nil),
	}
}

func (g *generator) settingsUpdate(at time.Time) audit.Input {
	w := g.ws()
	p := g.person()
	settings := []struct {
		key      string
		old, new any
	}{
		{"notifications.email", map[string]any{"deploys": true, "billing": true}, map[string]any{"deploys": false, "billing": true}},
		{"retention", map[string]any{"logsDays": 30}, map[string]any{"logsDays": 90}},
		{"webhooks", map[string]any{"urls": []string{"https://hooks.example.com/a"}}, map[string]any{"urls": []string{"https://hooks.example.com/a", "https://hooks.example.com/b"}, "secret": "whsec_rotated"}},
		{"network", map[string]any{"ipAllowList": []string{"10.0.0.0/8"}}, map[string]any{"ipAllowList": []string{"10.0.0.0/8", "192.168.0.0/16"}}},
	}
	s := settings[g.pick(len(settings))]
	return audit.Input{
		Action: "settings.update", ResourceType: "settings", ResourceID: ptr(w.ID + "/" + s.key), ResourceName: &s.key, Workspace: &w.Name,
		Actor: userActor(p), OldValue: js(s.old), NewValue: js(s.new),
		Request: g.request(p, "PUT", "/api/workspaces/"+w.ID+"/settings/"+s.key, "UpdateSettings", 200, s.new),
	}
}

func (g *generator) login(at time.Time) audit.Input {
	p := g.person()
	failed := g.chance(0.06)
	action := "user.login"
	if failed {
		action = "user.login_failed"
	}
	return audit.Input{
		Action: action, ResourceType: "session", ResourceID: &p.ID, ResourceName: &p.Email,
		Actor: userActor(p), Status: status(failed),
		Metadata: js(map[string]any{"method": []string{"password", "sso", "passkey"}[g.pick(3)], "mfa": !failed && g.chance(0.7)}),
		Request: g.request(p, "POST", "/api/login", "Login", map[bool]int{true: 401, false: 200}[failed],
			map[string]any{"email": p.Email, "password": "hunter2-" + fmt.Sprint(g.pick(100)), "remember": true}),
	}
}

// trigger is an action caused by an inbound webhook: a push that deploys, a
// Stripe event that changes a subscription, a monitor alert that scales a
// workspace, a Slack command that restarts one. The request is the delivery
// as it arrived, payload included; a delivery whose signature does not
// verify is a failure.
func (g *generator) trigger(at time.Time) audit.Input {
	w := g.ws()
	hex := func(n int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, n)
		for i := range b {
			b[i] = digits[g.pick(16)]
		}
		return string(b)
	}
	delivery := fmt.Sprintf("%s-%s-%s-%s-%s", hex(8), hex(4), hex(4), hex(4), hex(12))
	badSignature := g.chance(0.08)
	req := func(path, ua, ip string, ok int, payload any) *schematype.RequestInfo {
		code := ok
		if badSignature {
			code = 400
		}
		return &schematype.RequestInfo{Method: ptr("POST"), Path: &path, UserAgent: &ua, SourceIP: &ip, HTTPStatus: &code, Payload: js(payload)}
	}
	meta := func(m map[string]any) schematype.RawJSON {
		if badSignature {
			m["error"] = "signature verification failed: no signature matches the endpoint secret"
		}
		return js(m)
	}
	switch g.pick(4) {
	case 0:
		v := versions[g.pick(len(versions))]
		commit := hex(40)
		branch := []string{"main", "main", "release/" + strings.TrimPrefix(v, "v")}[g.pick(3)]
		p := g.person()
		return audit.Input{
			Action: "workspace.deploy", ResourceType: "workspace", ResourceID: &w.ID, ResourceName: &w.Name, Workspace: &w.Name,
			Actor: webhookActor("GitHub push", delivery), Status: status(badSignature), IdempotencyKey: ptr("github-" + delivery),
			OldValue: js(map[string]any{"version": versions[max(0, g.pick(len(versions))-1)]}),
			NewValue: js(map[string]any{"version": v}),
			Metadata: meta(map[string]any{"event": "push", "repository": "acme/platform", "branch": branch, "commit": commit[:7], "pipeline": "deploy-" + w.Name}),
			Request: req("/hooks/github", "GitHub-Hookshot/"+hex(7), fmt.Sprintf("140.82.115.%d", 1+g.pick(250)), 202, map[string]any{
				"ref": "refs/heads/" + branch, "before": hex(40), "after": commit,
				"repository": map[string]any{"full_name": "acme/platform", "private": true},
				"pusher":     map[string]any{"name": strings.ToLower(strings.Fields(p.Name)[0]), "email": p.Email},
				"head_commit": map[string]any{"id": commit, "message": []string{"Bump " + v, "Fix flaky health check", "Tune connection pool", "Merge pull request #" + fmt.Sprint(400+g.pick(600))}[g.pick(4)],
					"timestamp": at.Add(-time.Duration(30+g.pick(600)) * time.Second).Format(time.RFC3339)},
			}),
		}
	case 1:
		from := []string{"team", "business"}[g.pick(2)]
		to := map[string]string{"team": "business", "business": "enterprise"}[from]
		sub := "sub_" + hex(14)
		evt := "evt_" + hex(24)
		return audit.Input{
			Action: "billing.subscription.update", ResourceType: "subscription", ResourceID: &sub, ResourceName: ptr(w.Name + " subscription"), Workspace: &w.Name,
			Actor: webhookActor("Stripe webhook", evt), Status: status(badSignature), IdempotencyKey: ptr("stripe-" + evt),
			OldValue: js(map[string]any{"plan": from, "status": "active"}),
			NewValue: js(map[string]any{"plan": to, "status": "active"}),
			Metadata: meta(map[string]any{"event": "customer.subscription.updated", "livemode": true}),
			Request: req("/hooks/stripe", "Stripe/1.0 (+https://stripe.com/docs/webhooks)", fmt.Sprintf("54.187.174.%d", 169+g.pick(40)), 200, map[string]any{
				"id": evt, "object": "event", "type": "customer.subscription.updated", "api_version": "2024-06-20",
				"created": at.Unix(),
				"data": map[string]any{
					"object":              map[string]any{"id": sub, "object": "subscription", "status": "active", "items": map[string]any{"data": []any{map[string]any{"price": map[string]any{"lookup_key": to + "_monthly"}, "quantity": w.Seats}}}},
					"previous_attributes": map[string]any{"items": map[string]any{"data": []any{map[string]any{"price": map[string]any{"lookup_key": from + "_monthly"}}}}},
				},
			}),
		}
	case 2:
		monitor := fmt.Sprint(1_000_000 + g.pick(9_000_000))
		cpu := 85 + g.pick(15)
		return audit.Input{
			Action: "workspace.scale", ResourceType: "workspace", ResourceID: &w.ID, ResourceName: &w.Name, Workspace: &w.Name,
			Actor: webhookActor("Datadog monitor", monitor), Status: status(badSignature),
			OldValue: js(map[string]any{"replicas": 3}), NewValue: js(map[string]any{"replicas": 6}),
			Metadata: meta(map[string]any{"event": "alert", "monitor": "High CPU on " + w.Name, "rule": "scale out ×2 above 85% CPU for 5 min"}),
			Request: req("/hooks/datadog", "Datadog Webhooks", fmt.Sprintf("3.233.144.%d", 1+g.pick(250)), 200, map[string]any{
				"alert_id": monitor, "alert_type": "error", "alert_transition": "Triggered",
				"title": fmt.Sprintf("[Triggered] High CPU on %s", w.Name), "body": fmt.Sprintf("avg(last_5m):avg:system.cpu.user{workspace:%s} > 85 (current %d%%)", w.Name, cpu),
				"tags": []string{"workspace:" + w.Name, "region:" + w.Region, "team:platform"}, "date": at.UnixMilli(),
			}),
		}
	default:
		p := g.person()
		user := strings.ToLower(strings.Fields(p.Name)[0])
		return audit.Input{
			Action: "workspace.restart", ResourceType: "workspace", ResourceID: &w.ID, ResourceName: &w.Name, Workspace: &w.Name,
			Actor: webhookActor("Slack /ops command", "T024BE7LD-"+hex(10)), Status: status(badSignature),
			Metadata: meta(map[string]any{"event": "slash_command", "channel": "#ops", "requested_by": p.Email}),
			Request: req("/hooks/slack/commands", "Slackbot 1.0 (+https://api.slack.com/robots)", fmt.Sprintf("52.89.214.%d", 1+g.pick(250)), 200, map[string]any{
				"command": "/ops", "text": "restart " + w.Name, "team_domain": "acme", "channel_name": "ops",
				"user_name": user, "response_url": "https://hooks.slack.com/commands/T024BE7LD/" + hex(10),
			}),
		}
	}
}
