// Package auth turns credentials into a viewer: sessions (cookie or bearer
// token), API keys and passwords.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"strings"
)

const (
	// APIKeyPrefix starts every API key secret.
	APIKeyPrefix = "tmk_"
	// SessionPrefix starts every session token.
	SessionPrefix = "tms_"
	// visiblePrefixLen is how much of an API key is stored in clear to recognise it.
	visiblePrefixLen = len(APIKeyPrefix) + 8
)

// NewAPIKeySecret returns a new API key ("tmk_" + 32 random bytes in base62)
// and the visible prefix stored beside its hash.
func NewAPIKeySecret() (secret, prefix string) {
	secret = APIKeyPrefix + randomBase62(32)
	return secret, secret[:visiblePrefixLen]
}

// NewSessionToken returns a new session token.
func NewSessionToken() string { return SessionPrefix + randomBase62(32) }

// HashToken is how sessions, API keys and invitation tokens are stored: they
// carry 256 random bits, so a fast hash is enough (a password KDF would only
// slow every request).
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomBase62 encodes n random bytes in base62.
func randomBase62(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error())
	}
	v := new(big.Int).SetBytes(b)
	var sb strings.Builder
	base := big.NewInt(62)
	mod := new(big.Int)
	// 32 bytes → 43 base62 digits; pad so every token has the same length.
	digits := (n*8*1000)/5954 + 1
	out := make([]byte, 0, digits)
	for i := 0; i < digits; i++ {
		v.DivMod(v, base, mod)
		out = append(out, base62[mod.Int64()])
	}
	for i := len(out) - 1; i >= 0; i-- {
		sb.WriteByte(out[i])
	}
	return sb.String()
}

// InvitationPrefix starts every invitation token.
const InvitationPrefix = "tmi_"

// NewInvitationToken returns a new single-use invitation token.
func NewInvitationToken() string { return InvitationPrefix + randomBase62(32) }
