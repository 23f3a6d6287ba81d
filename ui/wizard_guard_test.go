package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Issue 25 point 1: nothing is recorded that was not on screen. These tests
// run with the read pause of the real program (0.7 s) on a clock the test
// moves: "later" is an engineer who read the step.

// readingClock gives m the real read pause on a clock that moves only when
// the returned func is called (by a second: the engineer read the step).
func readingClock(m *root) (later func()) {
	clock := time.Now() // not before the step due came up
	m.sh.readPause, m.sh.wall = 700*time.Millisecond, func() time.Time { return clock }
	return func() { clock = clock.Add(time.Second) }
}

// burst sends keys in one batch, as a scanner or a double Enter does: each
// reaches Update before any Cmd has run (the record of the first Enter is
// still under way when the second arrives).
func burst(t *testing.T, m *root, keys ...string) {
	t.Helper()
	var cmds []tea.Cmd
	for _, k := range keys {
		msgs := keyMsgs(k)
		if k != "enter" && len(msgs) > 1 { // a scanned word: its characters in one message
			msgs = []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune(k)}}
		}
		for _, msg := range msgs {
			_, cmd := m.Update(msg)
			cmds = append(cmds, cmd)
		}
	}
	for _, c := range cmds {
		drain(t, m, c)
	}
}

// A scan's Enter doubled (⏎⏎ 3-8 ms apart) records the scanned step and
// nothing else: not the DDI's keep after the new tag, not a condition after
// the legacy tag, not the serial LLDP-MED showed after verify.
func TestADoubleEnterTakesNoValueOfTheNextStep(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	later := readingClock(m)
	later()
	press(t, m, "enter") // the pre-check
	later()
	burst(t, m, "FCH1234ABCD", "enter", "enter")
	burst(t, m, "LEG-0001", "enter", "enter") // scanned straight after the serial: typed for this step, so taken
	if got := resultsFor(t, st, "FC-01", "legacy_tag"); len(got) != 1 || got[0] != "legacy_tag pass LEG-0001 |" {
		t.Fatalf("legacy_tag: %q (%s)", got, z.lastErr)
	}
	if got := resultsFor(t, st, "FC-01", "legacy_condition"); len(got) != 0 || current(z) != "legacy_condition" {
		t.Fatalf("the second Enter after the tag recorded a condition: %q", got)
	}
	if !strings.Contains(z.lastErr, "typed before “Record the handset's condition” came up is not taken for it: nothing was recorded") {
		t.Fatalf("the refusal: %s", z.lastErr)
	}
	// Read, then picked: taken.
	later()
	press(t, m, "w", "enter")
	if got := resultsFor(t, st, "FC-01", "legacy_condition"); len(got) != 1 || got[0] != "legacy_condition pass worn |" {
		t.Fatalf("condition: %q", got)
	}
	later()
	tellAndSkipStaging(t, m) // FC-01 is critical
	later()
	press(t, m, "enter") // swap
	later()
	burst(t, m, "enter", "enter") // verify, and an Enter run on
	if got := resultsFor(t, st, "FC-01", "new_serial"); len(got) != 0 || current(z) != "new_serial" {
		t.Fatalf("an Enter after verify took the serial LLDP-MED showed: %q", got)
	}
	// The same Enter arriving after the record is back, still straight
	// after the step came up, is refused too.
	press(t, m, "enter")
	if got := resultsFor(t, st, "FC-01", "new_serial"); len(got) != 0 || !strings.Contains(z.lastErr, "has only just come up") {
		t.Fatalf("an Enter straight after new_serial came up: %q %s", got, z.lastErr)
	}
	later()
	press(t, m, "enter") // read: the serial shown is taken
	if got := resultsFor(t, st, "FC-01", "new_serial"); len(got) != 1 || !strings.HasPrefix(got[0], "new_serial pass 23WZ") {
		t.Fatalf("new_serial: %q (%s)", got, z.lastErr)
	}
	later()
	burst(t, m, "NEW-0001", "enter", "enter")
	if got := resultsFor(t, st, "FC-01", "ddi"); len(got) != 0 || current(z) != "ddi" {
		t.Fatalf("the second Enter after new_tag kept the DDI: %q", got)
	}
	mustContain(t, m.View(), "recorded: NEW-0001 · esc, then c corrects it")
	later()
	press(t, m, "enter")
	if got := resultsFor(t, st, "FC-01", "ddi"); len(got) != 1 || got[0] != "ddi pass keep |" {
		t.Fatalf("ddi: %q (%s)", got, z.lastErr)
	}
}

// After the label, a double Enter does not send the handset anywhere: no
// disposition is pre-selected, and one is taken only when picked after the
// step came up.
func TestADoubleEnterPicksNoDisposition(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "MR-01")
	press(t, m, "esc", "s", "bulk", "enter", "esc", "s", "none", "enter", "f", "enter")
	for current(z) != "surrender" {
		press(t, m, "enter")
		if z.lastErr != "" {
			t.Fatalf("at %s: %s", current(z), z.lastErr)
		}
	}
	later := readingClock(m)
	later()
	burst(t, m, "enter", "enter", "enter")
	if got := resultsFor(t, st, "MR-01", "disposition"); len(got) != 0 || current(z) != "disposition" {
		t.Fatalf("Enters after the surrender recorded a disposition: %q, at %s (%s)", got, current(z), z.lastErr)
	}
	mustNotContain(t, m.View(), "▸ store", "▸ weee", "▸ lost")
	later()
	press(t, m, "enter")
	if got := resultsFor(t, st, "MR-01", "disposition"); len(got) != 0 || !strings.Contains(z.lastErr, "nothing is picked") {
		t.Fatalf("an Enter with nothing picked: %q %s", got, z.lastErr)
	}
	var state string
	st.DB().QueryRow(`SELECT a.state FROM assets a JOIN positions p ON p.id = a.position_id WHERE p.label = 'MR-01' AND a.kind = 'legacy'`).Scan(&state)
	if state != "removed" {
		t.Fatalf("the register moved the faulty handset to %s", state)
	}
}

// A confirm step is the same: an Enter run on from the last one is refused,
// and c on it corrects the value just recorded.
func TestTheValueJustRecordedIsShownAndCorrected(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	later := readingClock(m)
	later()
	press(t, m, "enter")
	later()
	scan(t, m, "FCH1234ABCD")
	scan(t, m, "LEG-0001")
	later()
	press(t, m, "g", "enter")
	mustContain(t, m.View(), "✓ recorded: good · esc, then c corrects it") // the next step's box is open: c would be typed there
	press(t, m, "esc", "c")                                                // the box closed, c corrects the value just recorded
	mustContain(t, m.View(), "Corrected value, pick one:")
	press(t, m, "w", "enter", "scuffed on the back", "enter")
	if got := resultsFor(t, st, "FC-01", "legacy_condition"); len(got) != 2 || got[1] != "legacy_condition pass worn | scuffed on the back (correction of good)" {
		t.Fatalf("condition corrected from the next step: %q (%s)", got, z.lastErr)
	}
	later()
	tellAndSkipStaging(t, m) // FC-01 is critical
	burst(t, m, "enter")
	if got := resultsFor(t, st, "FC-01", "swap"); len(got) != 0 || !strings.Contains(z.lastErr, "has only just come up") {
		t.Fatalf("swap confirmed straight after the staging: %q %s", got, z.lastErr)
	}
	if current(z) != "swap" {
		t.Fatalf("after the correction the step due is %s", current(z))
	}
}
