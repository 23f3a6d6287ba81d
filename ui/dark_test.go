package ui

import (
	"testing"
	"time"

	"cutover/internal/fieldtest"
)

// Issue 29: the site dashboard lists every critical position dark now, its
// timer counting against its target, graded in words (not colour alone),
// the worst problems first.
func TestTheDashboardListsCriticalPositionsDarkNow(t *testing.T) {
	st := demoStore(t)
	if _, err := fieldtest.Do(st, testEngineer, "KX", "CS-01", "swap", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := fieldtest.Do(st, testEngineer, "KX", "HD-01", "remove", nil); err != nil { // not critical
		t.Fatal(err)
	}
	wall := fixedNow.Add(11 * time.Minute)
	m := newTestRootAt(t, st, "KX", 120, 40, func() time.Time { return wall })
	frame := m.View()
	mustContain(t, frame, "☎ CS-01    critical, ⚠ dark 11:00 of 15:00 (past two thirds)")
	mustNotContain(t, frame, "☎ HD-01")
	wall = fixedNow.Add(16*time.Minute + 30*time.Second)
	mustContain(t, m.View(), "☎ CS-01    critical, ✗ dark 16:30 of 15:00 (over the target)")
}
