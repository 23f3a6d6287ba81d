package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"cutover/internal/find"
)

// The discovery results' `/` filter: it keeps, in every reconciliation
// list, the lines whose planned position or sighting matches (the rule of
// internal/find), and the tab counts say how many each list keeps.

// recKey is what the filter searches in one reconciliation line: its
// outcome, the planned position, switch, port and MAC, and what the switch
// said (switch name and address, port, phone, name, MAC, IP, serial).
func recKey(it recItem) string {
	var k find.Key
	k.Text(it.outcome)
	if e := it.expected; e != nil {
		k.Text(e.Label, e.Vendor)
		k.Port(e.Switch, e.Port)
		k.MAC(e.MAC)
	}
	if s := it.seen; s != nil {
		k.Text(s.SysName, s.Switch, s.Phone.Vendor, s.Phone.Model, s.Phone.Vendor+" "+s.Phone.Model, s.Phone.Name, s.Phone.IP, s.Phone.Serial)
		k.Port(orName(s.SysName, s.Switch), s.Phone.Port)
		k.MAC(s.Phone.MAC)
	}
	return k.String()
}

// filtered keeps the items the filter matches.
func (d *discovery) filtered(items []recItem) []recItem {
	if !d.filter.active() {
		return items
	}
	out := items[:0:0]
	for _, it := range items {
		if d.filter.q.Match(recKey(it)) {
			out = append(out, it)
		}
	}
	return out
}

// filterKey takes a key of the results phase for the filter; handled is
// false when the key is the list's.
func (d *discovery) filterKey(msg tea.KeyMsg) (handled bool, cmd tea.Cmd) {
	if d.filter.focused() {
		r := d.filter.key(msg)
		if r.changed {
			d.cur, d.top = 0, 0
		}
		return !r.pass, r.cmd
	}
	switch {
	case msg.String() == "/":
		return true, d.filter.open()
	case msg.Type == tea.KeyEsc && d.filter.active():
		d.filter.clear()
		d.cur, d.top = 0, 0
		return true, nil
	}
	return false, nil
}
