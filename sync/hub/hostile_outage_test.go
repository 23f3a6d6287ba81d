package hub_test

// A store outage (issue 26, point 7): PostgreSQL going away under the hub
// (a restart) is answered 503 with Retry-After, in plain words, never
// 500; the laptop keeps its work and sends it once the store is back.

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	stdsync "sync"
	"testing"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// pgProxy stands between the hub and PostgreSQL on loopback; down cuts
// every connection and refuses new ones, as a restarting server does.
type pgProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     stdsync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func (p *pgProxy) up() {
	ln, err := net.Listen("tcp", p.addr)
	hubtest.Must(p.t, err)
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *pgProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func TestHostileStoreOutage(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		if strings.HasPrefix(spec, "sqlite:") {
			t.Skip("SQLite is a file inside the hub's process: it has no server to restart")
		}
		u, err := url.Parse(spec)
		hubtest.Must(t, err)
		p := &pgProxy{t: t, addr: "127.0.0.1:0", target: u.Host}
		p.up()
		t.Cleanup(p.down)
		u.Host = p.addr
		h := hubtest.Start(t, u.String())
		inv := h.Plan("KX", 2)
		l := h.Laptop("alice", wire.RoleEngineer, "KX")
		sync(t, l, "KX")
		hubtest.Must(t, l.Store.SetStatus(ctx, "alice", "KX", hubtest.Label(inv, 1), site.StatusDiscovered, ""))

		p.down() // PostgreSQL restarts
		body := pushBody(t, l.Creds.ClientID)
		for _, try := range []struct {
			name string
			do   func() (*http.Response, answer)
		}{
			{"push", func() (*http.Response, answer) {
				return send(t, http.MethodPost, h.URL+"/v1/sync/push", bytes.NewReader(body), int64(len(body)), "Authorization: Bearer "+l.Syncer.Client.Credentials().AccessToken)
			}},
			{"pull", func() (*http.Response, answer) {
				return send(t, http.MethodGet, h.URL+"/v1/sync/pull?site=KX&after=0", nil, 0, "Authorization: Bearer "+l.Syncer.Client.Credentials().AccessToken)
			}},
			{"refresh", func() (*http.Response, answer) {
				b := []byte(`{"refresh_token":"ctr_x"}`)
				return send(t, http.MethodPost, h.URL+"/v1/auth/refresh", bytes.NewReader(b), int64(len(b)))
			}},
		} {
			resp, a := try.do()
			if a.status != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || a.body.Code != "store_unavailable" ||
				!strings.Contains(a.body.Error, "cannot reach its database") {
				t.Errorf("%s while PostgreSQL is down: %d %s Retry-After %q, want 503 store_unavailable with Retry-After",
					try.name, a.status, a.raw, resp.Header.Get("Retry-After"))
			}
		}
		if resp, a := send(t, http.MethodGet, h.URL+"/v1/health", nil, 0); a.status != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("health while PostgreSQL is down: %d %s", a.status, a.raw)
		}
		_, err = l.Syncer.Sync(ctx)
		var he *client.HTTPError
		if !errors.As(err, &he) || he.Status != http.StatusServiceUnavailable {
			t.Errorf("the laptop's sync while PostgreSQL is down: %v, want the hub's 503", err)
		}
		if st, _ := client.ReadStatus(ctx, l.Store); st.Pending != 1 {
			t.Errorf("the laptop's work while the store is down: %d pending, want 1", st.Pending)
		}

		p.up() // back on the same address
		if rep := sync(t, l); rep.Pushed != 1 {
			t.Errorf("once PostgreSQL is back: pushed %d, want 1", rep.Pushed)
		}
		if n := h.Count(`SELECT last_seq FROM clients WHERE client_id = ?`, l.Creds.ClientID); n != 1 {
			t.Errorf("the store acknowledged through %d, want 1", n)
		}
	})
}
