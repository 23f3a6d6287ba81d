package devices

import (
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// udpProxy relays SNMP datagrams between a client and an agent on
// loopback, counting requests and dropping those drop selects.
type udpProxy struct {
	conn     net.PacketConn
	upstream *net.UDPAddr
	drop     func([]byte) bool
	sent     atomic.Int64
	dropped  atomic.Int64
	mu       sync.Mutex
	peers    map[string]*net.UDPConn
}

func newProxy(t testing.TB, upstream string, drop func([]byte) bool) *udpProxy {
	up, err := net.ResolveUDPAddr("udp", upstream)
	if err != nil || !up.IP.IsLoopback() {
		t.Fatalf("proxy upstream %s must be on loopback (%v)", upstream, err)
	}
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &udpProxy{conn: c, upstream: up, drop: drop, peers: map[string]*net.UDPConn{}}
	t.Cleanup(p.close)
	go p.run()
	return p
}

func (p *udpProxy) addr() string { return p.conn.LocalAddr().String() }

func (p *udpProxy) close() {
	p.conn.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range p.peers {
		u.Close()
	}
}

func (p *udpProxy) run() {
	buf := make([]byte, 65535)
	for {
		n, from, err := p.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		p.sent.Add(1)
		if p.drop != nil && p.drop(buf[:n]) {
			p.dropped.Add(1)
			continue
		}
		p.mu.Lock()
		u := p.peers[from.String()]
		if u == nil {
			u, err = net.DialUDP("udp", nil, p.upstream)
			if err != nil {
				p.mu.Unlock()
				continue
			}
			p.peers[from.String()] = u
			go func() {
				rb := make([]byte, 65535)
				for {
					k, err := u.Read(rb)
					if err != nil {
						return
					}
					_, _ = p.conn.WriteTo(rb[:k], from)
				}
			}()
		}
		p.mu.Unlock()
		_, _ = u.Write(buf[:n])
	}
}

// pduTag returns the PDU type tag of an SNMPv1/v2c message (0xa5 =
// GETBULK), or 0 if the message does not parse.
func pduTag(b []byte) byte {
	skipHeader := func(b []byte) ([]byte, int, bool) { // returns rest after tag+length, content length
		if len(b) < 2 {
			return nil, 0, false
		}
		l, rest := int(b[1]), b[2:]
		if l&0x80 != 0 {
			k := l & 0x7f
			if k == 0 || k > 2 || len(rest) < k {
				return nil, 0, false
			}
			l = 0
			for _, c := range rest[:k] {
				l = l<<8 | int(c)
			}
			rest = rest[k:]
		}
		return rest, l, true
	}
	rest, _, ok := skipHeader(b) // SEQUENCE
	if !ok {
		return 0
	}
	for i := 0; i < 2; i++ { // version, community
		r, l, ok := skipHeader(rest)
		if !ok || len(r) < l {
			return 0
		}
		rest = r[l:]
	}
	if len(rest) == 0 {
		return 0
	}
	return rest[0]
}

// TestBulkBackoff drops every GETBULK: the session must step down
// 20 → 10 → 5 → GETNEXT once, remember it, and still find the phones.
func TestBulkBackoff(t *testing.T) {
	addr := simAddr(t)
	p := newProxy(t, addr, func(b []byte) bool { return pduTag(b) == 0xa5 })
	opts := Options{Timeout: 200 * time.Millisecond, Retries: 0, SwitchTimeout: 60 * time.Second}
	r := Discover(context.Background(), []Target{{Address: p.addr(), Creds: v2("C3560_10.250.0.35")}}, opts)[0]
	if len(r.Phones) != 3 || r.Error != "" {
		t.Fatalf("with GETNEXT only: %d phones, error %q", len(r.Phones), r.Error)
	}
	if got := p.dropped.Load(); got != 3 {
		t.Errorf("%d GETBULK requests dropped, want 3 (one per level, then GETNEXT remembered)", got)
	}
	if !strings.Contains(strings.Join(r.Warnings, "\n"), "GETNEXT") {
		t.Errorf("no warning about the GETNEXT fallback: %v", r.Warnings)
	}
	if int64(r.Requests) != p.sent.Load() {
		t.Errorf("session counted %d requests, proxy saw %d", r.Requests, p.sent.Load())
	}
}

// TestRequestCount checks the session's count against the wire.
func TestRequestCount(t *testing.T) {
	addr := simAddr(t)
	p := newProxy(t, addr, nil)
	r := Discover(context.Background(), []Target{{Address: p.addr(), Creds: v2("C3560_10.250.0.35")}}, fastOptions())[0]
	if r.Error != "" || int64(r.Requests) != p.sent.Load() {
		t.Errorf("counted %d requests, proxy saw %d (error %q)", r.Requests, p.sent.Load(), r.Error)
	}
}

func BenchmarkDiscoverC3560(b *testing.B) {
	addr := simAddr(b)
	t := Target{Address: addr, Creds: v2("C3560_10.250.0.35")}
	var reqs int
	for b.Loop() {
		r := Discover(context.Background(), []Target{t}, fastOptions())[0]
		if r.Error != "" || len(r.Phones) != 3 {
			b.Fatalf("discovery failed: %q, %d phones", r.Error, len(r.Phones))
		}
		reqs = r.Requests
	}
	b.ReportMetric(float64(reqs), "requests/op")
}
