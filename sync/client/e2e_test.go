package client_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

var ctx = context.Background()

// move brings a position to each status in turn the way the field does:
// discovered by a status of its own; in progress by recording the
// runbook's first step; done by recording every step; failed or blocked by
// starting and rolling back. The hub derives the status from those steps.
func move(t *testing.T, l *hubtest.Laptop, code, label string, to ...site.Status) {
	t.Helper()
	for _, s := range to {
		pr, err := runbook.Steps(ctx, l.Store, code, label)
		hubtest.Must(t, err)
		switch s {
		case site.StatusInProgress:
			if pr.Mode == runbook.ModeNotStarted || pr.Mode == runbook.ModeFinished {
				first := pr.Runbook.Steps[0]
				hubtest.Work(t, l.Store, l.Name, code, label, first.Key, nil)
			}
		case site.StatusDone:
			hubtest.Work(t, l.Store, l.Name, code, label, "", nil)
		case site.StatusFailed, site.StatusBlocked:
			if pr.Mode == runbook.ModeNotStarted || pr.Mode == runbook.ModeFinished {
				hubtest.Work(t, l.Store, l.Name, code, label, pr.Runbook.Steps[0].Key, nil)
			}
			hubtest.RollBack(t, l.Store, l.Name, code, label, string(s)+": test")
		default:
			hubtest.Must(t, l.Store.SetStatus(ctx, l.Name, code, label, s, ""))
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
		work := pending(t, a)
		if work < 4 {
			t.Fatalf("pending = %d, want every step, status and register change", work)
		}
		rep = syncOK(t, a)
		if rep.Pushed != work || rep.Applied != work {
			t.Fatalf("push report %+v, want %d pushed and applied", rep, work)
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
		if rep.Snapshots != 0 || rep.Pulled != 2 {
			t.Fatalf("incremental pull %+v, want 2 rows (the position and its derived state) and no snapshot", rep)
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
		work := pending(t, a)
		fault := &dropResponse{next: a.Transport}
		fault.armed.Store(true)
		a.Transport = fault
		if _, err := a.Syncer.Sync(ctx); err == nil {
			t.Fatal("sync with a lost response reported success")
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != work {
			t.Fatalf("hub journal has %d ops after the lost response, want %d (committed)", n, work)
		}
		if n := pending(t, a); n != work {
			t.Fatalf("laptop pending = %d, want %d (it never heard back)", n, work)
		}
		st, _ := client.ReadStatus(ctx, a.Store)
		if st.LastError == "" {
			t.Fatal("status shows no last error after a failed sync")
		}
		rep := syncOK(t, a)
		if rep.Duplicates != work || rep.Applied != work {
			t.Fatalf("retry report %+v, want %d duplicates answered from the journal", rep, work)
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != work {
			t.Fatalf("hub journal has %d ops after the retry, want %d", n, work)
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
		work := pending(t, a)
		a.Syncer.Batch = 20 * work / 120
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
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != work {
			t.Fatalf("hub journal has %d ops, want exactly %d", n, work)
		}
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE status = 'in_progress'`); n != 60 {
			t.Fatalf("hub has %d in_progress, want 60", n)
		}
		if n := pending(t, a); n != 0 {
			t.Fatalf("pending = %d after the restart", n)
		}
	})
}
