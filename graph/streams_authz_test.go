package graph_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/logstream"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/streams"
	"github.com/trailmark/trailmark/internal/testserver"
)

// stream makes a log stream of tenantID (nil: the platform log) directly;
// the foreign tenant's and the platform's carry the marker in their name so
// that a leak shows.
func (w *world) stream(t *testing.T, tenantID *string) string {
	t.Helper()
	name := "acme stream"
	if tenantID == nil || *tenantID == w.foreign.ID {
		name = marker + " stream"
	}
	s, err := w.s.Client().LogStream.Create().SetNillableTenantID(tenantID).SetName(name).
		SetKind(logstream.KindWEBHOOK).SetEndpoint("https://streams.invalid/hook").SetSecret(streams.NewSecret()).
		SetStatus(logstream.StatusPAUSED). // never delivered during the test
		SetCreatedByType(schematype.ActorSystem).Save(testserver.System(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

// TestAuthorizationMatrixLogStreams: tenant-wide OWNER and ADMIN manage their
// tenant's log streams and platform admins every stream and the platform
// log's; nobody else reads or writes one (AUDITOR, MEMBER, workspace
// ADMIN and API keys included), and no foreign stream leaks.
func TestAuthorizationMatrixLogStreams(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		w := newWorld(t, s)
		admins := []string{rPlatform, rOwner, rAdmin}
		acme := &w.acme.ID
		foreign := &w.foreign.ID
		in := map[string]any{"name": "n", "kind": "WEBHOOK", "endpoint": "https://example.com/hook"}
		type mutation struct {
			name, field string
			allowed     []string
			run         func(t *testing.T, role string) *testserver.Response
		}
		byID := func(field, q string, tenant *string) func(t *testing.T, role string) *testserver.Response {
			return func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, q, map[string]any{"id": w.stream(t, tenant)})
			}
		}
		muts := []mutation{
			{"createLogStream", "createLogStream", admins, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID, $in: LogStreamInput!) { createLogStream(tenantID: $t, input: $in) { secret } }`,
					map[string]any{"t": w.acme.ID, "in": in})
			}},
			{"createLogStream foreign", "createLogStream", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($t: ID, $in: LogStreamInput!) { createLogStream(tenantID: $t, input: $in) { secret } }`,
					map[string]any{"t": w.foreign.ID, "in": in})
			}},
			{"createLogStream platform", "createLogStream", []string{rPlatform}, func(t *testing.T, role string) *testserver.Response {
				return w.gql(t, role, `mutation($in: LogStreamInput!) { createLogStream(platform: true, input: $in) { secret } }`,
					map[string]any{"in": in})
			}},
			{"updateLogStream", "updateLogStream", admins, byID("updateLogStream", `mutation($id: ID!) { updateLogStream(id: $id, input: {name: "x"}) { name } }`, acme)},
			{"updateLogStream foreign", "updateLogStream", []string{rPlatform}, byID("updateLogStream", `mutation($id: ID!) { updateLogStream(id: $id, input: {batchSize: 5}) { name } }`, foreign)},
			{"updateLogStream platform", "updateLogStream", []string{rPlatform}, byID("updateLogStream", `mutation($id: ID!) { updateLogStream(id: $id, input: {batchSize: 5}) { name } }`, nil)},
			{"resumeLogStream", "resumeLogStream", admins, byID("resumeLogStream", `mutation($id: ID!) { resumeLogStream(id: $id) { status } }`, acme)},
			{"resumeLogStream foreign", "resumeLogStream", []string{rPlatform}, byID("resumeLogStream", `mutation($id: ID!) { resumeLogStream(id: $id) { name } }`, foreign)},
			{"pauseLogStream", "pauseLogStream", admins, func(t *testing.T, role string) *testserver.Response {
				id := w.stream(t, acme)
				_, _ = s.Client().LogStream.UpdateOneID(id).SetStatus(logstream.StatusHEALTHY).Save(testserver.System(context.Background()))
				return w.gql(t, role, `mutation($id: ID!) { pauseLogStream(id: $id) { status } }`, map[string]any{"id": id})
			}},
			{"rotateLogStreamSecret", "rotateLogStreamSecret", admins, byID("rotateLogStreamSecret", `mutation($id: ID!) { rotateLogStreamSecret(id: $id) { secret } }`, acme)},
			{"rotateLogStreamSecret foreign", "rotateLogStreamSecret", []string{rPlatform}, byID("rotateLogStreamSecret", `mutation($id: ID!) { rotateLogStreamSecret(id: $id) { secret logStream { name } } }`, foreign)},
			{"rotateLogStreamSecret platform", "rotateLogStreamSecret", []string{rPlatform}, byID("rotateLogStreamSecret", `mutation($id: ID!) { rotateLogStreamSecret(id: $id) { secret logStream { name } } }`, nil)},
			{"testLogStream", "testLogStream", admins, byID("testLogStream", `mutation($id: ID!) { testLogStream(id: $id) { ok } }`, acme)},
			{"testLogStream foreign", "testLogStream", []string{rPlatform}, byID("testLogStream", `mutation($id: ID!) { testLogStream(id: $id) { ok response } }`, foreign)},
			{"deleteLogStream", "deleteLogStream", admins, byID("deleteLogStream", `mutation($id: ID!) { deleteLogStream(id: $id) }`, acme)},
			{"deleteLogStream foreign", "deleteLogStream", []string{rPlatform}, byID("deleteLogStream", `mutation($id: ID!) { deleteLogStream(id: $id) }`, foreign)},
			{"deleteLogStream platform", "deleteLogStream", []string{rPlatform}, byID("deleteLogStream", `mutation($id: ID!) { deleteLogStream(id: $id) }`, nil)},
		}
		for _, m := range muts {
			t.Run(m.name, func(t *testing.T) {
				for _, role := range allRoles {
					res := m.run(t, role)
					if contains(m.allowed, role) {
						if len(res.Errors) > 0 || res.Status != http.StatusOK {
							t.Fatalf("%s may %s: HTTP %d %s", role, m.name, res.Status, res.Body)
						}
						continue
					}
					deniedWrite(t, role, m.field, res)
				}
			})
		}

		// Reads: the managers see their tenant's streams; for the others the
		// list is FORBIDDEN (TestAuthorizationMatrixLogStreamReadsAgree) and
		// a stream is not found; nobody but a platform admin sees a foreign
		// or platform stream.
		acmeStream := w.stream(t, acme)
		foreignStream := w.stream(t, foreign)
		platformStream := w.stream(t, nil)
		for _, role := range allRoles {
			res := w.gql(t, role, `query($t: ID!) { logStreams(tenantID: $t) { edges { node { id } } } }`, map[string]any{"t": w.acme.ID})
			if refused(t, role, res) {
				continue
			}
			manages := contains(admins, role)
			if manages {
				res.NoErrors(t)
				var list struct {
					LogStreams struct {
						Edges []struct{ Node struct{ ID string } }
					}
				}
				res.Decode(t, &list)
				listed := map[string]bool{}
				for _, e := range list.LogStreams.Edges {
					listed[e.Node.ID] = true
				}
				if !listed[acmeStream] || listed[foreignStream] || listed[platformStream] {
					t.Fatalf("%s lists %v of acme's streams, want acme's own only: %s", role, listed, res.Body)
				}
			} else if !res.HasCode("FORBIDDEN") && !res.HasCode("NOT_FOUND") {
				t.Fatalf("%s lists acme's streams: %s", role, res.Body)
			}
			res = w.gql(t, role, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
				map[string]any{"ids": []string{acmeStream, foreignStream, platformStream}})
			var out struct{ Nodes []*struct{ ID string } }
			_ = json.Unmarshal(res.Data, &out)
			seen := map[string]bool{}
			for _, n := range out.Nodes {
				if n != nil {
					seen[n.ID] = true
				}
			}
			if seen[acmeStream] != manages {
				t.Fatalf("%s sees acme's stream: %v, want %v: %s", role, seen[acmeStream], manages, res.Body)
			}
			if (seen[foreignStream] || seen[platformStream]) != (role == rPlatform) {
				t.Fatalf("%s: foreign or platform streams %v: %s", role, seen, res.Body)
			}
			res = w.gql(t, role, `{ logStreams(platform: true) { totalCount } }`, nil)
			if role == rPlatform {
				res.NoErrors(t)
			} else if !res.HasCode("FORBIDDEN") {
				t.Fatalf("%s lists the platform log's streams: %s", role, res.Body)
			}
			res = w.gql(t, role, `query($t: ID!) { logStreams(tenantID: $t) { totalCount } }`, map[string]any{"t": w.foreign.ID})
			if role != rPlatform && !res.HasCode("NOT_FOUND") {
				t.Fatalf("%s lists a foreign tenant's streams: %s", role, res.Body)
			}
		}
	})
}

// streamReadVerdict is what one read of acme's log streams told a role: ""
// when it was answered with data, else the code it was refused with (null
// for node(id) of a stream the role may not see, which is not an error).
type streamReadVerdict map[string]string

// TestAuthorizationMatrixLogStreamReadsAgree: every way of reading a
// tenant's log streams — the logStreams query, Tenant.logStreams, node(id)
// of one, and the logStreamChanged and deprecated logStreamUpdated
// subscriptions — gives each role the same answer: the tenant-wide OWNER
// and ADMIN and the platform admin read them; every other role that sees
// the tenant is refused with FORBIDDEN by all of the list reads (and finds
// no stream by its id), the AUDITOR included. The logStreams query used to
// list nothing to an AUDITOR while the subscriptions answered FORBIDDEN.
func TestAuthorizationMatrixLogStreamReadsAgree(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		w := newWorld(t, s)
		admins := []string{rPlatform, rOwner, rAdmin}
		acmeStream := w.stream(t, &w.acme.ID)
		vars := map[string]any{"t": w.acme.ID}
		verdicts := map[string]streamReadVerdict{}
		queryVerdict := func(res *testserver.Response, field string, data func() bool) string {
			if len(res.Errors) > 0 {
				for _, e := range res.Errors {
					if len(e.Path) == 0 || e.Path[len(e.Path)-1] == field {
						return e.Code()
					}
				}
				return res.Errors[0].Code()
			}
			if !data() {
				return "null"
			}
			return ""
		}

		// The subscriptions first: they are refused at once, or they hear
		// of the stream's change below.
		subs := map[string]map[string]*testserver.Subscription{}
		accepted := 0
		for _, role := range allRoles {
			if role == rDeactivated || role == rAnonymous {
				continue // turned away before any operation (TestAuthorizationMatrixLogStreamChanged)
			}
			subs[role] = map[string]*testserver.Subscription{}
			for _, field := range []string{"logStreamChanged", "logStreamUpdated"} {
				q := `subscription($t: ID) { logStreamChanged(tenantID: $t) { id logStream { id } } }`
				if field == "logStreamUpdated" {
					q = `subscription($t: ID) { logStreamUpdated(tenantID: $t) { id } }`
				}
				sub, err := s.TrySubscribe(w.tokens[role], q, vars)
				if err != nil {
					t.Fatalf("%s: %s: %v", role, field, err)
				}
				t.Cleanup(sub.Close)
				subs[role][field] = sub
				if contains(admins, role) {
					accepted++
				}
			}
		}
		s.WaitSubscriptions(t, accepted)
		w.gql(t, rPlatform, `mutation($id: ID!) { updateLogStream(id: $id, input: {batchSize: 7}) { id } }`,
			map[string]any{"id": acmeStream}).NoErrors(t)
		for role, bySub := range subs {
			verdicts[role] = streamReadVerdict{}
			for field, sub := range bySub {
				m, err := sub.Next(10 * time.Second)
				if err != nil {
					t.Fatalf("%s: %s: no answer: %v", role, field, err)
				}
				var p struct {
					Data   map[string]json.RawMessage
					Errors []testserver.Error
				}
				_ = json.Unmarshal(m.Payload, &p)
				if len(p.Errors) == 0 && m.Type == "error" {
					_ = json.Unmarshal(m.Payload, &p.Errors)
				}
				switch {
				case len(p.Errors) > 0:
					verdicts[role][field] = p.Errors[0].Code()
				case m.Type == "next" && strings.Contains(string(p.Data[field]), acmeStream):
					verdicts[role][field] = ""
				default:
					t.Fatalf("%s: %s: unexpected %s %s", role, field, m.Type, m.Payload)
				}
			}
		}

		for _, role := range allRoles {
			if role == rDeactivated || role == rAnonymous {
				continue
			}
			v := verdicts[role]
			res := w.gql(t, role, `query($t: ID) { logStreams(tenantID: $t) { edges { node { id } } } }`, vars)
			v["logStreams"] = queryVerdict(res, "logStreams", func() bool { return strings.Contains(string(res.Data), acmeStream) })
			tres := w.gql(t, role, `{ tenant(slug: "acme") { id logStreams { edges { node { id } } } } }`, nil)
			v["Tenant.logStreams"] = queryVerdict(tres, "logStreams", func() bool { return strings.Contains(string(tres.Data), acmeStream) })
			nres := w.gql(t, role, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": acmeStream})
			v["node"] = queryVerdict(nres, "node", func() bool { return strings.Contains(string(nres.Data), acmeStream) })

			want := streamReadVerdict{"logStreams": "FORBIDDEN", "Tenant.logStreams": "FORBIDDEN", "node": "null",
				"logStreamChanged": "FORBIDDEN", "logStreamUpdated": "FORBIDDEN"}
			switch {
			case contains(admins, role):
				want = streamReadVerdict{"logStreams": "", "Tenant.logStreams": "", "node": "", "logStreamChanged": "", "logStreamUpdated": ""}
			case role == rNoScope: // does not see the tenant at all
				want = streamReadVerdict{"logStreams": "NOT_FOUND", "Tenant.logStreams": "null", "node": "null",
					"logStreamChanged": "NOT_FOUND", "logStreamUpdated": "NOT_FOUND"}
			}
			if !maps.Equal(v, want) {
				t.Errorf("%s reads acme's log streams as %v, want %v", role, v, want)
			}
			// The invariant itself, whatever the table above says.
			if v["logStreams"] != v["logStreamChanged"] || v["logStreams"] != v["logStreamUpdated"] {
				t.Errorf("%s: the query and the subscriptions disagree: %v", role, v)
			}
		}
	})
}

// TestAuthorizationMatrixLogStreamChanged: every role subscribes to acme's
// logStreamChanged; a foreign stream, a platform stream and then an acme
// stream are deleted. The managers (platform admin, OWNER, ADMIN) hear of
// acme's deletion, and of nothing before it; every other role is refused
// and hears of nothing.
func TestAuthorizationMatrixLogStreamChanged(t *testing.T) {
	testserver.Each(t, func(t *testing.T, s *testserver.Server) {
		w := newWorld(t, s)
		admins := []string{rPlatform, rOwner, rAdmin}
		acmeStream, foreignStream, platformStream := w.stream(t, &w.acme.ID), w.stream(t, &w.foreign.ID), w.stream(t, nil)
		const q = `subscription($t: ID) { logStreamChanged(tenantID: $t) { id deleted logStream { id name } } }`
		subs := map[string]*testserver.Subscription{}
		for _, role := range allRoles {
			sub, err := s.TrySubscribe(w.tokens[role], q, map[string]any{"t": w.acme.ID})
			if err != nil {
				if contains(admins, role) {
					t.Fatalf("%s subscribes: %v", role, err)
				}
				continue // turned away at the door (deactivated key, anonymous)
			}
			subs[role] = sub
		}
		s.WaitSubscriptions(t, len(admins))
		for _, id := range []string{foreignStream, platformStream, acmeStream} {
			w.gql(t, rPlatform, `mutation($id: ID!) { deleteLogStream(id: $id) }`, map[string]any{"id": id}).NoErrors(t)
		}
		for _, role := range allRoles {
			sub := subs[role]
			if sub == nil {
				continue
			}
			if !contains(admins, role) {
				m, err := sub.Next(2 * time.Second)
				if err == nil && (strings.Contains(string(m.Payload), `"data":{`) || strings.Contains(string(m.Payload), marker)) {
					t.Fatalf("%s hears of log streams: %s", role, m.Payload)
				}
				continue
			}
			var out struct {
				LogStreamChanged struct {
					ID        string
					Deleted   bool
					LogStream *struct{ ID string }
				}
			}
			if err := json.Unmarshal(sub.NextData(t, 10*time.Second), &out); err != nil {
				t.Fatal(err)
			}
			if c := out.LogStreamChanged; c.ID != acmeStream || !c.Deleted || c.LogStream != nil {
				t.Fatalf("%s's first change: %+v, want the deletion of %s", role, c, acmeStream)
			}
		}
	})
}
