package hub_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"cutover/laptop"
	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

func stepOp(t *testing.T, l *hubtest.Laptop, label, key, value string) {
	t.Helper()
	op(t, l, "step.result.v1", "position", label, map[string]any{"step": key, "attempt": 1, "outcome": "pass", "value": value, "note": ""})
}

func installOp(t *testing.T, l *hubtest.Laptop, label, kind, serial string) {
	t.Helper()
	op(t, l, "asset.install.v1", "asset", serial, map[string]string{"kind": kind, "serial": serial, "position": label})
}

// openConflicts maps each open conflict a laptop holds to its id, keyed
// "kind entity_id fact".
func openConflicts(t *testing.T, l *hubtest.Laptop) map[string]string {
	t.Helper()
	cs, err := laptop.Conflicts(ctx, l.Store, "KX", false)
	hubtest.Must(t, err)
	out := map[string]string{}
	for _, c := range cs {
		var d struct{ Fact string }
		json.Unmarshal(c.Detail, &d)
		k := c.Kind + " " + c.EntityID + " " + d.Fact
		if out[k] != "" {
			t.Fatalf("two open conflicts for %s", k)
		}
		out[k] = c.ID
	}
	return out
}

// facts is a store's facts (notes left out) as sorted lines.
func hubFacts(t *testing.T, h *hubtest.Hub) []string {
	rows, err := h.Store.QueryForTest(`SELECT entity, entity_id, attr, value, disputed FROM facts WHERE site = 'KX' AND attr NOT LIKE 'note:%'`)
	hubtest.Must(t, err)
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, "|"))
	}
	sort.Strings(out)
	return out
}

func laptopFacts(t *testing.T, l *hubtest.Laptop) []string {
	rows, err := l.Store.DB().QueryContext(ctx, `SELECT entity, entity_id, attr, value, disputed FROM sync_facts WHERE site = 'KX'
		AND attr NOT LIKE 'note:%'`)
	hubtest.Must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e, id, a, v string
		var d bool
		hubtest.Must(t, rows.Scan(&e, &id, &a, &v, &d))
		n := "0"
		if d {
			n = "1"
		}
		out = append(out, strings.Join([]string{e, id, a, v, n}, "|"))
	}
	sort.Strings(out)
	return out
}

// conflictPlan gives each position the plan its disputes need.
const conflictPlan = `{"site":{"code":"KX","name":"Kings Cross","cease_date":"2027-06-30"},"positions":[
	{"label":"P1","role":"personal","legacy_vendor":"cisco","extension":"1001","ddi":"020 3000 0001"},
	{"label":"P2","role":"front_counter","legacy_vendor":"cisco","extension":"1002","ddi":"020 3000 0002"},
	{"label":"P3","role":"front_counter","legacy_vendor":"cisco","extension":"1003","port":"Gi1/0/3","switch":"sw1"},
	{"label":"P4","role":"hot_desk","legacy_vendor":"cisco","extension":"1004"},
	{"label":"P5","role":"front_counter","legacy_vendor":"cisco","extension":"1005"},
	{"label":"P6","role":"front_counter","legacy_vendor":"cisco","extension":"1006"},
	{"label":"P7","role":"front_counter","legacy_vendor":"cisco","extension":"1007"},
	{"label":"P8","role":"hot_desk","legacy_vendor":"cisco","extension":"1008"}]}`

// Points 6 and 7: two offline laptops dispute every kind of fact. Each
// disputed fact is one conflict naming both sides; while it is open the
// fact has no standing value (the report says disputed) and nothing is
// taken from a laptop's derived ops; an admin's resolution is checked and
// the position derived again, on the hub report and on both laptops.
func TestHostileResolveEachConflictKind(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, conflictPlan)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		bob := h.Laptop("bob", wire.RoleEngineer, "KX")
		ada := h.Laptop("ada", wire.RoleAdmin)
		for _, l := range []*hubtest.Laptop{alice, bob, ada} {
			sync(t, l, "KX")
		}
		p := func(i int) string { return fmt.Sprint("P", i) }
		const teams1, teams2, ddi1, ddi2 = "+442032000001", "+442032000002", "+442032000011", "+442032000012"

		// p1: the Teams DDI and the legacy serial, both disputed (with the
		// derived ops each laptop sends beside them, which count for nothing).
		for _, c := range []struct {
			l             *hubtest.Laptop
			serial, teams string
		}{{alice, "FCH1", teams1}, {bob, "FCH2", teams2}} {
			stepOp(t, c.l, p(1), "legacy_serial", c.serial)
			installOp(t, c.l, p(1), "legacy", c.serial)
			stepOp(t, c.l, p(1), "teams_ddi", c.teams)
			op(t, c.l, "number.ddi.v1", "position", p(1), map[string]string{"ddi_state": "teams", "teams_ddi": c.teams})
		}
		// p2: a new DDI.
		stepOp(t, alice, p(2), "ddi", ddi1)
		stepOp(t, bob, p(2), "ddi", ddi2)
		// p3: an observation (which also contradicts the plan).
		op(t, alice, "position.observe.v1", "position", p(3), map[string]string{"attr": "port", "value": "9/0/5"})
		op(t, bob, "position.observe.v1", "position", p(3), map[string]string{"attr": "port", "value": "9/0/6"})
		// p4: a legacy handset's disposition.
		stepOp(t, alice, p(4), "legacy_serial", "FCH9")
		stepOp(t, alice, p(4), "disposition", "weee_disposal WTN-1")
		stepOp(t, bob, p(4), "disposition", "returned_to_store")
		// p5/p6: one new phone claimed in two places; p7: two phones in one.
		for _, c := range []struct {
			l            *hubtest.Laptop
			label, phone string
		}{{alice, p(5), "23WZ1"}, {bob, p(6), "23WZ1"}, {alice, p(7), "23WZ7"}, {bob, p(7), "23WZ8"}} {
			stepOp(t, c.l, c.label, "new_serial", c.phone)
			stepOp(t, c.l, c.label, "new_tag", "AVT-"+c.phone)
		}
		// p8: work on a position the admin withdrew.
		hubtest.Must(t, ada.Store.SetStatus(ctx, "ada", "KX", p(8), site.StatusWithdrawn, "room closed"))
		sync(t, ada)
		hubtest.Must(t, alice.Store.SetStatus(ctx, "alice", "KX", p(8), site.StatusInProgress, "runbook started"))
		sync(t, alice)
		sync(t, bob)

		report := func() map[string]wire.ReportRow {
			rep, err := h.Store.SiteReport(ctx, hub.Principal{User: "ada", Role: wire.RoleAdmin}, "KX")
			hubtest.Must(t, err)
			out := map[string]wire.ReportRow{}
			for _, r := range rep.Rows {
				out[r.Label] = r
			}
			return out
		}
		r := report()
		if r[p(1)].TeamsDDI != "" || r[p(1)].DDIState != "disputed" || r[p(1)].LegacySerial != "" || r[p(2)].NewDDI != "" ||
			r[p(2)].DDIState != "disputed" || r[p(4)].Disposition != "" || len(r[p(1)].Disputed) != 2 {
			t.Fatalf("while disputed no value may stand: %+v %+v %+v", r[p(1)], r[p(2)], r[p(4)])
		}
		if !strings.Contains(r[p(1)].Disputed[0], "alice FCH1 at ") || !strings.Contains(r[p(1)].Disputed[0], "bob FCH2 at ") {
			t.Errorf("the dispute in words: %q", r[p(1)].Disputed)
		}
		sync(t, ada)
		open := openConflicts(t, ada)
		want := []string{
			"step_result_differs " + p(1) + " step:legacy_serial", "step_result_differs " + p(1) + " step:teams_ddi",
			"step_result_differs " + p(2) + " step:ddi", "disputed_observation " + p(3) + " port",
			"plan_discrepancy " + p(3) + " plan:port", "step_result_differs " + p(4) + " step:disposition",
			"serial_in_two_places 23WZ1 places", "step_result_differs " + p(7) + " step:new_serial",
			"step_result_differs " + p(7) + " step:new_tag", "withdrawn_after_work " + p(8) + " status",
		}
		for _, k := range want {
			if open[k] == "" {
				t.Errorf("no open conflict %q", k)
			}
		}
		if len(open) != len(want) {
			t.Fatalf("open conflicts %v, want one per disputed fact: %v", open, want)
		}

		resolve := func(key, value, outcome string) {
			t.Helper()
			hubtest.Must(t, client.Resolve(ctx, ada.Store, "ada", open[key], "checked on site", value))
			sync(t, ada)
			if st, res := lastResult(t, ada); res.Outcome != outcome {
				t.Fatalf("resolving %s with %q: %s %+v, want %s", key, value, st, res, outcome)
			}
		}
		resolve("step_result_differs "+p(1)+" step:teams_ddi", teams2, wire.Applied)
		if r := report(); r[p(1)].TeamsDDI != teams2 || r[p(1)].DDIState != "teams" || r[p(1)].OpenConflicts != 1 {
			t.Fatalf("after resolving the Teams DDI: %+v", r[p(1)])
		}
		if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE id = ? AND status = 'open'`, open["step_result_differs "+p(1)+" step:legacy_serial"]); n != 1 {
			t.Fatal("resolving the Teams DDI resolved the legacy serial too")
		}
		resolve("step_result_differs "+p(1)+" step:legacy_serial", "", wire.Rejected) // a dispute needs the value that stands
		resolve("step_result_differs "+p(1)+" step:legacy_serial", "fch2", wire.Applied)
		resolve("step_result_differs "+p(2)+" step:ddi", ddi2, wire.Applied)
		resolve("disputed_observation "+p(3)+" port", "9/0/6", wire.Applied)
		resolve("plan_discrepancy "+p(3)+" plan:port", "9/0/6", wire.Rejected)
		resolve("plan_discrepancy "+p(3)+" plan:port", "", wire.Applied)
		resolve("step_result_differs "+p(4)+" step:disposition", "scrap", wire.Rejected)
		resolve("step_result_differs "+p(4)+" step:disposition", "returned_to_store", wire.Applied)
		resolve("serial_in_two_places 23WZ1 places", p(6), wire.Rejected) // the place is SITE/POSITION
		resolve("serial_in_two_places 23WZ1 places", "KX/"+p(6), wire.Applied)
		resolve("step_result_differs "+p(7)+" step:new_serial", "23WZ1", wire.Rejected) // held at P6
		resolve("step_result_differs "+p(7)+" step:new_serial", "23WZ8", wire.Applied)
		resolve("step_result_differs "+p(7)+" step:new_tag", "AVT-23WZ8", wire.Applied)
		resolve("withdrawn_after_work "+p(8)+" status", "", wire.Applied)

		r = report()
		for label, got := range map[string][2]string{
			p(1): {r[p(1)].LegacySerial, "FCH2"}, p(2): {r[p(2)].NewDDI + " " + r[p(2)].DDIState, ddi2 + " new"},
			p(4): {r[p(4)].Disposition, "returned_to_store"}, p(5): {r[p(5)].NewState, "overruled"},
			p(6): {r[p(6)].NewSerial + " " + r[p(6)].NewState, "23WZ1 installed"}, p(7): {r[p(7)].NewSerial, "23WZ8"},
		} {
			if got[0] != got[1] {
				t.Errorf("hub report %s: %q, want %q", label, got[0], got[1])
			}
		}
		if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE site = 'KX' AND status = 'open'`); n != 0 {
			t.Fatalf("%d conflicts still open", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM facts WHERE site = 'KX' AND disputed <> 0`); n != 0 {
			t.Fatalf("%d facts still disputed", n)
		}
		hf := hubFacts(t, h)
		for _, l := range []*hubtest.Laptop{alice, bob} {
			sync(t, l)
			if got := laptopFacts(t, l); strings.Join(got, "\n") != strings.Join(hf, "\n") {
				t.Errorf("%s's facts differ from the hub's:\n%s\nhub:\n%s", l.Name, strings.Join(got, "\n"), strings.Join(hf, "\n"))
			}
			if open := openConflicts(t, l); len(open) != 0 {
				t.Errorf("%s still holds open conflicts %v", l.Name, open)
			}
		}
	})
}

// A correction by the engineer who recorded a step moves the step's result
// and the numbers together: no conflict with oneself.
func TestHostileCorrectionMovesTheNumbers(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, conflictPlan)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		sync(t, alice, "KX")
		p1 := "P2" // a fixed phone: its number step is ddi
		stepOp(t, alice, p1, "ddi", "+442032000011")
		op(t, alice, "step.correction.v1", "position", p1, map[string]any{"step": "ddi", "attempt": 1, "value": "+442032000012",
			"was": "+442032000011", "reason": "mistyped"})
		if rep := sync(t, alice); rep.Applied != 2 || rep.Conflicts != 0 {
			t.Fatalf("a step, its numbers and their correction: %+v", rep)
		}
		rep, err := h.Store.SiteReport(ctx, hub.Principal{User: "ada", Role: wire.RoleAdmin}, "KX")
		hubtest.Must(t, err)
		for _, r := range rep.Rows {
			if r.Label == p1 && (r.NewDDI != "+442032000012" || r.OpenConflicts != 0) {
				t.Fatalf("after the correction: %+v", r)
			}
		}
	})
}
