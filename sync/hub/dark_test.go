package hub_test

import (
	"encoding/json"
	"testing"
	"time"

	"cutover/site/runbook"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// Issue 29: a critical position's dark time is derived at the hub from the
// same evidence by the same rule as on the laptop, so both give the same
// minutes: P2 (a front counter) is swapped at 10:01 and proven by verify
// and the inbound test call at 10:09; P5 (another) is swapped and left
// dark. The hub keeps the closed minutes and the open period's start
// beside each position for progress and the report.
func TestDarkTimeIsTheSameAtTheHub(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, conflictPlan)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		sync(t, alice, "KX")
		t0 := time.Now().UTC().Add(-time.Hour).Truncate(time.Minute)
		clock := t0
		alice.Store.Now = func() time.Time { return clock }
		at := func(min int) { clock = t0.Add(time.Duration(min) * time.Minute) }

		at(0)
		hubtest.Work(t, alice.Store, "alice", "KX", "P2", "legacy_condition", nil)
		at(1)
		hubtest.Work(t, alice.Store, "alice", "KX", "P2", "swap", nil)
		at(4)
		hubtest.Work(t, alice.Store, "alice", "KX", "P2", "new_tag", nil)
		at(9)
		pr := hubtest.Work(t, alice.Store, "alice", "KX", "P2", "call_in", nil)
		at(10)
		hubtest.Work(t, alice.Store, "alice", "KX", "P5", "swap", nil)
		at(30)

		now := clock
		laptop := runbook.ContinuityOf(pr, now)
		if !laptop.Critical || laptop.Target != 15*time.Minute || runbook.Clock(laptop.Dark) != "08:00" || laptop.DarkNow() {
			t.Fatalf("P2 on the laptop: %+v (%s); want critical, 15 min target, dark 08:00, not dark now", laptop, runbook.Clock(laptop.Dark))
		}
		sync(t, alice)

		var state string
		hubtest.Must(t, h.Store.QueryRowForTest(`SELECT value FROM facts WHERE entity_id = 'P2' AND attr = 'state'`, nil, &state))
		var d runbook.Derived
		hubtest.Must(t, json.Unmarshal([]byte(state), &d))
		if d.Continuity == nil || d.Continuity.At(now).Dark != laptop.Dark {
			t.Fatalf("P2's dark time at the hub: %+v; want %s as on the laptop", d.Continuity, runbook.Clock(laptop.Dark))
		}
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE label_key = 'p2' AND critical = 1 AND dark_target = 900 AND dark_seconds = 480 AND dark_since = ''`); n != 1 {
			t.Errorf("P2's continuity columns at the hub do not say 8 minutes closed of a 15-minute target")
		}
		since := t0.Add(10 * time.Minute).Format(time.RFC3339)
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE label_key = 'p5' AND critical = 1 AND dark_seconds = 0 AND dark_since = '` + since + `'`); n != 1 {
			t.Errorf("P5, left dark, is not dark since %s at the hub", since)
		}
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE label_key = 'p4' AND critical = 0 AND dark_seconds = 0`); n != 1 {
			t.Errorf("P4, a hot desk, counts as critical at the hub")
		}

		// Progress sums it up per site and for the force by the one rule:
		// P2 8 minutes, P5 still dark (20 minutes at 10:30 against 15).
		p, err := h.Store.Progress(ctx, hub.Principal{User: "ada", Role: wire.RoleAdmin}, now)
		hubtest.Must(t, err)
		want := wire.Continuity{Positions: 2, DarkNow: 1, WorstMinutes: 20, MedianMinutes: 14, OverTarget: 1, WorstPosition: "P5",
			Words: "2 critical dark in swaps: worst 20 min (P5), median 14 min, 1 over target, 1 dark now"}
		for _, sp := range p.Sites {
			if sp.Code == "KX" && (sp.Continuity == nil || *sp.Continuity != want) {
				t.Errorf("KX's continuity in progress: %+v; want %+v", sp.Continuity, want)
			}
		}
		if p.ForceContinuity == nil || p.ForceContinuity.WorstPosition != "KX/P5" || p.ForceContinuity.OverTarget != 1 {
			t.Errorf("the force's continuity: %+v", p.ForceContinuity)
		}
	})
}
