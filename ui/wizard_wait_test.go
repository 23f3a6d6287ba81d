package ui

import (
	"strings"
	"testing"
	"time"

	"cutover/devices/simswitch"

	tea "github.com/charmbracelet/bubbletea"
)

// Issue 24 point 5: a switch keeps an LLDP neighbour it no longer hears
// until its TTL runs out. gone then checks again by itself, recording
// nothing, with a countdown; esc stops; once the entry may have expired,
// what the check sees is recorded.
func TestGoneWaitsForTheSwitchToForgetTheHandset(t *testing.T) {
	st, runner, sw := demoRig(t)
	m, z := openWizard(t, st, runner, "HD-02")
	press(t, m, "esc", "s", "bulk", "enter", "esc", "s", "no tag", "enter", "g", "enter", "enter")
	if current(z) != "gone" {
		t.Fatalf("HD-02 at %s; %s", current(z), z.lastErr)
	}
	// The handset went, but the switch still lists it (a PC's bridge kept
	// the port up): an LLDP entry with no MAC learned.
	stale := simswitch.MitelPhone("6863i", "08:00:0f:6a:10:9a", "")
	stale.Stale = true
	if err := sw.Switch("kx-sw2").SetNeighbour("14", &stale); err != nil {
		t.Fatal(err)
	}
	press(t, m, "enter")
	if got := resultsFor(t, st, "HD-02", "gone"); len(got) != 0 || !z.waiting() {
		t.Fatalf("gone with an LLDP-only neighbour: %q, waiting %v (%s)", got, z.waiting(), z.lastErr)
	}
	mustContain(t, m.View(), "⧗ Still listed", "time to live", "Checking again every 5s", "esc stops", "stop checking again")
	until := z.lingering.until
	if d := until.Sub(z.sh.wall()); d < 100*time.Second || d > 121*time.Second {
		t.Errorf("waits %s, want the LLDP TTL (120 s)", d)
	}
	drain(t, m, func() tea.Msg { return recheckMsg{z.lingering.seq} })
	if got := resultsFor(t, st, "HD-02", "gone"); len(got) != 0 || !z.waiting() || z.lingering.until != until {
		t.Fatalf("after a re-check: %q, waiting %v", got, z.waiting())
	}
	// esc stops the wait; nothing recorded; enter then records what it sees.
	press(t, m, "esc")
	if z.waiting() || len(resultsFor(t, st, "HD-02", "gone")) != 0 || m.top() != screen(z) {
		t.Fatalf("esc: waiting %v, results %q, top %T", z.waiting(), resultsFor(t, st, "HD-02", "gone"), m.top())
	}
	press(t, m, "enter")
	got := resultsFor(t, st, "HD-02", "gone")
	if len(got) != 1 || !strings.HasPrefix(got[0], "gone fail") {
		t.Fatalf("enter after esc: %q", got)
	}
	mustContain(t, m.View(), "up to its time to live")
	// Tried again: it waits again; once the entry may have expired, the
	// re-check records what it sees.
	press(t, m, "r", "enter")
	if !z.waiting() {
		t.Fatalf("retry did not wait: %s", z.lastErr)
	}
	z.lingering.until = z.sh.wall().Add(-time.Second)
	drain(t, m, func() tea.Msg { return recheckMsg{z.lingering.seq} })
	if got := resultsFor(t, st, "HD-02", "gone"); len(got) != 2 || z.waiting() {
		t.Fatalf("after the TTL: %q, waiting %v", got, z.waiting())
	}
	// The switch forgets it: the wait ends with a pass.
	press(t, m, "r", "enter")
	if err := sw.Switch("kx-sw2").ClearNeighbour("14"); err != nil {
		t.Fatal(err)
	}
	drain(t, m, func() tea.Msg { return recheckMsg{z.lingering.seq} })
	got = resultsFor(t, st, "HD-02", "gone")
	if len(got) != 3 || !strings.HasPrefix(got[2], "gone pass") || z.waiting() {
		t.Fatalf("after the switch forgot it: %q, waiting %v", got, z.waiting())
	}
}
