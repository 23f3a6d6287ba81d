package runbook

import (
	"strings"
	"testing"

	"cutover/site"
)

// replaced records the replacement runbook of a reopened position, from
// its first step to stop (inclusive).
func (l *laptopWork) replaced(p site.Position, attempt int, stop string, values map[string]string) *laptopWork {
	for _, s := range AttemptRunbook(p, true).Steps {
		l.rec(attempt, s.Key, OutcomePass, values[s.Key])
		if s.Key == stop {
			break
		}
	}
	return l
}

var replaceValues = map[string]string{"reopen": "phone dead", "new_serial": "AVX0002", "new_tag": "MPS-9002",
	"faulty_disposition": "store", "signoff": "Sgt Khan", "told_before": "PS Morgan", "told_after": "PS Morgan"}

func TestDeriveReopened(t *testing.T) {
	swapped := func() *laptopWork { return newLaptop("A", "alice", 0).through(fixedPos, 1, "", fixedValues) }
	cases := []struct {
		name string
		p    site.Position
		ev   []Evidence
		want func(t *testing.T, d Derived)
	}{
		{"reopened: in progress, the first phone still on the jack until it is replaced", fixedPos,
			all(swapped(), newLaptop("B", "bob", 30).replaced(fixedPos, 2, "stage", replaceValues)), func(t *testing.T, d Derived) {
				eq(t, "status", d.Status, site.StatusInProgress)
				eq(t, "reason", d.Reason, "reopened: phone dead")
				eq(t, "reopened", d.Reopened, true)
				eq(t, "new", d.New.Serial+" "+d.New.State, "AVX0001 installed")
				eq(t, "replaced", len(d.Replaced), 0)
				eq(t, "numbers", d.Numbers.State, DDIKept)
				eq(t, "legacy", d.Legacy.State, "weee_disposal")
				eq(t, "taken out by", d.TakenOut.Key+" "+d.TakenOut.By, "swap alice")
			}},
		{"replaced and done: the replacement on the jack, the first phone where it went", fixedPos,
			all(swapped(), newLaptop("B", "bob", 30).replaced(fixedPos, 2, "", replaceValues)), func(t *testing.T, d Derived) {
				eq(t, "status", d.Status, site.StatusDone)
				eq(t, "signed off", d.SignedOffBy, "Sgt Khan")
				eq(t, "steps", d.Done == d.Total, true)
				eq(t, "new", d.New.Serial+" "+d.New.Tag+" "+d.New.State, "AVX0002 MPS-9002 installed")
				eq(t, "replaced", d.Replaced[0].Serial+" "+d.Replaced[0].State+" "+d.Replaced[0].MovedBy, "AVX0001 returned_to_store bob")
				eq(t, "legacy", d.Legacy.Serial+" "+d.Legacy.State, "FCH1234A001 weee_disposal")
				eq(t, "numbers", d.Numbers.State, DDIKept)
			}},
		{"a replacement rolled back: blocked, nothing given back, the phone taken out stays out", fixedPos,
			all(swapped(), newLaptop("B", "bob", 30).replaced(fixedPos, 2, "new_tag", replaceValues).
				rec(2, "rb_reason", OutcomePass, "blocked: wrong model sent").rec(2, "rb_putback", OutcomePass, "")), func(t *testing.T, d Derived) {
				eq(t, "status", d.Status, site.StatusBlocked)
				eq(t, "reason", d.Reason, "wrong model sent")
				eq(t, "numbers", d.Numbers.State, DDIKept)
				eq(t, "legacy", d.Legacy.State, "weee_disposal")
				eq(t, "new", d.New == nil, true)
				eq(t, "replaced", len(d.Replaced), 2)
				eq(t, "bagged", d.Replaced[1].Serial+" "+d.Replaced[1].State, "AVX0002 removed")
				eq(t, "dark now", d.Continuity.DarkNow(), true)
			}},
		{"a reopen on a Teams move is not taken for one", teamsPos,
			all(newLaptop("A", "alice", 0).through(teamsPos, 1, "", teamsValues), newLaptop("B", "bob", 30).rec(2, "reopen", OutcomePass, "no calls")),
			func(t *testing.T, d Derived) {
				eq(t, "reopened", d.Reopened, false)
				eq(t, "numbers", d.Numbers.State, DDIPending) // attempt 2 is a swap barely begun: the Teams number is not given yet
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.want(t, Derive(c.p, c.ev, nil)) })
	}
}

func TestReopenRefusedBeforeAsking(t *testing.T) {
	done := func(p site.Position) site.Position { p.Status = site.StatusDone; return p }
	for _, c := range []struct {
		p    site.Position
		want string
	}{
		{done(fixedPos), ""},
		{fixedPos, "only a done position is reopened"},
		{done(teamsPos), "Teams administrators"},
		{done(site.Position{Label: "SP-01", Plan: site.PlanAvayaSoft}), "Avaya platform team"},
		{done(site.Position{Label: "MR-01", Plan: site.PlanRemove}), "nothing on its jack"},
	} {
		err := CanReopen(c.p)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s (%s, %s): %v; want %q", c.p.Label, c.p.Plan, c.p.Status, err, c.want)
		}
	}
	for _, bad := range []string{"", "ok", "\u200b\u200b\u200b\u200b", "dead\x1b[2J", strings.Repeat("x", 201), "phone\u202edead since Monday"} {
		if _, err := ValidateReopen(bad); err == nil {
			t.Errorf("reason %q taken", bad)
		}
	}
	if v, err := ValidateReopen("  phone   dead\t"); err != nil || v != "phone dead" {
		t.Errorf("a plain reason: %q %v", v, err)
	}
}

// Who was told is a name, and a refusal says whose name it wanted.
func TestToldNameRefusalSaysWhose(t *testing.T) {
	s, _ := AttemptRunbook(fixedPos, false).Step("told_before")
	if _, err := s.Validate("x"); err == nil || !strings.Contains(err.Error(), "the name of who was told") {
		t.Errorf("told_before with %q: %v", "x", err)
	}
	if v, err := s.Validate("  PS  Morgan "); err != nil || v != "PS Morgan" {
		t.Errorf("a name: %q %v", v, err)
	}
}

// A replacement the next day is a visit of its own: the wizard's timer and
// "dark now" count only it, while the report and progress judge the worst
// visit against the target (the swap's 20 minutes stay over 15).
func TestAReplacementIsDarkOnItsOwn(t *testing.T) {
	l := newLaptop("A", "alice", 0)
	after := func(rb Runbook, attempt int, from string, gap int, values map[string]string) {
		on := false
		for _, s := range rb.Steps {
			if on {
				l.rec(attempt, s.Key, OutcomePass, values[s.Key])
			}
			if s.Key == from {
				on, l.clock = true, l.clock+gap
			}
		}
	}
	l.through(fixedPos, 1, "swap", fixedValues)
	after(RunbookFor(fixedPos), 1, "swap", 16, fixedValues) // 16 minutes from the swap to verify
	l.replaced(fixedPos, 2, "replace", replaceValues)
	after(AttemptRunbook(fixedPos, true), 2, "replace", 1, replaceValues)
	d := Derive(fixedPos, l.ev, nil)
	c := d.Continuity
	if c == nil || len(c.Periods) != 2 || c.Periods[0].Episode != 0 || c.Periods[1].Episode != 1 {
		t.Fatalf("periods: %+v", c)
	}
	eq(t, "this visit", Clock(c.Dark), "05:00")  // replace, verify, serial, tag, call_in: a minute each, and a minute's gap
	eq(t, "the swap", Clock(c.Earlier), "21:00") // swap, verify after 16 minutes, serial, tag, number, call_in
	eq(t, "worst", c.Minutes(), 21)
	eq(t, "over", c.Over(), true)
	eq(t, "level of this visit", c.Level(), DarkWithin)
	eq(t, "words", c.Words(), "✗ was dark 05:00 of 15:00 this visit; 21:00 at an earlier one (the earlier one over the target)")
}

// BenchmarkDeriveReopened is a position swapped, then reopened and its
// phone replaced: the derivation of the replacement stands on the swap's.
func BenchmarkDeriveReopened(b *testing.B) {
	ev := all(newLaptop("A", "alice", 0).through(fixedPos, 1, "", fixedValues), newLaptop("B", "bob", 30).replaced(fixedPos, 2, "", replaceValues))
	b.ReportMetric(float64(len(ev)), "evidence")
	for b.Loop() {
		Derive(fixedPos, ev, nil)
	}
}
