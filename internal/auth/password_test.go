package auth

import (
	"strings"
	"testing"
)

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format %s", h)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password must differ (salt)")
	}
	for _, c := range []struct {
		hash, pw string
		ok       bool
	}{
		{h, "correct horse battery", true},
		{h, "correct horse batterY", false},
		{h, "", false},
		{"", "correct horse battery", false},
		{"$argon2id$v=19$m=0,t=0,p=0$AAAA$AAAA", "x", false},
		{"$2a$10$notargon", "x", false},
		{strings.Replace(h, "m=19456", "m=99999999", 1), "correct horse battery", false},
	} {
		if got := CheckPassword(c.hash, c.pw); got != c.ok {
			t.Errorf("CheckPassword(%q, %q) = %v", c.hash, c.pw, got)
		}
	}
	for _, pw := range []string{"short", strings.Repeat("x", MaxPasswordLen+1)} {
		if _, err := HashPassword(pw); err != ErrWeakPassword {
			t.Errorf("HashPassword(len %d) = %v", len(pw), err)
		}
	}
}

func TestTokens(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		secret, prefix := NewAPIKeySecret()
		if !strings.HasPrefix(secret, "tmk_") || len(secret) != 4+43 || !strings.HasPrefix(secret, prefix) || len(prefix) != 12 || seen[secret] {
			t.Fatalf("api key %q prefix %q", secret, prefix)
		}
		seen[secret] = true
	}
	if HashToken("a") == HashToken("b") || len(HashToken("a")) != 64 {
		t.Fatal("token hash")
	}
}
