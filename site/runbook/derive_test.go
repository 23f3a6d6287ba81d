package runbook

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"

	"cutover/site"
)

// A laptop's work in the tests: each call records the next result.
type laptopWork struct {
	laptop, by string
	seq        int64
	clock      int
	ev         []Evidence
}

func newLaptop(laptop, by string, minute int) *laptopWork {
	return &laptopWork{laptop: laptop, by: by, clock: minute}
}

func (l *laptopWork) rec(attempt int, step string, out Outcome, value string) *laptopWork {
	l.seq++
	l.clock++
	l.ev = append(l.ev, Evidence{Laptop: l.laptop, Seq: l.seq, Attempt: attempt, Step: step, Outcome: out, Value: value, By: l.by,
		At: fmt.Sprintf("2026-12-07T10:%02d:00Z", l.clock)})
	return l
}

func (l *laptopWork) correct(attempt int, step, value, was string) *laptopWork {
	l.seq++
	l.clock++
	l.ev = append(l.ev, Evidence{Laptop: l.laptop, Seq: l.seq, Attempt: attempt, Step: step, Outcome: OutcomePass, Value: value,
		Was: was, Correction: true, Note: "mistyped", By: l.by, At: fmt.Sprintf("2026-12-07T10:%02d:00Z", l.clock)})
	return l
}

// through records passes for every runbook step from the first to stop
// (inclusive), with the values given (the rest pass with no value).
func (l *laptopWork) through(p site.Position, attempt int, stop string, values map[string]string) *laptopWork {
	for _, s := range RunbookFor(p).Steps {
		l.rec(attempt, s.Key, OutcomePass, values[s.Key])
		if s.Key == stop {
			break
		}
	}
	return l
}

var (
	teamsPos = site.Position{Site: "KX", Label: "PE-02", Role: site.RolePersonal, Plan: site.PlanTeamsDDI, LegacyVendor: "cisco",
		LegacyModel: "CP-7941G", MAC: "001e138c9002", Extension: "1002", DDI: "+442072301002"}
	fixedPos = site.Position{Site: "KX", Label: "FC-01", Role: site.RoleFrontCounter, Plan: site.PlanAvayaFixed, LegacyVendor: "cisco",
		LegacyModel: "CP-7945G", MAC: "001e138c9001", Extension: "1001", DDI: "+442072301001", TargetModel: "Avaya J179"}
	noMAC = site.Position{Site: "TB", Label: "CT-03", Role: site.RoleHotDesk, Plan: site.PlanAvayaFixed, LegacyVendor: "mitel",
		LegacyModel: "6867i", Extension: "41003", DDI: "+442079460003", TargetModel: "Avaya J179"}
	teamsValues = map[string]string{"teams_ddi": "+442030004002", "legacy_serial": "FCH1234A002", "legacy_tag": "MPS-0002",
		"condition": "good", "disposition": "store"}
	fixedValues = map[string]string{"legacy_serial": "FCH1234A001", "legacy_tag": "MPS-0001", "condition": "good",
		"new_serial": "AVX0001", "new_tag": "MPS-9001", "ddi": "keep", "disposition": "weee WTN-1", "signoff": "Sgt Jones"}
)

func all(ls ...*laptopWork) []Evidence {
	var out []Evidence
	for _, l := range ls {
		out = append(out, l.ev...)
	}
	return out
}

func TestDerive(t *testing.T) {
	rollback := func(l *laptopWork, attempt int) *laptopWork {
		return l.rec(attempt, "rb_reason", OutcomePass, "blocked: DCI insists on keeping the desk phone").
			rec(attempt, "rb_reconnect", OutcomePass, "").rec(attempt, "rb_verify", OutcomePass, "")
	}
	cases := []struct {
		name string
		p    site.Position
		ev   []Evidence
		res  []Resolution
		want func(t *testing.T, d Derived)
	}{
		{"no work: the plan stands", teamsPos, nil, nil, func(t *testing.T, d Derived) {
			eq(t, "status", d.Status, site.Status(""))
			eq(t, "ddi state", d.Numbers.State, DDIPending)
			eq(t, "legacy", d.Legacy == nil, true)
		}},
		{"one laptop completes a Teams move", teamsPos,
			newLaptop("A", "alice", 0).through(teamsPos, 1, "", teamsValues).ev, nil, func(t *testing.T, d Derived) {
				eq(t, "status", d.Status, site.StatusDone)
				eq(t, "done", fmt.Sprint(d.Done, "/", d.Total), "9/9") // the sign-off of who accepted the move is the last
				eq(t, "ddi state", d.Numbers.State, DDITeams)
				eq(t, "ext state", d.Numbers.ExtState, "surrendered")
				eq(t, "legacy state", d.Legacy.State, "returned_to_store")
				eq(t, "legacy key", d.Legacy.Key, "FCH1234A002")
				eq(t, "disputes", len(d.Disputes), 0)
			}},
		{"a completion and a rollback of one attempt are a dispute; the rollback stands meanwhile", teamsPos,
			all(newLaptop("A", "alice", 0).through(teamsPos, 1, "", teamsValues),
				rollback(newLaptop("B", "bob", 1).through(teamsPos, 1, "remove", teamsValues), 1)), nil,
			func(t *testing.T, d Derived) {
				eq(t, "status", d.Status, site.StatusBlocked)
				eq(t, "outcome disputed", d.OutcomeDisputed(), true)
				eq(t, "branches", len(d.Disputes[0].Branches), 2)
				eq(t, "ddi state", d.Numbers.State, DDIPending)
				eq(t, "teams ddi", d.Numbers.TeamsDDI, "")
				eq(t, "legacy state", d.Legacy.State, "installed")
				eq(t, "legacy disputed", d.Legacy.Disputed, true)
			}},
		{"an admin picks the completion", teamsPos,
			all(newLaptop("A", "alice", 0).through(teamsPos, 1, "", teamsValues),
				rollback(newLaptop("B", "bob", 1).through(teamsPos, 1, "remove", teamsValues), 1)),
			[]Resolution{{ID: "r1", Fact: FactOutcome, Attempt: 1, Value: "done", By: "admin", At: "2026-12-07T12:00:00Z"}},
			func(t *testing.T, d Derived) {
				eq(t, "status", d.Status, site.StatusDone)
				eq(t, "open", d.Disputed(), false)
				eq(t, "ddi state", d.Numbers.State, DDITeams)
				eq(t, "legacy state", d.Legacy.State, "returned_to_store")
				eq(t, "legacy disputed", d.Legacy.Disputed, false)
			}},
		{"an admin picks bob's rollback by name", teamsPos,
			all(newLaptop("A", "alice", 0).through(teamsPos, 1, "", teamsValues),
				rollback(newLaptop("B", "bob", 1).through(teamsPos, 1, "remove", teamsValues), 1)),
			[]Resolution{{ID: "r1", Fact: FactOutcome, Attempt: 1, Value: "bob", By: "admin", At: "2026-12-07T12:00:00Z"}},
			func(t *testing.T, d Derived) {
				eq(t, "status", d.Status, site.StatusBlocked)
				eq(t, "open", d.Disputed(), false)
				eq(t, "legacy disputed", d.Legacy.Disputed, false)
				eq(t, "legacy state", d.Legacy.State, "installed")
			}},
		{"two serials scanned for one step: no value stands", fixedPos,
			all(newLaptop("A", "alice", 0).through(fixedPos, 1, "legacy_serial", map[string]string{"legacy_serial": "FCH1234A001"}),
				newLaptop("B", "bob", 0).through(fixedPos, 1, "legacy_serial", map[string]string{"legacy_serial": "FCH1234B001"})), nil,
			func(t *testing.T, d Derived) {
				eq(t, "status", d.Status, site.StatusInProgress)
				s := d.Step("legacy_serial")
				eq(t, "value", s.Value, "")
				eq(t, "disputed", s.Disputed, true)
				eq(t, "legacy disputed", d.Legacy.Disputed, true)
				eq(t, "legacy key (the plan's MAC while the serial is disputed)", d.Legacy.Key, "MAC 001e138c9001")
			}},
		{"a resolution picks one serial", fixedPos,
			all(newLaptop("A", "alice", 0).through(fixedPos, 1, "legacy_serial", map[string]string{"legacy_serial": "FCH1234A001"}),
				newLaptop("B", "bob", 0).through(fixedPos, 1, "legacy_serial", map[string]string{"legacy_serial": "FCH1234B001"})),
			[]Resolution{{ID: "r", Fact: "step:legacy_serial", Attempt: 1, Value: "FCH1234A001", By: "admin", At: "2026-12-07T12:00:00Z"}},
			func(t *testing.T, d Derived) {
				eq(t, "value", d.Step("legacy_serial").Value, "FCH1234A001")
				eq(t, "by", d.Step("legacy_serial").By, "alice")
				eq(t, "legacy key", d.Legacy.Key, "FCH1234A001")
			}},
		{"the same value from two laptops merges", fixedPos,
			all(newLaptop("A", "alice", 0).through(fixedPos, 1, "new_tag", fixedValues),
				newLaptop("B", "bob", 5).through(fixedPos, 1, "", fixedValues)), nil,
			func(t *testing.T, d Derived) {
				eq(t, "status", d.Status, site.StatusDone)
				eq(t, "disputes", len(d.Disputes), 0)
				eq(t, "new phone", d.New.Key+" "+d.New.State, "AVX0001 installed")
				eq(t, "legacy", d.Legacy.State+" "+d.Legacy.WTNRef, "weee_disposal WTN-1")
				eq(t, "signed off", d.SignedOffBy, "Sgt Jones")
				eq(t, "ddi", d.Numbers.State, DDIKept)
			}},
		{"correcting the Teams DDI after the surrender keeps the surrender", teamsPos,
			newLaptop("A", "alice", 0).through(teamsPos, 1, "surrender", teamsValues).correct(1, "teams_ddi", "+442030004020", "+442030004002").ev, nil,
			func(t *testing.T, d Derived) {
				eq(t, "teams ddi", d.Numbers.TeamsDDI, "+442030004020")
				eq(t, "ext state", d.Numbers.ExtState, "surrendered")
				eq(t, "surrendered", SurrendersLegacyDDI(teamsPos.DDI, d.Numbers.State, d.Numbers.ExtState), true)
			}},
		{"a failed step passed on another laptop stands passed", fixedPos,
			all(newLaptop("A", "alice", 0).rec(1, "precheck", OutcomeFail, ""),
				newLaptop("B", "bob", 3).rec(1, "precheck", OutcomePass, "")), nil,
			func(t *testing.T, d Derived) {
				eq(t, "precheck", d.Step("precheck").Outcome, OutcomePass)
				eq(t, "disputes", len(d.Disputes), 0)
			}},
		{"a later attempt supersedes a rollback", fixedPos,
			all(rollback(newLaptop("A", "alice", 0).through(fixedPos, 1, "swap", fixedValues), 1),
				newLaptop("B", "bob", 20).through(fixedPos, 2, "", fixedValues)), nil,
			func(t *testing.T, d Derived) {
				eq(t, "status", d.Status, site.StatusDone)
				eq(t, "attempt", d.Attempt, 2)
				eq(t, "disputes", len(d.Disputes), 0)
			}},
		{"a check passed on facts confirmed by eye stands unproven", fixedPos,
			[]Evidence{{Laptop: "A", Seq: 1, Attempt: 1, Step: "precheck", Outcome: OutcomePass, By: "alice", At: "2026-12-07T10:00:00Z",
				Evidence: &Observation{Check: CheckPortReady, OK: true, ByEye: &ByEye{Facts: []string{"PoE"}, Note: "link light on"}}}}, nil,
			func(t *testing.T, d Derived) {
				eq(t, "unproven", len(d.Unproven), 1)
				if len(d.Unproven) == 1 {
					eq(t, "line", d.Unproven[0], "precheck: PoE not reported by the switch, confirmed by eye by alice 2026-12-07T10:00:00Z (link light on), not proven")
				}
			}},
		{"a handset listed without a MAC and with no readable label takes its identity from what the pre-check saw", noMAC,
			[]Evidence{{Laptop: "A", Seq: 1, Attempt: 1, Step: "precheck", Outcome: OutcomePass, By: "alice", At: "2026-12-07T10:00:00Z",
				Evidence: &Observation{Check: CheckPortReady, OK: true, Phone: &SeenPhone{Vendor: "mitel", Model: "6867i", MAC: "08:00:0f:71:22:03", Serial: "23AB0099C"}}},
				{Laptop: "A", Seq: 2, Attempt: 1, Step: "legacy_serial", Outcome: OutcomeSkip, Note: "label worn away", By: "alice", At: "2026-12-07T10:01:00Z"}}, nil,
			func(t *testing.T, d Derived) {
				eq(t, "legacy MAC", d.Legacy.MAC, "08:00:0f:71:22:03")
				eq(t, "legacy serial", d.Legacy.Serial, "23AB0099C")
				eq(t, "legacy key", d.Legacy.Key, "23AB0099C")
			}},
		{"a serial scanned from the label stands over the one the switch saw", noMAC,
			[]Evidence{{Laptop: "A", Seq: 1, Attempt: 1, Step: "precheck", Outcome: OutcomePass, By: "alice", At: "2026-12-07T10:00:00Z",
				Evidence: &Observation{Check: CheckPortReady, OK: true, Phone: &SeenPhone{Vendor: "mitel", Model: "6867i", MAC: "08:00:0f:71:22:03", Serial: "23AB0099C"}}},
				{Laptop: "A", Seq: 2, Attempt: 1, Step: "legacy_serial", Outcome: OutcomePass, Value: "23AB0099X", By: "alice", At: "2026-12-07T10:01:00Z"}}, nil,
			func(t *testing.T, d Derived) {
				eq(t, "legacy", d.Legacy.MAC+" "+d.Legacy.Serial, "08:00:0f:71:22:03 23AB0099X")
			}},
		{"a rollback before the handset was touched ends at once", fixedPos,
			newLaptop("A", "alice", 0).rec(1, "precheck", OutcomeFail, "").rec(1, "rb_reason", OutcomePass, "failed: port dead").ev, nil,
			func(t *testing.T, d Derived) {
				eq(t, "status", d.Status, site.StatusFailed)
				eq(t, "reason", d.Reason, "port dead")
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Derive(c.p, c.ev, c.res)
			c.want(t, d)
			// The same evidence in any order gives the same state.
			want, _ := json.Marshal(d)
			r := rand.New(rand.NewSource(1))
			for i := 0; i < 20; i++ {
				ev := append([]Evidence(nil), c.ev...)
				r.Shuffle(len(ev), func(i, j int) { ev[i], ev[j] = ev[j], ev[i] })
				got, _ := json.Marshal(Derive(c.p, ev, c.res))
				if string(got) != string(want) {
					t.Fatalf("shuffled evidence gave another state:\n got %s\nwant %s", got, want)
				}
			}
		})
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
