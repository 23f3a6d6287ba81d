package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"cutover/sync/internal/hubtest"
	"cutover/sync/web"
	"cutover/sync/wire"
)

// browser is a plain HTTP client that keeps the page's cookie by hand and
// follows no redirect, so each answer is seen as the page gave it.
type browser struct {
	t      testing.TB
	base   string
	cookie *http.Cookie
}

func (b *browser) do(method, path string, form url.Values, hdr map[string]string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	hubtest.Must(b.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	if b.cookie != nil {
		req.AddCookie(b.cookie)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	hubtest.Must(b.t, err)
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Name == "cutover_session" {
			b.cookie = ck
		}
	}
	return resp, string(data)
}

func (b *browser) get(path string) (*http.Response, string) { return b.do("GET", path, nil, nil) }

func (b *browser) signIn(code string) *http.Response {
	b.t.Helper()
	resp, _ := b.do("POST", "/signin", url.Values{"code": {code}}, map[string]string{"Origin": b.base})
	return resp
}

func mustHave(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, body)
		}
	}
}

func mustLack(t *testing.T, what, body string, not ...string) {
	t.Helper()
	for _, w := range not {
		if strings.Contains(body, w) {
			t.Fatalf("%s has %q:\n%s", what, w, body)
		}
	}
}

// Signing in exchanges a one-time code for an HttpOnly, SameSite=Strict
// session cookie; the code works once; signing out ends the session.
func TestSignInWithACodeAndOut(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		f := newFixture(t, spec)
		b := &browser{t: t, base: f.h.URL}
		resp, body := b.get("/")
		if resp.StatusCode != 200 {
			t.Fatalf("GET / without a session: %d", resp.StatusCode)
		}
		mustHave(t, "sign-in page", body, `<form class="signin" method="post" action="/signin">`, "One-time code")
		if resp, _ := b.get("/sites/LT"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a site without a session: %d", resp.StatusCode)
		}
		if resp := b.signIn("AAAA-BBBB-CCCC-DDDD"); resp.StatusCode != http.StatusUnauthorized || b.cookie != nil {
			t.Fatalf("a wrong code: %d, cookie %v", resp.StatusCode, b.cookie)
		}
		code := f.code(t, "sam", wire.RoleSupervisor)
		resp = b.signIn(code)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || b.cookie == nil {
			t.Fatalf("sign in: %d %q, cookie %v", resp.StatusCode, resp.Header.Get("Location"), b.cookie)
		}
		if !b.cookie.HttpOnly || b.cookie.SameSite != http.SameSiteStrictMode || b.cookie.Secure || b.cookie.Path != "/" {
			t.Fatalf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/ and (no TLS here) not Secure", b.cookie)
		}
		_, body = b.get("/")
		mustHave(t, "overview", body, "sam · supervisor", "Sign out", "The force")
		other := &browser{t: t, base: f.h.URL}
		if resp := other.signIn(code); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a code used twice: %d", resp.StatusCode)
		}
		old := *b.cookie
		resp, _ = b.do("POST", "/signout", url.Values{}, map[string]string{"Origin": f.h.URL})
		if resp.StatusCode != http.StatusSeeOther || b.cookie.MaxAge >= 0 {
			t.Fatalf("sign out: %d, cookie %+v", resp.StatusCode, b.cookie)
		}
		b.cookie = &old // the old cookie, kept by someone, is no use now
		if resp, _ := b.get("/sites/OK"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("after sign out: %d", resp.StatusCode)
		}
		if f.page.Sessions() != 0 {
			t.Fatalf("%d sessions held after sign out", f.page.Sessions())
		}
	})
}

// A session ends after the idle time, and at once when the person is
// revoked; a form posted from another site is refused.
func TestSessionsEndAndForeignFormsAreRefused(t *testing.T) {
	f := newFixture(t, hubtest.SQLiteSpec(t))
	b := &browser{t: t, base: f.h.URL}
	b.signIn(f.code(t, "sam", wire.RoleSupervisor))
	if resp, _ := b.get("/sites/OK"); resp.StatusCode != 200 {
		t.Fatalf("signed in: %d", resp.StatusCode)
	}
	f.h.Skew.Store(int64(web.DefaultIdle - time.Minute))
	if resp, _ := b.get("/sites/OK"); resp.StatusCode != 200 {
		t.Fatalf("29 minutes idle: %d", resp.StatusCode)
	}
	f.h.Skew.Store(int64(2*web.DefaultIdle - time.Minute + time.Second))
	if resp, body := b.get("/sites/OK"); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Sign in") {
		t.Fatalf("idle past %v: %d", web.DefaultIdle, resp.StatusCode)
	}
	f.h.Skew.Store(0)
	b.cookie = nil
	b.signIn(f.code(t, "sam", wire.RoleSupervisor))
	hubtest.Must(t, f.h.Store.RevokeUser(ctx, "sam"))
	if resp, body := b.get("/"); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Your access was withdrawn") {
		t.Fatalf("revoked: %d %s", resp.StatusCode, body)
	}
	// Wrong codes from one address: after ten, even a good one waits.
	g := &browser{t: t, base: f.h.URL}
	for i := 0; i < 10; i++ {
		if resp := g.signIn("AAAA-BBBB-CCCC-DDDD"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d", i+1, resp.StatusCode)
		}
	}
	if resp := g.signIn(f.code(t, "sam2", wire.RoleSupervisor)); resp.StatusCode != http.StatusTooManyRequests || g.cookie != nil {
		t.Fatalf("after ten wrong codes: %d", resp.StatusCode)
	}
	f.h.Skew.Store(int64(11 * time.Minute))
	if resp := g.signIn(f.code(t, "sam2", wire.RoleSupervisor)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ten minutes later: %d", resp.StatusCode)
	}
	f.h.Skew.Store(0)
	e := &browser{t: t, base: f.h.URL}
	resp, _ := e.do("POST", "/signin", url.Values{"code": {f.code(t, "eve", wire.RoleEngineer, "OK")}}, map[string]string{"Origin": "http://evil.example"})
	if resp.StatusCode != http.StatusForbidden || e.cookie != nil {
		t.Fatalf("a sign-in posted from elsewhere: %d", resp.StatusCode)
	}
}

// Every answer carries a strict Content-Security-Policy and the headers
// that keep the page to itself; the page is read-only.
func TestHeadersAndReadOnly(t *testing.T) {
	f := newFixture(t, hubtest.SQLiteSpec(t))
	b := &browser{t: t, base: f.h.URL}
	b.signIn(f.code(t, "sam", wire.RoleSupervisor))
	for _, path := range []string{"/", "/sites/LT", "/sites/LT/positions/L1", "/engineers", "/style.css", "/nowhere", "/sites/LT/export/retire"} {
		resp, _ := b.get(path)
		h := resp.Header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") ||
			!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "form-action 'self'") {
			t.Fatalf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Cache-Control") != "no-store" ||
			h.Get("Referrer-Policy") != "same-origin" {
			t.Fatalf("%s: headers %v", path, h)
		}
	}
	for _, path := range []string{"/sites/LT", "/sites/LT/positions/L1", "/export/retire"} {
		if resp, _ := b.do("POST", path, url.Values{}, map[string]string{"Origin": f.h.URL}); resp.StatusCode < 400 {
			t.Fatalf("POST %s: %d, want it refused", path, resp.StatusCode)
		}
	}
	// The API beside it is untouched.
	if resp, _ := b.get("/v1/nowhere"); resp.StatusCode != 404 || !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		t.Fatalf("/v1/nowhere: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// A supervisor sees every site, in triage order, with verdicts in words;
// an engineer scoped to one site sees that site only, and its exports.
func TestRolesAndScoping(t *testing.T) {
	f := newFixture(t, hubtest.SQLiteSpec(t))
	sam := &browser{t: t, base: f.h.URL}
	sam.signIn(f.code(t, "sam", wire.RoleSupervisor))
	_, body := sam.get("/?sort=late+first")
	mustHave(t, "supervisor's overview", body, "⚠ late by", "✓ on track", "· not started (starts", "Wave 1",
		`href="/sites/LT"`, `href="/sites/OK"`, `href="/sites/NS"`, "<svg", "Forecast by month", `href="/export/retire"`)
	if lt, ok := strings.Index(body, `href="/sites/LT"`), strings.Index(body, `href="/sites/OK"`); lt > ok {
		t.Fatal("the late site is not first")
	}
	_, body = sam.get("/?q=wave+1")
	mustHave(t, "filtered", body, "Sites (1 of 3)", `href="/sites/OK"`)
	mustLack(t, "filtered", body, `href="/sites/LT"`)
	_, body = sam.get("/sites/LT")
	mustHave(t, "late site", body, "⚠ late by", "Late Street", "Positions and physical extensions left against the cease date", `href="/sites/LT/positions/L1"`,
		"done", `href="/sites/LT/export/install"`)
	_, body = sam.get("/sites/LT/positions/L1")
	mustHave(t, "position", body, "LT L1", "Every result recorded", "alice")
	resp, body := sam.get("/sites/LT/export/retire")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), `attachment; filename="LT-retire.csv"`) ||
		!strings.Contains(body, "L1") {
		t.Fatalf("export: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
	_, body = sam.get("/engineers")
	mustHave(t, "engineers", body, "alice", "<svg class=\"spark\"")

	eve := &browser{t: t, base: f.h.URL}
	eve.signIn(f.code(t, "eve", wire.RoleEngineer, "OK"))
	_, body = eve.get("/")
	mustHave(t, "engineer's overview", body, "eve · engineer · OK", `href="/sites/OK"`, "Sites (1 of 1)")
	mustLack(t, "engineer's overview", body, `href="/sites/LT"`, "Late Street", `href="/sites/NS"`)
	for _, path := range []string{"/sites/LT", "/sites/LT/positions/L1", "/sites/LT/export/retire"} {
		if resp, _ := eve.get(path); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("engineer of OK, %s: %d", path, resp.StatusCode)
		}
	}
	resp, body = eve.get("/export/install")
	if resp.StatusCode != 200 || strings.Contains(body, "LT") {
		t.Fatalf("engineer's all-sites export has another site:\n%s", body)
	}
}

// Hostile inventory text is shown as text: markup escaped, never obeyed.
func TestHostileInventoryTextIsEscaped(t *testing.T) {
	f := newFixture(t, hubtest.SQLiteSpec(t))
	b := &browser{t: t, base: f.h.URL}
	b.signIn(f.code(t, "sam", wire.RoleSupervisor))
	for _, path := range []string{"/", "/sites/NS", "/sites/NS/positions/N1"} {
		_, body := b.get(path)
		mustLack(t, path, body, "<script>", "<img src=x", "<b>Block</b>")
	}
	_, body := b.get("/sites/NS")
	mustHave(t, "hostile site", body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &#39;Quay&#39; &amp; &#34;Co&#34;", "&lt;b&gt;Block&lt;/b&gt;")
}

// Behind TLS the cookie is Secure.
func TestCookieIsSecureUnderTLS(t *testing.T) {
	f := newFixture(t, hubtest.SQLiteSpec(t))
	p := &web.Page{Store: f.h.Store, Secure: true}
	srv := httptest.NewTLSServer(p.Handler())
	defer srv.Close()
	form := url.Values{"code": {f.code(t, "sam", wire.RoleSupervisor)}}
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.PostForm(srv.URL+"/signin", form)
	hubtest.Must(t, err)
	resp.Body.Close()
	cs := resp.Cookies()
	if len(cs) != 1 || !cs[0].Secure || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookies under TLS: %+v", cs)
	}
}
