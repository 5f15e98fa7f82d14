package testdb

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// StallProxy is a TCP proxy in front of a database that can be made to hang:
// once stalled it still accepts connections but never answers, and stops
// passing anything on the connections it already carries (a hung server, a
// black-holed network). Resume drops the stalled connections and passes new
// ones again, as a database that comes back.
type StallProxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	stalled bool
	conns   map[net.Conn]struct{}
	wake    chan struct{} // closed by Resume: stalled copies end
}

// NewStallProxy proxies to target (host:port) until t ends.
func NewStallProxy(t testing.TB, target string) *StallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &StallProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}, wake: make(chan struct{})}
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Addr is the proxy's host:port.
func (p *StallProxy) Addr() string { return p.ln.Addr().String() }

// ViaProxy returns the PostgreSQL URL u with its host replaced by the proxy.
func (p *StallProxy) ViaProxy(t testing.TB, u string) string {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	pu.Host = p.Addr()
	return pu.String()
}

// Stall makes the database hang.
func (p *StallProxy) Stall() {
	p.mu.Lock()
	p.stalled = true
	p.mu.Unlock()
}

// Resume drops every connection and lets new ones through again.
func (p *StallProxy) Resume() {
	p.mu.Lock()
	p.stalled = false
	close(p.wake)
	p.wake = make(chan struct{})
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
	p.mu.Unlock()
}

func (p *StallProxy) close() {
	p.ln.Close()
	p.Resume()
}

func (p *StallProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[c] = struct{}{}
	return p.stalled
}

func (p *StallProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.track(c) {
			continue // accepted, never answered
		}
		go p.serve(c)
	}
}

func (p *StallProxy) serve(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	if p.track(up) {
		return
	}
	go p.copy(up, c)
	p.copy(c, up)
}

// copy passes src to dst until stalled, then swallows what src sends.
func (p *StallProxy) copy(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		stalled, wake := p.stalled, p.wake
		p.mu.Unlock()
		if stalled {
			<-wake
			return
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				return
			}
			dst.Close()
			return
		}
	}
}
