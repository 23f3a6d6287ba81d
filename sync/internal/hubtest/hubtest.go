// Package hubtest runs sync tests against a real hub: the same test on a
// fresh SQLite file and on a fresh PostgreSQL schema (CUTOVER_TEST_PG), over
// real HTTP on 127.0.0.1, with real laptop stores enrolled through the API.
package hubtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cutover/internal/invgen"
	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/hub"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// PGEnv names the variable holding the test PostgreSQL URL.
const PGEnv = "CUTOVER_TEST_PG"

// EachStore runs fn once on SQLite and once on PostgreSQL; the PostgreSQL
// run is skipped, saying why, when CUTOVER_TEST_PG is not set.
func EachStore(t *testing.T, fn func(t *testing.T, spec string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, SQLiteSpec(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, PostgresSpec(t))
	})
}

// SQLiteSpec is a fresh hub database file in the test's temp folder.
func SQLiteSpec(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "hub.db")
}

// PostgresSpec makes a schema of its own for the test (dropped at the end)
// and returns a URL whose search_path points at it.
func PostgresSpec(t testing.TB) string {
	base := os.Getenv(PGEnv)
	if base == "" {
		t.Skipf("PostgreSQL hub tests skipped: set %s, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable", PGEnv)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "cutover_t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema on %s: %v", PGEnv, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Hub is a running hub.
type Hub struct {
	Spec  string
	Store *hub.Store
	Srv   *httptest.Server
	URL   string
	// Skew moves the hub's clock (nanoseconds); tests age tokens with it.
	Skew atomic.Int64
	// Server is the API being served; Configure, if set, adjusts it (its
	// limits, log, clock) before it starts, on every (re)start.
	Server    *hub.Server
	Configure func(*hub.Server)
	t         testing.TB
}

// Start opens the store at spec and serves it on 127.0.0.1.
func Start(t testing.TB, spec string) *Hub {
	return StartWith(t, spec, nil)
}

// StartWith is Start with the server adjusted by configure first.
func StartWith(t testing.TB, spec string, configure func(*hub.Server)) *Hub {
	h := &Hub{Spec: spec, t: t, Configure: configure}
	h.open()
	t.Cleanup(h.Stop)
	return h
}

func (h *Hub) open() {
	st, err := hub.Open(context.Background(), h.Spec)
	if err != nil {
		h.t.Fatal(err)
	}
	h.Store = st
	st.Now = func() time.Time { return time.Now().Add(time.Duration(h.Skew.Load())) }
	h.Server = &hub.Server{Store: st}
	if h.Configure != nil {
		h.Configure(h.Server)
	}
	h.Srv = httptest.NewUnstartedServer(h.Server.Handler())
	if h.URL != "" { // a restart: come back on the same address
		addr := strings.TrimPrefix(h.URL, "http://")
		var ln net.Listener
		for i := 0; i < 50; i++ {
			if ln, err = net.Listen("tcp", addr); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			h.t.Fatalf("hub restart on %s: %v", addr, err)
		}
		h.Srv.Listener.Close()
		h.Srv.Listener = ln
	}
	h.Srv.Start()
	h.URL = h.Srv.URL
}

// Stop stops the server and closes the store (idempotent).
func (h *Hub) Stop() {
	if h.Srv != nil {
		h.Srv.CloseClientConnections()
		h.Srv.Close()
		h.Store.Close()
		h.Srv = nil
	}
}

// Restart stops the hub and opens it again on the same store and address.
func (h *Hub) Restart() {
	h.Stop()
	h.open()
}

// Plan loads a generated plan of n positions for site code.
func (h *Hub) Plan(code string, n int) *site.Inventory {
	var buf bytes.Buffer
	if err := invgen.WriteCSV(&buf, invgen.Options{Sites: 1, PerSite: n, Seed: 7, SiteCode: func(int) string { return code }}); err != nil {
		h.t.Fatal(err)
	}
	inv, err := site.ParseInventory(code+".csv", buf.Bytes(), site.ParseOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.Store.ImportPlan(context.Background(), "admin", inv, buf.Bytes()); err != nil {
		h.t.Fatal(err)
	}
	return inv
}

// Laptop is one engineer's laptop: its own site database and sync client.
type Laptop struct {
	Name   string
	Store  *site.Store
	Syncer *client.Syncer
	Creds  *client.Credentials
	// Transport is the laptop's round tripper; tests may wrap it.
	Transport http.RoundTripper
	HTTP      *http.Client
}

// Laptop adds a user and enrols a new laptop for them through the API.
func (h *Hub) Laptop(name, role string, sites ...string) *Laptop {
	t := h.t
	code, err := h.Store.AddUser(context.Background(), name, role, sites)
	if err != nil {
		t.Fatal(err)
	}
	st, err := site.Open(filepath.Join(t.TempDir(), name+".db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	l := &Laptop{Name: name, Store: st, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	l.HTTP = &http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) { return l.Transport.RoundTrip(r) })}
	id, err := client.ClientID(context.Background(), st, name)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := client.Enrol(context.Background(), l.HTTP, h.URL, code, id, "test-"+name)
	if err != nil {
		t.Fatalf("enrol %s: %v", name, err)
	}
	l.Creds = creds
	c, err := client.New(creds, l.HTTP)
	if err != nil {
		t.Fatal(err)
	}
	l.Syncer = &client.Syncer{Store: st, Client: c, Engineer: name}
	return l
}

// Repoint moves the laptop to another hub URL (after a restart).
func (l *Laptop) Repoint(url string) {
	c := l.Syncer.Client.Credentials()
	c.Hub = url
	nc, _ := client.New(&c, l.HTTP)
	l.Syncer.Client = nc
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Count runs a COUNT query on the hub's store.
func (h *Hub) Count(query string, args ...any) int {
	n, err := h.Store.CountForTest(query, args...)
	if err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Label returns the label of the i-th position (1-based) of a generated plan.
func Label(inv *site.Inventory, i int) string { return inv.Sites[0].Positions[i-1].Label }

// Must fails the test on err.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// RoundTripFunc makes a function an http.RoundTripper.
type RoundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f RoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
