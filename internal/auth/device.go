package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/trailmark/trailmark/ent"
)

// DeviceCookie marks a browser that has signed in to an account before
// (OWASP's "device cookie"): its sign-in attempts on that account are
// throttled on their own, so that other clients' failures cannot lock the
// user out. login sets it; logout keeps it.
const DeviceCookie = "trailmark_device"

// DeviceCookieLifetime is how long a device cookie stays valid.
const DeviceCookieLifetime = 180 * 24 * time.Hour

// A device cookie is "nonce.expiry.mac": a random nonce (the key of the
// device's throttle bucket), its expiry in Unix seconds, and an HMAC-SHA256
// of both and the account's ID. The HMAC key is the account's password
// hash: a secret that never leaves the server, is shared by every replica
// through the database, survives restarts, and changes with the password,
// which withdraws the trust of every device at once.
func deviceMAC(u *ent.User, nonce string, expires int64) []byte {
	m := hmac.New(sha256.New, []byte(u.PasswordHash))
	m.Write([]byte("trailmark device v1\x00" + u.ID + "\x00" + nonce + "\x00" + strconv.FormatInt(expires, 10)))
	return m.Sum(nil)
}

// newDeviceToken returns a device cookie value for u, valid until the time returned.
func newDeviceToken(u *ent.User, now time.Time) (string, time.Time) {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	nonce := base64.RawURLEncoding.EncodeToString(b)
	expires := now.Add(DeviceCookieLifetime).Truncate(time.Second)
	mac := deviceMAC(u, nonce, expires.Unix())
	return nonce + "." + strconv.FormatInt(expires.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(mac), expires
}

// deviceNonce returns the nonce of token when it is an unexpired device
// cookie of u, and "" otherwise (no account, no password, forged, expired,
// or another account's).
func deviceNonce(token string, u *ent.User, now time.Time) string {
	if u == nil || u.PasswordHash == "" || token == "" {
		return ""
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] == "" {
		return ""
	}
	expires, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || now.Unix() >= expires {
		return ""
	}
	mac, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(mac, deviceMAC(u, parts[0], expires)) {
		return ""
	}
	return parts[0]
}

// presentedDevice is the device cookie the request came with.
func presentedDevice(ctx context.Context) string {
	if r, ok := ctx.Value(responseKey{}).(*response); ok {
		return r.device
	}
	return ""
}

// setDeviceCookie sets the device cookie like the session cookie: HttpOnly,
// SameSite=Lax, Secure over TLS. Over WebSocket there is no response.
func setDeviceCookie(ctx context.Context, token string, expires time.Time) {
	setCookie(ctx, DeviceCookie, token, expires)
}
