package auth

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientIP is the address requests are limited and recorded by. Without
// TrustProxy it is the TCP peer. With it, X-Forwarded-For is read from the
// right, because each proxy appends the address it received the request
// from and everything to the left of what the trusted proxy appended is
// whatever the client sent: without TrustedProxies the peer is the one
// trusted proxy and the client is the right-most address; with them, the
// header counts only when the peer is one of them, and the client is the
// right-most address that is not.
func (a *Authenticator) clientIP(r *http.Request) string {
	peer, ok := parseHop(r.RemoteAddr)
	if !ok {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return r.RemoteAddr
		}
		return host
	}
	if !a.trustsPeer(peer) {
		return peer.String()
	}
	client := peer
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			break // a trusted proxy never appends garbage: stop at the last good hop
		}
		client = hop
		if !a.trustedProxy(hop) {
			break
		}
	}
	return client.String()
}

// trustsPeer reports whether forwarded headers from the TCP peer count.
func (a *Authenticator) trustsPeer(peer netip.Addr) bool {
	return a.cfg.TrustProxy && (len(a.cfg.TrustedProxies) == 0 || a.trustedProxy(peer))
}

// trustedProxy reports whether ip is one of TrustedProxies.
func (a *Authenticator) trustedProxy(ip netip.Addr) bool {
	for _, p := range a.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// isTLS reports whether the client reached us over TLS: directly, or as
// the trusted proxy says in X-Forwarded-Proto.
func (a *Authenticator) isTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return false
	}
	peer, ok := parseHop(r.RemoteAddr)
	return ok && a.trustsPeer(peer)
}

// forwardedFor lists the X-Forwarded-For addresses of every header line, in order.
func forwardedFor(h http.Header) []string {
	var out []string
	for _, line := range h.Values("X-Forwarded-For") {
		for _, hop := range strings.Split(line, ",") {
			out = append(out, strings.TrimSpace(hop))
		}
	}
	return out
}

// parseHop reads an address with or without a port ("203.0.113.7",
// "[2001:db8::1]:443"); IPv4-mapped IPv6 addresses become IPv4.
func parseHop(s string) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		ip = ap.Addr()
	}
	return ip.Unmap().WithZone(""), true
}

// ParseTrustedProxies reads a comma-separated list of CIDRs or single
// addresses (TRAILMARK_TRUSTED_PROXIES).
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if ip, err := netip.ParseAddr(f); err == nil {
			ip = ip.Unmap()
			out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
