package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"cutover/site/runbook"
)

// Issue 29, point 3, by keys: FC-01 (a front counter) shows its target
// before the swap; from the swap its header counts the dark minutes, warned
// past two thirds; leaving the wizard while it is dark asks why (an empty
// answer is refused, esc stays), and the reason is recorded; back later,
// verify and the inbound call end it, and the minutes the database gives
// are the ones the header showed.
func TestACriticalSwapCountsItsDarkMinutesByKeys(t *testing.T) {
	st, runner, _ := demoRig(t)
	t0 := fixedNow
	clock := t0
	st.Now = func() time.Time { return clock }
	m := newTestRootAt(t, st, "KX", 120, 40, func() time.Time { return clock })
	m.sh.runner = runner
	press(t, m, "p", "/", "FC-01", "enter", "enter", "w")
	z, ok := m.top().(*wizard)
	if !ok {
		t.Fatalf("w opened %T", m.top())
	}
	mustContain(t, m.View(), "☎ critical: at most 15:00 without a phone")
	press(t, m, "enter", "FCH1234ABCD", "enter", "LEG-0001", "enter", "good", "enter")
	tellAndSkipStaging(t, m)
	if current(z) != "swap" {
		t.Fatalf("walked to %s, want swap; %s", current(z), z.lastErr)
	}
	mustNotContain(t, m.View(), "☎ FC-01 dark")
	clock = t0.Add(time.Minute)
	press(t, m, "enter") // the swap: the legacy handset is out of service from now
	clock = t0.Add(11 * time.Minute)
	mustContain(t, m.View(), "☎ FC-01 dark 10:00 of 15:00")
	clock = t0.Add(12 * time.Minute)
	mustContain(t, m.View(), "☎ FC-01 ⚠ dark 11:00 of 15:00 (past two thirds)")

	press(t, m, "esc")
	if z.prompt != promptLeaveDark {
		t.Fatalf("esc on a dark critical position left without asking (top %T, prompt %d)", m.top(), z.prompt)
	}
	mustContain(t, m.View(), "why leave it so?")
	press(t, m, "enter")
	if m.top() != screen(z) || !strings.Contains(z.lastErr, "say why FC-01 is left without a phone") {
		t.Fatalf("an empty reason was taken: top %T, %q", m.top(), z.lastErr)
	}
	press(t, m, "esc")
	if m.top() != screen(z) || z.prompt == promptLeaveDark {
		t.Fatalf("esc on the question did not stay in the wizard")
	}
	press(t, m, "esc", "J179 will not register; waiting for the MCVP team", "enter")
	if m.top() == screen(z) {
		t.Fatalf("the wizard stayed after the reason: %s", z.lastErr)
	}
	cs, err := runbook.SiteContinuity(context.Background(), st, "KX", clock)
	if err != nil || len(cs) != 1 || len(cs[0].Reasons) != 1 || cs[0].Reasons[0] != "J179 will not register; waiting for the MCVP team" {
		t.Fatalf("the reason for leaving FC-01 dark is not recorded: %+v %v", cs, err)
	}

	clock = t0.Add(13 * time.Minute)
	press(t, m, "esc", "esc", "esc", "p", "/", "FC-01", "enter", "enter", "w")
	z = m.top().(*wizard)
	press(t, m, "enter", "enter", "NEW-0001", "enter", "enter") // verify, the new serial, its tag, the number kept
	if current(z) != "call_in" {
		t.Fatalf("walked to %s, want call_in; %s", current(z), z.lastErr)
	}
	clock = t0.Add(14 * time.Minute)
	press(t, m, "y", "PS Morgan", "enter") // the inbound call, and the supervisor told it works again
	clock = t0.Add(20 * time.Minute)
	mustContain(t, m.View(), "☎ FC-01 was dark 13:00 of 15:00")
	press(t, m, "esc")
	if m.top() == screen(z) {
		t.Fatal("leaving a position no longer dark asked for a reason")
	}
	cs, err = runbook.SiteContinuity(context.Background(), st, "KX", clock)
	if err != nil || len(cs) != 1 || runbook.Clock(cs[0].Continuity.Dark) != "13:00" || cs[0].Continuity.DarkNow() {
		t.Fatalf("FC-01's continuity in the database: %+v %v", cs, err)
	}
}

// Issue 29, point 4, by keys with mistakes: the staging step asks which
// spare port; the position's own port and a name with a space are refused
// before anything is read or recorded; a spare port with no phone on it
// is a failed reading, after which staging may still be skipped with a
// reason, and the swap comes next.
func TestStagingAsksForASparePortByKeys(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	press(t, m, "enter", "FCH1234ABCD", "enter", "LEG-0001", "enter", "good", "enter", "PS Morgan", "enter")
	if current(z) != "stage" {
		t.Fatalf("walked to %s, want stage; %s", current(z), z.lastErr)
	}
	press(t, m, "enter")
	mustContain(t, m.View(), "Spare port the new phone is plugged into")
	press(t, m, "Gi1/0/1", "enter")
	if !strings.Contains(z.lastErr, "the position's own port") || len(resultsFor(t, st, "FC-01", "stage")) != 0 {
		t.Fatalf("staging on FC-01's own port: %q, recorded %q", z.lastErr, resultsFor(t, st, "FC-01", "stage"))
	}
	press(t, m, "Gi1/0/24 x", "enter")
	if !strings.Contains(z.lastErr, "is not a port name") || len(resultsFor(t, st, "FC-01", "stage")) != 0 {
		t.Fatalf("a port name with a space: %q, recorded %q", z.lastErr, resultsFor(t, st, "FC-01", "stage"))
	}
	press(t, m, "Gi1/0/24", "enter") // an empty spare port: nothing staged there
	if got := resultsFor(t, st, "FC-01", "stage"); len(got) != 1 || !strings.HasPrefix(got[0], "stage fail") {
		t.Fatalf("staging on an empty port: %q (%s)", got, z.lastErr)
	}
	press(t, m, "s", "no J179 to hand until the swap", "enter")
	if got := resultsFor(t, st, "FC-01", "stage"); len(got) != 2 || got[1] != "stage skip | no J179 to hand until the swap" || current(z) != "swap" {
		t.Fatalf("staging skipped: %q, due %s (%s)", got, current(z), z.lastErr)
	}
}
