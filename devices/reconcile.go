package devices

import (
	"net"
	"sort"
	"strings"
)

// Expected is one planned position from the site inventory.
type Expected struct {
	Label  string
	MAC    string // any common notation; "" when the inventory has none
	Switch string // host name (kx-sw1), address, or sysName
	Port   string // ifName or ifDescr (Fa0/13, FastEthernet0/13)
	// Vendor, when set and MAC is not, is the maker the phone on the port
	// must be from (a new Avaya phone whose MAC is not recorded yet).
	Vendor string
}

// Leftover is a handset seen that should be gone: a legacy handset whose
// position's swap or removal is recorded.
type Leftover struct {
	Label string // the position it was taken from
	Seen  Sighting
}

// Sighting is a phone as discovered, with the switch it was seen on.
type Sighting struct {
	Switch  string // target address
	SysName string
	Phone   Phone
}

// Match pairs a position with its sighting. By is "mac" or "port".
type Match struct {
	Expected Expected
	Seen     Sighting
	By       string
}

// Reconciliation is the outcome of comparing the inventory with a discovery.
type Reconciliation struct {
	Matched    []Match    // same MAC on the planned port, or same port when no MAC is planned
	Moved      []Match    // same MAC on another port or switch: Seen has where
	Unexpected []Sighting // phones the inventory lacks
	Missing    []Expected // planned, on a switch that answered, not seen
	Unchecked  []Expected // planned on a switch that was not read: no verdict
	Leftover   []Leftover // handsets recorded as taken out, still seen
}

// Reconcile compares expected positions with discovery results. A
// position's Switch matches a result by target address (with or without
// port), by sysName (case-insensitive, with or without domain), or through
// aliases (inventory switch name → target address), which may be nil.
// It is a pure function of its inputs.
func Reconcile(expected []Expected, results []SwitchResult, aliases map[string]string) Reconciliation {
	return ReconcileGone(expected, nil, results, aliases)
}

// ReconcileGone is Reconcile that also knows the handsets that should be
// gone (by MAC, with their position's label): one still seen is a
// leftover of that position, not a phone the inventory lacks.
func ReconcileGone(expected, gone []Expected, results []SwitchResult, aliases map[string]string) Reconciliation {
	var out Reconciliation
	var seen []Sighting
	for _, r := range results {
		for _, p := range r.Phones {
			seen = append(seen, Sighting{Switch: r.Switch, SysName: r.SysName, Phone: p})
		}
	}
	used := make([]bool, len(seen))
	onSwitch := func(e Expected, s Sighting) bool { return switchMatches(e.Switch, s.Switch, s.SysName, aliases) }
	onPort := func(e Expected, s Sighting) bool {
		return e.Port != "" && onSwitch(e, s) && SamePort(e.Port, s.Phone.Port) &&
			(e.Vendor == "" || strings.EqualFold(e.Vendor, s.Phone.Vendor))
	}
	switchRead := func(e Expected) bool {
		for _, r := range results {
			if r.Error == "" && switchMatches(e.Switch, r.Switch, r.SysName, aliases) {
				return true
			}
		}
		return false
	}
	var pending []Expected
	for _, e := range expected {
		mac, _ := MACFromText(e.MAC)
		if mac == "" {
			pending = append(pending, e)
			continue
		}
		best := -1
		for i, s := range seen {
			if used[i] || s.Phone.MAC != mac {
				continue
			}
			if best < 0 || onPort(e, s) && !onPort(e, seen[best]) {
				best = i
			}
		}
		switch {
		case best >= 0:
			used[best] = true
			m := Match{Expected: e, Seen: seen[best], By: "mac"}
			if (e.Switch == "" && e.Port == "") || onPort(e, seen[best]) || (e.Port == "" && onSwitch(e, seen[best])) {
				out.Matched = append(out.Matched, m)
			} else {
				out.Moved = append(out.Moved, m)
			}
		case switchRead(e):
			out.Missing = append(out.Missing, e)
		default:
			out.Unchecked = append(out.Unchecked, e)
		}
	}
	for _, e := range pending {
		found := false
		for i, s := range seen {
			if !used[i] && onPort(e, s) {
				used[i], found = true, true
				out.Matched = append(out.Matched, Match{Expected: e, Seen: s, By: "port"})
				break
			}
		}
		if !found {
			if e.Port != "" && switchRead(e) {
				out.Missing = append(out.Missing, e)
			} else {
				out.Unchecked = append(out.Unchecked, e)
			}
		}
	}
	goneBy := map[string]string{}
	for _, g := range gone {
		if mac, _ := MACFromText(g.MAC); mac != "" {
			goneBy[mac] = g.Label
		}
	}
	for i, s := range seen {
		if used[i] {
			continue
		}
		if label, ok := goneBy[s.Phone.MAC]; ok {
			out.Leftover = append(out.Leftover, Leftover{Label: label, Seen: s})
			continue
		}
		out.Unexpected = append(out.Unexpected, s)
	}
	byLabel := func(ms []Match) {
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].Expected.Label < ms[j].Expected.Label })
	}
	byLabel(out.Matched)
	byLabel(out.Moved)
	return out
}

// switchMatches compares an inventory switch name with a result.
func switchMatches(name, address, sysName string, aliases map[string]string) bool {
	if name == "" {
		return false
	}
	if a, ok := aliases[name]; ok && strings.EqualFold(a, address) {
		return true
	}
	if strings.EqualFold(name, address) {
		return true
	}
	if host, _, err := net.SplitHostPort(address); err == nil && strings.EqualFold(name, host) {
		return true
	}
	short := func(s string) string {
		if net.ParseIP(s) != nil {
			return strings.ToLower(s)
		}
		s, _, _ = strings.Cut(s, ".")
		return strings.ToLower(s)
	}
	return sysName != "" && short(name) == short(sysName)
}
