package devices

import "testing"

// One rule for a port's name: every way the inventory, a switch and a
// person write one port compares equal; different ports never do.
func TestPortNamesComeDownToOneForm(t *testing.T) {
	same := [][]string{
		{"Gi1/0/3", "Gig1/0/3", "GigabitEthernet1/0/3", "gi 1/0/3", "GI1/0/3", "gige1/0/3"},
		{"Fa0/13", "FastEthernet0/13", "fa0/13"},
		{"Te1/1/2", "TenGigabitEthernet1/1/2", "ten1/1/2"},
		{"Twe1/0/1", "TwentyFiveGigE1/0/1"},
		{"Hu1/0/49", "HundredGigE1/0/49"},
		{"ge-0/0/1", "Gi0/0/1"},
		{"25", " 25 "},
		{"Po1", "Port-channel1"},
	}
	for _, names := range same {
		for _, n := range names[1:] {
			if !SamePort(names[0], n) {
				t.Errorf("%q and %q are one port (keys %q, %q)", names[0], n, PortKey(names[0]), PortKey(n))
			}
		}
	}
	for _, pair := range [][2]string{{"Gi1/0/3", "Gi1/0/30"}, {"Gi1/0/3", "Fa1/0/3"}, {"25", "2/5"}, {"", ""}, {"Gi1/0/3", "Te1/0/3"}} {
		if SamePort(pair[0], pair[1]) {
			t.Errorf("%q and %q are different ports", pair[0], pair[1])
		}
	}
	ports := []PortFacts{{IfIndex: 10103, Name: "Gi1/0/3", Descr: "GigabitEthernet1/0/3"}, {IfIndex: 10130, Name: "Gi1/0/30"}}
	for _, asked := range []string{"Gig1/0/3", "GigabitEthernet1/0/3", "gi1/0/3", "10103"} {
		if p, ok := FindPort(ports, asked); !ok || p.IfIndex != 10103 {
			t.Errorf("FindPort(%q) = %v %v; want Gi1/0/3", asked, p.Name, ok)
		}
	}
}
