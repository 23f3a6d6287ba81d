package ui

import (
	"strings"
	"testing"
)

// Issue 25 point 4, through the keys: a door-access phone with no DDI is
// never asked for the inbound call (it is recorded as not applicable, with
// the reason); a PTT phone's group is typed at its step; a Teams move ends
// with the name of who accepted it.
func TestAStepThatCannotApplyIsNotAsked(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "DA-01")
	press(t, m, "enter", "FCH1234DA01", "enter", "LEG-DA01", "enter", "g", "enter")
	tellAndSkipStaging(t, m) // a door is critical
	press(t, m, "enter", "enter", "enter", "NEW-DA01", "enter")
	if current(z) != "ddi" {
		t.Fatalf("DA-01 at %s (%s)", current(z), z.lastErr)
	}
	mustContain(t, m.View(), "The position has no DDI", "Test call: inbound (no DDI)")
	press(t, m, "enter")
	if got := resultsFor(t, st, "DA-01", "call_in"); len(got) != 1 || got[0] != "call_in skip | not applicable: the position has no DDI to call" {
		t.Fatalf("DA-01 call_in: %q", got)
	}
	if current(z) != "told_after" { // a door is critical: the duty officer is told it works again
		t.Fatalf("DA-01 due after the number: %s", current(z))
	}
	press(t, m, "PS Morgan", "enter")
	if current(z) != "call_out" {
		t.Fatalf("DA-01 due after the duty officer was told: %s", current(z))
	}
	mustContain(t, m.View(), "» ", "it should show the site's main number")

	m, z = openWizard(t, st, runner, "PT-01")
	walkPT01(t, m, z)
	mustContain(t, m.View(), "Type the group's name as the phone shows it")
	press(t, m, "CT OPS 1", "enter")
	if got := resultsFor(t, st, "PT-01", "ptt_group"); len(got) != 1 || got[0] != "ptt_group pass CT OPS 1 |" {
		t.Fatalf("PT-01 ptt_group: %q", got)
	}

	m, z = openWizard(t, st, runner, "PE-02")
	press(t, m, "020 3000 4002", "enter", "enter", "FCH1234PE02", "enter", "esc", "s", "no tag", "enter", "g", "enter", "enter", "enter", "s", "enter")
	if current(z) != "signoff" || !strings.Contains(m.View(), "accepts the change") {
		t.Fatalf("PE-02 at %s, want the sign-off (%s)", current(z), z.lastErr)
	}
	press(t, m, "Sgt Ada Okafor", "enter")
	if status(t, st, "PE-02") != "done" {
		t.Fatalf("PE-02 %s after the sign-off", status(t, st, "PE-02"))
	}
}
