package hub

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"cutover/internal/storeerr"
	"cutover/sync/wire"
)

// Server is the hub's HTTP+JSON API under /v1.
type Server struct {
	Store *Store
	// Limits bound what clients can make the hub hold (limits.go).
	Limits Limits
	// Log receives one line per failed request, failed login and store
	// error; nil logs nothing.
	Log *log.Logger
	// Now is the clock of the failed-login limiter (default: the store's).
	Now func() time.Time
	// Page, when set, serves every path outside /v1/ (the read-only web
	// page, sync/web), behind the same edge and limits as the API.
	Page http.Handler

	lim      Limits
	slots    chan struct{} // one per authenticated request in flight
	preSlots chan struct{} // one per request without a checked token in flight
	perAddr  addrCount
	held     atomic.Int64 // body bytes held by requests in flight
	busy     atomic.Int64 // requests refused for a full hub
	reading  atomic.Int64 // bodies sent without a token still arriving
	fails    *failLimiter
}

// Handler returns the API's routes, behind the edge (edge.go). Call it once
// per Server.
func (s *Server) Handler() http.Handler {
	s.lim = s.Limits.withDefaults()
	s.slots = make(chan struct{}, s.lim.MaxInFlight)
	s.preSlots = make(chan struct{}, s.lim.MaxPreAuth)
	s.fails = newFailLimiter(s.lim.AuthFailBurst, s.lim.AuthFailEvery)
	if s.Now == nil && s.Store != nil {
		s.Now = func() time.Time { return s.Store.Now() }
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", s.health)
	mux.HandleFunc("POST /v1/auth/enrol", s.enrol)
	mux.HandleFunc("POST /v1/auth/refresh", s.refresh)
	mux.HandleFunc("POST /v1/sync/push", s.auth(s.push))
	mux.HandleFunc("GET /v1/sync/pull", s.auth(s.pull))
	mux.HandleFunc("GET /v1/sync/snapshot", s.auth(s.snapshot))
	mux.HandleFunc("GET /v1/sync/snapshot/{site}/{epoch}/{ver}", s.auth(s.snapshotFile))
	mux.HandleFunc("GET /v1/progress", s.auth(s.progress))
	mux.HandleFunc("GET /v1/sites/{site}/report", s.auth(s.siteReport))
	mux.HandleFunc("GET /v1/sites/{site}/export/{kind}", s.auth(s.siteExport))
	mux.HandleFunc("GET /v1/export/{kind}", s.auth(s.siteExport))
	notRouted := s.notRouted(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if s.Page != nil && !strings.HasPrefix(r.URL.Path, "/v1/") {
			s.Page.ServeHTTP(w, r)
			return
		}
		notRouted(w, r)
	})
	return s.edge(s.recoverer(mux))
}

func (s *Server) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logf("req=%s %s %s: panic: %v", info(r).id, r.Method, r.URL.Path, v)
				s.fail(w, r, http.StatusInternalServerError, "internal", "the hub failed; nothing was written")
			}
		}()
		h.ServeHTTP(w, r)
	})
}

func (s *Server) logf(format string, args ...any) {
	if s.Log != nil {
		s.Log.Printf(format, args...)
	}
}

func errBody(r *http.Request, code, msg string) wire.Error {
	if code == "internal" || code == "store_failed" || code == "disk_full" || code == "busy" {
		msg += " (request " + info(r).id + ")"
	}
	return wire.Error{Error: msg, Code: code}
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	s.writeJSON(w, status, errBody(r, code, msg))
	if status >= 500 {
		s.logf("req=%s %s %s from %s: %d %s", info(r).id, r.Method, r.URL.Path, info(r).addr, status, msg)
	}
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.logf("encoding a %d answer failed: %v", status, err)
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed","code":"internal"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// storeError maps a store error to a status and answer. An error the hub
// did not make itself is logged with the request's id and route, and the
// client gets a generic message with a code, never the driver's text.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	var gap *SeqGapError
	var bad *BadRequestError
	var unservable *UnservableError
	switch {
	case errors.As(err, &unservable): // logged by fail
		s.fail(w, r, http.StatusInternalServerError, "unservable_row", err.Error())
	case errors.As(err, &gap):
		s.writeJSON(w, http.StatusConflict, wire.Error{Error: err.Error(), Code: "seq_gap", ExpectedSeq: gap.Expected})
	case errors.As(err, &bad):
		s.fail(w, r, http.StatusBadRequest, "bad_request", err.Error())
	case errors.Is(err, ErrMustRefetch):
		s.writeJSON(w, http.StatusConflict, wire.Error{Error: err.Error(), Code: "must_refetch", MustRefetch: true})
	case errors.Is(err, ErrForbidden):
		s.fail(w, r, http.StatusForbidden, "forbidden", err.Error())
	case errors.Is(err, ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrBadCode):
		s.fail(w, r, http.StatusUnauthorized, "unauthorized", err.Error())
	case storeerr.DiskFull(err):
		s.logf("req=%s %s %s: store: disk full: %v", info(r).id, r.Method, r.URL.Path, err)
		w.Header().Set("Retry-After", "60")
		s.fail(w, r, http.StatusInsufficientStorage, "disk_full",
			"the hub's disk is full: nothing was written and nothing is lost; the work stays on this laptop and is sent once an admin frees space")
	case storeerr.Unavailable(err):
		s.logf("req=%s %s %s: store unavailable: %v", info(r).id, r.Method, r.URL.Path, err)
		w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfterStore.Seconds())))
		s.fail(w, r, http.StatusServiceUnavailable, "store_unavailable",
			"the hub cannot reach its database just now: nothing was written; the work stays on this laptop and is sent on the next try")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfterBusy.Seconds())))
		s.fail(w, r, http.StatusServiceUnavailable, "timeout", "the hub ran out of time: nothing was written; the work stays on this laptop and is sent on the next try")
	default:
		s.logf("req=%s %s %s: store: %v", info(r).id, r.Method, r.URL.Path, err)
		s.fail(w, r, http.StatusInternalServerError, "store_failed", "the hub's store failed; nothing was written, try again")
	}
}

type principalKey struct{}

// auth checks the access token before anything reads the body, so a body
// without a good token is never read. The token is checked first: a good
// one is never braked, and only then takes one of the authenticated slots;
// a revoked or expired one is answered 401 and not counted; only an
// unknown one counts against its address, and once the address has used
// up its failures those are answered 429 (ratelimit.go).
func (s *Server) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := bearer(r)
		if tok == "" {
			s.fail(w, r, http.StatusUnauthorized, "no_token", "no access token: log in with 'cutover login'")
			return
		}
		p, err := s.Store.Authenticate(r.Context(), tok)
		switch {
		case errors.Is(err, ErrRevoked):
			s.revoked(w, r, p.ClientID, "access token "+tokenID(tok))
			return
		case errors.Is(err, ErrExpired): // routine: the laptop refreshes
			s.fail(w, r, http.StatusUnauthorized, wire.CodeBadToken, "access token is wrong, expired or revoked")
			return
		case errors.Is(err, ErrUnauthorized):
			s.authFailed(w, r, "access token "+tokenID(tok)+" is unknown", wire.CodeBadToken, "access token is wrong, expired or revoked")
			return
		case err != nil:
			s.storeError(w, r, err)
			return
		}
		if !s.takeSlot(w, r) {
			return
		}
		defer func() { <-s.slots }()
		next(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	}
}

// revoked answers a token an admin revoked: 401 "revoked", not counted as a
// guess. What the laptop says it holds (X-Cutover-Local-Seq) is noted for
// `hub user list`.
func (s *Server) revoked(w http.ResponseWriter, r *http.Request, clientID, what string) {
	ri := info(r)
	if seq, err := strconv.ParseInt(r.Header.Get(wire.HeaderLocalSeq), 10, 64); err == nil && seq >= 0 && clientID != "" {
		if err := s.Store.NoteRefused(r.Context(), clientID, seq); err != nil {
			s.logf("req=%s noting revoked client %s: %v", ri.id, clipLog(clientID, 64), err)
		}
	}
	s.logf("req=%s %s %s from %s: %s of client %s is revoked", ri.id, r.Method, r.URL.Path, ri.addr, what, clipLog(clientID, 64))
	s.fail(w, r, http.StatusUnauthorized, wire.CodeRevoked,
		"an admin revoked this laptop's access: its work stays on the laptop; ask an admin to let it back")
}

// tokenID names a token in the log without giving it away: the start of
// its SHA-256, as the tokens table stores it.
func tokenID(tok string) string { return "sha256:" + hashSecret(tok)[:12] }

func principal(r *http.Request) Principal { return r.Context().Value(principalKey{}).(Principal) }

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	h := wire.Health{OK: true, Store: s.Store.Dialect(), ServerTime: s.Store.Now().UTC().Format(time.RFC3339)}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	name, err := s.Store.HubName(ctx)
	h.HubName = name
	if err != nil {
		h.OK = false
		w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfterStore.Seconds())))
		s.writeJSON(w, http.StatusServiceUnavailable, h)
		return
	}
	s.writeJSON(w, http.StatusOK, h)
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	var req wire.EnrolRequest
	if !s.readJSON(w, r, &req, MaxUnauthBody) {
		return
	}
	if req.Code == "" || req.ClientID == "" || len(req.ClientID) > 64 || len(req.Host) > 256 {
		s.fail(w, r, http.StatusBadRequest, "bad_request", "enrol needs code and client_id")
		return
	}
	t, err := s.Store.Enrol(r.Context(), req)
	if errors.Is(err, ErrBadCode) {
		code := normCode(req.Code)
		s.authFailed(w, r, fmt.Sprintf("enrolment code %s… for client %s host %s: %v",
			clipLog(code[:min(4, len(code))], 8), clipLog(req.ClientID, 64), clipLog(req.Host, 64), err),
			"unauthorized", err.Error())
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, t)
}

// refresh rotates a refresh token (tokens.go). One used after it was
// rotated revokes its laptop's tokens and is logged as a suspected copy.
func (s *Server) refresh(w http.ResponseWriter, r *http.Request) {
	var req wire.RefreshRequest
	if !s.readJSON(w, r, &req, MaxUnauthBody) {
		return
	}
	t, err := s.Store.Refresh(r.Context(), req.RefreshToken)
	switch {
	case errors.Is(err, ErrReused):
		ri := info(r)
		s.logf("req=%s %s %s from %s: SUSPECTED COPY: refresh token %s of client %s was used after it was rotated; every token of that laptop is revoked",
			ri.id, r.Method, r.URL.Path, ri.addr, tokenID(req.RefreshToken), clipLog(t.ClientID, 64))
		s.fail(w, r, http.StatusUnauthorized, wire.CodeRevoked,
			"this login was used from two places, so the hub revoked it: the work stays on the laptop; ask an admin for a new enrolment code")
	case errors.Is(err, ErrRotated):
		s.fail(w, r, http.StatusUnauthorized, wire.CodeRotated,
			"this refresh token was replaced moments ago by another process of this laptop: use the saved login")
	case errors.Is(err, ErrRevoked):
		s.revoked(w, r, t.ClientID, "refresh token "+tokenID(req.RefreshToken))
	case errors.Is(err, ErrExpired):
		s.fail(w, r, http.StatusUnauthorized, wire.CodeBadToken, "refresh token expired: log in again with a new enrolment code")
	case errors.Is(err, ErrUnauthorized):
		s.authFailed(w, r, "refresh token "+tokenID(req.RefreshToken)+" is unknown", wire.CodeBadToken,
			"refresh token is wrong, expired or revoked")
	case err != nil:
		s.storeError(w, r, err)
	default:
		s.writeJSON(w, http.StatusOK, t)
	}
}

func (s *Server) push(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	if p.Role == wire.RoleSupervisor {
		s.fail(w, r, http.StatusForbidden, "forbidden", "supervisors read every site but cannot push")
		return
	}
	var req wire.PushRequest
	if !s.readJSON(w, r, &req, s.lim.MaxBody) {
		return
	}
	resp, err := s.Store.Push(r.Context(), p, req)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if resp.Results == nil {
		resp.Results = []wire.OpResult{}
	}
	for i, res := range resp.Results {
		if res.Code == codeApplyFailed { // the store's own words stay at the hub
			words := s.Store.journalMessage(r.Context(), req.ClientID, res.Seq)
			if words == "" {
				words = res.Message
			}
			s.logf("req=%s %s %s: store: op %d of client %s (%s): %s", info(r).id, r.Method, r.URL.Path,
				res.Seq, clipLog(req.ClientID, 64), codeApplyFailed, words)
			resp.Results[i].Message = "the hub could not apply this op; an admin can read why in the hub's log (request " +
				info(r).id + ") and journal"
		}
	}
	s.writeJSON(w, http.StatusOK, resp)
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	code := strings.ToUpper(q.Get("site"))
	if code == "" {
		s.fail(w, r, http.StatusBadRequest, "bad_request", "pull needs ?site=CODE")
		return
	}
	after, err := strconv.ParseInt(q.Get("after"), 10, 64)
	if err != nil || after < 0 {
		s.fail(w, r, http.StatusBadRequest, "bad_request", "after must be a version number (0 or more)")
		return
	}
	limit := 0
	if l := q.Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 {
			s.fail(w, r, http.StatusBadRequest, "bad_request", "limit must be a positive number")
			return
		}
	}
	body, err := s.Store.PullPage(r.Context(), principal(r), code, q.Get("epoch"), after, limit)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) {
	code := strings.ToUpper(r.URL.Query().Get("site"))
	if code == "" {
		s.fail(w, r, http.StatusBadRequest, "bad_request", "snapshot needs ?site=CODE")
		return
	}
	info, err := s.Store.Snapshot(r.Context(), principal(r), code)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, info)
}

// progress serves supervisors' figures; an engineer gets their own sites.
func (s *Server) progress(w http.ResponseWriter, r *http.Request) {
	p, err := s.Store.Progress(r.Context(), principal(r), s.Store.Now())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, p)
}

// siteReport serves what the hub knows of a site's cutover, a row per
// position (engineers: their own sites; supervisors and admins: any).
func (s *Server) siteReport(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("form") == "handover" {
		s.handoverReport(w, r) // report_handover.go
		return
	}
	rep, err := s.Store.SiteReport(r.Context(), principal(r), strings.ToUpper(r.PathValue("site")))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, rep)
}

// snapshotFile serves a stored snapshot with ETag and Range support, so an
// interrupted download resumes where it stopped.
func (s *Server) snapshotFile(w http.ResponseWriter, r *http.Request) {
	ver, err := strconv.ParseInt(r.PathValue("ver"), 10, 64)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "bad_request", "snapshot version must be a number")
		return
	}
	body, sum, err := s.Store.SnapshotFile(r.Context(), principal(r), strings.ToUpper(r.PathValue("site")), r.PathValue("epoch"), ver)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	w.Header().Set("ETag", `"`+sum+`"`)
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("X-Content-SHA256", sum)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// ServeOptions configure ListenAndServe.
type ServeOptions struct {
	Addr             string
	TLSCert, TLSKey  string
	ShutdownGrace    time.Duration
	OnListen         func(addr net.Addr) // called once the socket is open
	ReadTimeout      time.Duration
	WriteTimeout     time.Duration
	ReadHeaderTimout time.Duration
}

// ListenAndServe serves the API until ctx ends, then shuts down gracefully:
// requests in flight finish (their transactions commit or roll back whole).
func (s *Server) ListenAndServe(ctx context.Context, o ServeOptions) error {
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return errors.New("TLS needs both --tls-cert and --tls-key")
	}
	def := func(d, v time.Duration) time.Duration {
		if d == 0 {
			return v
		}
		return d
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: def(o.ReadHeaderTimout, 10*time.Second),
		ReadTimeout:       def(o.ReadTimeout, 60*time.Second),
		WriteTimeout:      def(o.WriteTimeout, 120*time.Second),
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          s.Log,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if o.TLSCert != "" {
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return err
	}
	if o.OnListen != nil {
		o.OnListen(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() {
		if o.TLSCert != "" {
			errc <- srv.ServeTLS(ln, o.TLSCert, o.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), def(o.ShutdownGrace, 20*time.Second))
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
