package hub

import (
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clientAddr is the address a request comes from: the peer, or, when the
// peer is a configured trusted proxy, the nearest address in
// X-Forwarded-For that is not one of those proxies. The header is ignored
// from anyone else, so a client cannot choose its own address.
func (s *Server) clientAddr(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := peer.Addr().Unmap()
	if !s.trusted(addr) {
		return addr.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled hop: trust nothing further left
		}
		addr = a.Unmap()
		if !s.trusted(addr) {
			break
		}
	}
	return addr.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.lim.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// failLimiter counts failed enrolments and token checks per source address
// in a token bucket: Burst failures at once, one more back every Every.
// An address whose bucket is empty has its failures answered 429 until it
// refills; its good tokens and codes go through. IPv6 addresses count by
// /64.
type failLimiter struct {
	burst float64
	every time.Duration

	mu        sync.Mutex
	addrs     map[netip.Addr]*bucket
	overflow  bucket // shared by new addresses once the table is full
	lastSweep time.Time
}

type bucket struct {
	tokens   float64
	last     time.Time
	failures int // failures seen from the address while it was tracked
}

func newFailLimiter(burst int, every time.Duration) *failLimiter {
	return &failLimiter{burst: float64(burst), every: every, addrs: map[netip.Addr]*bucket{},
		overflow: bucket{tokens: float64(burst)}}
}

func limiterKey(addr string) netip.Addr {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return netip.Addr{}
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

func (l *failLimiter) refill(b *bucket, now time.Time) {
	if b.last.IsZero() {
		b.last = now
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(l.burst, b.tokens+float64(d)/float64(l.every))
		b.last = now
	}
}

// get finds the address's bucket; create makes one if there is none.
func (l *failLimiter) get(addr string, now time.Time, create bool) *bucket {
	k := limiterKey(addr)
	if b := l.addrs[k]; b != nil {
		return b
	}
	if !create {
		return nil
	}
	if len(l.addrs) >= MaxTrackedAddrs && now.Sub(l.lastSweep) >= l.every {
		l.lastSweep = now
		for a, b := range l.addrs {
			if l.refill(b, now); b.tokens >= l.burst {
				delete(l.addrs, a)
			}
		}
	}
	if len(l.addrs) >= MaxTrackedAddrs {
		return &l.overflow
	}
	b := &bucket{tokens: l.burst, last: now}
	l.addrs[k] = b
	return b
}

// wait is how long addr must wait before its next auth attempt; 0 if it
// may go on.
func (l *failLimiter) wait(addr string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.get(addr, now, false)
	if b == nil && len(l.addrs) >= MaxTrackedAddrs {
		b = &l.overflow
	}
	if b == nil {
		return 0
	}
	if l.refill(b, now); b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(l.every))
}

// fail records a failure from addr and returns how many it has made.
func (l *failLimiter) fail(addr string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.get(addr, now, true)
	l.refill(b, now)
	b.tokens = max(0, b.tokens-1)
	b.failures++
	return b.failures
}

// authFailed logs a failed enrolment or token check (who it claimed to be,
// from where, how many so far), counts it against the address and answers
// it: 401 with code and msg, or 429 with Retry-After once the address has
// used up its failures. Only failures come here: a good token or code is
// never braked, whatever its address did.
func (s *Server) authFailed(w http.ResponseWriter, r *http.Request, what, code, msg string) {
	ri := info(r)
	now := s.now()
	d := s.fails.wait(ri.addr, now)
	n := s.fails.fail(ri.addr, now)
	s.logf("req=%s %s %s from %s: auth failed: %s (%d failed from this address)", ri.id, r.Method, r.URL.Path, ri.addr, what, n)
	if d <= 0 {
		s.fail(w, r, http.StatusUnauthorized, code, msg)
		return
	}
	secs := int((d + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.fail(w, r, http.StatusTooManyRequests, "too_many_failures",
		"too many failed logins from this address; wait "+strconv.Itoa(secs)+" s")
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
