package client_test

import (
	"context"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// TestLoopSyncsOnKickAndRetriesAfterFailure: the background loop syncs at
// start, again when kicked after a local change, and after a failure tries
// again on its own timer rather than waiting for the next change.
func TestLoopSyncsOnKickAndRetriesAfterFailure(t *testing.T) {
	h := hubtest.Start(t, hubtest.SQLiteSpec(t))
	inv := h.Plan("KX", 5)
	a := h.Laptop("alice", wire.RoleEngineer, "KX")
	type result struct {
		rep client.Report
		err error
	}
	results := make(chan result, 16)
	loop := client.NewLoop(a.Syncer)
	loop.Interval = time.Hour // only kicks and retries may wake it
	loop.OnDone = func(r client.Report, err error) { results <- result{r, err} }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go loop.Run(ctx)
	wait := func() result {
		select {
		case r := <-results:
			return r
		case <-time.After(20 * time.Second):
			t.Fatal("the loop did not sync")
		}
		return result{}
	}
	if r := wait(); r.err != nil || r.rep.Snapshots != 1 {
		t.Fatalf("first round: %+v %v", r.rep, r.err)
	}
	hubtest.Must(t, a.Store.SetStatus(ctx, "alice", "KX", hubtest.Label(inv, 1), site.StatusDiscovered, ""))
	h.Stop() // the hub is unreachable for a while
	loop.Kick()
	if r := wait(); r.err == nil {
		t.Fatal("sync to a stopped hub reported success")
	}
	st, _ := client.ReadStatus(ctx, a.Store)
	if st.Pending != 1 || st.LastError == "" {
		t.Fatalf("status while the hub is down: %+v", st)
	}
	h.Restart()
	for {
		r := wait() // no kick: the retry timer must fire by itself
		if r.err == nil {
			if r.rep.Applied != 1 {
				t.Fatalf("retry pushed %+v", r.rep)
			}
			break
		}
	}
	st, _ = client.ReadStatus(ctx, a.Store)
	if st.Pending != 0 || st.LastError != "" || st.LastSync.IsZero() {
		t.Fatalf("status after recovery: %+v", st)
	}
}
