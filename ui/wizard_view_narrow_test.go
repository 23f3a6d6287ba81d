package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// fitsWhole fails when a line of the frame is wider than w, or was cut
// short with "…" (text wraps to the width; it is not clipped).
func fitsWhole(t *testing.T, frame string, w int) {
	t.Helper()
	for i, l := range strings.Split(frame, "\n") {
		if n := widthOf(l); n > w {
			t.Errorf("line %d is %d cells wide, wider than %d: %q\n%s", i+1, n, w, l, frame)
		}
		if strings.HasSuffix(strings.TrimRight(l, " "), "…") {
			t.Errorf("line %d is clipped: %q\n%s", i+1, l, frame)
		}
	}
}

// The user's report, point 6: at 80×24 the wizard of a reopened FC-01 (its
// phone replaced) with a text prompt open shows its header, the step's
// instructions and the choice list's descriptions whole, wrapped to the
// width, never clipped; and the list says how many steps, not screen
// lines, are hidden above and below it; the step's results of the first
// attempt are set apart from this attempt's.
func TestTheReplacementWizardFitsEightyColumns(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	finishFC01(t, m, z)
	press(t, m, "o", "phone dead since Monday", "enter")
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})

	tellAndSkipStaging(t, m)
	press(t, m, "enter", "enter", "enter", "NEW-0002", "enter", "y") // replaced, verified, serial, tag, inbound call
	if current(z) != "told_after" || z.prompt == promptNone {
		t.Fatalf("walked to %s (prompt %d), want told_after asking who was told; %s", current(z), z.prompt, z.lastErr)
	}
	frame := m.View()
	fitsWhole(t, frame, 80)
	mustContain(t, frame, "Tell the front-counter supervisor that FC-01 has a", "working phone again (the inbound call passed)",
		"type their name.", "front counter", "Main / G / Front counter",
		"↑ 6 more steps", "↓ 3 more steps") // 16 steps: 1 to 6 above, 7 to 13 shown, 14 to 16 below
	mustNotContain(t, frame, "more\n", "more  ")
	// Who was told in the swap is the first attempt's, not this one's.
	mustContain(t, frame, "In earlier attempts (1)", "✓ pass · attempt 1")
	mustNotContain(t, frame, "Results recorded")

	press(t, m, "PS Morgan", "enter", "y", "y", "y", "y", "enter") // the calls, the checks, the label
	if current(z) != "faulty_disposition" {
		t.Fatalf("walked to %s, want the disposition of the phone taken out; %s", current(z), z.lastErr)
	}
	frame = m.View()
	fitsWhole(t, frame, 80)
	if z.pick == nil || len(z.pick.options) == 0 {
		t.Fatal("the disposition of the phone taken out is not picked from a list")
	}
	for _, o := range z.pick.options { // each description shown to its end
		words := strings.Fields(o.desc)
		mustContain(t, frame, o.word, words[len(words)-1])
	}
}
