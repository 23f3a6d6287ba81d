package ui

import "testing"

// Issue 25 point 9: the waste transfer note and the name of who signed off
// repeat from position to position: the wizard offers the last ones used on
// the site, tab takes one into the prompt, and Enter records it.
func TestTheLastValuesUsedOnTheSiteAreOffered(t *testing.T) {
	st, runner, _ := demoRig(t)
	walk := func(label string, keys ...string) {
		t.Helper()
		m, z := openWizard(t, st, runner, label)
		press(t, m, "esc", "s", "bulk", "enter", "esc", "s", "none", "enter", "f", "enter")
		for current(z) != "disposition" {
			press(t, m, "enter")
			if z.lastErr != "" {
				t.Fatalf("%s at %s: %s", label, current(z), z.lastErr)
			}
		}
		press(t, m, "w", "enter")
		if label == "MR-02" {
			mustContain(t, m.View(), "WTN-2026-0117  (tab takes it)")
		}
		press(t, m, keys[0], "enter")
		if label == "MR-02" {
			mustContain(t, m.View(), "Sgt Ada Okafor  (tab takes it)", "tab take the last one used on this site")
		}
		press(t, m, keys[1], "enter")
		if status(t, st, label) != "done" {
			t.Fatalf("%s %s (%s)", label, status(t, st, label), z.lastErr)
		}
	}
	walk("MR-01", "WTN-2026-0117", "Sgt Ada Okafor")
	walk("MR-02", "tab", "tab")
	got := resultsFor(t, st, "MR-02", "disposition")
	sign := resultsFor(t, st, "MR-02", "signoff")
	if len(got) != 1 || got[0] != "disposition pass weee_disposal WTN-2026-0117 |" || len(sign) != 1 || sign[0] != "signoff pass Sgt Ada Okafor |" {
		t.Fatalf("MR-02: %q %q", got, sign)
	}
}
