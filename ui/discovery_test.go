package ui

import (
	"context"
	"strings"
	"testing"

	"cutover/devices"
	"cutover/site"

	tea "github.com/charmbracelet/bubbletea"
)

// testDiscoverer reads the demo's simulated switches the way the command
// line's discoverer does: at their recorded addresses, reconciled with the
// inventory (the storing is left to the command line's own tests).
func testDiscoverer(st *site.Store) Discoverer {
	return func(ctx context.Context, code string, switches []string, creds devices.Credentials, progress func(devices.Progress)) ([]devices.SwitchResult, devices.Reconciliation, error) {
		addrs, err := st.SwitchAddrs(ctx, code)
		if err != nil {
			return nil, devices.Reconciliation{}, err
		}
		aliases := map[string]string{}
		for _, a := range addrs {
			aliases[a.Switch] = a.Addr
		}
		var targets []devices.Target
		for _, s := range switches {
			if a, ok := aliases[s]; ok {
				s = a
			}
			targets = append(targets, devices.Target{Address: s, Creds: creds})
		}
		o := devices.DefaultOptions()
		o.Progress = progress
		results := devices.Discover(ctx, targets, o)
		ps, err := st.Positions(ctx, code)
		if err != nil {
			return nil, devices.Reconciliation{}, err
		}
		var exp []devices.Expected
		for _, p := range ps {
			exp = append(exp, devices.Expected{Label: p.Label, MAC: p.MAC, Switch: p.Switch, Port: p.Port})
		}
		return results, devices.Reconcile(exp, results, aliases), nil
	}
}

func TestDiscoveryChooseRunReconcileAndEvidence(t *testing.T) {
	st, _, _ := demoRig(t)
	m := newTestRoot(t, st, "KX", 120, 40)
	m.sh.discover = testDiscoverer(st)
	m.sh.creds = devices.Credentials{Community: devices.NewSecret("public")}
	press(t, m, "d")
	d := m.top().(*discovery)
	mustContain(t, m.View(), "Choose the switches to read", "[x] kx-sw1", "[x] kx-sw2", "[x] kx-sw3", "127.0.0.1:")
	// Read only kx-sw1: the others' positions stay unchecked.
	press(t, m, "j", " ", "j", " ")
	mustContain(t, m.View(), "[ ] kx-sw2", "[ ] kx-sw3")

	// Run it by hand to see the progress before the end.
	_, cmd := m.Update(keyMsgs("enter")[0])
	if d.phase != phaseRunning {
		t.Fatal("enter did not start the run")
	}
	mustContain(t, m.View(), "Reading 1 switch over SNMP: 0 done", "kx-sw1", "waiting")
	// A switch part-way through shows how far it has got.
	d.progress(devices.Progress{Switch: "kx-sw1", Fraction: 0.4})
	mustContain(t, m.View(), "reading… 40%")
	drain(t, m, cmd)
	if d.phase != phaseResults {
		t.Fatalf("phase %d after the run", d.phase)
	}
	frame := m.View()
	// The demo's PE-05 handset was moved to Gi1/0/30 on the day.
	mustContain(t, frame, "[matched 23]", "moved 1", "unchecked 34", "▸ CS-01")
	if len(d.running) != 1 || !d.running[0].done || d.running[0].phones == 0 {
		t.Fatalf("running: %+v", d.running)
	}
	press(t, m, "tab")
	mustContain(t, m.View(), "[moved 1]", "PE-05", "Gi1/0/30")
	press(t, m, "tab", "tab", "tab")
	mustContain(t, m.View(), "[unchecked 34]", "switch not read")
	press(t, m, "tab", "enter")
	mustContain(t, m.View(), "Matched", "Planned", "Seen on the switch", "Gi1/0/3", "cdp", "Why it is a phone", "•")
	press(t, m, "esc", "esc")
	if _, ok := m.top().(*dashboard); !ok {
		t.Fatalf("esc twice went to %T", m.top())
	}
}

func TestDiscoveryWithoutSwitchesOrDiscovererSaysSo(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "KX", 80, 24)
	press(t, m, "d")
	mustContain(t, m.View(), "! no address (e)", "! SNMP: no credentials yet")
	press(t, m, "enter")
	mustContain(t, m.View(), "✗ discovery: this TUI was opened without SNMP discovery")
	press(t, m, "a", "enter") // none chosen
	mustContain(t, m.View(), "choose at least one switch")
}

func TestAssetsScreenShowsRegisterAndStock(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	walkToCalls(t, m, z)
	// FC-01 is critical and dark until its inbound call: leaving says why.
	press(t, m, "esc", "calls after lunch", "enter", "esc", "esc", "esc", "a")
	a, ok := m.top().(*assetsScreen)
	if !ok {
		t.Fatalf("a opened %T", m.top())
	}
	frame := m.View()
	mustContain(t, frame, "[register]", "1 legacy handsets, 1 Avaya phones", "FCH1234ABCD", "LEG-0001", "removed",
		"23WZ02547224", "NEW-0001", "installed")
	press(t, m, "tab")
	mustContain(t, m.View(), "[stock]", "J179", "installed without issued stock")
	if !a.stockT {
		t.Fatal("tab did not switch to stock")
	}
	if strings.Count(frame, "FC-01    ") != 2 {
		t.Fatalf("both handsets should name FC-01:\n%s", frame)
	}
}

func TestPositionFilterFindsRegisterSerialsAndTags(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	walkToCalls(t, m, z)
	press(t, m, "esc", "calls after lunch", "enter", "esc", "esc") // wizard (FC-01 is left dark: why), detail, then clear the filter
	l := m.top().(*positionList)
	for _, q := range []string{"fch1234abcd", "23WZ0254", "new-00", "NEW-0001"} {
		press(t, m, "/")
		for range l.filter.in.Value() {
			press(t, m, "backspace")
		}
		press(t, m, q, "enter")
		if len(l.view) != 1 || l.selected() != "FC-01" {
			t.Fatalf("filter %q kept %d rows (%s)", q, len(l.view), l.selected())
		}
		// A whole serial or tag opens the position; part of one filters.
		_, opened := m.top().(*detail)
		if whole := q == "fch1234abcd" || q == "NEW-0001"; opened != whole {
			t.Fatalf("filter %q then enter: top %T", q, m.top())
		}
		if opened {
			press(t, m, "esc")
		}
	}
}

func TestPositionListMouseWheel(t *testing.T) {
	m, l := openPositions(t, 80, 24)
	m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	m.Update(tea.MouseMsg{Button: tea.MouseButtonWheelUp, Action: tea.MouseActionPress})
	if l.cur != 1 {
		t.Fatalf("wheel down twice and up once: cursor %d", l.cur)
	}
}
