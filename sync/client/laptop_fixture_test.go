package client_test

import (
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// A laptop's fixture (testdata/laptops/GOOS-GOARCH) is written by that
// platform's cutover: a hub store and one engineer's site database, with
// three positions synced and three more done offline, not yet pushed.
// The credentials are not part of it: they stay on the laptop they were
// issued to, and the engineer logs in again on the new one.
const (
	fixtureSite      = "KX"
	fixturePositions = 12
	fixtureSynced    = 3
	fixtureOffline   = 3
)

// TestWriteLaptopFixture writes this platform's fixture. Run it on the
// platform, e.g. on a Windows laptop with the cross-built test binary:
//
//	GOOS=windows CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc go test -c -o client.test.exe ./sync/client
//	set CUTOVER_WRITE_LAPTOP_FIXTURE=testdata\laptops && client.test.exe -test.run TestWriteLaptopFixture
func TestWriteLaptopFixture(t *testing.T) {
	root := os.Getenv("CUTOVER_WRITE_LAPTOP_FIXTURE")
	if root == "" {
		t.Skip("set CUTOVER_WRITE_LAPTOP_FIXTURE=testdata/laptops to write this platform's fixture")
	}
	dir := filepath.Join(root, runtime.GOOS+"-"+runtime.GOARCH)
	hubtest.Must(t, os.RemoveAll(dir))
	hubtest.Must(t, os.MkdirAll(dir, 0o755))
	h := hubtest.Start(t, "sqlite:"+filepath.Join(dir, "hub.db"))
	inv := h.Plan(fixtureSite, fixturePositions)
	code, err := h.Store.AddUser(ctx, "alice", wire.RoleEngineer, []string{fixtureSite})
	hubtest.Must(t, err)
	st, err := site.Open(filepath.Join(dir, "cutover.db"))
	hubtest.Must(t, err)
	s := enrolAt(t, h, st, "alice", code)
	// Where this platform keeps the credentials is remembered in the
	// database (a Windows path, on Windows); the new laptop's login replaces it.
	home := map[string]string{"HOME": "/home/alice", "APPDATA": `C:\Users\alice\AppData\Roaming`}
	hubtest.Must(t, client.SetCredentialsPath(ctx, st, "alice", client.CredentialsPath("", func(k string) string { return home[k] })))
	if _, err := s.Sync(ctx, fixtureSite); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= fixtureSynced+fixtureOffline; i++ {
		hubtest.Must(t, st.SetStatus(ctx, "alice", fixtureSite, hubtest.Label(inv, i), site.StatusDiscovered, ""))
		if i == fixtureSynced {
			if _, err := s.Sync(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	hubtest.Must(t, st.Close())
	h.Stop()
	about := "written by TestWriteLaptopFixture on " + runtime.GOOS + "/" + runtime.GOARCH + " with " + runtime.Version() +
		", schema " + strconv.Itoa(site.SchemaVersion()) + ", " + time.Now().UTC().Format(time.DateOnly) + "\n"
	hubtest.Must(t, os.WriteFile(filepath.Join(dir, "about.txt"), []byte(about), 0o644))
}

// TestLaptopFromAnotherPlatform: a site database and the hub's store copied
// from another machine (Windows to Linux or the other way) open, hold the
// work done there, and the work not yet pushed syncs once the engineer logs
// in on this machine, without duplicates.
func TestLaptopFromAnotherPlatform(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "laptops", "*"))
	if len(dirs) == 0 {
		t.Fatal("no laptop fixtures in testdata/laptops")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			tmp := t.TempDir()
			for _, f := range []string{"hub.db", "cutover.db"} {
				copyFile(t, filepath.Join(dir, f), filepath.Join(tmp, f))
			}
			h := hubtest.Start(t, "sqlite:"+filepath.Join(tmp, "hub.db"))
			st, err := site.Open(filepath.Join(tmp, "cutover.db"))
			hubtest.Must(t, err)
			t.Cleanup(func() { st.Close() })
			ps, err := st.Positions(ctx, fixtureSite)
			hubtest.Must(t, err)
			if n := countStatus(ps, site.StatusDiscovered); len(ps) != fixturePositions || n != fixtureSynced+fixtureOffline {
				t.Fatalf("%d positions, %d discovered; want %d and %d", len(ps), n, fixturePositions, fixtureSynced+fixtureOffline)
			}
			if stat, err := client.ReadStatus(ctx, st); err != nil || stat.Pending != fixtureOffline {
				t.Fatalf("pending %+v %v, want %d", stat, err, fixtureOffline)
			}
			code, err := h.Store.AddUser(ctx, "alice", wire.RoleEngineer, []string{fixtureSite})
			hubtest.Must(t, err)
			s := enrolAt(t, h, st, "alice", code)
			// The credentials are saved and read back through this
			// platform's owner-only file code.
			credPath := filepath.Join(tmp, "config", "hub-credentials.json")
			creds := s.Client.Credentials()
			hubtest.Must(t, creds.Save(credPath))
			if _, err := client.LoadCredentials(credPath); err != nil {
				t.Fatal(err)
			}
			rep, err := s.Sync(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Pushed != fixtureOffline || rep.Duplicates != 0 {
				t.Fatalf("sync: %+v, want %d pushed and no duplicates", rep, fixtureOffline)
			}
			if n := h.Count(`SELECT COUNT(*) FROM positions WHERE site = ? AND status = 'discovered'`, fixtureSite); n != fixtureSynced+fixtureOffline {
				t.Fatalf("hub has %d discovered, want %d", n, fixtureSynced+fixtureOffline)
			}
			if stat, _ := client.ReadStatus(ctx, st); stat.Pending != 0 {
				t.Fatalf("%d still pending after the sync", stat.Pending)
			}
		})
	}
}

// enrolAt enrols the laptop whose database is st and returns its syncer.
func enrolAt(t *testing.T, h *hubtest.Hub, st *site.Store, name, code string) *client.Syncer {
	t.Helper()
	id, err := client.ClientID(ctx, st, name)
	hubtest.Must(t, err)
	httpc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	t.Cleanup(httpc.CloseIdleConnections)
	creds, err := client.Enrol(ctx, httpc, h.URL, code, id, "laptop-"+runtime.GOOS)
	if err != nil {
		t.Fatalf("enrol %s: %v", name, err)
	}
	c, err := client.New(creds, httpc)
	hubtest.Must(t, err)
	return &client.Syncer{Store: st, Client: c, Engineer: name}
}

func countStatus(ps []site.Position, s site.Status) int {
	n := 0
	for _, p := range ps {
		if p.Status == s {
			n++
		}
	}
	return n
}
