package ui

import (
	"context"
	"os"
	"testing"

	"cutover/devices"
	"cutover/laptop"
	"cutover/site"
	"cutover/site/runbook"
	"cutover/swap"

	tea "github.com/charmbracelet/bubbletea"
)

// demoRig is the demo site in a real store with its simulated switches
// running on loopback, and the swap runner the demo uses.
func demoRig(t *testing.T) (*site.Store, *swap.Runner, *laptop.DemoSwitches) {
	t.Helper()
	st := demoStore(t)
	data, err := os.ReadFile("../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sw, err := laptop.StartDemoSwitches(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close() })
	if err := sw.Record(ctx, st, testEngineer, "KX"); err != nil {
		t.Fatal(err)
	}
	chk := &swap.SNMPChecker{Store: st}
	chk.Creds.Community = devices.NewSecret(laptop.DemoCommunity)
	return st, &swap.Runner{Store: st, Checker: chk, OnSwapConfirmed: sw.OnSwapConfirmed, OnReplaced: sw.OnReplaced, OnReconnect: sw.OnReconnect}, sw
}

// openWizard opens the swap wizard of one position through the screens.
func openWizard(t *testing.T, st *site.Store, runner *swap.Runner, label string) (*root, *wizard) {
	t.Helper()
	m := newTestRoot(t, st, "KX", 120, 40)
	m.sh.runner = runner
	press(t, m, "p", "/", label, "enter", "enter", "w")
	z, ok := m.top().(*wizard)
	if !ok {
		t.Fatalf("w opened %T", m.top())
	}
	return m, z
}

func current(z *wizard) string {
	if c := z.due(); c != nil {
		return c.Key
	}
	return ""
}

func TestWizardWalksStepsAndShowsResultsAtOnce(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	mustContain(t, m.View(), "▸  1 Pre-check the port", "(SNMP check)", "Read kx-sw1 port Gi1/0/1")
	press(t, m, "enter")
	mustContain(t, m.View(), "✓  1 Pre-check the port", "What SNMP saw", "✓ pass port_ready", "link up · voice VLAN 120")
	if current(z) != "legacy_serial" || !z.input.Focused() {
		t.Fatalf("after the pre-check: step %s, input focused %v", current(z), z.input.Focused())
	}
	// A scanner delivers the serial and Enter together.
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("FCH1234ABCD")})
	drain(t, m, cmd)
	press(t, m, "enter")
	mustContain(t, m.View(), "✓ legacy_serial: pass · FCH1234ABCD")
	// A bad value is refused, says why, and leaves the box open to scan again.
	press(t, m, "x!", "enter")
	frame := m.View()
	mustContain(t, frame, "✗ Not recorded:", "✗ recording step legacy_tag of FC-01:")
	if current(z) != "legacy_tag" || !z.input.Focused() {
		t.Fatalf("after a bad tag: step %s, input focused %v", current(z), z.input.Focused())
	}
	pr, err := runbook.Steps(context.Background(), st, "KX", "FC-01")
	if err != nil || pr.Done != 2 {
		t.Fatalf("store: %d steps done (%v), want 2", pr.Done, err)
	}
}

func TestWizardAsksBeforeQuittingWithAStepHalfEntered(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, _ := openWizard(t, st, runner, "FC-01")
	press(t, m, "enter", "FCH12")
	if press(t, m, "ctrl+c") {
		t.Fatal("ctrl+c quit with a serial half typed")
	}
	mustContain(t, m.View(), "A step is half entered.", "y quit anyway")
	press(t, m, "n")
	if m.confirming {
		t.Fatal("another key should go back")
	}
	if z := m.top().(*wizard); z.input.Value() != "FCH12" {
		t.Fatalf("going back lost the typing: %q", z.input.Value())
	}
	press(t, m, "ctrl+c")
	if !press(t, m, "y") {
		t.Fatal("y did not quit")
	}
}

// walkToCalls records FC-01's steps up to the first test call.
func walkToCalls(t *testing.T, m *root, z *wizard) {
	t.Helper()
	press(t, m, "enter", "FCH1234ABCD", "enter", "LEG-0001", "enter", "good", "enter")
	tellAndSkipStaging(t, m)
	press(t, m, "enter", "enter", "enter", "NEW-0001", "enter", "enter")
	if current(z) != "call_in" {
		t.Fatalf("walked to %s, want call_in; %s", current(z), z.lastErr)
	}
}

// tellAndSkipStaging answers a critical position's steps before its swap:
// the person told, and staging skipped (the demo switch has no spare port
// with the new phone on it).
func tellAndSkipStaging(t *testing.T, m *root) {
	t.Helper()
	press(t, m, "PS Morgan", "enter", "s", "no spare port free", "enter")
}

// Failure, retry and rollback are driven key by key in wizard_record_test.go
// and wizard_flow_test.go.

func TestWizardWithoutRunnerSaysWhy(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "KX", 120, 40)
	press(t, m, "p", "/", "FC-01", "enter", "enter", "w", "enter")
	mustContain(t, m.View(), "✗ recording step precheck: no swap runner")
}
