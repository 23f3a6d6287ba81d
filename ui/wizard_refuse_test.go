package ui

import (
	"strings"
	"testing"
)

// Issue 25 point 6: a prompt that would refuse says so before asking, and
// every prompt says what comes next.
func TestAPromptRefusesBeforeItAsks(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "MR-01")
	press(t, m, "FCH1234MR01", "enter", "esc", "s", "none", "enter", "g", "enter")
	// The correction to the value already recorded: refused at the value,
	// before any reason is typed.
	press(t, m, "up", "up", "up", "c")
	if z.prompt != promptCorrectValue {
		t.Fatalf("c on the serial opened prompt %d (%s)", z.prompt, z.lastErr)
	}
	scan(t, m, "fch1234mr01")
	if z.prompt != promptCorrectValue || !strings.Contains(z.lastErr, "the value recorded already: nothing to correct") {
		t.Fatalf("a correction to the same value: prompt %d, %s", z.prompt, z.lastErr)
	}
	press(t, m, "esc", "esc")
	for current(z) != "disposition" {
		press(t, m, "enter")
		if z.lastErr != "" {
			t.Fatalf("at %s: %s", current(z), z.lastErr)
		}
	}
	// Lost says a note comes next, and asks for it in words.
	mustContain(t, m.View(), "not found or not recoverable: how, in a note, next")
	press(t, m, "l", "enter")
	mustContain(t, m.View(), "Lost. How was it lost (kept as its note)?")
	press(t, m, "left on the desk, gone by morning", "enter", "Sgt Ada Okafor", "enter")
	if status(t, st, "MR-01") != "done" {
		t.Fatalf("MR-01 %s (%s)", status(t, st, "MR-01"), z.lastErr)
	}
	// b on a done position says why nothing happens and what to do; a
	// removal has no phone on its jack to reopen for.
	press(t, m, "b")
	if !strings.Contains(z.lastErr, "MR-01 is done") || !strings.Contains(z.lastErr, "not rolled back") || strings.Contains(z.lastErr, "reopen") {
		t.Fatalf("b on a done position: %q", z.lastErr)
	}
	if got := resultsFor(t, st, "MR-01", "rb_reason"); len(got) != 0 {
		t.Fatalf("b on a done position recorded %q", got)
	}
}

// Issue 25 point 3, through the keys: correcting PE-02's Teams DDI after
// the surrender keeps the legacy numbers surrendered.
func TestCorrectingATeamsDDIKeepsTheSurrender(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "PE-02")
	press(t, m, "020 3000 4002", "enter", "enter")
	if current(z) != "legacy_serial" {
		t.Fatalf("PE-02 at %s (%s)", current(z), z.lastErr)
	}
	press(t, m, "esc", "up", "up", "c", "020 3000 4020", "enter", "mistyped", "enter")
	var teams, ext string
	if err := st.DB().QueryRow(`SELECT n.teams_ddi, n.ext_state FROM position_numbers n JOIN positions p ON p.id = n.position_id
		WHERE p.label = 'PE-02'`).Scan(&teams, &ext); err != nil {
		t.Fatal(err)
	}
	if teams != "+442030004020" || ext != "surrendered" {
		t.Fatalf("after the correction: teams %s, extension %q (%s)", teams, ext, z.lastErr)
	}
	if got := resultsFor(t, st, "PE-02", "surrender"); len(got) != 1 || got[0] != "surrender pass |" {
		t.Fatalf("surrender: %q", got)
	}
}
