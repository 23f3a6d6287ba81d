package hub_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"cutover/site/runbook"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// darkPlan is a site whose front counter P2 has a dark-time target of 20
// minutes set in the inventory (its role's default is 15), and whose hot
// desk P4 is made critical by the inventory.
func darkPlan(p2 string) string {
	return `{"site":{"code":"KX","name":"Kings Cross","cease_date":"2027-06-30"},"positions":[
	{"label":"P2","role":"front_counter","legacy_vendor":"cisco","extension":"1002","ddi":"020 3000 0002"` + p2 + `},
	{"label":"P4","role":"hot_desk","plan":"avaya_fixed","legacy_vendor":"cisco","extension":"1004","critical":"yes"}]}`
}

// Issue 29: the inventory's target reaches the laptop by the hub, both
// grade the same dark minutes against it, and a re-import that changes the
// target or the criticality moves the hub's derived columns with it.
func TestInventoryTargetAtTheHub(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, darkPlan(`,"max_dark_minutes":20`))
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
		at(18)
		pr := hubtest.Work(t, alice.Store, "alice", "KX", "P2", "call_in", nil)
		at(30)
		laptop := runbook.ContinuityOf(pr, clock)
		if pr.Position.MaxDarkMinutes != 20 || laptop.Target != 20*time.Minute || laptop.Minutes() != 17 || laptop.Over() {
			t.Fatalf("P2 on the laptop: max_dark_minutes %d, %+v; want a 20-minute target from the hub, dark 17 min, within it",
				pr.Position.MaxDarkMinutes, laptop)
		}
		if w := runbook.CriticalityOf(pr.Position).Words(); w != "Critical: yes · target 20 min (set in the inventory)" {
			t.Errorf("P2's line on the laptop: %q", w)
		}
		sync(t, alice)
		darkSecs := int(laptop.Dark / time.Second)
		cols := func(label string, critical, target, secs int) string {
			return fmt.Sprintf(`SELECT COUNT(*) FROM positions WHERE label_key = '%s' AND critical = %d AND dark_target = %d AND dark_seconds = %d`,
				strings.ToLower(label), critical, target, secs)
		}
		if n := h.Count(cols("P2", 1, 1200, darkSecs)); n != 1 {
			t.Errorf("P2 at the hub: not critical with a 20-minute target and the laptop's %d dark seconds", darkSecs)
		}

		// The target changes in the plan: the hub's derived target follows
		// at the import, and the laptop gets the plan at its next pull.
		importJSON(t, h, darkPlan(`,"max_dark_minutes":30`))
		if n := h.Count(cols("P2", 1, 1800, darkSecs)); n != 1 {
			t.Errorf("P2 at the hub after the target became 30 minutes: dark_target did not follow")
		}
		sync(t, alice, "KX")
		p, err := alice.Store.Position(ctx, "KX", "P2")
		hubtest.Must(t, err)
		if p.MaxDarkMinutes != 30 {
			t.Errorf("P2 on the laptop after the pull: max_dark_minutes %d; want 30", p.MaxDarkMinutes)
		}

		// Made not critical: no target, and no dark time counted against one.
		importJSON(t, h, darkPlan(`,"critical":"no"`))
		if n := h.Count(cols("P2", 0, 0, 0)); n != 1 {
			t.Errorf("P2 at the hub after critical became no: still counted as critical")
		}
		// The hub's report carries it, so the rows' runbooks are the laptop's.
		rep, err := h.Store.SiteReport(ctx, hub.Principal{User: "ada", Role: wire.RoleAdmin}, "KX")
		hubtest.Must(t, err)
		for _, r := range rep.Rows {
			want := map[string]string{"P2": "no", "P4": "yes"}[r.Label]
			if r.Critical != want {
				t.Errorf("%s in the hub's report: critical %q; want %q", r.Label, r.Critical, want)
			}
		}
	})
}
