package devices

import "strings"

// The one rule for a switch port's name (the brief's "Gig1/0/3 vs
// Gi1/0/3"): the inventory, the switch's ifName and ifDescr, LLDP's port
// id, the engineer's search and a spare port typed in the wizard all name
// ports in their own way. PortKey reduces any of them to one short form,
// and everything that compares or looks up a port uses it.

// portNames are the interface names switches and people use, long and
// abbreviated, with the short form they come down to.
var portNames = []struct {
	short string
	names []string
}{
	{"gi", []string{"gi", "gig", "gige", "gigabitethernet", "gigabit", "ge"}},
	{"fa", []string{"fa", "fas", "fastethernet", "fe"}},
	{"te", []string{"te", "ten", "tengig", "tengige", "tengigabitethernet", "xe"}},
	{"tw", []string{"tw", "two", "twogig", "twogige", "twogigabitethernet"}},
	{"fi", []string{"fi", "five", "fivegig", "fivegige", "fivegigabitethernet"}},
	{"twe", []string{"twe", "twentyfivegige", "twentyfivegigabitethernet"}},
	{"fo", []string{"fo", "fortygige", "fortygigabitethernet"}},
	{"hu", []string{"hu", "hundredgige", "hundredgigabitethernet"}},
	{"eth", []string{"e", "et", "eth", "ethernet"}},
	{"po", []string{"po", "port-channel", "portchannel"}},
}

// PortKey is a port's name in the one short form that compares:
// "GigabitEthernet1/0/3", "Gig1/0/3", "gi 1/0/3" and "Gi1/0/3" are all
// "gi1/0/3"; "ge-0/0/1" is "gi0/0/1"; a name it does not know is kept,
// lower-cased and without spaces ("25", "port7").
func PortKey(p string) string {
	s := strings.ToLower(strings.Join(strings.Fields(p), ""))
	i := strings.IndexAny(s, "0123456789")
	if i <= 0 {
		return s
	}
	name, num := strings.TrimRight(s[:i], "-_"), s[i:]
	for _, pn := range portNames {
		for _, long := range pn.names {
			if name == long {
				return pn.short + num
			}
		}
	}
	return s
}

// PortShape is PortKey for what looks like a port name to a search: a
// name of letters and a number with at least one '/' (Gi1/0/3, fa0/13);
// ok is false for anything else (a label, a room).
func PortShape(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	i := strings.IndexAny(s, "0123456789")
	if i <= 0 || !strings.Contains(s[i:], "/") {
		return "", false
	}
	for _, r := range s[i:] {
		if (r < '0' || r > '9') && r != '/' && r != '.' && r != ':' {
			return "", false
		}
	}
	for _, r := range strings.TrimRight(s[:i], " -") {
		if r < 'a' || r > 'z' {
			return "", false
		}
	}
	return PortKey(s), true
}

// SamePort reports whether two port names are one port (Gi1/0/1,
// Gig1/0/1 and GigabitEthernet1/0/1).
func SamePort(a, b string) bool { return strings.TrimSpace(a) != "" && PortKey(a) == PortKey(b) }
