package hub_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"cutover/laptop"
	"cutover/site/runbook"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

const identityPlan = `{"site":{"code":"II","name":"India","cease_date":"2027-06-30"},"positions":[
	{"label":"A1","role":"front_counter","legacy_vendor":"cisco","extension":"5001"},
	{"label":"A2","role":"front_counter","legacy_vendor":"cisco","extension":"5002"},
	{"label":"A3","role":"front_counter","legacy_vendor":"cisco","extension":"5003"},
	{"label":"A4","role":"front_counter","legacy_vendor":"cisco","extension":"5004"},
	{"label":"A5","role":"front_counter","legacy_vendor":"cisco","extension":"5005"},
	{"label":"A6","role":"front_counter","legacy_vendor":"cisco","extension":"5006"}]}`

// capture records a position's first steps on a laptop: the pre-check, the
// legacy serial and tag given, and its condition.
func capture(t *testing.T, l *hubtest.Laptop, label, serial, tag string) {
	t.Helper()
	walk(t, l, "II", label, "swap", answers{"legacy_serial": pass(serial), "legacy_tag": pass(tag), "legacy_condition": pass("good")})
}

// reportRows is the hub's report of a site by label, as a supervisor reads it.
func reportRows(t *testing.T, h *hubtest.Hub, sup *hubtest.Laptop, code string) map[string]wire.ReportRow {
	t.Helper()
	rep, err := h.Store.SiteReport(ctx, principalOf(t, h, sup), code)
	hubtest.Must(t, err)
	out := map[string]wire.ReportRow{}
	for _, r := range rep.Rows {
		out[r.Label] = r
	}
	return out
}

// conflictsOfKind lists the site's open conflicts of a kind as the laptop
// pulled them.
func conflictsOfKind(t *testing.T, l *hubtest.Laptop, kind string) []laptop.Conflict {
	t.Helper()
	cs, err := laptop.Conflicts(ctx, l.Store, "II", false)
	hubtest.Must(t, err)
	var out []laptop.Conflict
	for _, c := range cs {
		if c.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

// TestCorrectionsReachTheInventory: a mistyped legacy serial corrected on
// the laptop moves the hub's binding and report to the corrected one (the
// old key released), a corrected tag on the new phone changes its record;
// a correction onto a serial bound at another position is a conflict and
// nothing moves; and two laptops that each scan one serial offline for two
// positions get a conflict, the first binding standing.
func TestCorrectionsReachTheInventory(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, identityPlan)
		alice := h.Laptop("alice", wire.RoleEngineer, "II")
		bob := h.Laptop("bob", wire.RoleEngineer, "II")
		sam := h.Laptop("sam", wire.RoleSupervisor)
		sync(t, alice, "II")
		sync(t, bob, "II")

		capture(t, alice, "A1", "FCHA1XXQ7", "MPS-LA1")
		sync(t, alice)
		if n := h.Count(`SELECT COUNT(*) FROM claims WHERE what = 'handset' AND key = 'FCHA1XXQ7' AND label_key = 'a1'`); n != 1 {
			t.Fatal("the mistyped serial is not bound at A1 before the correction")
		}
		_, err := runbook.Correct(ctx, alice.Store, "alice", "II", "A1", "legacy_serial", "FCHA1Q7", "serial mistyped", false)
		hubtest.Must(t, err)
		if r := sync(t, alice); r.Rejected != 0 || r.Conflicts != 0 {
			t.Fatalf("alice's correction: %+v; want it applied", r)
		}
		if n := h.Count(`SELECT COUNT(*) FROM claims WHERE what = 'handset' AND key = 'FCHA1Q7' AND site = 'II' AND label_key = 'a1'`); n != 1 {
			t.Error("the corrected serial is not bound at A1")
		}
		if n := h.Count(`SELECT COUNT(*) FROM claims WHERE what = 'handset' AND key = 'FCHA1XXQ7'`); n != 0 {
			t.Error("the mistyped serial still holds A1")
		}
		walk(t, alice, "II", "A1", "ddi", answers{"new_tag": pass("MPS-NA1X")})
		_, err = runbook.Correct(ctx, alice.Store, "alice", "II", "A1", "new_tag", "MPS-NA1", "tag misread", false)
		hubtest.Must(t, err)
		if r := sync(t, alice); r.Rejected != 0 || r.Conflicts != 0 {
			t.Fatalf("alice's swap and tag correction: %+v; want them applied", r)
		}
		rows := reportRows(t, h, sam, "II")
		if a1 := rows["A1"]; a1.LegacySerial != "FCHA1Q7" || a1.NewAssetTag != "MPS-NA1" || a1.OpenConflicts != 0 {
			t.Errorf("hub report A1: legacy %s, new tag %s, conflicts %d; want FCHA1Q7, MPS-NA1, 0",
				a1.LegacySerial, a1.NewAssetTag, a1.OpenConflicts)
		}

		// Bob captures A2's handset; alice, offline, corrects A3's serial
		// to the same one (her register does not know it).
		capture(t, bob, "A2", "FCHB2Q7", "MPS-LA2")
		capture(t, alice, "A3", "FCHA3XXQ7", "MPS-LA3")
		_, err = runbook.Correct(ctx, alice.Store, "alice", "II", "A3", "legacy_serial", "FCHB2Q7", "serial mistyped", false)
		hubtest.Must(t, err)
		sync(t, bob)
		if r := sync(t, alice); r.Rejected != 0 {
			t.Fatalf("alice's correction onto bob's serial: %+v; want it kept", r)
		}
		// One handset, two places: one conflict naming both; neither stands.
		sync(t, alice)
		if cs := conflictsOfKind(t, alice, "serial_in_two_places"); len(cs) != 1 || cs[0].EntityID != "FCHB2Q7" ||
			!strings.Contains(string(cs[0].Detail), `"position":"A2"`) || !strings.Contains(string(cs[0].Detail), `"position":"A3"`) {
			t.Errorf("conflicts after the correction: %+v", cs)
		}
		rows = reportRows(t, h, sam, "II")
		if rows["A2"].LegacyState != "disputed" || rows["A3"].LegacyState != "disputed" || rows["A3"].OpenConflicts != 1 {
			t.Errorf("hub report: A2 %q, A3 %q (%d conflicts); want both disputed", rows["A2"].LegacyState, rows["A3"].LegacyState,
				rows["A3"].OpenConflicts)
		}

		// Two laptops, offline, scan one serial for two positions: the
		// same, in either order.
		capture(t, alice, "A4", "FCHDUPQ7", "MPS-LA4")
		capture(t, bob, "A5", "FCHDUPQ7", "MPS-LA5")
		sync(t, bob)
		sync(t, alice)
		if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE kind = 'serial_in_two_places' AND entity_id = 'FCHDUPQ7' AND status = 'open'`); n != 1 {
			t.Errorf("%d conflicts for the serial scanned at A4 and A5; want one", n)
		}
		rows = reportRows(t, h, sam, "II")
		if rows["A4"].LegacyState != "disputed" || rows["A5"].LegacyState != "disputed" || rows["A5"].OpenConflicts != 1 {
			t.Errorf("hub report: A4 %q, A5 %q with %d conflicts; want both disputed", rows["A4"].LegacyState, rows["A5"].LegacyState,
				rows["A5"].OpenConflicts)
		}
	})
}

// TestOverridesReachTheSupervisor: a tag or serial the laptop's register
// knew elsewhere, recorded with an override and a note, is applied by the
// hub and raised as one identity_override conflict per handset and
// position, naming the handset, where else the hub knows it and the note;
// an admin settles it without a value.
func TestOverridesReachTheSupervisor(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, identityPlan)
		alice := h.Laptop("alice", wire.RoleEngineer, "II")
		admin := h.Laptop("ada", wire.RoleAdmin)
		sam := h.Laptop("sam", wire.RoleSupervisor)
		sync(t, alice, "II")
		sync(t, admin, "II")
		// A1 is swapped and its legacy handset sent to WEEE (a handset
		// installed elsewhere cannot be recorded even with an override).
		walk(t, alice, "II", "A1", "", answers{"legacy_serial": pass("FCHA1Q7"), "legacy_tag": pass("MPS-LA1"),
			"legacy_condition": pass("worn"), "new_tag": pass("MPS-NA1"), "disposition": pass("weee WTN-7"), "signoff": pass("Insp Lee")})
		sync(t, alice)

		// A2's handset carries A1's tag: refused, then recorded with an
		// override and a note.
		walk(t, alice, "II", "A2", "legacy_tag", answers{"legacy_serial": pass("FCHA2Q7")})
		_, err := runbook.Record(ctx, alice.Store, "alice", "II", "A2", "legacy_tag", runbook.Result{Outcome: runbook.OutcomePass, Value: "MPS-LA1"})
		if !errors.Is(err, runbook.ErrKnown) {
			t.Fatalf("a tag the register knows: %v; want it refused", err)
		}
		_, err = runbook.Record(ctx, alice.Store, "alice", "II", "A2", "legacy_tag", runbook.Result{Outcome: runbook.OutcomePass,
			Value: "MPS-LA1", Override: true, Note: "relabelled handset: the old tag was reused"})
		hubtest.Must(t, err)
		// A3 is recorded with A1's serial, overridden too: the hub also
		// keeps one handset in one place.
		walk(t, alice, "II", "A3", "legacy_serial", nil)
		_, err = runbook.Record(ctx, alice.Store, "alice", "II", "A3", "legacy_serial", runbook.Result{Outcome: runbook.OutcomePass,
			Value: "FCHA1Q7", Override: true, Note: "serial label swapped at the factory"})
		hubtest.Must(t, err)
		r := sync(t, alice)
		if r.Rejected != 0 {
			t.Fatalf("alice's overrides: %+v; want all applied", r)
		}
		var overridden int
		rs, err := alice.Store.DB().QueryContext(ctx, `SELECT kind, state, result FROM oplog WHERE payload LIKE '%"override":true%'`)
		hubtest.Must(t, err)
		for rs.Next() {
			var kind, state, res string
			hubtest.Must(t, rs.Scan(&kind, &state, &res))
			var or wire.OpResult
			json.Unmarshal([]byte(res), &or)
			overridden++
			if state == "acked" && or.Code != "identity_override" && or.Code != "merged" && or.Code != "derived" {
				t.Errorf("%s applied with code %q; want identity_override", kind, or.Code)
			}
		}
		rs.Close()
		if overridden < 4 { // two step results and two installs
			t.Errorf("%d ops carry the override; want the step results and the installs", overridden)
		}

		sync(t, admin)
		cs := conflictsOfKind(t, admin, "identity_override")
		if len(cs) != 2 {
			t.Fatalf("identity_override conflicts: %+v; want one for A2's and one for A3's legacy handset", cs)
		}
		byPos := map[string]map[string]any{}
		for _, c := range cs {
			var d map[string]any
			json.Unmarshal(c.Detail, &d)
			byPos[c.EntityID] = d
			if later, _ := d["later"].([]any); len(later) != 1 {
				t.Errorf("%s: the install did not join the step's override conflict: %s", c.EntityID, c.Detail)
			}
		}
		a2, a3 := byPos["A2"], byPos["A3"]
		where := func(d map[string]any) string { b, _ := json.Marshal(d["known_elsewhere"]); return string(b) }
		if a2["handset"] != "TAG MPS-LA1" || a2["note"] != "relabelled handset: the old tag was reused" || a2["engineer"] != "alice" ||
			!strings.Contains(where(a2), "legacy handset FCHA1Q7 at II/A1") {
			t.Errorf("A2's override: %v", a2)
		}
		if a3["handset"] != "FCHA1Q7" || a3["note"] != "serial label swapped at the factory" ||
			!strings.Contains(where(a3), "legacy handset FCHA1Q7 at II/A1, weee_disposal") {
			t.Errorf("A3's override: %v", a3)
		}
		rows := reportRows(t, h, sam, "II")
		if rows["A3"].LegacyState != "disputed" {
			t.Error("the handset sent to WEEE from A1 stands at A3 unasked")
		}
		if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE kind = 'serial_in_two_places' AND entity_id = 'FCHA1Q7' AND status = 'open'`); n != 1 {
			t.Error("A3's install of the serial A1's handset went to WEEE with opened no serial_in_two_places")
		}
		if rows["A2"].OpenConflicts != 1 || rows["A3"].OpenConflicts != 2 || len(rows["A2"].StepHistory) != 1 ||
			!strings.Contains(rows["A2"].StepHistory[0], "[override]: relabelled handset") {
			t.Errorf("hub report A2 %d conflicts %q, A3 %d conflicts", rows["A2"].OpenConflicts, rows["A2"].StepHistory, rows["A3"].OpenConflicts)
		}

		// The supervisor's answer: a value is refused, none accepts it.
		hubtest.Must(t, client.Resolve(ctx, admin.Store, "ada", findID(cs, "A2"), "checked", "MPS-LA2"))
		sync(t, admin)
		if st, r := lastResult(t, admin); st != "rejected" || r.Code != "bad_value" {
			t.Errorf("an override settled with a value: %s %+v", st, r)
		}
		hubtest.Must(t, client.Resolve(ctx, admin.Store, "ada", findID(cs, "A2"), "seen the relabelled handset", ""))
		sync(t, admin)
		if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE kind = 'identity_override' AND entity_id = 'A2' AND status = 'resolved'`); n != 1 {
			t.Error("A2's override was not settled")
		}
	})
}

func findID(cs []laptop.Conflict, entity string) string {
	for _, c := range cs {
		if c.EntityID == entity {
			return c.ID
		}
	}
	return ""
}
