package ui

import (
	"context"
	"strings"
	"testing"

	"cutover/internal/fieldtest"
)

// Issue 25 point 7: t makes today's list from the positions list (kept
// across a restart); n after a sign-off, and on a position's detail, goes
// to the next position to do on it.
func TestADayOfPositionsGoesOnInOneKey(t *testing.T) {
	st, runner, _ := demoRig(t)
	m := newTestRoot(t, st, "KX", 120, 40)
	press(t, m, "p", "/", "HD-01", "enter", "t", "esc", "/", "FC-01", "enter", "t", "esc")
	day, err := st.DayList(context.Background(), "KX", fixedNow.Format("2006-01-02"))
	if err != nil || strings.Join(day, " ") != "HD-01 FC-01" {
		t.Fatalf("today's list in the database: %q %v", day, err)
	}
	// A restart: the list is still today's.
	m = newTestRoot(t, st, "KX", 120, 40)
	m.sh.runner = runner
	press(t, m, "p", "/", "FC-01", "enter")
	mustContain(t, m.View(), "◆FC-01")
	if _, err := fieldtest.Do(st, testEngineer, "KX", "FC-01", "", nil); err != nil {
		t.Fatal(err)
	}
	press(t, m, "enter", "w")
	z := m.top().(*wizard)
	mustContain(t, m.View(), "● Done", "n goes to the next position to do")
	press(t, m, "n")
	next, ok := m.top().(*wizard)
	if !ok || next == z || next.label != "HD-01" {
		t.Fatalf("n after FC-01's sign-off opened %s", typeString(m.top()))
	}
	// HD-01's detail: nothing else is left on today's list.
	// esc: its serial's prompt, the wizard, FC-01's detail, the filter.
	press(t, m, "esc", "esc", "esc", "esc", "/", "HD-01", "enter", "enter")
	press(t, m, "n")
	if d, ok := m.top().(*detail); !ok || d.label != "HD-01" || !strings.Contains(m.View(), "nothing left to do on today's list") {
		t.Fatalf("n on HD-01's detail: %s\n%s", typeString(m.top()), m.View())
	}
}

// Issue 25 point 8: the positions list shows the number a position has
// now, and / finds a new or Teams DDI.
func TestTheListShowsAndFindsTheNumberNow(t *testing.T) {
	st := demoStore(t)
	if _, err := fieldtest.Do(st, testEngineer, "KX", "FC-02", "ddi", map[string]string{"ddi": "020 7230 1999"}); err != nil {
		t.Fatal(err)
	}
	if _, err := fieldtest.Do(st, testEngineer, "KX", "PE-02", "teams_ddi", map[string]string{"teams_ddi": "020 3000 4002"}); err != nil {
		t.Fatal(err)
	}
	m := newTestRoot(t, st, "KX", 120, 40)
	press(t, m, "p", "/", "020 7230 1999")
	mustContain(t, m.View(), "FC-02", "→+442072301999", "1 of 58 positions")
	press(t, m, "esc", "/", "02030004002")
	mustContain(t, m.View(), "PE-02", "→+442030004002", "1 of 58 positions")
}
