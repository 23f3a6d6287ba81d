package ui

import (
	"testing"
	"time"
)

// The user's report, point 4: the detail of a critical position left dark
// says its dark time in the wizard's words, counted to the clock, and so
// does it once the phone is proven; a position never swapped says none.
func TestTheDetailShowsTheDarkTime(t *testing.T) {
	st, runner, _ := demoRig(t)
	t0 := fixedNow
	clock := t0
	st.Now = func() time.Time { return clock }
	m := newTestRootAt(t, st, "KX", 120, 40, func() time.Time { return clock })
	m.sh.runner = runner
	press(t, m, "p", "/", "FC-01", "enter", "enter")
	mustNotContain(t, m.View(), "Dark time")
	press(t, m, "w", "enter", "FCH1234ABCD", "enter", "LEG-0001", "enter", "good", "enter")
	tellAndSkipStaging(t, m)
	clock = t0.Add(time.Minute)
	press(t, m, "enter") // the swap: FC-01 is dark from now
	clock = t0.Add(13 * time.Minute)
	press(t, m, "esc", "J179 will not register; waiting for the MCVP team", "enter")
	if _, ok := m.top().(*detail); !ok {
		t.Fatalf("leaving the wizard went to %T, not the detail", m.top())
	}
	mustContain(t, m.View(), "Dark time      ⚠ dark 12:00 of 15:00 (past two thirds)")
	clock = t0.Add(17 * time.Minute)
	mustContain(t, m.View(), "Dark time      ✗ dark 16:00 of 15:00 (over the target)")

	press(t, m, "w", "enter", "enter", "NEW-0001", "enter", "enter", "y", "PS Morgan", "enter", "esc")
	clock = t0.Add(30 * time.Minute)
	mustContain(t, m.View(), "Dark time      ✗ was dark 16:00 of 15:00 (over the target)")
}
