package streams

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrForbiddenAddress is a destination address the SSRF guard refuses.
var ErrForbiddenAddress = errors.New("destination address not allowed")

// blocked are the ranges a stream may never reach without
// TRAILMARK_STREAMS_ALLOW_PRIVATE: this host, private networks, link-local
// (cloud metadata at 169.254.169.254 and fd00:ec2::254 included), CGNAT,
// and addresses that are not unicast destinations.
var blocked = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "64:ff9b::/96", "100::/64", "fc00::/7", "fe80::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// AddressAllowed reports whether a stream may connect to ip.
func AddressAllowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsUnspecified() || ip.IsLoopback() || ip.IsPrivate() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsMulticast() {
		return false
	}
	for _, p := range blocked {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// guardControl is the net.Dialer Control of the stream client: it runs after
// DNS resolution, on the address actually dialled, for every connection
// (redirects and reconnects included), so a name that resolves (or is
// re-bound) to an internal address is refused too.
func guardControl(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !AddressAllowed(ip) {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, host)
	}
	return nil
}

// maxRedirects is how many redirects a delivery follows (each one checked
// by the guard and, without allowPrivate, required to stay on https).
const maxRedirects = 3

// NewHTTPClient returns the client every stream request goes through: the
// SSRF guard on each dial (unless allowPrivate), verified TLS 1.2+, no proxy
// from the environment (a proxy would dial for us, past the guard), and
// timeouts on every phase; timeout bounds a whole request.
func NewHTTPClient(timeout time.Duration, allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = guardControl
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("stopped after %d redirects", maxRedirects)
			}
			if !allowPrivate && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s refused: https required", req.URL.Scheme)
			}
			return nil
		},
	}
}

// checkHTTPEndpoint validates a destination URL when a stream is created or
// changed: an absolute http(s) URL without credentials, https unless
// allowPrivate, and no host that is an internal address literal or a name
// of this machine. Names are resolved (and refused) at each connection by
// the guard, not here: DNS may change.
func checkHTTPEndpoint(raw string, allowPrivate bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return nil, errors.New("endpoint must be an absolute URL")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !allowPrivate {
			return nil, errors.New("endpoint must use https")
		}
	default:
		return nil, errors.New("endpoint must be an https URL")
	}
	if u.User != nil {
		return nil, errors.New("endpoint must not carry credentials: use the token or headers")
	}
	if allowPrivate {
		return u, nil
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return nil, fmt.Errorf("%w: %s", ErrForbiddenAddress, host)
	}
	if ip, err := netip.ParseAddr(host); err == nil && !AddressAllowed(ip) {
		return nil, fmt.Errorf("%w: %s", ErrForbiddenAddress, host)
	}
	return u, nil
}
