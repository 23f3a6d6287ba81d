package hub

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The hub's edge: what every request passes before a handler looks at it.
// It gives the request an id (X-Request-Id, in every log line), bounds the
// requests per source address, the requests served at once (authenticated
// and not, apart) and the body bytes they hold together (503 with
// Retry-After beyond any), reads bodies sent without a token under a short
// deadline before they take a slot, and reads JSON bodies as a stream
// within their limit.

type reqInfoKey struct{}

// reqInfo is what the edge knows of a request.
type reqInfo struct {
	id   string
	addr string       // the client's address (see clientAddr)
	held atomic.Int64 // body bytes this request holds against BodyMemory
}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{id: "-", addr: r.RemoteAddr}
}

// edge is the outermost handler. Every request counts against its source
// address (at most MaxPerAddr in flight). A request to a route that takes
// a body without a token (enrolment, refresh) has that body read whole,
// at most MaxUnauthBody bytes within PreAuthBodyTime, before it takes one
// of the MaxPreAuth slots; a slow sender holds no shared slot and is cut
// off with 408. A request with a bearer token takes no slot here: auth
// checks the token first and only a good one takes one of the MaxInFlight
// authenticated slots; a refresh, its body in, is checked the same way.
// Anything else (enrolment, no token) takes a pre-auth slot.
func (s *Server) edge(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b)
		ri := &reqInfo{id: hex.EncodeToString(b), addr: s.clientAddr(r)}
		w.Header().Set("X-Request-Id", ri.id)
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, ri))
		if !s.perAddr.take(ri.addr, s.lim.MaxPerAddr) {
			s.refused(r, "this address already has "+strconv.Itoa(s.lim.MaxPerAddr)+" requests in flight")
			s.tooBusy(w, r, "this address has as many requests in flight as the hub takes from one address")
			return
		}
		defer s.perAddr.give(ri.addr)
		defer func() { s.held.Add(-ri.held.Load()) }()
		preAuth := preAuthRoute(r)
		if preAuth && !s.readPreAuth(w, r) {
			return
		}
		if !preAuth && bearer(r) != "" || r.URL.Path == "/v1/auth/refresh" {
			// A token (access, or refresh with its body in) is checked
			// without a slot, by a read; auth takes an authenticated slot
			// once an access token is good, and a refresh writes only for a
			// token the hub issued. So neither junk tokens nor junk
			// enrolments can crowd out a laptop's refresh.
			next.ServeHTTP(w, r)
			return
		}
		select {
		case s.preSlots <- struct{}{}:
		default:
			s.refused(r, strconv.Itoa(s.lim.MaxPreAuth)+" requests without a checked token in flight already")
			s.tooBusy(w, r, "the hub is serving as many requests without a login as it takes")
			return
		}
		defer func() { <-s.preSlots }()
		next.ServeHTTP(w, r)
	})
}

// refused logs a request refused for a full hub: the first and every
// hundredth, so a flood cannot fill the log.
func (s *Server) refused(r *http.Request, why string) {
	if n := s.busy.Add(1); n == 1 || n%100 == 0 {
		ri := info(r)
		s.logf("req=%s %s %s from %s: 503, %s (%d refused so far)", ri.id, r.Method, r.URL.Path, ri.addr, why, n)
	}
}

// takeSlot takes one of the authenticated slots, or answers 503.
func (s *Server) takeSlot(w http.ResponseWriter, r *http.Request) bool {
	select {
	case s.slots <- struct{}{}:
		return true
	default:
		s.refused(r, strconv.Itoa(s.lim.MaxInFlight)+" authenticated requests in flight already")
		s.tooBusy(w, r, "the hub is serving as many requests as it takes")
		return false
	}
}

// preAuthRoute reports whether r goes to a route that reads a body before
// any token is checked.
func preAuthRoute(r *http.Request) bool {
	return r.Method == http.MethodPost && (r.URL.Path == "/v1/auth/enrol" || r.URL.Path == "/v1/auth/refresh")
}

// bearer is the request's bearer token; "" when it has none.
func bearer(r *http.Request) string {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return tok
	}
	return ""
}

// readPreAuth reads a body sent without a token whole, at most
// MaxUnauthBody (+1, so readJSON sees one too large) within
// PreAuthBodyTime, and hands the handler the bytes. It answers 413 for a
// declared length past the bound (without reading) and 408 for a body
// that does not arrive in time.
func (s *Server) readPreAuth(w http.ResponseWriter, r *http.Request) bool {
	if r.ContentLength > MaxUnauthBody {
		w.Header().Set("Connection", "close")
		s.fail(w, r, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body is larger than %d bytes", MaxUnauthBody))
		return false
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(s.lim.PreAuthBodyTime))
	s.reading.Add(1)
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxUnauthBody+1))
	s.reading.Add(-1)
	rc.SetReadDeadline(time.Time{})
	if err != nil {
		w.Header().Set("Connection", "close")
		var ne net.Error
		if errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
			s.fail(w, r, http.StatusRequestTimeout, "slow_body",
				fmt.Sprintf("the body did not arrive within %s", s.lim.PreAuthBodyTime))
			return false
		}
		s.fail(w, r, http.StatusBadRequest, "bad_request", "the body was cut off")
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return true
}

// addrCount counts the requests in flight per source address (IPv6 by
// /64, as the failed-login limiter counts them).
type addrCount struct {
	mu sync.Mutex
	n  map[netip.Addr]int
}

func (a *addrCount) take(addr string, max int) bool {
	k := limiterKey(addr)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.n == nil {
		a.n = map[netip.Addr]int{}
	}
	if a.n[k] >= max {
		return false
	}
	a.n[k]++
	return true
}

func (a *addrCount) give(addr string) {
	k := limiterKey(addr)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.n[k]--; a.n[k] <= 0 {
		delete(a.n, k)
	}
}

func (s *Server) tooBusy(w http.ResponseWriter, r *http.Request, why string) {
	w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfterBusy.Seconds())))
	w.Header().Set("Connection", "close")
	s.writeJSON(w, http.StatusServiceUnavailable, errBody(r, "busy", why+": nothing was written; the work stays on this laptop and is sent on the next try"))
}

// InFlight is how many authenticated requests the hub is serving now.
func (s *Server) InFlight() int { return len(s.slots) }

// PreAuthReading is how many bodies sent without a token are arriving now
// (they hold no slot).
func (s *Server) PreAuthReading() int64 { return s.reading.Load() }

// PreAuthInFlight is how many requests without a checked token the hub is
// serving now (their bodies in).
func (s *Server) PreAuthInFlight() int { return len(s.preSlots) }

// BodyBytesHeld is how many bytes the requests in flight hold against
// BodyMemory: bytes read, decodeCost times.
func (s *Server) BodyBytesHeld() int64 { return s.held.Load() }

// notRouted answers a path no route has (404) or a method the path does
// not take (405 with Allow).
func (s *Server) notRouted(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if m == r.Method {
				continue
			}
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.fail(w, r, http.StatusMethodNotAllowed, "method_not_allowed",
				fmt.Sprintf("%s takes %s, not %s", r.URL.Path, strings.Join(allow, " or "), clipLog(r.Method, 16)))
			return
		}
		s.fail(w, r, http.StatusNotFound, "not_found", fmt.Sprintf("no such endpoint: %s %s", clipLog(r.Method, 16), clipLog(r.URL.Path, 80)))
	}
}

var (
	errTooLarge = errors.New("body too large")
	errBusy     = errors.New("hub holds too many body bytes")
)

// capReader fails with errTooLarge once more than n bytes come through.
type capReader struct {
	r io.Reader
	n int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > c.n+1 {
		p = p[:c.n+1]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	if c.n < 0 {
		return n, errTooLarge
	}
	return n, err
}

// decodeCost is what one byte read costs in memory until the request
// ends: the JSON decoder holds the whole value in a buffer that may be up
// to twice its size while it grows, and the decoded request holds another
// copy (strings and raw payloads). BodyMemory bounds bytes read times
// decodeCost, so it bounds what is decoded, not only what is read.
const decodeCost = 3

// heldReader charges the bytes read, decodeCost times, against the hub's
// BodyMemory; the charge is given back when the request ends (edge).
type heldReader struct {
	s  *Server
	ri *reqInfo
	r  io.Reader
}

func (h *heldReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if n > 0 {
		c := int64(n) * decodeCost
		h.ri.held.Add(c)
		if h.s.held.Add(c) > h.s.lim.BodyMemory {
			return n, errBusy
		}
	}
	return n, err
}

// readJSON decodes a JSON body of at most limit bytes (after gunzip; a
// gzip body, Content-Encoding: gzip, is bounded before and after) into v,
// as a stream: nothing is buffered beyond what the decoder needs. It
// writes the 4xx/503 itself and returns false on any problem.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any, limit int64) bool {
	if ct := r.Header.Get("Content-Type"); !isJSON(ct) {
		s.fail(w, r, http.StatusUnsupportedMediaType, "bad_content_type",
			fmt.Sprintf("Content-Type %q: this endpoint takes application/json", clipLog(ct, 64)))
		return false
	}
	tooLarge := func() bool {
		w.Header().Set("Connection", "close") // the rest of the body is not read
		s.fail(w, r, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body is larger than %d bytes (after gunzip); send fewer ops per push", limit))
		return false
	}
	if r.ContentLength > limit {
		return tooLarge()
	}
	var body io.Reader = http.MaxBytesReader(w, r.Body, limit)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return tooLarge()
			}
			s.fail(w, r, http.StatusBadRequest, "bad_gzip", "body says gzip but is not: "+err.Error())
			return false
		}
		defer zr.Close()
		body = zr
	default:
		s.fail(w, r, http.StatusUnsupportedMediaType, "bad_encoding", fmt.Sprintf("Content-Encoding %q: only gzip is accepted", clipLog(enc, 32)))
		return false
	}
	dec := json.NewDecoder(&heldReader{s: s, ri: info(r), r: &capReader{r: body, n: limit}})
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = terr
			if err == nil || isSyntax(err) {
				s.fail(w, r, http.StatusBadRequest, "bad_json", "body has data after its JSON value")
				return false
			}
		}
	}
	var mbe *http.MaxBytesError
	var corrupt flate.CorruptInputError
	switch {
	case err == nil:
		return true
	case errors.Is(err, errTooLarge), errors.As(err, &mbe):
		return tooLarge()
	case errors.Is(err, errBusy):
		s.tooBusy(w, r, "the hub holds as many request bytes as it takes")
		return false
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		s.fail(w, r, http.StatusBadRequest, "bad_gzip", "the gzip body is corrupt: "+err.Error())
		return false
	case errors.Is(err, io.ErrUnexpectedEOF) && !isSyntax(err):
		s.fail(w, r, http.StatusBadRequest, "bad_json", "body is not the JSON this endpoint takes: it ends early")
		return false
	}
	s.fail(w, r, http.StatusBadRequest, "bad_json", "body is not the JSON this endpoint takes: "+clipLog(err.Error(), 200))
	return false
}

func isSyntax(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te)
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// clipLog makes client text safe to log or echo: at most n bytes, control
// characters and invalid UTF-8 escaped.
func clipLog(s string, n int) string {
	if len(s) > n {
		s = s[:n] + "…"
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}
