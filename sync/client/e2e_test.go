package client_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

var ctx = context.Background()

func move(t *testing.T, l *hubtest.Laptop, code, label string, to ...site.Status) {
	t.Helper()
	for _, s := range to {
		reason := ""
		if s == site.StatusFailed || s == site.StatusBlocked {
			reason = "test"
		}
		if err := l.Store.SetStatus(ctx, l.Name, code, label, s, reason); err != nil {
			t.Fatal(err)
		}
	}
}

func syncOK(t *testing.T, l *hubtest.Laptop, sites ...string) client.Report {
	t.Helper()
	rep, err := l.Syncer.Sync(ctx, sites...)
	if err != nil {
		t.Fatalf("sync %s: %v", l.Name, err)
	}
	return rep
}

func pending(t *testing.T, l *hubtest.Laptop) int {
	t.Helper()
	st, err := client.ReadStatus(ctx, l.Store)
	hubtest.Must(t, err)
	return st.Pending
}

func TestPushPullRoundTrip(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 30)
		a := h.Laptop("alice", wire.RoleEngineer, "KX")
		b := h.Laptop("bob", wire.RoleEngineer, "KX")
		rep := syncOK(t, a, "KX")
		if rep.Snapshots != 1 || rep.Pulled < 31 {
			t.Fatalf("first pull: %+v, want a snapshot of the site and its 30 positions", rep)
		}
		ps, err := a.Store.Positions(ctx, "KX")
		hubtest.Must(t, err)
		if len(ps) != 30 {
			t.Fatalf("laptop has %d positions after pull, want 30", len(ps))
		}
		l1, l2 := hubtest.Label(inv, 1), hubtest.Label(inv, 2)
		move(t, a, "KX", l1, site.StatusDiscovered, site.StatusInProgress, site.StatusDone)
		move(t, a, "KX", l2, site.StatusDiscovered)
		if n := pending(t, a); n != 4 {
			t.Fatalf("pending = %d, want 4", n)
		}
		rep = syncOK(t, a)
		if rep.Pushed != 4 || rep.Applied != 4 {
			t.Fatalf("push report %+v, want 4 pushed and applied", rep)
		}
		if n := pending(t, a); n != 0 {
			t.Fatalf("pending after sync = %d", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE site = 'KX' AND status = 'done'`); n != 1 {
			t.Fatalf("hub has %d done positions, want 1", n)
		}
		syncOK(t, b, "KX")
		p, err := b.Store.Position(ctx, "KX", l1)
		hubtest.Must(t, err)
		if p.Status != site.StatusDone || p.UpdatedBy != "alice" {
			t.Fatalf("bob sees %s by %s, want done by alice", p.Status, p.UpdatedBy)
		}
		// An incremental pull brings only what changed.
		move(t, b, "KX", l2, site.StatusInProgress)
		syncOK(t, b)
		rep = syncOK(t, a)
		if rep.Snapshots != 0 || rep.Pulled != 1 {
			t.Fatalf("incremental pull %+v, want 1 row and no snapshot", rep)
		}
		p, _ = a.Store.Position(ctx, "KX", l2)
		if p.Status != site.StatusInProgress {
			t.Fatalf("alice sees %s, want in_progress", p.Status)
		}
		// A plan change on the hub reaches the laptop, field status kept.
		inv.Sites[0].Positions[0].Room = "Room 99"
		_, err = h.Store.ImportPlan(ctx, "admin", inv, []byte("v2"))
		hubtest.Must(t, err)
		syncOK(t, a)
		p, _ = a.Store.Position(ctx, "KX", l1)
		if p.Room != "Room 99" || p.Status != site.StatusDone {
			t.Fatalf("after re-plan: room %q status %s, want Room 99 and done", p.Room, p.Status)
		}
	})
}

// dropResponse forwards requests but, when armed, throws away the answer to
// the next push after the hub has committed it.
type dropResponse struct {
	next  http.RoundTripper
	armed atomic.Bool
}

func (d *dropResponse) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := d.next.RoundTrip(r)
	if err == nil && r.URL.Path == "/v1/sync/push" && d.armed.CompareAndSwap(true, false) {
		resp.Body.Close()
		return nil, errors.New("connection reset (test: response lost after the hub committed)")
	}
	return resp, err
}

func TestLostResponseNoDuplicate(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 10)
		a := h.Laptop("alice", wire.RoleEngineer, "KX")
		syncOK(t, a, "KX")
		for i := 1; i <= 5; i++ {
			move(t, a, "KX", hubtest.Label(inv, i), site.StatusDiscovered, site.StatusInProgress)
		}
		fault := &dropResponse{next: a.Transport}
		fault.armed.Store(true)
		a.Transport = fault
		if _, err := a.Syncer.Sync(ctx); err == nil {
			t.Fatal("sync with a lost response reported success")
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != 10 {
			t.Fatalf("hub journal has %d ops after the lost response, want 10 (committed)", n)
		}
		if n := pending(t, a); n != 10 {
			t.Fatalf("laptop pending = %d, want 10 (it never heard back)", n)
		}
		st, _ := client.ReadStatus(ctx, a.Store)
		if st.LastError == "" {
			t.Fatal("status shows no last error after a failed sync")
		}
		rep := syncOK(t, a)
		if rep.Duplicates != 10 || rep.Applied != 10 {
			t.Fatalf("retry report %+v, want 10 duplicates answered from the journal", rep)
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != 10 {
			t.Fatalf("hub journal has %d ops after the retry, want 10", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE status = 'in_progress'`); n != 5 {
			t.Fatalf("hub has %d in_progress, want 5", n)
		}
		if n := pending(t, a); n != 0 {
			t.Fatalf("pending after retry = %d", n)
		}
	})
}

// cutConn closes the connection after limit bytes have been written: the
// request body is cut off part way.
type cutConn struct {
	net.Conn
	left int
}

func (c *cutConn) Write(b []byte) (int, error) {
	if len(b) > c.left {
		n, _ := c.Conn.Write(b[:c.left])
		c.Conn.Close()
		c.left = 0
		return n, errors.New("test: connection cut mid-body")
	}
	c.left -= len(b)
	return c.Conn.Write(b)
}

func TestConnectionCutMidBody(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 40)
		a := h.Laptop("alice", wire.RoleEngineer, "KX")
		syncOK(t, a, "KX")
		for i := 1; i <= 40; i++ {
			move(t, a, "KX", hubtest.Label(inv, i), site.StatusDiscovered)
		}
		good := a.Transport
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DisableKeepAlives = true
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &cutConn{Conn: c, left: 600}, nil // headers fit, the gzip body does not
		}
		a.Transport = tr
		if _, err := a.Syncer.Sync(ctx); err == nil {
			t.Fatal("sync over a cut connection reported success")
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != 0 {
			t.Fatalf("hub journaled %d ops from a cut body, want 0", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE status <> 'planned'`); n != 0 {
			t.Fatalf("hub changed %d positions from a cut body", n)
		}
		a.Transport = good
		rep := syncOK(t, a)
		if rep.Applied != 40 || pending(t, a) != 0 {
			t.Fatalf("after reconnecting: %+v, pending %d", rep, pending(t, a))
		}
	})
}

func TestHubRestartMidSync(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 60)
		a := h.Laptop("alice", wire.RoleEngineer, "KX")
		syncOK(t, a, "KX")
		for i := 1; i <= 60; i++ {
			move(t, a, "KX", hubtest.Label(inv, i), site.StatusDiscovered, site.StatusInProgress)
		}
		a.Syncer.Batch = 20
		var pushes atomic.Int32
		next := a.Transport
		a.Transport = hubtest.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == "/v1/sync/push" && pushes.Add(1) == 3 {
				// The hub goes down while the third batch is in flight.
				done := make(chan struct{})
				var resp *http.Response
				var err error
				go func() { resp, err = next.RoundTrip(r); close(done) }()
				h.Stop()
				<-done
				if err == nil {
					resp.Body.Close()
					err = errors.New("test: hub stopped")
				}
				return nil, err
			}
			return next.RoundTrip(r)
		})
		if _, err := a.Syncer.Sync(ctx); err == nil {
			t.Fatal("sync across a hub restart reported success")
		}
		h.Restart()
		a.Transport = next
		a.Repoint(h.URL)
		syncOK(t, a)
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != 120 {
			t.Fatalf("hub journal has %d ops, want exactly 120", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE status = 'in_progress'`); n != 60 {
			t.Fatalf("hub has %d in_progress, want 60", n)
		}
		if n := pending(t, a); n != 0 {
			t.Fatalf("pending = %d after the restart", n)
		}
	})
}
