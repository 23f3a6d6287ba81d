package ui

import (
	"strings"
	"testing"

	"cutover/internal/fieldtest"
)

// Issue 25 point 10: at 80 columns the dashboard keeps "q quit", the
// positions list keeps the plan, and the wizard wraps step titles whole;
// at 120 the register shows whole tags.
func TestWhatStaysOnScreenAt80Columns(t *testing.T) {
	st, runner, _ := demoRig(t)
	if _, err := fieldtest.Do(st, testEngineer, "KX", "HD-01", "legacy_tag", map[string]string{"legacy_tag": "MPS-KX-LONGTAG-0017"}); err != nil {
		t.Fatal(err)
	}
	m := newTestRoot(t, st, "KX", 80, 24)
	m.sh.runner = runner
	last := func() string { l := splitLines(m.View()); return l[len(l)-1] }
	if !strings.HasSuffix(strings.TrimSpace(last()), "? all keys • q quit") {
		t.Fatalf("the dashboard's keys at 80 columns: %q", last())
	}
	press(t, m, "p")
	mustContain(t, m.View(), "Plan", "remove", "Avaya PTT")
	if !strings.HasSuffix(strings.TrimSpace(last()), "q quit") {
		t.Fatalf("the positions' keys at 80 columns: %q", last())
	}
	press(t, m, "/", "FC-01", "enter", "enter", "w")
	frame := m.View()
	mustContain(t, frame, "2 Scan the legacy", "handset's serial", "6 Stage the new phone", "spare port")
	mustNotContain(t, frame, "ha…", "si…")
	m = newTestRoot(t, st, "KX", 120, 40)
	press(t, m, "a")
	mustContain(t, m.View(), "MPS-KX-LONGTAG-0017")
}
