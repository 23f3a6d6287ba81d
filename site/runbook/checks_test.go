package runbook

import (
	"errors"
	"strings"
	"testing"

	"cutover/site"
)

func intp(n int) *int { return &n }

func TestPortReadyCheck(t *testing.T) {
	p := site.Position{Label: "FC-01", MAC: "00:1e:13:8c:90:07", Switch: "kx-sw1", Port: "Gi1/0/1", TargetModel: "Avaya J179"}
	legacy := SeenPhone{Vendor: "cisco", Model: "Cisco IP Phone 7941", MAC: "00:1e:13:8c:90:07", Telephone: true}
	good := func() PortReading {
		return PortReading{Port: "Gi1/0/1", LinkUp: true, VoiceVLAN: 120, PoE: true, PoEDetection: "deliveringPower",
			PoEClass: intp(2), PoEMW: intp(6300), PoEBudgetW: intp(370), PoEUsedW: intp(150), Phones: []SeenPhone{legacy}}
	}
	cases := []struct {
		name    string
		change  func(r *PortReading)
		err     error
		problem string // "" = the check passes
	}{
		{"all good", func(r *PortReading) {}, nil, ""},
		{"budget unknown is not a failure", func(r *PortReading) { r.PoEBudgetW, r.PoEUsedW = nil, nil }, nil, ""},
		{"link down", func(r *PortReading) { r.LinkUp = false }, nil, "link is down"},
		{"no PoE", func(r *PortReading) { r.PoE = false }, nil, "no PoE"},
		{"PoE fault", func(r *PortReading) { r.PoEDetection = "fault" }, nil, "PoE is fault"},
		{"no voice VLAN", func(r *PortReading) { r.VoiceVLAN = 0 }, nil, "no voice VLAN"},
		{"another handset", func(r *PortReading) { r.Phones[0].MAC = "00:1e:13:8c:90:99" }, nil, "not the inventory's"},
		{"nothing on the port", func(r *PortReading) { r.Phones = nil }, nil, "no handset seen"},
		// 370 W budget, all of it in use: the 6.3 W the legacy handset frees
		// is short of the J179's class 2 (7 W).
		{"PoE budget too small", func(r *PortReading) { r.PoEUsedW = intp(370) }, nil, "PoE budget has 6.3 W spare"},
		{"budget just enough", func(r *PortReading) { r.PoEUsedW = intp(369) }, nil, ""},
		{"budget counted by class when the draw is unknown", func(r *PortReading) { r.PoEMW, r.PoEUsedW = nil, intp(370) }, nil, ""},
		{"switch unreadable", func(r *PortReading) {}, errors.New("timeout"), "timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := good()
			r.Phones = append([]SeenPhone(nil), r.Phones...)
			c.change(&r)
			o := Evaluate(CheckPortReady, p, r, c.err)
			all := strings.Join(append(o.Problems, o.Error), "; ")
			switch {
			case c.problem == "" && !o.OK:
				t.Errorf("failed: %s", all)
			case c.problem != "" && o.OK:
				t.Errorf("passed (%s); want a failure saying %q", o.Summary, c.problem)
			case c.problem != "" && !strings.Contains(all, c.problem):
				t.Errorf("problems %q do not say %q", all, c.problem)
			}
		})
	}
	o := Evaluate(CheckPortReady, p, good(), nil)
	if !strings.Contains(o.Summary, "J179 needs class 2") || !strings.Contains(o.Summary, "of the switch's 370 W budget free") {
		t.Errorf("summary %q does not show the power reasoning", o.Summary)
	}
}
