package hub_test

// Access over a working life (issue 26, points 2, 4 and 7): revoked
// laptops told so in words and their work seen by the hub, refresh tokens
// rotated and a copy caught, one laptop cut off, a revoked person kept out
// until reinstated, one name for every process of a hub, plain words for
// 503 and 507. Both stores, over real HTTP on 127.0.0.1.

import (
	"bytes"
	"errors"
	"log"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

func laptopOf(t *testing.T, h *hubtest.Hub, users []hub.User, name, clientID string) hub.Laptop {
	t.Helper()
	for _, u := range users {
		for _, l := range u.Laptops {
			if u.Name == name && l.ClientID == clientID {
				return l
			}
		}
	}
	t.Fatalf("hub user list has no laptop %s for %s: %+v", clientID, name, users)
	return hub.Laptop{}
}

func TestHostileRevokedLaptopKeepsItsWork(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		logs := &logBuf{}
		h := hubtest.StartWith(t, spec, func(s *hub.Server) {
			s.Limits.AuthFailBurst, s.Limits.AuthFailEvery = 2, time.Hour
			s.Log = log.New(logs, "", 0)
		})
		inv := h.Plan("KX", 3)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		bob := h.Laptop("bob", wire.RoleEngineer, "KX") // a colleague behind the same address
		sync(t, alice, "KX")
		sync(t, bob, "KX")
		for i := 1; i <= 3; i++ {
			hubtest.Must(t, alice.Store.SetStatus(ctx, "alice", "KX", hubtest.Label(inv, i), site.StatusDiscovered, ""))
		}
		hubtest.Must(t, h.Store.RevokeUser(ctx, "alice"))
		// The laptop retries ten times: each is told "revoked" in words.
		var err error
		for i := 0; i < 10; i++ {
			if _, err = alice.Syncer.Sync(ctx); !client.IsRevoked(err) {
				t.Fatalf("sync %d after revoke: %v, want the hub saying revoked", i+1, err)
			}
		}
		for _, want := range []string{"revoked", "work is kept on this laptop", "ask an admin"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the laptop's words %q lack %q", err, want)
			}
		}
		st, _ := client.ReadStatus(ctx, alice.Store)
		if st.Pending != 3 || !strings.Contains(st.LastError, "revoked") {
			t.Errorf("laptop after refused syncs: %d pending, last error %q; want 3 kept and the words shown", st.Pending, st.LastError)
		}
		// Not one was counted as a guess: the colleague's bad guesses still
		// have their own budget (2), and the colleague syncs.
		if strings.Contains(logs.String(), "auth failed") {
			t.Errorf("a revoked token was counted as a failed login:\n%s", logs.String())
		}
		sync(t, bob)
		b := []byte(`{"refresh_token":"ctr_madeup"}`)
		if _, a := send(t, http.MethodPost, h.URL+"/v1/auth/refresh", bytes.NewReader(b), int64(len(b))); a.status != http.StatusUnauthorized || a.body.Code != wire.CodeBadToken {
			t.Errorf("a first made-up refresh: %d %s, want 401 bad_token (the revoked retries were not counted)", a.status, a.raw)
		}
		// The hub saw what the laptop holds: three ops it never received.
		users, err := h.Store.Users(ctx)
		hubtest.Must(t, err)
		l := laptopOf(t, h, users, "alice", alice.Creds.ClientID)
		if !l.Revoked || l.LocalSeq != 3 || l.LastSeq != 0 || l.Unsent() != 3 || l.RefusedAt == 0 {
			t.Errorf("hub user list for alice's laptop: %+v, want revoked, 3 ops unsent", l)
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id = ?`, alice.Creds.ClientID); n != 0 {
			t.Errorf("%d ops of a revoked laptop reached the journal", n)
		}
		// Adding her again refuses; --reinstate lets her back, with a new
		// code: the old tokens stay revoked.
		if _, err := h.Store.AddUser(ctx, "alice", wire.RoleEngineer, []string{"KX"}); !errors.Is(err, hub.ErrRevokedUser) {
			t.Fatalf("hub user add of a revoked person: %v, want refused", err)
		}
		code, err := h.Store.Reinstate(ctx, "alice", wire.RoleEngineer, []string{"KX"})
		hubtest.Must(t, err)
		if _, err := alice.Syncer.Sync(ctx); !client.IsRevoked(err) {
			t.Errorf("the old login after reinstating: %v, want still revoked", err)
		}
		creds, err := client.Enrol(ctx, alice.HTTP, h.URL, code, alice.Creds.ClientID, "test-alice")
		hubtest.Must(t, err)
		c, _ := client.New(creds, alice.HTTP)
		alice.Syncer.Client = c
		if rep := sync(t, alice); rep.Pushed != 3 {
			t.Errorf("after reinstating: pushed %d, want the 3 kept ops", rep.Pushed)
		}
		users, _ = h.Store.Users(ctx)
		if l := laptopOf(t, h, users, "alice", alice.Creds.ClientID); l.Revoked || l.Unsent() != 0 || l.LastSeq != 3 {
			t.Errorf("hub user list once the work is in: %+v", l)
		}
	})
}

func TestHostileOneLaptopRevoked(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 2)
		lost := h.Laptop("carol", wire.RoleEngineer, "KX")
		spare := h.Laptop("carol", wire.RoleEngineer, "KX") // her second laptop, enrolled with a new code
		sync(t, lost, "KX")
		sync(t, spare, "KX")
		hubtest.Must(t, lost.Store.SetStatus(ctx, "carol", "KX", hubtest.Label(inv, 1), site.StatusDiscovered, ""))
		hubtest.Must(t, h.Store.RevokeLaptop(ctx, "carol", lost.Creds.ClientID))
		if _, err := lost.Syncer.Sync(ctx); !client.IsRevoked(err) {
			t.Fatalf("the lost laptop: %v, want revoked", err)
		}
		hubtest.Must(t, spare.Store.SetStatus(ctx, "carol", "KX", hubtest.Label(inv, 2), site.StatusDiscovered, ""))
		if rep := sync(t, spare); rep.Pushed != 1 {
			t.Errorf("her other laptop pushed %d, want 1", rep.Pushed)
		}
		if err := h.Store.RevokeLaptop(ctx, "carol", "no-such-laptop"); !errors.Is(err, hub.ErrNoUser) {
			t.Errorf("revoking a laptop she does not have: %v", err)
		}
		if n := h.Count(`SELECT COUNT(*) FROM tokens WHERE client_id = ? AND revoked_at IS NULL`, lost.Creds.ClientID); n != 0 {
			t.Errorf("the lost laptop still has %d live tokens", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM users WHERE name = 'carol' AND revoked_at IS NULL`); n != 1 {
			t.Error("revoking one laptop revoked the person")
		}
	})
}

func TestHostileRefreshTokenCopied(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		logs := &logBuf{}
		h := hubtest.StartWith(t, spec, func(s *hub.Server) { s.Log = log.New(logs, "", 0) })
		inv := h.Plan("KX", 2)
		l := h.Laptop("dave", wire.RoleEngineer, "KX")
		path := filepath.Join(t.TempDir(), "hub-credentials.json")
		hubtest.Must(t, l.Creds.Save(path))
		l.Syncer.Client.Save = func(c *client.Credentials) error { return c.Save(path) }
		l.Syncer.Client.Load = func() (*client.Credentials, error) { return client.LoadCredentials(path) }
		copied, oldAccess := l.Creds.RefreshToken, l.Creds.AccessToken // what a thief copied off the laptop
		// Two hours on, the access token has run out: the laptop refreshes,
		// and the refresh token rotates; the new one is on disk.
		h.Skew.Store(int64(2 * time.Hour))
		sync(t, l, "KX")
		disk, err := client.LoadCredentials(path)
		hubtest.Must(t, err)
		if disk.RefreshToken == copied || disk.RefreshToken == "" || disk.AccessToken == oldAccess {
			t.Fatalf("after a refresh the saved refresh token is %q (was %q): want a new one", disk.RefreshToken, copied)
		}
		// Another process of the laptop (the TUI's loop beside 'cutover
		// sync') still holds the login read before that refresh. Within a
		// minute of the rotation its old token is answered "rotated" and
		// nothing is revoked; reading the saved login again, it goes on.
		stale := *l.Creds
		stale.RefreshToken, stale.AccessToken = copied, oldAccess
		other, _ := client.New(&stale, l.HTTP)
		if _, err := other.Progress(ctx); err == nil || !strings.Contains(err.Error(), "replaced moments ago") || client.IsRevoked(err) {
			t.Fatalf("a second process with the old refresh token: %v, want 401 rotated", err)
		}
		other.Load = func() (*client.Credentials, error) { return client.LoadCredentials(path) }
		if _, err := other.Progress(ctx); err != nil {
			t.Fatalf("the second process reading the saved login: %v", err)
		}
		if n := h.Count(`SELECT COUNT(*) FROM tokens WHERE client_id = ? AND revoked_at IS NOT NULL`, l.Creds.ClientID); n != 0 {
			t.Fatalf("a second process of the laptop revoked %d of its tokens", n)
		}
		// A second refresh rotates again; the laptop goes on.
		h.Skew.Store(int64(4 * time.Hour))
		sync(t, l)
		disk2, _ := client.LoadCredentials(path)
		if disk2.RefreshToken == disk.RefreshToken {
			t.Fatal("the second refresh did not rotate the token")
		}
		// The thief uses the copy: refused as revoked, logged as a copy,
		// and every token of that laptop is revoked.
		b := []byte(`{"refresh_token":"` + copied + `"}`)
		if _, a := send(t, http.MethodPost, h.URL+"/v1/auth/refresh", bytes.NewReader(b), int64(len(b))); a.status != http.StatusUnauthorized || a.body.Code != wire.CodeRevoked {
			t.Fatalf("the copied refresh token: %d %s, want 401 revoked", a.status, a.raw)
		}
		if !strings.Contains(logs.String(), "SUSPECTED COPY") || !strings.Contains(logs.String(), l.Creds.ClientID) {
			t.Errorf("the hub's log does not name the suspected copy:\n%s", logs.String())
		}
		if n := h.Count(`SELECT COUNT(*) FROM tokens WHERE client_id = ? AND revoked_at IS NULL`, l.Creds.ClientID); n != 0 {
			t.Errorf("%d tokens of the copied laptop still live", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM tokens WHERE client_id = ? AND revoked_why LIKE '%suspected copy%'`, l.Creds.ClientID); n == 0 {
			t.Error("the store does not say why the tokens were revoked")
		}
		// The laptop is told in words and keeps its work.
		hubtest.Must(t, l.Store.SetStatus(ctx, "dave", "KX", hubtest.Label(inv, 1), site.StatusDiscovered, ""))
		if _, err := l.Syncer.Sync(ctx); !client.IsRevoked(err) {
			t.Fatalf("the laptop after its copy was caught: %v, want revoked", err)
		}
		if st, _ := client.ReadStatus(ctx, l.Store); st.Pending != 1 {
			t.Errorf("the laptop's work: %d pending, want 1 kept", st.Pending)
		}
	})
}

func TestHostileOneNameForEveryProcess(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h1 := hubtest.Start(t, spec)
		inv := h1.Plan("KX", 2)
		l := h1.Laptop("erin", wire.RoleEngineer, "KX")
		sync(t, l, "KX")
		h2 := hubtest.Start(t, spec) // another process of the same hub
		other := hubtest.Start(t, hubtest.SQLiteSpec(t))
		if l.Creds.HubName == "" || !strings.HasPrefix(l.Creds.HubName, "hub-") {
			t.Fatalf("the laptop's credentials name no hub: %+v", l.Creds)
		}
		if err := l.Syncer.Client.Adopt(ctx, other.URL); err == nil || !strings.Contains(err.Error(), "the saved login is for "+h1.URL+", not "+other.URL) {
			t.Fatalf("moving to another hub: %v, want refused in words", err)
		}
		if got := l.Syncer.Client.Credentials().Hub; got != h1.URL {
			t.Fatalf("a refused move changed the hub to %s", got)
		}
		hubtest.Must(t, l.Syncer.Client.Adopt(ctx, h2.URL))
		h1.Stop()
		hubtest.Must(t, l.Store.SetStatus(ctx, "erin", "KX", hubtest.Label(inv, 1), site.StatusDiscovered, ""))
		if rep := sync(t, l); rep.Pushed != 1 {
			t.Errorf("through the second process: pushed %d, want 1", rep.Pushed)
		}
		if n := h2.Count(`SELECT last_seq FROM clients WHERE client_id = ?`, l.Creds.ClientID); n != 1 {
			t.Errorf("the store acknowledged through %d, want 1", n)
		}
	})
}
