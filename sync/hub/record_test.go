package hub_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"cutover/site/runbook"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// answers are what the engineer gives for a position's steps, by key; a
// step not listed is passed (an automatic step with its check passing).
type answers map[string][]runbook.Result

func pass(v string) []runbook.Result {
	return []runbook.Result{{Outcome: runbook.OutcomePass, Value: v}}
}

// walk records a position's runbook on a laptop through runbook.Record, the
// laptop's own path, until the runbook has no step due or the step stop is
// next. An answer list gives several results for one step in turn (a
// failure, then a pass).
func walk(t *testing.T, l *hubtest.Laptop, code, label, stop string, ans answers) {
	t.Helper()
	used := map[string]int{}
	for range 60 {
		pr, err := runbook.Steps(ctx, l.Store, code, label)
		hubtest.Must(t, err)
		if pr.Current == nil || pr.Current.Key == stop {
			return
		}
		st := *pr.Current
		res := runbook.Result{Outcome: runbook.OutcomePass}
		if list := ans[st.Key]; used[st.Key] < len(list) {
			res = list[used[st.Key]]
		} else if st.Field == runbook.FieldTold {
			res.Value = "PS Morgan" // a critical position: who was told
		}
		used[st.Key]++
		if st.Kind == runbook.StepAuto && res.Observation == nil {
			res.Observation = &runbook.Observation{Check: st.Check, OK: res.Outcome == runbook.OutcomePass, Summary: "as expected"}
			if st.Check == runbook.CheckNewPhone {
				n := strings.ReplaceAll(label, "-", "")
				res.Observation.Phone = &runbook.SeenPhone{Vendor: "avaya", Model: "J179", Serial: "23WZ" + n + "07",
					MAC: fmt.Sprintf("c8:1f:ea:00:%02x:%02x", n[0], n[len(n)-1]), Telephone: true}
			}
		}
		if _, err := runbook.Record(ctx, l.Store, l.Name, code, label, st.Key, res); err != nil {
			t.Fatalf("%s step %s: %v", label, st.Key, err)
		}
	}
	t.Fatalf("%s: the runbook did not finish", label)
}

// TestNumbersAgreeEverywhere runs the same field work (kept, new DDI, Teams
// DDI with the surrender confirmed and not yet, a removal that surrenders
// its DDI, no DDI at all, untouched) through a laptop's own report, the
// hub's report and the hub's progress: DDIs surrendered, moved to Teams and
// done must agree, row by row where the reports have rows; and the hub
// report shows every earlier result of a step in the laptop's words.
func TestNumbersAgreeEverywhere(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, `{"site":{"code":"RR","name":"Romeo","cease_date":"2027-06-30"},"positions":[
			{"label":"K1","role":"front_counter","legacy_vendor":"cisco","extension":"4001","ddi":"020 7230 2001"},
			{"label":"N1","role":"reception","legacy_vendor":"cisco","extension":"4002","ddi":"020 7230 2002"},
			{"label":"T1","role":"personal","legacy_vendor":"cisco","extension":"4003","ddi":"020 7230 2003"},
			{"label":"T2","role":"personal","legacy_vendor":"cisco","extension":"4004","ddi":"020 7230 2004"},
			{"label":"R1","role":"hot_desk","legacy_vendor":"mitel","extension":"4005","ddi":"020 7230 2005"},
			{"label":"Z1","role":"front_counter","legacy_vendor":"cisco","extension":"4006"},
			{"label":"P1","role":"personal","legacy_vendor":"cisco","extension":"4007","ddi":"020 7230 2006"}]}`)
		alice := h.Laptop("alice", wire.RoleEngineer, "RR")
		sam := h.Laptop("sam", wire.RoleSupervisor)
		sync(t, alice, "RR")
		fail := func(note string) runbook.Result { return runbook.Result{Outcome: runbook.OutcomeFail, Note: note} }
		ok := runbook.Result{Outcome: runbook.OutcomePass}
		common := answers{"legacy_condition": pass("good"), "disposition": pass("weee WTN-2026-0301"), "signoff": pass("Sgt Ada Okafor")}
		with := func(more answers) answers {
			out := answers{}
			for k, v := range common {
				out[k] = v
			}
			for k, v := range more {
				out[k] = v
			}
			return out
		}
		// K1 keeps its DDI; its first inbound call failed, and its legacy
		// serial was mistyped and corrected after the swap.
		walk(t, alice, "RR", "K1", "swap", with(answers{"legacy_serial": pass("FCHK1XXQ7"), "legacy_tag": pass("MPS-LK1")}))
		_, err := runbook.Correct(ctx, alice.Store, "alice", "RR", "K1", "legacy_serial", "FCHK1Q7", "serial mistyped", false)
		hubtest.Must(t, err)
		walk(t, alice, "RR", "K1", "", with(answers{"new_tag": pass("MPS-NK1"), "ddi": pass("keep"),
			"call_in": {fail("no ring on the new phone"), ok}}))
		// N1: attempt 1 is rolled back when the new phone does not come
		// up; attempt 2 gives it a new DDI.
		n1 := with(answers{"legacy_serial": pass("FCHN1Q7"), "legacy_tag": pass("MPS-LN1"), "new_tag": pass("MPS-NN1"),
			"ddi": pass("020 7230 2999")})
		walk(t, alice, "RR", "N1", "verify", n1)
		hubtest.Must(t, rec(alice, "N1", "verify", runbook.Result{Outcome: runbook.OutcomeFail, Note: "no phone on the port",
			Observation: &runbook.Observation{Check: runbook.CheckNewPhone, Summary: "no Avaya phone on the port"}}))
		hubtest.Must(t, rec(alice, "N1", "rb_reason", runbook.Result{Outcome: runbook.OutcomePass, Value: "failed: new phone dead on arrival"}))
		walk(t, alice, "RR", "N1", "", n1)                                                        // the rollback's last steps, ending failed
		hubtest.Must(t, rec(alice, "N1", "precheck", runbook.Result{Outcome: runbook.OutcomePass, // attempt 2
			Observation: &runbook.Observation{Check: runbook.CheckPortReady, OK: true, Summary: "as expected"}}))
		walk(t, alice, "RR", "N1", "", n1)
		walk(t, alice, "RR", "T1", "", with(answers{"teams_ddi": pass("020 7946 0101"), "legacy_serial": pass("FCHT1Q7"), "legacy_tag": pass("MPS-LT1")}))
		walk(t, alice, "RR", "T2", "surrender", answers{"teams_ddi": pass("020 7946 0102")})
		walk(t, alice, "RR", "R1", "", with(answers{"legacy_serial": pass("MTLR1Q7"), "legacy_tag": pass("MPS-LR1"), "disposition": pass("store")}))
		walk(t, alice, "RR", "Z1", "", with(answers{"legacy_serial": pass("FCHZ1Q7"), "legacy_tag": pass("MPS-LZ1"), "new_tag": pass("MPS-NZ1")}))
		if r := sync(t, alice); r.Rejected != 0 || r.Conflicts != 0 {
			t.Fatalf("alice's push: %+v; want every op taken", r)
		}

		local, err := runbook.BuildReport(ctx, alice.Store, "RR", time.Now())
		hubtest.Must(t, err)
		hrep, err := alice.Syncer.Client.SiteReport(ctx, "RR") // GET /v1/sites/RR/report
		hubtest.Must(t, err)
		pg, err := h.Store.Progress(ctx, principalOf(t, h, sam), time.Now())
		hubtest.Must(t, err)
		if len(pg.Sites) != 1 {
			t.Fatalf("progress sites: %+v", pg.Sites)
		}
		prog := pg.Sites[0]
		figures := map[string][3]int{ // local report, hub report, progress
			"DDIs surrendered": {local.DDIsSurrendered, hrep.Totals.DDIsSurrendered, prog.DDIsSurrendered},
			"moved to Teams":   {local.MovedToTeams, hrep.Totals.MovedToTeams, prog.MovedToTeams},
			"done":             {local.Done, hrep.Totals.Done, prog.Done},
			"positions":        {local.Active, hrep.Totals.Positions, prog.Positions},
		}
		want := map[string]int{"DDIs surrendered": 3, "moved to Teams": 1, "done": 5, "positions": 7}
		for name, got := range figures {
			if got[0] != want[name] || got[1] != want[name] || got[2] != want[name] {
				t.Errorf("%s: local report %d, hub report %d, progress %d; want %d everywhere", name, got[0], got[1], got[2], want[name])
			}
		}
		for _, st := range runbook.DDIStates {
			if local.DDIs[st] != hrep.Totals.DDIs[string(st)] {
				t.Errorf("DDIs %s: local report %d, hub report %d", st, local.DDIs[st], hrep.Totals.DDIs[string(st)])
			}
		}
		hub := map[string]wire.ReportRow{}
		for _, r := range hrep.Rows {
			hub[r.Label] = r
		}
		for _, lr := range local.Rows {
			hr := hub[lr.Label]
			if hr.LegacyDDISurrendered != lr.LegacyDDISurrendered || hr.Status != string(lr.Status) {
				t.Errorf("%s: local %s surrendered %v, hub %s surrendered %v", lr.Label, lr.Status, lr.LegacyDDISurrendered,
					hr.Status, hr.LegacyDDISurrendered)
			}
			if !reflect.DeepEqual(hr.StepHistory, lr.StepHistory) {
				t.Errorf("%s step history:\nlocal %q\nhub   %q", lr.Label, lr.StepHistory, hr.StepHistory)
			}
		}
		surrendered := map[string]bool{"N1": true, "T1": true, "R1": true}
		for _, r := range hrep.Rows {
			if r.LegacyDDISurrendered != surrendered[r.Label] {
				t.Errorf("hub %s: legacy DDI surrendered %v", r.Label, r.LegacyDDISurrendered)
			}
		}
		k1 := hub["K1"]
		wantK1 := []string{"legacy_serial: pass (alice ", "), then corrected (alice ", ": FCHK1Q7 (was FCHK1XXQ7): serial mistyped)",
			"call_in: fail (alice ", ": no ring on the new phone), then pass (alice "}
		if joined := strings.Join(k1.StepHistory, "\n"); len(k1.StepHistory) != 2 || !containsAll(joined, wantK1) {
			t.Errorf("hub report K1 history %q", k1.StepHistory)
		}
		if len(k1.History) != 4 || !k1.History[1].Correction || k1.History[1].Was != "FCHK1XXQ7" || k1.History[2].Note != "no ring on the new phone" {
			t.Errorf("hub report K1 results %+v", k1.History)
		}
		n1h := strings.Join(hub["N1"].StepHistory, "\n")
		if !strings.Contains(n1h, "verify: fail (alice ") || !strings.Contains(n1h, "attempt 2") || !strings.Contains(n1h, "no phone on the port") {
			t.Errorf("hub report N1 history %q", hub["N1"].StepHistory)
		}
		// The corrected serial is the legacy handset the hub knows at K1.
		if k1.LegacySerial != "FCHK1Q7" || k1.Disposition != "weee_disposal" {
			t.Errorf("hub report K1 legacy handset %s (%s); want FCHK1Q7, the corrected serial", k1.LegacySerial, k1.Disposition)
		}
	})
}

func rec(l *hubtest.Laptop, label, key string, res runbook.Result) error {
	_, err := runbook.Record(ctx, l.Store, l.Name, "RR", label, key, res)
	return err
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
