package runbook

import (
	"errors"
	"strings"
	"testing"

	"cutover/site"
)

// A switch that implements neither POWER-ETHERNET-MIB nor a voice VLAN
// MIB (lldpd under net-snmp) reports those facts as unknown: the check
// neither passes nor fails on them until the engineer confirms them by eye.
func TestPortReadyUnreportedFacts(t *testing.T) {
	p := site.Position{Label: "CS-01", MAC: "00:11:22:33:41:a1", LegacyVendor: site.VendorCisco, LegacyModel: "7941",
		Switch: "sw1", Port: "ge1", TargetModel: "J179"}
	legacy := SeenPhone{Vendor: "cisco", Model: "Cisco IP Phone 7941 running on Cisco IP Phone CP-7941G", MAC: "00:11:22:33:41:a1"}
	base := func() PortReading {
		return PortReading{Port: "ge1", LinkUp: true, Phones: []SeenPhone{legacy}, NotReported: []string{FactPoE, FactVoiceVLAN}}
	}
	o := Evaluate(CheckPortReady, p, base(), nil)
	if o.OK || len(o.Problems) > 0 || !o.NeedsEye() {
		t.Fatalf("unknown PoE and voice VLAN: ok %v problems %q needs eye %v; want neither pass nor fail", o.OK, o.Problems, o.NeedsEye())
	}
	if strings.Join(o.Unreported, ",") != "PoE,voice VLAN" {
		t.Errorf("unreported %q", o.Unreported)
	}
	for _, want := range []string{"PoE not reported by this switch", "voice VLAN not reported by this switch", "CP-7941G", "confirm by eye"} {
		if !strings.Contains(o.Summary, want) {
			t.Errorf("summary %q does not say %q", o.Summary, want)
		}
	}
	if strings.Contains(o.Summary, "no PoE") || strings.Contains(o.Summary, "no voice VLAN") {
		t.Errorf("summary %q reads unknown as no", o.Summary)
	}
	if err := ConfirmByEye(&o, "  "); err == nil {
		t.Error("a confirmation by eye without a note was taken")
	}
	if err := ConfirmByEye(&o, "PoE light on; VLAN 110 in the phone's network menu"); err != nil {
		t.Fatal(err)
	}
	if !o.OK || !o.Unproven() || o.ByEye == nil || strings.Join(o.ByEye.Facts, ",") != "PoE,voice VLAN" {
		t.Errorf("after the confirmation: ok %v unproven %v by eye %+v", o.OK, o.Unproven(), o.ByEye)
	}
	if !strings.Contains(o.Summary, "confirmed by eye, not proven: PoE, voice VLAN (PoE light on") {
		t.Errorf("summary %q", o.Summary)
	}

	// A fact the switch reported still fails the check, and no eye can
	// confirm it away.
	r := base()
	r.LinkUp = false
	o = Evaluate(CheckPortReady, p, r, nil)
	if o.OK || o.NeedsEye() || !strings.Contains(strings.Join(o.Problems, ";"), "link is down") {
		t.Errorf("link down: ok %v needs eye %v problems %q", o.OK, o.NeedsEye(), o.Problems)
	}
	if err := ConfirmByEye(&o, "looks fine"); !errors.Is(err, ErrStepRule) || o.OK {
		t.Errorf("a failed check was confirmed by eye: %v", err)
	}

	// PoE from the phone's LLDP-MED power TLV and the voice VLAN from its
	// network policy count as reported: nothing left to confirm.
	r = base()
	r.NotReported = nil
	r.PoE, r.PoEFrom, r.PoEMW = true, FromLLDPMED, intp(5000)
	r.VoiceVLAN, r.VoiceVLANFrom = 110, FromLLDPMED
	o = Evaluate(CheckPortReady, p, r, nil)
	if !o.OK || o.ByEye != nil || !strings.Contains(o.Summary, "the phone asks for power over LLDP-MED: 5.0 W") ||
		!strings.Contains(o.Summary, "voice VLAN 110 (the phone's LLDP-MED network policy)") {
		t.Errorf("from LLDP-MED: ok %v summary %q", o.OK, o.Summary)
	}
	if err := ConfirmByEye(&o, "x"); err == nil {
		t.Error("a check with nothing unreported took a confirmation by eye")
	}

	// An unreported link is for the eye too.
	r = base()
	r.NotReported = []string{FactLink}
	r.PoE, r.PoEDetection, r.VoiceVLAN = true, "deliveringPower", 110
	if o = Evaluate(CheckPortReady, p, r, nil); !o.NeedsEye() || !strings.Contains(o.Summary, "ge1 link not reported by this switch") {
		t.Errorf("link unreported: %q", o.Summary)
	}
}

// A site list with no MAC: the handset on the port is the inventory's when
// vendor and model agree, in whatever words the switch gives the model.
func TestPortReadyNoMACMatchesByModel(t *testing.T) {
	r := PortReading{Port: "ge1", LinkUp: true, PoE: true, PoEDetection: "deliveringPower", VoiceVLAN: 110}
	cisco := SeenPhone{Vendor: "cisco", Model: "Cisco IP Phone 7941 running on Cisco IP Phone CP-7941G", MAC: "00:11:22:33:41:a1"}
	mitel := SeenPhone{Vendor: "mitel", Model: "6867i", MAC: "08:00:0f:71:22:03", Serial: "23AB0099C"}
	for _, c := range []struct {
		name           string
		vendor         site.Vendor
		model          string
		seen           SeenPhone
		ok, eye        bool
		problem, words string
	}{
		{"cisco by model", site.VendorCisco, "7941", cisco, true, false, "", "matches the inventory's 7941 (by model"},
		{"cisco by vendor's name", site.VendorCisco, "CP-7941G", cisco, true, false, "", "by model"},
		{"mitel", site.VendorMitel, "6867i", mitel, true, false, "", "mitel 6867i serial 23AB0099C"},
		{"another model", site.VendorMitel, "6869i", mitel, false, false, "the handset on the port is mitel 6867i serial 23AB0099C 08:00:0f:71:22:03; the inventory plans a mitel 6869i here (no MAC in the inventory)", ""},
		{"another vendor", site.VendorCisco, "7941", mitel, false, false, "the inventory plans a cisco 7941 here", ""},
		{"vendor only", site.VendorCisco, "", cisco, true, false, "", "matches the inventory's vendor"},
		{"model not shown", site.VendorCisco, "7941", SeenPhone{Vendor: "cisco", MAC: "00:11:22:33:41:a1"}, false, true, "", "does not show its model"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := site.Position{Label: "CS-01", LegacyVendor: c.vendor, LegacyModel: c.model, Switch: "sw1", Port: "ge1", TargetModel: "J179"}
			rr := r
			rr.Phones = []SeenPhone{c.seen}
			o := Evaluate(CheckPortReady, p, rr, nil)
			if o.OK != c.ok || o.NeedsEye() != c.eye {
				t.Fatalf("ok %v needs eye %v (%s); want %v %v", o.OK, o.NeedsEye(), o.Summary, c.ok, c.eye)
			}
			if c.problem != "" && !strings.Contains(strings.Join(o.Problems, "; "), c.problem) {
				t.Errorf("problems %q; want %q", o.Problems, c.problem)
			}
			if c.words != "" && !strings.Contains(o.Summary, c.words) {
				t.Errorf("summary %q; want %q", o.Summary, c.words)
			}
			if c.ok && (o.Phone == nil || o.Phone.MAC != c.seen.MAC) {
				t.Errorf("the phone that passed: %+v", o.Phone)
			}
		})
	}
}

// A neighbour seen by LLDP only may be one the switch has not aged out yet:
// gone says so instead of leaving a rollback as the only reading.
func TestGoneExplainsLLDPTimeToLive(t *testing.T) {
	p := site.Position{Label: "HD-08", Switch: "sw1", Port: "ge6"}
	lldpOnly := SeenPhone{Vendor: "cisco", Model: "CP-8841", MAC: "00:11:22:33:41:a2", Sources: []string{"lldp"}}
	o := Evaluate(CheckLegacyGone, p, PortReading{Port: "ge6", Phones: []SeenPhone{lldpOnly}}, nil)
	if o.OK || !strings.Contains(o.Summary, "up to its time to live, 120 s") {
		t.Errorf("LLDP only: %q", o.Summary)
	}
	learned := lldpOnly
	learned.Sources = []string{"lldp", "fdb"}
	o = Evaluate(CheckLegacyGone, p, PortReading{Port: "ge6", Phones: []SeenPhone{learned}}, nil)
	if o.OK || strings.Contains(o.Summary, "time to live") {
		t.Errorf("a phone whose MAC the switch learned is there: %q", o.Summary)
	}
}
