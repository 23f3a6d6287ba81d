package hub_test

// Hostile clients at the hub's edge (issue 11, point 1): bodies before
// login, requests and bytes in flight, failed logins. Every case runs on
// SQLite and PostgreSQL, over real HTTP on 127.0.0.1, and fails on the hub
// as it was before the edge existed.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"testing"
	"time"

	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// logBuf collects a hub's log lines for the test to read.
type logBuf struct {
	mu stdsync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fixedClock is a clock the test moves by hand.
type fixedClock struct{ ns atomic.Int64 }

func newClock() *fixedClock {
	c := &fixedClock{}
	c.ns.Store(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *fixedClock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fixedClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// send makes a request with a JSON body and the given headers ("K: V").
func send(t *testing.T, method, url string, body io.Reader, length int64, headers ...string) (*http.Response, answer) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", "application/json")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, raw: string(b)}
	json.Unmarshal(b, &a.body)
	return resp, a
}

// waitFor polls cond until it holds; the test's own deadline bounds it.
func waitFor(cond func() bool) {
	for !cond() {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func TestHostileBodiesBeforeLogin(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		for _, path := range []string{"/v1/auth/enrol", "/v1/auth/refresh"} {
			// 4 MiB declared, 2 KiB sent: the answer comes without the rest,
			// so the hub never waited for (nor held) the body.
			pr, pw := io.Pipe()
			go pw.Write(bytes.Repeat([]byte(" "), 2<<10))
			_, a := send(t, http.MethodPost, h.URL+path, pr, 4<<20)
			pw.CloseWithError(io.ErrClosedPipe)
			if a.status != http.StatusRequestEntityTooLarge || a.body.Code != "too_large" {
				t.Errorf("%s with a 4 MiB body: %d %s, want 413 before the body is read", path, a.status, a.raw)
			}
			// The same without a length (chunked): refused past 1 KiB.
			pr, pw = io.Pipe()
			go pw.Write(bytes.Repeat([]byte(" "), 2<<10))
			_, a = send(t, http.MethodPost, h.URL+path, pr, -1)
			pw.CloseWithError(io.ErrClosedPipe)
			if a.status != http.StatusRequestEntityTooLarge {
				t.Errorf("%s chunked past 1 KiB: %d %s, want 413", path, a.status, a.raw)
			}
			// A small gzip body that grows past 1 KiB is refused too.
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write([]byte(`{"code":"` + strings.Repeat("A", 64<<10) + `"}`))
			zw.Close()
			if _, a := send(t, http.MethodPost, h.URL+path, bytes.NewReader(z.Bytes()), int64(z.Len()), "Content-Encoding: gzip"); a.status != http.StatusRequestEntityTooLarge {
				t.Errorf("%s gzip growing past 1 KiB: %d %s, want 413", path, a.status, a.raw)
			}
		}
		// An authenticated endpoint without a token never reads the body.
		pr, pw := io.Pipe()
		_, a := send(t, http.MethodPost, h.URL+"/v1/sync/push", pr, 4<<20)
		pw.Close()
		if a.status != http.StatusUnauthorized {
			t.Errorf("push without a token: %d, want 401 without reading the body", a.status)
		}
		// Another scheme is no token: not a guess to count.
		if _, a := send(t, http.MethodGet, h.URL+"/v1/progress", nil, 0, "Authorization: Basic YWxpY2U6eA=="); a.status != http.StatusUnauthorized || a.body.Code != "no_token" {
			t.Errorf("a Basic header: %d %s, want 401 no_token", a.status, a.raw)
		}
		// A real enrolment still fits.
		code, err := h.Store.AddUser(ctx, "alice", wire.RoleEngineer, []string{"KX"})
		hubtest.Must(t, err)
		body, _ := json.Marshal(wire.EnrolRequest{Code: code, ClientID: newID(), Host: strings.Repeat("h", 256)})
		if a := post(t, h.URL+"/v1/auth/enrol", "", body, true); a.status != http.StatusOK {
			t.Errorf("a real enrolment: %d %s", a.status, a.raw)
		}
	})
}

// slowPush starts a push with a good token whose body is still being sent:
// it holds an authenticated slot until the returned func finishes it.
func slowPush(t *testing.T, h *hubtest.Hub, tok, id string) (finish func() answer) {
	pr, pw := io.Pipe()
	done := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, h.URL+"/v1/sync/push", pr)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- answer{raw: err.Error()}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- answer{status: resp.StatusCode, raw: string(b)}
	}()
	pw.Write([]byte(`{"client_id":"` + id + `","ops":[`))
	return func() answer {
		pw.Write([]byte(`]}`))
		pw.Close()
		return <-done
	}
}

func TestHostileRequestsInFlight(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.StartWith(t, spec, func(s *hub.Server) { s.Limits.MaxInFlight, s.Limits.MaxPreAuth = 2, 2 })
		h.Plan("KX", 2)
		eng := h.Laptop("alice", wire.RoleEngineer, "KX")
		// Two enrolments that send their bodies slowly hold no slot at all
		// (issue 26): the body comes in before a slot is taken.
		pipes := make([]*io.PipeWriter, 2)
		var wg stdsync.WaitGroup
		for i := range pipes {
			pr, pw := io.Pipe()
			pipes[i] = pw
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodPost, h.URL+"/v1/auth/enrol", pr)
				req.Header.Set("Content-Type", "application/json")
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
			}()
			pw.Write([]byte(`{"code":`))
		}
		if a := get(t, h.URL+"/v1/health", ""); a.status != http.StatusOK || h.Server.PreAuthInFlight() != 0 {
			t.Errorf("health beside two slow enrolments: %d, %d pre-auth slots held; want 200 and none", a.status, h.Server.PreAuthInFlight())
		}
		// Two pushes with a good token fill the authenticated slots.
		f1 := slowPush(t, h, eng.Creds.AccessToken, eng.Creds.ClientID)
		f2 := slowPush(t, h, eng.Creds.AccessToken, eng.Creds.ClientID)
		waitFor(func() bool { return h.Server.InFlight() == 2 })
		body := pushBody(t, eng.Creds.ClientID)
		resp, a := send(t, http.MethodPost, h.URL+"/v1/sync/push", bytes.NewReader(body), int64(len(body)), "Authorization: Bearer "+eng.Creds.AccessToken)
		if a.status != http.StatusServiceUnavailable || a.body.Code != "busy" || resp.Header.Get("Retry-After") == "" {
			t.Errorf("a third push: %d %s Retry-After %q, want 503 busy with Retry-After", a.status, a.raw, resp.Header.Get("Retry-After"))
		}
		if strings.Contains(a.body.Error, "try again shortly") || !strings.Contains(a.body.Error, "nothing was written") {
			t.Errorf("the 503 in words: %q", a.body.Error)
		}
		// The pre-auth lane is apart: health still answers.
		if a := get(t, h.URL+"/v1/health", ""); a.status != http.StatusOK {
			t.Errorf("health while the authenticated slots are full: %d, want 200", a.status)
		}
		for _, f := range []func() answer{f1, f2} {
			if a := f(); a.status != http.StatusOK {
				t.Errorf("a slow push: %d %s", a.status, a.raw)
			}
		}
		for _, pw := range pipes {
			pw.Write([]byte(`"NOPE","client_id":"x"}`))
			pw.Close()
		}
		wg.Wait()
		waitFor(func() bool { return h.Server.InFlight() == 0 && h.Server.PreAuthInFlight() == 0 })
	})
}

func TestHostileBodyBytesHeld(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		// 48 KiB: each byte read counts three times (read and decoded,
		// issue 26), so 16 KiB of bodies at once.
		h := hubtest.StartWith(t, spec, func(s *hub.Server) { s.Limits.BodyMemory = 48 << 10 })
		h.Plan("KX", 2)
		eng := h.Laptop("alice", wire.RoleEngineer, "KX")
		tok, id := eng.Creds.AccessToken, eng.Creds.ClientID
		// One push holds 12 KiB (36 KiB with its decoded copies) while it is
		// still being sent.
		pr, pw := io.Pipe()
		done := make(chan answer, 1)
		go func() {
			req, _ := http.NewRequest(http.MethodPost, h.URL+"/v1/sync/push", pr)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- answer{raw: err.Error()}
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			done <- answer{status: resp.StatusCode, raw: string(b)}
		}()
		pw.Write([]byte(`{"client_id":"` + id + `","ops":[` + strings.Repeat(" ", 12<<10)))
		waitFor(func() bool { return h.Server.BodyBytesHeld() >= 3*12<<10 })
		// Another 8 KiB would go past 16 KiB read (48 KiB decoded): 503,
		// nothing written.
		padded := []byte(`{"client_id":"` + id + `","ops":[]` + strings.Repeat(" ", 8<<10) + `}`)
		resp, a := send(t, http.MethodPost, h.URL+"/v1/sync/push", bytes.NewReader(padded), int64(len(padded)), "Authorization: Bearer "+tok)
		if a.status != http.StatusServiceUnavailable || a.body.Code != "busy" || resp.Header.Get("Retry-After") == "" {
			t.Errorf("a push past the body memory: %d %s, want 503 busy with Retry-After", a.status, a.raw)
		}
		pw.Write([]byte(`]}`))
		pw.Close()
		if a := <-done; a.status != http.StatusOK {
			t.Errorf("the first push: %d %s", a.status, a.raw)
		}
		waitFor(func() bool { return h.Server.BodyBytesHeld() == 0 })
		if _, a := send(t, http.MethodPost, h.URL+"/v1/sync/push", bytes.NewReader(padded), int64(len(padded)), "Authorization: Bearer "+tok); a.status != http.StatusOK {
			t.Errorf("the second push once memory is free: %d %s", a.status, a.raw)
		}
	})
}

func TestHostileFailedLogins(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		clock := newClock()
		logs := &logBuf{}
		h := hubtest.StartWith(t, spec, func(s *hub.Server) {
			s.Limits.AuthFailBurst, s.Limits.AuthFailEvery = 3, time.Minute
			s.Now, s.Log = clock.now, log.New(logs, "", 0)
		})
		h.Plan("KX", 2)
		eng := h.Laptop("alice", wire.RoleEngineer, "KX")
		enrol := func(code string, headers ...string) (*http.Response, answer) {
			b, _ := json.Marshal(wire.EnrolRequest{Code: code, ClientID: newID(), Host: "mallory-pc"})
			return send(t, http.MethodPost, h.URL+"/v1/auth/enrol", bytes.NewReader(b), int64(len(b)), headers...)
		}
		for i := 0; i < 3; i++ {
			if _, a := enrol("QQQQ-WRNG-CODE-0000"); a.status != http.StatusUnauthorized {
				t.Fatalf("bad code %d: %d %s, want 401", i+1, a.status, a.raw)
			}
		}
		good, err := h.Store.AddUser(ctx, "bob", wire.RoleEngineer, []string{"KX"})
		hubtest.Must(t, err)
		// Spent: another bad code, with a made-up X-Forwarded-For, gets 429.
		resp, a := enrol("QQQQ-WRNG-CODE-0001", "X-Forwarded-For: 198.51.100.7")
		if a.status != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "60" {
			t.Fatalf("after 3 failures: %d %s Retry-After %q, want 429 with Retry-After 60", a.status, a.raw, resp.Header.Get("Retry-After"))
		}
		// A good token and a good code are never braked (issue 26): the
		// token is checked first, and only failures count.
		if a := get(t, h.URL+"/v1/progress", eng.Creds.AccessToken); a.status != http.StatusOK {
			t.Errorf("a good token from a spent address: %d %s, want 200", a.status, a.raw)
		}
		if _, a := enrol(good); a.status != http.StatusOK {
			t.Errorf("a good code from a spent address: %d %s, want 200", a.status, a.raw)
		}
		l := logs.String()
		for _, want := range []string{"enrolment code QQQQ…", "from 127.0.0.1", "host mallory-pc", "(3 failed from this address)"} {
			if !strings.Contains(l, want) {
				t.Errorf("log lacks %q:\n%s", want, l)
			}
		}
		// A minute gives one attempt back: a made-up token uses it.
		clock.advance(time.Minute)
		if a := get(t, h.URL+"/v1/sync/pull?site=KX&after=0", "cta_madeup"); a.status != http.StatusUnauthorized || a.body.Code != wire.CodeBadToken {
			t.Fatalf("a made-up token after a minute: %d %s, want 401 bad_token", a.status, a.raw)
		}
		if !strings.Contains(logs.String(), "access token sha256:") || strings.Contains(logs.String(), "cta_madeup") {
			t.Errorf("the log should name the token by its hash only:\n%s", logs.String())
		}
		if a := post(t, h.URL+"/v1/auth/refresh", "", []byte(`{"refresh_token":"ctr_madeup"}`), false); a.status != http.StatusTooManyRequests {
			t.Errorf("a made-up refresh from a spent address: %d, want 429", a.status)
		}
		// Later the address may fail again without a brake.
		clock.advance(10 * time.Minute)
		if _, a := enrol("QQQQ-WRNG-CODE-0002"); a.status != http.StatusUnauthorized {
			t.Fatalf("a bad code after the wait: %d %s, want 401", a.status, a.raw)
		}
		// An expired access token is routine: never counted.
		h.Skew.Store(int64(2 * time.Hour))
		for i := 0; i < 5; i++ {
			if a := get(t, h.URL+"/v1/sync/pull?site=KX&after=0", eng.Creds.AccessToken); a.status != http.StatusUnauthorized {
				t.Fatalf("expired token %d: %d, want 401 (not 429)", i+1, a.status)
			}
		}
	})
}

func TestHostileForwardedFor(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		logs := &logBuf{}
		h := hubtest.StartWith(t, spec, func(s *hub.Server) {
			s.Limits.AuthFailBurst, s.Limits.AuthFailEvery = 2, time.Hour
			s.Limits.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
			s.Now, s.Log = newClock().now, log.New(logs, "", 0)
		})
		bad := func(xff string) int {
			b := []byte(`{"code":"QQQQ-WRNG-CODE-0000","client_id":"x"}`)
			_, a := send(t, http.MethodPost, h.URL+"/v1/auth/enrol", bytes.NewReader(b), int64(len(b)), "X-Forwarded-For: "+xff)
			return a.status
		}
		bad("203.0.113.5")
		bad("203.0.113.5")
		// The client behind the proxy is spent, whatever it puts in front.
		if s := bad("192.0.2.1, 203.0.113.5"); s != http.StatusTooManyRequests {
			t.Errorf("a spent client behind the proxy: %d, want 429", s)
		}
		if s := bad("203.0.113.6"); s != http.StatusUnauthorized {
			t.Errorf("another client behind the proxy: %d, want 401", s)
		}
		if !strings.Contains(logs.String(), "from 203.0.113.5") {
			t.Errorf("the log should name the client, not the proxy:\n%s", logs.String())
		}
	})
}
