// Package web is the hub's read-only web page (issue 27): the force
// overview, the sites in triage order, a site, a position, the engineers,
// and the exports a person may download, served by `cutover serve` at /
// beside the API. It owns the page's HTTP: sign-in by one-time code,
// sessions, headers, templates and the server-drawn SVG charts. What the
// figures are, what a verdict is and who may see what stay with the hub
// (sync/hub) and the wire rules (sync/wire). Nothing here writes to the
// hub but a redeemed code.
package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"cutover/sync/hub"
)

// DefaultIdle is how long a session lasts with no request.
const DefaultIdle = 30 * time.Minute

// maxSessions bounds the sessions held at once; the oldest idle go first.
const maxSessions = 10000

const cookieName = "cutover_session"

// Page serves the web page from a hub's store.
type Page struct {
	Store *hub.Store
	// Secure marks the session cookie Secure: set it when the hub serves
	// TLS (or sits behind a TLS proxy).
	Secure bool
	// Idle is how long a session lasts with no request (DefaultIdle).
	Idle time.Duration
	// Now is the clock (default: the store's).
	Now func() time.Time
	// Log receives a line per refused sign-in; nil logs nothing.
	Log *log.Logger

	mu       sync.Mutex
	sessions map[string]*session
	failed   map[string][]time.Time // refused sign-ins by address, within the last failWindow
}

// At most failBurst refused sign-ins from one address in failWindow; then
// 429 until the window has passed (the hub's API has its own limiter).
const (
	failBurst  = 10
	failWindow = 10 * time.Minute
)

// tooManyFailures reports whether addr has used up its refused sign-ins,
// and counts one more when failed is set.
func (p *Page) tooManyFailures(addr string, now time.Time, failed bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	var keep []time.Time
	for _, t := range p.failed[addr] {
		if now.Sub(t) < failWindow {
			keep = append(keep, t)
		}
	}
	if failed {
		keep = append(keep, now)
	}
	if len(keep) == 0 {
		delete(p.failed, addr)
	} else if len(p.failed) < maxSessions || p.failed[addr] != nil {
		p.failed[addr] = keep
	}
	return len(keep) >= failBurst
}

func remoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

type session struct {
	user string
	last time.Time
}

type principalKey struct{}

// Handler returns the page's routes. Call it once per Page.
func (p *Page) Handler() http.Handler {
	if p.Idle <= 0 {
		p.Idle = DefaultIdle
	}
	if p.Now == nil {
		p.Now = p.Store.Now
	}
	p.sessions, p.failed = map[string]*session{}, map[string][]time.Time{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", p.home)
	mux.HandleFunc("POST /signin", p.signin)
	mux.HandleFunc("POST /signout", p.signout)
	mux.HandleFunc("GET /style.css", serveStyle)
	mux.HandleFunc("GET /sites/{site}", p.auth(p.sitePage))
	mux.HandleFunc("GET /sites/{site}/positions/{label}", p.auth(p.positionPage))
	mux.HandleFunc("GET /sites/{site}/export/{kind}", p.auth(p.export))
	mux.HandleFunc("GET /export/{kind}", p.auth(p.export))
	mux.HandleFunc("GET /engineers", p.auth(p.engineersPage))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		p.problem(w, r, http.StatusNotFound, "There is no such page.")
	})
	return headers(mux)
}

// headers sets on every answer what keeps the page to itself: a strict
// Content-Security-Policy (nothing from elsewhere, no script, no inline
// style, forms only to the hub), no framing, no sniffing, no referrer, no
// caching of what a person may see.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin") // a browser then says Origin on its own forms

		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// auth finds the request's session and who it is for now (role and sites
// as the hub has them this moment); with none, the sign-in page.
func (p *Page) auth(next func(http.ResponseWriter, *http.Request, hub.Principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pr, ok := p.principal(w, r)
		if !ok {
			return
		}
		next(w, r, pr)
	}
}

// principal is the signed-in person, or false once it has answered (the
// sign-in page, or an error).
func (p *Page) principal(w http.ResponseWriter, r *http.Request) (hub.Principal, bool) {
	user, ok := p.sessionUser(r)
	if !ok {
		p.signinForm(w, r, http.StatusUnauthorized, "Sign in to see this page.")
		return hub.Principal{}, false
	}
	pr, err := p.Store.WebPrincipal(r.Context(), user)
	if errors.Is(err, hub.ErrUnauthorized) {
		p.forget(r)
		p.signinForm(w, r, http.StatusUnauthorized, "Your access was withdrawn: ask an admin.")
		return pr, false
	}
	if err != nil {
		p.storeError(w, r, err)
		return pr, false
	}
	return pr, true
}

// sessionUser is the user of the request's session if it has not idled
// out; its idle clock starts again.
func (p *Page) sessionUser(r *http.Request) (string, bool) {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return "", false
	}
	now := p.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.sessions[c.Value]
	if s == nil {
		return "", false
	}
	if now.Sub(s.last) > p.Idle {
		delete(p.sessions, c.Value)
		return "", false
	}
	s.last = now
	return s.user, true
}

func (p *Page) forget(r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil {
		p.mu.Lock()
		delete(p.sessions, c.Value)
		p.mu.Unlock()
	}
}

// sameOrigin refuses a form posted from another site: a browser says where
// a POST came from in Origin (the SameSite=Strict cookie is the other guard).
func sameOrigin(r *http.Request) bool {
	if sf := r.Header.Get("Sec-Fetch-Site"); sf != "" && sf != "same-origin" && sf != "none" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return o == "" // no Origin: not a browser's cross-site form
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// signin exchanges a one-time code for a session.
func (p *Page) signin(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		p.problem(w, r, http.StatusForbidden, "A sign-in must come from this page.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		p.signinForm(w, r, http.StatusBadRequest, "That form was too large.")
		return
	}
	if p.tooManyFailures(remoteHost(r), p.Now(), false) {
		p.signinForm(w, r, http.StatusTooManyRequests, "Too many wrong codes from here: wait ten minutes.")
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	if code == "" || len(code) > 64 {
		p.signinForm(w, r, http.StatusBadRequest, "Type the one-time code an admin gave you.")
		return
	}
	user, err := p.Store.RedeemWebCode(r.Context(), code)
	if errors.Is(err, hub.ErrBadCode) || errors.Is(err, hub.ErrUnauthorized) {
		p.logf("web sign-in refused from %s: %v", r.RemoteAddr, err)
		p.tooManyFailures(remoteHost(r), p.Now(), true)
		p.signinForm(w, r, http.StatusUnauthorized, "That code is wrong, used or expired: ask an admin for a new one.")
		return
	}
	if err != nil {
		p.storeError(w, r, err)
		return
	}
	b := make([]byte, 32)
	rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	now := p.Now()
	p.mu.Lock()
	if len(p.sessions) >= maxSessions {
		p.pruneLocked(now)
	}
	p.sessions[id] = &session{user: user, last: now}
	p.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/", HttpOnly: true, Secure: p.Secure,
		SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// pruneLocked drops idle sessions, and the oldest while there are too many.
func (p *Page) pruneLocked(now time.Time) {
	var oldest string
	for id, s := range p.sessions {
		if now.Sub(s.last) > p.Idle {
			delete(p.sessions, id)
		} else if oldest == "" || s.last.Before(p.sessions[oldest].last) {
			oldest = id
		}
	}
	if len(p.sessions) >= maxSessions && oldest != "" {
		delete(p.sessions, oldest)
	}
}

// signout ends the session and clears the cookie.
func (p *Page) signout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		p.problem(w, r, http.StatusForbidden, "A sign-out must come from this page.")
		return
	}
	p.forget(r)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: p.Secure,
		SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// Sessions is how many sessions are held (for tests and the log).
func (p *Page) Sessions() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.sessions)
}

func (p *Page) logf(format string, args ...any) {
	if p.Log != nil {
		p.Log.Printf(format, args...)
	}
}

func (p *Page) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, hub.ErrForbidden):
		p.problem(w, r, http.StatusForbidden, "You may not see that site.")
	case errors.Is(err, hub.ErrNotFound):
		p.problem(w, r, http.StatusNotFound, "There is no such site or position on the hub.")
	case errors.Is(err, context.Canceled):
	default:
		p.logf("web %s %s: %v", r.Method, r.URL.Path, err)
		p.problem(w, r, http.StatusInternalServerError, "The hub could not answer: try again in a moment.")
	}
}
