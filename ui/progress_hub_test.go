package ui

import (
	"context"
	"cutover/internal/fieldtest"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/hub"
	"cutover/sync/wire"

	tea "github.com/charmbracelet/bubbletea"
)

// A real hub for the progress TUI's tests: the hub's SQLite store served
// over HTTP on 127.0.0.1, with plans imported through the store API and a
// known history pushed by enrolled laptops, as sync/hub/progress_test.go
// does. (sync/internal/hubtest cannot be imported from ui; this is the same
// recipe, trimmed to what these tests need.) The hub's clock is fixed at
// fixedNow, so its figures, projections and last-sync times do not move.
type progressHubFixture struct {
	t     testing.TB
	store *hub.Store
	srv   *httptest.Server
	url   string
	users map[string]*hubLaptop
}

type hubLaptop struct {
	name   string
	store  *site.Store
	creds  *client.Credentials
	syncer *client.Syncer
}

// The plans: AA has work done over the last weeks, failures and returned
// handsets; BB has had nothing done and will miss its cease date; CC is
// finished.
const (
	planAA = `{"site":{"code":"AA","name":"Alpha Road","cease_date":"2027-06-30"},"positions":[
	{"label":"P1","role":"front_counter","legacy_vendor":"cisco","extension":"1001"},
	{"label":"P2","role":"front_counter","legacy_vendor":"cisco","extension":"1002"},
	{"label":"P3","role":"custody_suite","legacy_vendor":"cisco","extension":"1003"},
	{"label":"P4","role":"reception","legacy_vendor":"mitel","extension":"1004"},
	{"label":"P5","role":"personal","legacy_vendor":"cisco","extension":"1005","ddi":"020 7230 1005"},
	{"label":"P6","role":"personal","legacy_vendor":"cisco","extension":"1006","ddi":"020 7230 1006"},
	{"label":"P7","role":"personal","legacy_vendor":"cisco","extension":"1007"},
	{"label":"P8","role":"hot_desk","legacy_vendor":"cisco","extension":"1008","ddi":"020 7230 1008"},
	{"label":"P9","role":"hot_desk","legacy_vendor":"cisco","extension":"1009","ddi":"020 7230 1009"},
	{"label":"P10","role":"meeting_room","legacy_vendor":"cisco","extension":"1010"}]}`
	planBB = `{"site":{"code":"BB","name":"Bravo Street","cease_date":"2026-12-01"},"positions":[
	{"label":"Q1","role":"front_counter","legacy_vendor":"cisco","extension":"2001"},
	{"label":"Q2","role":"personal","legacy_vendor":"cisco","extension":"2002"}]}`
	planCC = `{"site":{"code":"CC","name":"Castle Yard","cease_date":"2027-01-31"},"positions":[
	{"label":"R1","role":"front_counter","legacy_vendor":"cisco","extension":"3001"},
	{"label":"R2","role":"reception","legacy_vendor":"cisco","extension":"3002"}]}`
)

func startProgressHub(t testing.TB) *progressHubFixture {
	t.Helper()
	ctx := context.Background()
	st, err := hub.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Now = func() time.Time { return fixedNow }
	srv := httptest.NewServer((&hub.Server{Store: st}).Handler())
	f := &progressHubFixture{t: t, store: st, srv: srv, url: srv.URL, users: map[string]*hubLaptop{}}
	t.Cleanup(f.stop)
	// The plans were loaded before the work (a laptop's clock is believed
	// from a day before a site's first import).
	st.Now = func() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) }
	for _, doc := range []string{planAA, planBB, planCC} {
		inv, err := site.ParseInventory("plan.json", []byte(doc), site.ParseOptions{})
		must(t, err)
		_, err = st.ImportPlan(ctx, "admin", inv, []byte(doc))
		must(t, err)
	}
	st.Now = func() time.Time { return fixedNow }
	alice := f.laptop("alice", wire.RoleEngineer, "AA", "CC")
	bob := f.laptop("bob", wire.RoleEngineer, "BB")
	f.laptop("sam", wire.RoleSupervisor)
	f.sync(alice, "AA", "CC")
	f.sync(bob, "BB")
	f.done(alice, "AA", "2026-10-01", "P2")
	f.done(alice, "AA", "2026-11-20", "P1", "P5")
	f.done(alice, "AA", "2026-11-24", "P8")
	f.done(alice, "CC", "2026-11-23", "R1", "R2")
	// P3 failed and P4 blocked: started, then rolled back.
	for l, why := range map[string]string{"P3": "failed: no PoE on the port", "P4": "blocked: no PoE on the port"} {
		_, err := fieldtest.Do(alice.store, "alice", "AA", l, "precheck", nil)
		must(t, err)
		_, err = fieldtest.RollBack(alice.store, "alice", "AA", l, why)
		must(t, err)
	}
	f.sync(alice)
	return f
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// laptop adds a hub user and enrols a laptop for them through the API.
func (f *progressHubFixture) laptop(name, role string, sites ...string) *hubLaptop {
	t, ctx := f.t, context.Background()
	code, err := f.store.AddUser(ctx, name, role, sites)
	must(t, err)
	st, err := site.Open(filepath.Join(t.TempDir(), name+".db"))
	must(t, err)
	t.Cleanup(func() { st.Close() })
	id, err := client.ClientID(ctx, st, name)
	must(t, err)
	creds, err := client.Enrol(ctx, http.DefaultClient, f.url, code, id, "test-"+name)
	must(t, err)
	c, err := client.New(creds, http.DefaultClient)
	must(t, err)
	l := &hubLaptop{name: name, store: st, creds: creds, syncer: &client.Syncer{Store: st, Client: c, Engineer: name}}
	f.users[name] = l
	return l
}

func (f *progressHubFixture) sync(l *hubLaptop, sites ...string) {
	f.t.Helper()
	if _, err := l.syncer.Sync(context.Background(), sites...); err != nil {
		f.t.Fatalf("sync %s: %v", l.name, err)
	}
}

// done records positions done on day (YYYY-MM-DD) on l's laptop and pushes.
func (f *progressHubFixture) done(l *hubLaptop, code, day string, labels ...string) {
	f.t.Helper()
	d, _ := time.Parse(time.DateOnly, day)
	l.store.Now = func() time.Time { return d.Add(10 * time.Hour) }
	defer func() { l.store.Now = time.Now }()
	for _, lb := range labels {
		disposition := map[string]string{"P8": "weee WTN-1"}[lb] // the rest go back to stores
		_, err := fieldtest.Do(l.store, l.name, code, lb, "", map[string]string{"disposition": disposition})
		must(f.t, err)
	}
	f.sync(l)
}

func (f *progressHubFixture) stop() {
	if f.srv != nil {
		f.srv.CloseClientConnections()
		f.srv.Close()
		f.store.Close()
		f.srv = nil
	}
}

// client is a fresh hub client with user's credentials.
func (f *progressHubFixture) client(user string) *client.Client {
	cr := *f.users[user].creds
	c, err := client.New(&cr, http.DefaultClient)
	must(f.t, err)
	return c
}

// newProgressTestRoot is the progress TUI for user, colour off, no
// animation, sized w×h, with its first fetch done.
func newProgressTestRoot(t testing.TB, c *client.Client, w, h int) *root {
	t.Helper()
	m := newProgressRoot(context.Background(), ProgressOptions{Client: c, NoColor: true, PartDir: t.TempDir(),
		Now: func() time.Time { return fixedNow }}, newRenderer(io.Discard, true))
	m.sh.animate = false
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	drain(t, m, m.Init())
	return m
}
