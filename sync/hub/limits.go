package hub

import (
	"net/netip"
	"time"

	"cutover/sync/wire"
)

// The hub's limits, in one place. `cutover serve` sets the ones marked
// (flag); the README's Security section lists them all.
const (
	// DefaultMaxBody bounds an authenticated request body, counted after
	// gunzip (a push of 500 ops fits).
	DefaultMaxBody = wire.MaxBody
	// MaxUnauthBody bounds a body sent without a token (enrolment and
	// refresh; both are well under it). A bigger one is refused with 413,
	// before it is read when it declares its length.
	MaxUnauthBody = 1 << 10
	// DefaultMaxInFlight is how many authenticated requests (token checked)
	// the hub serves at once (flag --max-in-flight); one more is answered
	// 503 with Retry-After.
	DefaultMaxInFlight = 64
	// DefaultMaxPreAuth is how many requests without a checked token
	// (enrolment, refresh, health, anything unrouted) the hub serves at
	// once, once their bodies are in (flag --max-pre-auth). They never
	// take one of the authenticated slots.
	DefaultMaxPreAuth = 16
	// DefaultMaxPerAddr is how many requests one source address may have
	// in flight, bodies still arriving included (flag --max-per-addr). A
	// station's laptops share one NAT address, so it is well above one
	// laptop's need (it syncs one request at a time).
	DefaultMaxPerAddr = 32
	// DefaultPreAuthBodyTime is how long a body sent without a token has to
	// arrive whole (at most MaxUnauthBody bytes); a slower one is answered
	// 408 and its connection closed. No shared slot is held meanwhile.
	DefaultPreAuthBodyTime = 3 * time.Second
	// DefaultBodyMemory is how much memory the bodies of all requests in
	// flight may take together (flag --body-memory), counted as they are
	// read and decoded: each byte read counts three times (edge.go,
	// decodeCost), for the decoder's buffer and the decoded copy, until
	// its request ends. A request that would go past it is answered 503
	// with Retry-After.
	DefaultBodyMemory = 64 << 20
	// DefaultAuthFailBurst is how many failed enrolments or token checks
	// one source address may make before its failures are answered 429
	// (flag --auth-fail-burst); DefaultAuthFailEvery gives one more
	// attempt back. A good token or code is never braked.
	DefaultAuthFailBurst = 20
	DefaultAuthFailEvery = 10 * time.Second
	// MaxTrackedAddrs bounds the failed-attempt table; past it, new
	// addresses share one bucket, so many addresses cannot grow memory.
	MaxTrackedAddrs = 10000
	// RetryAfterBusy is the Retry-After of a 503 for a full hub.
	RetryAfterBusy = 2 * time.Second
	// RetryAfterStore is the Retry-After of a 503 for a store that cannot
	// be reached (PostgreSQL restarting).
	RetryAfterStore = 5 * time.Second
)

// Limits are the hub's bounds on what clients may make it hold; a zero
// field takes its default above.
type Limits struct {
	MaxBody         int64         // bytes after gunzip, authenticated
	MaxInFlight     int           // authenticated requests served at once
	MaxPreAuth      int           // requests without a checked token served at once
	MaxPerAddr      int           // requests in flight per source address
	PreAuthBodyTime time.Duration // for a body sent without a token to arrive
	BodyMemory      int64         // body bytes held by all requests together
	AuthFailBurst   int           // failed auth attempts per address before 429
	AuthFailEvery   time.Duration // one attempt back per this
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; from anyone else the header is ignored.
	TrustedProxies []netip.Prefix
}

func (l Limits) withDefaults() Limits {
	if l.MaxBody <= 0 {
		l.MaxBody = DefaultMaxBody
	}
	if l.MaxInFlight <= 0 {
		l.MaxInFlight = DefaultMaxInFlight
	}
	if l.MaxPreAuth <= 0 {
		l.MaxPreAuth = DefaultMaxPreAuth
	}
	if l.MaxPerAddr <= 0 {
		l.MaxPerAddr = DefaultMaxPerAddr
	}
	if l.PreAuthBodyTime <= 0 {
		l.PreAuthBodyTime = DefaultPreAuthBodyTime
	}
	if l.BodyMemory <= 0 {
		l.BodyMemory = DefaultBodyMemory
	}
	if l.AuthFailBurst <= 0 {
		l.AuthFailBurst = DefaultAuthFailBurst
	}
	if l.AuthFailEvery <= 0 {
		l.AuthFailEvery = DefaultAuthFailEvery
	}
	return l
}
