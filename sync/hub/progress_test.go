package hub_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

func importJSON(t *testing.T, h *hubtest.Hub, doc string) {
	t.Helper()
	inv, err := site.ParseInventory("plan.json", []byte(doc), site.ParseOptions{})
	hubtest.Must(t, err)
	// The plans of these tests were loaded before the work they record
	// (the hub does not believe a laptop's clock before a site's import).
	now := h.Store.Now
	h.Store.Now = func() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) }
	defer func() { h.Store.Now = now }()
	_, err = h.Store.ImportPlan(ctx, "admin", inv, []byte(doc))
	hubtest.Must(t, err)
}

func TestProgressFigures(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, `{"site":{"code":"AA","name":"Alpha","cease_date":"2027-06-30"},"positions":[
			{"label":"P1","role":"front_counter","legacy_vendor":"cisco","extension":"1001"},
			{"label":"P2","role":"front_counter","legacy_vendor":"cisco","extension":"1002"},
			{"label":"P3","role":"custody_suite","legacy_vendor":"cisco","extension":"1003"},
			{"label":"P4","role":"reception","legacy_vendor":"mitel","extension":"1004"},
			{"label":"P5","role":"personal","legacy_vendor":"cisco","extension":"1005","ddi":"020 7230 1005"},
			{"label":"P6","role":"personal","legacy_vendor":"cisco","extension":"1006","ddi":"020 7230 1006"},
			{"label":"P7","role":"personal","legacy_vendor":"cisco","extension":"1007"},
			{"label":"P8","role":"hot_desk","legacy_vendor":"cisco","extension":"1008","ddi":"020 7230 1008"},
			{"label":"P9","role":"hot_desk","legacy_vendor":"cisco","extension":"1009","ddi":"020 7230 1009"},
			{"label":"P10","role":"meeting_room","legacy_vendor":"cisco","extension":"1010"}]}`)
		importJSON(t, h, `{"site":{"code":"BB","name":"Bravo","cease_date":"2026-12-01"},"positions":[
			{"label":"Q1","role":"front_counter","legacy_vendor":"cisco","extension":"2001"},
			{"label":"Q2","role":"personal","legacy_vendor":"cisco","extension":"2002"}]}`)
		alice := h.Laptop("alice", wire.RoleEngineer, "AA")
		bob := h.Laptop("bob", wire.RoleEngineer, "BB")
		sam := h.Laptop("sam", wire.RoleSupervisor)
		sync(t, alice, "AA")
		sync(t, bob, "BB")
		day := func(d string) func() time.Time {
			return func() time.Time { tm, _ := time.Parse(time.DateOnly, d); return tm.Add(10 * time.Hour) }
		}
		// The work, step by step as engineers record it: four swaps done on
		// three days, one failed and one blocked (rolled back).
		done := func(d string, labels ...string) {
			alice.Store.Now = day(d)
			for _, l := range labels {
				hubtest.Work(t, alice.Store, "alice", "AA", l, "", map[string]string{"disposition": map[string]string{"P8": "weee WTN-1"}[l]})
			}
		}
		done("2026-10-01", "P2")
		done("2026-11-20", "P1", "P5")
		done("2026-11-24", "P8")
		for l, why := range map[string]string{"P3": "failed: no PoE on the port", "P4": "blocked: no PoE budget"} {
			hubtest.Work(t, alice.Store, "alice", "AA", l, "precheck", nil)
			hubtest.RollBack(t, alice.Store, "alice", "AA", l, why)
		}
		sync(t, alice)
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

		// A supervisor's token reads every site.
		sp, err := h.Store.Progress(ctx, principalOf(t, h, sam), now)
		hubtest.Must(t, err)
		// BB, nothing done 6 days before its cease date, is at risk and first;
		// AA, 3 done over the last 14 days with 6 left, is on track.
		if len(sp.Sites) != 2 || sp.Sites[0].Code != "BB" || sp.Sites[0].Verdict.Kind != wire.VerdictAtRisk || sp.Sites[0].ProjectedFinish != "" ||
			sp.Sites[1].Verdict.Kind != wire.VerdictOnTrack || sp.Sites[1].ProjectedFinish != "2026-12-23" {
			t.Fatalf("sites order/projection: %+v", sp.Sites)
		}
		a := sp.Sites[1]
		// P5 to Teams and P8 removed took a physical extension away; P1
		// and P2 were replaced by Avaya desk phones, still physical.
		if g := fmt.Sprint(a.PhysicalGonePerDay); g != "[{2026-11-20 1} {2026-11-24 1}]" {
			t.Errorf("physical extensions gone per day: %s", g)
		}
		want := map[string]int{"positions": 10, "done": 4, "remaining": 6, "failed": 1, "blocked": 1,
			"physical": 8, "teams": 1, "ddis": 2, // P5 to Teams and P8 surrendered; P1 had none
			"returned": 3, "weee": 1,
			"fixed done": 2, "fixed rem": 2, "teams rem": 2, "remove done": 1, "remove rem": 2}
		got := map[string]int{"positions": a.Positions, "done": a.Done, "remaining": a.Remaining, "failed": a.Failed,
			"blocked": a.Blocked, "physical": a.PhysicalExtensionsRemaining, "teams": a.MovedToTeams,
			"ddis": a.DDIsSurrendered, "returned": a.HandsetsReturned, "weee": a.HandsetsWEEE,
			"fixed done": a.ByPlan["avaya_fixed"].Done, "fixed rem": a.ByPlan["avaya_fixed"].Remaining,
			"teams rem": a.ByPlan["teams_ddi"].Remaining, "remove done": a.ByPlan["remove"].Done,
			"remove rem": a.ByPlan["remove"].Remaining}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("AA %s = %d, want %d", k, got[k], v)
			}
		}
		// 3 done in the last 14 days: 3/14 a day; 6 remaining → 28 days.
		if a.ProjectedFinish != "2026-12-23" || a.WillMiss || len(a.Problems) != 2 {
			t.Errorf("AA projection %s (miss %v), problems %+v", a.ProjectedFinish, a.WillMiss, a.Problems)
		}
		days, _ := json.Marshal(sp.Force.DonePerDay)
		if string(days) != `[{"day":"2026-10-01","done":1},{"day":"2026-11-20","done":2},{"day":"2026-11-24","done":1}]` {
			t.Errorf("force done per day %s", days)
		}
		// Only the people who push are listed: sam, a supervisor, is not.
		if sp.Force.Positions != 12 || sp.Force.Done != 4 || len(sp.Engineers) != 2 || sp.Engineers[0].User != "alice" || sp.Engineers[1].User != "bob" {
			t.Errorf("force %+v, engineers %+v", sp.Force, sp.Engineers)
		}
		// Needed per day to meet the cease date: 6 left, 217 days to 2027-06-30.
		if a.DaysToCease != 217 || a.NeededPerDay != 6.0/217 || a.RateDays != 14 || a.FirstDone != "2026-10-01" {
			t.Errorf("AA cease %d days, needed %.3f a day, rate over %d days from %s", a.DaysToCease, a.NeededPerDay, a.RateDays, a.FirstDone)
		}
		// Over HTTP: an engineer's token gets only their own site.
		var bp wire.Progress
		a2 := get(t, h.URL+"/v1/progress", bob.Creds.AccessToken)
		json.Unmarshal([]byte(a2.raw), &bp)
		if a2.status != http.StatusOK || len(bp.Sites) != 1 || bp.Sites[0].Code != "BB" || bp.Force.Positions != 2 ||
			len(bp.Engineers) != 1 {
			t.Fatalf("engineer progress: %d %s", a2.status, a2.raw)
		}
		if a := get(t, h.URL+"/v1/progress", ""); a.status != http.StatusUnauthorized {
			t.Fatalf("progress without a token: %d", a.status)
		}
		if a := get(t, h.URL+"/v1/progress", sam.Creds.AccessToken); a.status != http.StatusOK {
			t.Fatalf("supervisor over HTTP: %d", a.status)
		}
	})
}

func principalOf(t *testing.T, h *hubtest.Hub, l *hubtest.Laptop) hub.Principal {
	p, err := h.Store.Authenticate(ctx, l.Creds.AccessToken)
	hubtest.Must(t, err)
	return p
}

// A site whose work started today is judged on its one day worked;
// one that started three days ago is judged on three days, not fourteen;
// open conflicts and discrepancies are problems beside the failed and
// blocked positions.
func TestProgressStartedTodayConflictsAndDiscrepancies(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		plan := func(code string, labels ...string) string {
			doc := `{"site":{"code":"` + code + `","name":"` + code + `","cease_date":"2027-01-31"},"positions":[`
			for i, l := range labels {
				if i > 0 {
					doc += ","
				}
				doc += `{"label":"` + l + `","role":"personal","legacy_vendor":"cisco","extension":"` + fmt.Sprint(5000+i) + `"}`
			}
			return doc + `]}`
		}
		importJSON(t, h, plan("TD", "T1", "T2", "T3", "T4"))
		importJSON(t, h, plan("TH", "H1", "H2", "H3", "H4"))
		alice := h.Laptop("alice", wire.RoleEngineer, "TD", "TH")
		sync(t, alice, "TD", "TH")
		now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		doneOn := func(code, day string, labels ...string) {
			alice.Store.Now = func() time.Time { tm, _ := time.Parse(time.DateOnly, day); return tm.Add(10 * time.Hour) }
			for _, l := range labels {
				hubtest.Work(t, alice.Store, "alice", code, l, "", nil)
			}
		}
		doneOn("TD", "2026-11-25", "T1")
		doneOn("TH", "2026-11-23", "H1", "H2", "H3")
		alice.Store.Now = func() time.Time { return now }
		hubtest.Work(t, alice.Store, "alice", "TH", "H4", "teams_ddi", nil)
		hubtest.Must(t, alice.Store.Write(ctx, "alice", func(tx *site.Tx) error {
			return client.Observe(ctx, tx, "TD", "T2", "extension", "5999")
		}))
		sync(t, alice)
		// The plan drops H4, which has work on it: a conflict.
		importJSON(t, h, plan("TH", "H1", "H2", "H3"))
		sam := h.Laptop("sam", wire.RoleSupervisor)
		sp, err := h.Store.Progress(ctx, principalOf(t, h, sam), now)
		hubtest.Must(t, err)
		by := map[string]wire.SiteProgress{}
		for _, s := range sp.Sites {
			by[s.Code] = s
		}
		td, th := by["TD"], by["TH"]
		// TD started today: its rate is today's, over the one day worked.
		if td.RateDays != 1 || td.RatePerDay != 1 || td.Verdict.Kind != wire.VerdictOnTrack || td.FirstDone != "2026-11-25" || td.ProjectedFinish != "2026-11-28" {
			t.Errorf("TD started today: rate %.2f over %d days, will miss %v, first %s, finish %q", td.RatePerDay, td.RateDays, td.WillMiss, td.FirstDone, td.ProjectedFinish)
		}
		if td.DaysToCease != 67 || td.NeededPerDay != 3.0/67 {
			t.Errorf("TD needs %.3f a day over %d days", td.NeededPerDay, td.DaysToCease)
		}
		if th.RateDays != 3 || th.RatePerDay != 1 {
			t.Errorf("TH started 3 days ago: %.2f a day over %d days", th.RatePerDay, th.RateDays)
		}
		if td.Discrepancies != 1 || td.OpenConflicts != 1 || len(td.Problems) != 1 || td.Problems[0].Kind != wire.ProblemDiscrepancy ||
			td.Problems[0].Label != "T2" || !strings.Contains(td.Problems[0].Reason, "plan discrepancy") {
			t.Errorf("TD discrepancy: %+v", td)
		}
		if th.OpenConflicts != 1 || th.Discrepancies != 0 || len(th.Problems) != 1 || th.Problems[0].Kind != wire.ProblemConflict ||
			th.Problems[0].Label != "H4" || th.Problems[0].Conflict != "plan_dropped_with_work" {
			t.Errorf("TH conflict: %+v", th.Problems)
		}
		if sp.Force.Discrepancies != 1 || sp.Force.OpenConflicts != 2 || sp.Force.FirstDone != "2026-11-23" {
			t.Errorf("force: %+v", sp.Force)
		}
	})
}
