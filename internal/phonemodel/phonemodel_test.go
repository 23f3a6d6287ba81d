package phonemodel

import (
	"strings"
	"testing"
)

// Real descriptions: CDP platforms, what switches (lldpd included) make of
// CDP in LLDP-MIB, LLDP system descriptions, LLDP-MED inventory models, and
// inventory columns as sites keep them.
func TestParseRealDescriptions(t *testing.T) {
	for _, c := range []struct{ text, vendor, key, name string }{
		// Cisco 79xx
		{"Cisco IP Phone 7941 running on Cisco IP Phone CP-7941G", "cisco", "7941", "CP-7941G"},
		{"Cisco IP Phone CP-7941G", "cisco", "7941", "CP-7941G"},
		{"Cisco IP Phone 7941G,V1, SCCP41.9-2-1S", "cisco", "7941", "CP-7941G"},
		{"Cisco IP Phone 7941", "cisco", "7941", "CP-7941"},
		{"Cisco IP Phone 7941 running on Cisco IP Phone 7941G", "cisco", "7941", "CP-7941G"}, // lldpd's CDP
		{"Cisco IP Phone 7965 running on Cisco IP Phone 7965G-GE", "cisco", "7965", "CP-7965G"},
		{"cisco CP-7965G", "cisco", "7965", "CP-7965G"},
		{"CP-7821", "cisco", "7821", "CP-7821"},
		{"7941", "", "7941", "7941"},
		{"7941G", "", "7941", "7941G"},
		// Cisco 88xx
		{"Cisco IP Phone CP-8841", "cisco", "8841", "CP-8841"},
		{"Cisco IP Phone CP-8841, V3, sip88xx.12-8-1", "cisco", "8841", "CP-8841"},
		{"Cisco IP Phone 8845 running on Cisco IP Phone CP-8845", "cisco", "8845", "CP-8845"},
		{"CP-8865-3PCC", "cisco", "8865", "CP-8865"},
		// Cisco 69xx is not a Mitel 69xx
		{"Cisco IP Phone CP-6941", "cisco", "6941", "CP-6941"},
		// Mitel 68xx / Aastra / 69xx
		{"6867i", "mitel", "6867", "6867i"},
		{"Mitel 6867i SIP 6.0.0.1013", "mitel", "6867", "6867i"},
		{"MITEL 6869i", "mitel", "6869", "6869i"},
		{"Aastra 6737i", "mitel", "6737", "6737i"},
		{"Mitel 6930", "mitel", "6930", "6930"},
		// Avaya J1xx / 96xx
		{"J179", "avaya", "J179", "J179"},
		{"Avaya J179 IP Phone 4.0.13.0.6", "avaya", "J179", "J179"},
		{"AVAYA J139", "avaya", "J139", "J139"},
		{"j189", "avaya", "J189", "J189"},
		{"Avaya IP Deskphone 9611G", "avaya", "9611", "9611G"},
		{"Avaya 9608", "avaya", "9608", "9608"},
		{"9641GS", "avaya", "9641", "9641GS"},
	} {
		m, ok := Parse(c.text)
		if !ok || m.Vendor != c.vendor || m.Key != c.key || m.Name != c.name {
			t.Errorf("Parse(%q) = %+v, %v; want %s %s %s", c.text, m, ok, c.vendor, c.key, c.name)
		}
	}
}

func TestParseNoModel(t *testing.T) {
	for _, s := range []string{"", "   ", "Linux desk-pc-04", "Debian GNU/Linux 12", strings.Repeat("x", 10000)} {
		if m, ok := Parse(s); ok {
			t.Errorf("Parse(%.20q) = %+v, want no model", s, m)
		}
	}
}

func TestSame(t *testing.T) {
	for _, c := range []struct {
		a, b     string
		same, ok bool
	}{
		{"7941", "Cisco IP Phone 7941 running on Cisco IP Phone CP-7941G", true, true},
		{"CP-7941G", "Cisco IP Phone 7941G,V1, SCCP41.9-2-1S", true, true},
		{"6867i", "Mitel 6867i SIP 6.0.0.1013", true, true},
		{"6867i", "6869i", false, true},
		{"7941", "CP-8841", false, true},
		{"Cisco 6941", "Mitel 6940", false, true},
		{"J179", "Avaya J179 IP Phone", true, true},
		{"J179", "J189", false, true},
		{"", "J179", false, false},
		{"desk phone", "J179", false, false},
	} {
		same, ok := Same(c.a, c.b)
		if same != c.same || ok != c.ok {
			t.Errorf("Same(%q, %q) = %v, %v; want %v, %v", c.a, c.b, same, ok, c.same, c.ok)
		}
	}
}

func TestNameBoundsText(t *testing.T) {
	if got := Name(strings.Repeat("y", 5000)); len(got) > maxText {
		t.Errorf("Name kept %d bytes", len(got))
	}
	if got := Name("Cisco IP Phone 7941 running on Cisco IP Phone CP-7941G"); got != "CP-7941G" {
		t.Errorf("Name = %q", got)
	}
}
