package audit

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
)

func ptr[T any](v T) *T { return &v }

var (
	testNow    = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	testCaller = Actor{Type: schematype.ActorAPIKey, ID: ptr("key_1"), Name: ptr("ci")}
)

func valid() Input { return Input{Action: "workspace.create", ResourceType: "workspace"} }

func TestPrepareDefaults(t *testing.T) {
	got, err := Prepare("ten_1", []Input{valid()}, testCaller, testNow)
	if err != nil {
		t.Fatal(err)
	}
	e := got[0]
	if !e.OccurredAt.Equal(testNow) || !e.ReceivedAt.Equal(testNow) {
		t.Errorf("times = %v, %v; want now", e.OccurredAt, e.ReceivedAt)
	}
	if e.Actor.Type != schematype.ActorAPIKey || *e.Actor.ID != "key_1" || *e.Actor.Name != "ci" {
		t.Errorf("actor = %+v; want the caller", e.Actor)
	}
	if e.Status != auditentry.StatusSUCCESS || *e.TenantID != "ten_1" {
		t.Errorf("status/tenant = %v/%v", e.Status, *e.TenantID)
	}
}

func TestPrepareFieldErrors(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Input)
		field string // "" means valid
	}{
		{"ok", func(*Input) {}, ""},
		{"action empty", func(in *Input) { in.Action = "" }, "action"},
		{"action one word", func(in *Input) { in.Action = "login" }, "action"},
		{"action upper", func(in *Input) { in.Action = "Member.Add" }, "action"},
		{"action spaces", func(in *Input) { in.Action = "member. add" }, "action"},
		{"action trailing dot", func(in *Input) { in.Action = "member." }, "action"},
		{"action three parts", func(in *Input) { in.Action = "member.role.update" }, ""},
		{"action underscore", func(in *Input) { in.Action = "user.login_failed" }, ""},
		{"action too long", func(in *Input) { in.Action = "a." + strings.Repeat("b", 199) }, "action"},
		{"resourceType blank", func(in *Input) { in.ResourceType = "  " }, "resourceType"},
		{"resourceType long", func(in *Input) { in.ResourceType = strings.Repeat("x", 201) }, "resourceType"},
		{"resourceID long", func(in *Input) { in.ResourceID = ptr(strings.Repeat("x", 501)) }, "resourceID"},
		{"resourceName NUL", func(in *Input) { in.ResourceName = ptr("a\x00b") }, "resourceName"},
		{"workspace bad utf8", func(in *Input) { in.Workspace = ptr("\xff") }, "workspace"},
		{"key empty", func(in *Input) { in.IdempotencyKey = ptr("") }, "idempotencyKey"},
		{"key long", func(in *Input) { in.IdempotencyKey = ptr(strings.Repeat("k", 201)) }, "idempotencyKey"},
		{"future 6m", func(in *Input) { in.OccurredAt = ptr(testNow.Add(6 * time.Minute)) }, "occurredAt"},
		{"future 4m", func(in *Input) { in.OccurredAt = ptr(testNow.Add(4 * time.Minute)) }, ""},
		{"past", func(in *Input) { in.OccurredAt = ptr(testNow.AddDate(-3, 0, 0)) }, ""},
		{"zero time", func(in *Input) { in.OccurredAt = ptr(time.Time{}) }, "occurredAt"},
		{"status", func(in *Input) { in.Status = ptr(auditentry.Status("MAYBE")) }, "status"},
		{"actor user without id", func(in *Input) { in.Actor = &Actor{Type: schematype.ActorUser} }, "actor"},
		{"actor system bare", func(in *Input) { in.Actor = &Actor{Type: schematype.ActorSystem} }, ""},
		{"actor type", func(in *Input) { in.Actor = &Actor{Type: "ROBOT", ID: ptr("r")} }, "actor.type"},
		{"actor email", func(in *Input) { in.Actor = &Actor{Type: schematype.ActorUser, Email: ptr("nope")} }, "actor.email"},
		{"metadata array", func(in *Input) { in.Metadata = schematype.RawJSON(`[1]`) }, "metadata"},
		{"newValue invalid", func(in *Input) { in.NewValue = schematype.RawJSON(`{"a":`) }, "newValue"},
		{"newValue huge", func(in *Input) {
			in.NewValue = schematype.RawJSON(`"` + strings.Repeat("x", MaxJSONBytes) + `"`)
		}, "newValue"},
		{"oldValue deep", func(in *Input) {
			in.OldValue = schematype.RawJSON(strings.Repeat("[", 40) + strings.Repeat("]", 40))
		}, "oldValue"},
		{"oldValue NUL", func(in *Input) { in.OldValue = schematype.RawJSON(`{"a":"\u0000"}`) }, "oldValue"},
		{"request ip", func(in *Input) { in.Request = &schematype.RequestInfo{SourceIP: ptr("1.2.3")} }, "request.sourceIP"},
		{"request ipv6", func(in *Input) { in.Request = &schematype.RequestInfo{SourceIP: ptr("::1")} }, ""},
		{"request status", func(in *Input) { in.Request = &schematype.RequestInfo{HTTPStatus: ptr(42)} }, "request.httpStatus"},
		{"request payload", func(in *Input) { in.Request = &schematype.RequestInfo{Payload: schematype.RawJSON(`{`)} }, "request.payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid()
			tt.edit(&in)
			_, err := Prepare("ten_1", []Input{valid(), in}, testCaller, testNow)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v; want a ValidationError", err)
			}
			if len(ve.Fields) != 1 || ve.Fields[0].Field != "entries[1]."+tt.field {
				t.Fatalf("fields = %+v; want entries[1].%s", ve.Fields, tt.field)
			}
		})
	}
}

func TestPrepareReportsEveryError(t *testing.T) {
	in := []Input{valid(), {Action: "Bad", ResourceType: ""}, valid(), {Action: "ok.one", ResourceType: "x", OccurredAt: ptr(testNow.Add(time.Hour))}}
	_, err := Prepare("ten_1", in, testCaller, testNow)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	want := "entries[1].action entries[1].resourceType entries[3].occurredAt"
	if got := strings.Join(fields, " "); got != want {
		t.Fatalf("fields = %s; want %s", got, want)
	}
}

func TestPrepareBatchSize(t *testing.T) {
	for _, n := range []int{0, MaxBatch + 1} {
		_, err := Prepare("ten_1", make([]Input, n), testCaller, testNow)
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Fields[0].Field != "entries" {
			t.Errorf("%d entries: err = %v; want a field error on entries", n, err)
		}
	}
	in := make([]Input, MaxBatch)
	for i := range in {
		in[i] = valid()
	}
	if _, err := Prepare("ten_1", in, testCaller, testNow); err != nil {
		t.Errorf("%d entries: %v", MaxBatch, err)
	}
}

func TestPrepareRedactsPayload(t *testing.T) {
	in := valid()
	in.Request = &schematype.RequestInfo{Payload: schematype.RawJSON(`{"email":"a@b.c","password":"hunter2"}`)}
	got, err := Prepare("ten_1", []Input{in}, testCaller, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if p := string(got[0].Request.Payload); p != `{"email":"a@b.c","password":"[REDACTED]"}` {
		t.Fatalf("payload = %s", p)
	}
}

// A number whose exponent would be written out to hundreds of digits is
// refused; the content hash writes every other number in plain notation.
func TestPrepareRefusesHugeExponents(t *testing.T) {
	_, err := Prepare("ten_1", []Input{{Action: "a.b", ResourceType: "r", Metadata: []byte(`{"n": 1e401}`)}}, testCaller, time.Now())
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != "entries[0].metadata" {
		t.Fatalf("1e401: %v", err)
	}
	if _, err := Prepare("ten_1", []Input{{Action: "a.b", ResourceType: "r", Metadata: []byte(`{"n": 1e400}`)}}, testCaller, time.Now()); err != nil {
		t.Fatalf("1e400: %v", err)
	}
}
