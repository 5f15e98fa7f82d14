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
		"email": false, "name": false, "plan": false, "key": false, "api": false, "author": false,
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
