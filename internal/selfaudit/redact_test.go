package selfaudit

import (
	"encoding/json"
	"testing"
)

func TestRedact(t *testing.T) {
	in := map[string]any{
		"email": "a@b.c", "password": "hunter2", "newPassword": "x", "X-Api-Key": "k", "api_key": "k",
		"input":         map[string]any{"sessionToken": "t", "name": "ok", "list": []any{map[string]any{"client_secret": "s"}}},
		"Authorization": "Bearer x", "cookie": "c", "tok": "tmi_0123456789012345678901234567890123456789",
		"note": "tmk_ is a prefix",
	}
	b, _ := json.Marshal(Redact(in))
	const want = `{"Authorization":"[REDACTED]","X-Api-Key":"[REDACTED]","api_key":"[REDACTED]","cookie":"[REDACTED]","email":"a@b.c",` +
		`"input":{"list":[{"client_secret":"[REDACTED]"}],"name":"ok","sessionToken":"[REDACTED]"},"newPassword":"[REDACTED]",` +
		`"note":"tmk_ is a prefix","password":"[REDACTED]","tok":"[REDACTED]"}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	if in["password"] != "hunter2" {
		t.Fatal("Redact must not change its input")
	}
}
