package rules

import (
	"testing"

	"cutover/site/runbook"
)

func TestEachOpKindIsTreatedByItsClass(t *testing.T) {
	for kind, want := range map[string]Class{
		"step.result.v1": Evidence, "step.correction.v1": Evidence, "conflict.resolve.v1": Evidence,
		"number.ddi.v1": Derived, "asset.install.v1": Derived, "asset.relabel.v1": Derived, "asset.state.v1": Derived,
		"asset.dispose.v1": Derived, "position.observe.v1": Fact, "note.add.v1": Fact, "step.reopen.v1": Fact,
		"plan.proposal.v1": Fact, "site.import.v1": Plan, "position.plan_dropped.v1": Plan, "position.add.v2": Plan,
		"stock.issue.v1": Journal, "switch.addr.v1": Journal, "something.newer.v9": Journal,
	} {
		if got := KindClass(kind); got != want {
			t.Errorf("%s: %s, want %s", kind, got, want)
		}
	}
	for to, want := range map[string]Class{"in_progress": Derived, "done": Derived, "failed": Derived, "blocked": Derived,
		"discovered": Fact, "withdrawn": Fact, "planned": Fact} {
		if got := StatusClass(to); got != want {
			t.Errorf("status %s: %s, want %s", to, got, want)
		}
	}
}

func TestALaptopsClockIsBelievedWithinTheWindow(t *testing.T) {
	received := int64(1796644800) // 2026-12-07T12:00:00Z
	start := "2026-11-01T09:00:00Z"
	for _, c := range []struct {
		observed string
		believed bool
	}{{"2026-12-07T11:59:00Z", true}, {"2026-10-31T10:00:00Z", true}, {"2026-10-31T08:59:59Z", false}, {"0001-01-01T00:00:00Z", false},
		{"9999-12-31T23:59:59Z", false}, {"2026-12-08T11:59:59Z", true}, {"2026-12-08T12:00:01Z", false}, {"yesterday", false}} {
		at, ok := Believed(c.observed, received, start)
		if ok != c.believed || (!ok && at != "2026-12-07T12:00:00Z") {
			t.Errorf("%s: %s believed %v, want %v", c.observed, at, ok, c.believed)
		}
	}
}

func TestConflictIDsFollowTheFact(t *testing.T) {
	a, b := ConflictID("KX", "pe-01", "step:legacy_serial", "1"), ConflictID("KX", "pe-01", "step:legacy_serial", "2")
	if a == b || a != ConflictID("KX", "pe-01", "step:legacy_serial", "1") || a[:8] == b[:8] {
		t.Errorf("ids %s %s: want one id per fact, the same every time, unlike prefixes", a, b)
	}
}

func TestWhatAPositionClaims(t *testing.T) {
	d := runbook.Derived{Legacy: &runbook.Handset{Key: "FCH1", State: "returned_to_store"},
		New:     &runbook.Handset{Key: "23WZ1", State: "removed"},
		Numbers: runbook.DerivedNumbers{Numbers: runbook.Numbers{State: runbook.DDITeams, TeamsDDI: "+442030004001"}}}
	got := Claims(d)
	if len(got) != 2 || got[Key{"handset", "FCH1"}].Kind != "legacy" || got[Key{"number", "+442030004001"}].Kind != "teams" {
		t.Errorf("claims %+v: want the legacy handset wherever it went and the Teams DDI, not the phone bagged after a rollback", got)
	}
}
