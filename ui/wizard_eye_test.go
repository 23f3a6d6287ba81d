package ui

import (
	"context"
	"os"
	"strings"
	"testing"

	"cutover/devices"
	"cutover/devices/simswitch"
	"cutover/site"
	"cutover/site/runbook"
	"cutover/swap"

	tea "github.com/charmbracelet/bubbletea"
)

// A switch like lldpd under net-snmp: LLDP, but neither POWER-ETHERNET-MIB
// nor a voice VLAN MIB, and phones that do not say either over LLDP-MED.
// The session starts without credentials: the check asks for them and
// records nothing; once set (as for discovery) the check runs, shows PoE
// and the voice VLAN as not reported, records nothing, and e records what
// the engineer saw as confirmed by eye, not proven.
func TestWizardConfirmsByEyeWhatTheSwitchDoesNotReport(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	data, err := os.ReadFile("../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	specs, err := simswitch.DemoSpecs(data)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := st.Positions(ctx, "KX")
	if err != nil {
		t.Fatal(err)
	}
	var label string
	for i, sp := range specs {
		if sp.Style != simswitch.StyleGeneric {
			continue
		}
		sp.PoEBudgetW = 0
		for j := range sp.Ports {
			pt := &sp.Ports[j]
			pt.PoE, pt.VoiceVLAN = nil, 0
			if pt.Neighbour != nil {
				pt.Neighbour.PoE, pt.Neighbour.VoicePolicy = nil, false
			}
			for _, p := range ps {
				if label == "" && pt.Neighbour != nil && p.Plan == site.PlanAvayaFixed && p.MAC != "" &&
					strings.EqualFold(p.Switch, sp.SysName) && p.Port == pt.Name && strings.EqualFold(pt.Neighbour.MAC, p.MAC) {
					label = p.Label
				}
			}
		}
		specs[i] = sp
		sw, err := simswitch.Start(ctx, "127.0.0.1:0", "public", sp)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sw.Close() })
		if err := st.SetSwitchAddr(ctx, testEngineer, "KX", site.SwitchAddr{Switch: sp.SysName, Addr: sw.Addr().String()}); err != nil {
			t.Fatal(err)
		}
	}
	if label == "" {
		t.Fatal("no fixed-phone position on the demo's generic switch")
	}
	runner := &swap.Runner{Store: st, Checker: &swap.SNMPChecker{Store: st}} // no credentials yet
	m, z := openWizard(t, st, runner, label)
	if current(z) != "precheck" {
		t.Fatalf("%s at %s", label, current(z))
	}
	press(t, m, "enter")
	if _, ok := m.top().(*form); !ok || len(resultsFor(t, st, label, "precheck")) != 0 {
		t.Fatalf("a check without credentials: top %T, results %q", m.top(), resultsFor(t, st, label, "precheck"))
	}
	// The credentials typed in (as for discovery) serve the checks too.
	var c devices.Credentials
	c.Community = devices.NewSecret("public")
	drain(t, m, func() tea.Msg { return credsSetMsg{creds: c, from: "typed in"} })
	press(t, m, "esc")
	if m.top() != screen(z) {
		t.Fatalf("top is %T after the credentials", m.top())
	}
	press(t, m, "enter")
	if got := resultsFor(t, st, label, "precheck"); len(got) != 0 {
		t.Fatalf("unreported facts recorded something: %q", got)
	}
	frame := m.View()
	mustContain(t, frame, "? confirm by eye", "PoE not reported by this switch", "voice VLAN not reported by this switch", "e confirm by eye")
	mustNotContain(t, frame, "no PoE", "✗ fail")
	press(t, m, "e", "enter") // an empty note is refused
	if len(resultsFor(t, st, label, "precheck")) != 0 {
		t.Fatal("a confirmation without a note was recorded")
	}
	press(t, m, "PoE light on, VLAN 120 in the phone's menu", "enter")
	got := resultsFor(t, st, label, "precheck")
	if len(got) != 1 || !strings.HasPrefix(got[0], "precheck pass") || !strings.Contains(got[0], "PoE light on") {
		t.Fatalf("precheck by eye: %q (%s)", got, z.lastErr)
	}
	pr, err := runbook.Steps(ctx, st, "KX", label)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := pr.Step("precheck")
	if s.Evidence == nil || !s.Evidence.Unproven() || strings.Join(s.Evidence.ByEye.Facts, ",") != "PoE,voice VLAN" {
		t.Fatalf("precheck evidence: %+v", s.Evidence)
	}
	press(t, m, "up")
	mustContain(t, m.View(), "confirmed by eye, not proven: PoE, voice VLAN")
	// The dashboard lists it as unproven.
	dash := newTestRoot(t, st, "KX", 160, 40)
	mustContain(t, dash.View(), label, "unproven: precheck: PoE, voice VLAN by eye")
}
