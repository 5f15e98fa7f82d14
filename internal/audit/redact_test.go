package audit

import (
	"testing"

	"github.com/trailmark/trailmark/ent/schema/schematype"
)

func TestIsSecretKey(t *testing.T) {
	for key, want := range map[string]bool{
		"password": true, "Password": true, "new_password": true, "PASSWD": true,
		"token": true, "access_token": true, "refreshToken": true, "id_token": true,
		"secret": true, "client_secret": true, "Authorization": true, "cookie": true,
		"Set-Cookie": true, "api_key": true, "apiKey": true, "X-Api-Key": true, "APIKEY": true,
		"private_key": true, "credentials": true,
		"key": true, "Key": true, "code": true, "sig": true, "auth": true, "X-Amz-Signature": true,
		"AWSAccessKeyId": true, "session_id": true, "auth_code": true, "otp": true,
		"email": false, "name": false, "plan": false, "api": false, "author": false,
		"keyboard": false, "countryCode": false, "status_code": false, "page": false, "state": false,
	} {
		if got := IsSecretKey(key); got != want {
			t.Errorf("IsSecretKey(%q) = %v; want %v", key, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":1}`, `{"a":1}`},
		{`{"b": 2,  "a":1}`, `{"b": 2,  "a":1}`}, // untouched bytes when nothing is secret
		{`"password"`, `"password"`},
		{`{"password":"x","user":{"name":"n","api_key":"k"}}`, `{"password":"[REDACTED]","user":{"api_key":"[REDACTED]","name":"n"}}`},
		{`{"headers":{"X-Api-Key":"k","Accept":"*/*"}}`, `{"headers":{"Accept":"*/*","X-Api-Key":"[REDACTED]"}}`},
		{`[{"token":{"nested":true}},{"ok":1.50}]`, `[{"token":"[REDACTED]"},{"ok":1.50}]`},
		{`{"secrets":[1,2],"n":12345678901234567890}`, `{"n":12345678901234567890,"secrets":"[REDACTED]"}`},
		{`{"Cookie":null}`, `{"Cookie":"[REDACTED]"}`},
	}
	for _, tt := range tests {
		if got := string(Redact(schematype.RawJSON(tt.in))); got != tt.want {
			t.Errorf("Redact(%s) = %s; want %s", tt.in, got, tt.want)
		}
	}
}

func TestRedactSecrets(t *testing.T) {
	const key = "tmk_0123456789abcdefABCDEF0123456789abcdefABC"
	for in, want := range map[string]string{
		key:                                     "[REDACTED]",
		"Bearer " + key:                         "Bearer [REDACTED]",
		"a=" + key + "&b=tms_0123456789abcdef!": "a=[REDACTED]&b=[REDACTED]!",
		"tmtmi_0123456789abcdef":                "tm[REDACTED]",
		"tmk_01234567":                          "tmk_01234567", // an API key's visible prefix
		"tmk_ is a prefix":                      "tmk_ is a prefix",
		"tmx_0123456789abcdef0123":              "tmx_0123456789abcdef0123",
		"":                                      "",
	} {
		if got, _ := RedactSecrets(in); got != want {
			t.Errorf("RedactSecrets(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestRedactPath(t *testing.T) {
	for in, want := range map[string]string{
		"/login":               "/login",
		"/cb?code=abc&state=s": "/cb?code=[REDACTED]&state=s",
		"/x?api%5Fkey=1&Token=2&tokenless&page=3": "/x?api%5Fkey=[REDACTED]&Token=[REDACTED]&tokenless&page=3",
		"/s?X-Amz-Signature=ab#sig=1":             "/s?X-Amz-Signature=[REDACTED]#sig=1",
		"/p?password=&q=%zz":                      "/p?password=[REDACTED]&q=%zz",
	} {
		if got := RedactPath(in); got != want {
			t.Errorf("RedactPath(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestPreparedEntryIsStored: Prepare redacts everything Create would, so a
// prepared entry's hash is the stored one (idempotency replays compare them).
func TestPreparedEntryIsStored(t *testing.T) {
	const key = "tmk_0123456789abcdefABCDEF0123456789abcdefABC"
	in := valid()
	name, path := "by "+key, "/cb?code=1"
	in.ResourceName = &name
	in.NewValue = schematype.RawJSON(`{"k":"` + key + `","n":1.50,"u":"\u0074mk_0123456789abcdefABCD"}`)
	in.Request = &schematype.RequestInfo{Path: &path}
	got, err := Prepare("ten_1", []Input{in}, testCaller, testNow)
	if err != nil {
		t.Fatal(err)
	}
	e := got[0]
	if *e.ResourceName != "by [REDACTED]" || string(e.NewValue) != `{"k":"[REDACTED]","n":1.50,"u":"[REDACTED]"}` ||
		*e.Request.Path != "/cb?code=[REDACTED]" {
		t.Fatalf("prepared %s %s %s", *e.ResourceName, e.NewValue, *e.Request.Path)
	}
	again := e
	redactEntry(&again)
	if Hash(again) != Hash(e) {
		t.Fatal("Create would store something else than Prepare prepared")
	}
	if *in.Request.Path != "/cb?code=1" {
		t.Fatal("the input was changed")
	}
}

// BenchmarkRedactEntry is the cost redaction adds to each ingested entry
// without secrets (Prepare and Create each run it once).
func BenchmarkRedactEntry(b *testing.B) {
	in := valid()
	name, path, ua := "Grace Hopper", "/api/v1/members/42?page=2&sort=name", "Mozilla/5.0 (X11; Linux x86_64)"
	in.ResourceName = &name
	in.NewValue = schematype.RawJSON(`{"role":"ADMIN","plan":"premium","tags":["a","b","c"],"html":"<b>x</b>","n":1.5}`)
	in.Metadata = schematype.RawJSON(`{"source":"billing","attempt":3,"timestamp":"2026-01-02T03:04:05Z"}`)
	in.Request = &schematype.RequestInfo{Path: &path, UserAgent: &ua}
	got, err := Prepare("ten_1", []Input{in}, testCaller, testNow)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		e := got[0]
		redactEntry(&e)
	}
}
