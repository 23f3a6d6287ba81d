package ui

import (
	"fmt"
	"strings"

	"cutover/devices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// recTabs are the reconciliation lists, in the order tab visits them.
var recTabs = []string{"matched", "moved", "unexpected", "missing", "unchecked"}

// recItem is one line of a reconciliation list: a planned position, what
// was seen, or both.
type recItem struct {
	outcome  string
	expected *devices.Expected
	seen     *devices.Sighting
}

func (d *discovery) tabItems(tab int) []recItem {
	var out []recItem
	r := &d.rec
	switch recTabs[tab] {
	case "matched":
		for i := range r.Matched {
			out = append(out, recItem{"matched", &r.Matched[i].Expected, &r.Matched[i].Seen})
		}
	case "moved":
		for i := range r.Moved {
			out = append(out, recItem{"moved", &r.Moved[i].Expected, &r.Moved[i].Seen})
		}
	case "unexpected":
		for i := range r.Leftover {
			out = append(out, recItem{"leftover", &devices.Expected{Label: r.Leftover[i].Label}, &r.Leftover[i].Seen})
		}
		for i := range r.Unexpected {
			out = append(out, recItem{"unexpected", nil, &r.Unexpected[i]})
		}
	case "missing":
		for i := range r.Missing {
			out = append(out, recItem{"missing", &r.Missing[i], nil})
		}
	case "unchecked":
		for i := range r.Unchecked {
			out = append(out, recItem{"unchecked", &r.Unchecked[i], nil})
		}
	}
	return out
}

func (d *discovery) items() []recItem { return d.filtered(d.tabItems(d.tab)) }

func (d *discovery) View() string {
	switch d.phase {
	case phaseRunning:
		return d.runningView()
	case phaseResults:
		return d.resultsView()
	}
	return d.chooseView()
}

func (d *discovery) chooseView() string {
	st := d.sh.st
	if d.switches == nil {
		return "loading the switches of " + txt(d.code) + "…"
	}
	if len(d.switches) == 0 {
		return "The inventory of " + txt(d.code) + " names no switches."
	}
	var b strings.Builder
	b.WriteString(st.Bold.Render("Choose the switches to read") + st.Faint.Render("  (from the inventory of "+txt(d.code)+")") + "\n")
	if d.sh.creds.Validate() == nil {
		from := ""
		if d.sh.credsFrom != "" {
			from = " from " + d.sh.credsFrom
		}
		b.WriteString(cut("SNMP: "+txt(d.sh.creds.String()+from)+st.Faint.Render("  (c to change)"), d.w) + "\n\n")
	} else {
		b.WriteString(cut(st.Warn.Render("! SNMP: no credentials yet")+st.Faint.Render("  (c gives them; enter asks)"), d.w) + "\n\n")
	}
	for i, s := range d.switches {
		box := "[ ]"
		if s.chosen {
			box = "[x]"
		}
		addr := txt(s.addr)
		switch {
		case addr == "" && s.byName:
			addr = st.Faint.Render("read by its name")
		case addr == "":
			addr = st.Warn.Render("! no address (e)")
		}
		line := fmt.Sprintf("%s %-16s %-24s %d positions", box, txt(s.name), addr, s.positions)
		if i == d.cur {
			b.WriteString("▸ " + st.Selected.Render(line) + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	return b.String()
}

func (d *discovery) runningView() string {
	st := d.sh.st
	done := 0
	for _, r := range d.running {
		if r.done {
			done++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s Reading %d switch%s over SNMP: %d done\n%s\n\n", d.spin.View(), len(d.running), pluralES(len(d.running)), done,
		st.bar(done, len(d.running), clamp(d.w-10, 10, 60)))
	barW := clamp(d.w/4, 10, 24)
	for _, r := range d.running {
		var state, bar string
		switch {
		case r.done && r.err != "":
			bar, state = st.Err.Render(strings.Repeat("✗", barW)), st.Err.Render("✗ failed: ")+txt(r.err)
		case r.done:
			bar, state = st.bar(1, 1, barW), fmt.Sprintf("✓ %d phones in %s", r.phones, r.elapsed.Round(1e6))
		case r.started:
			pct := int(r.fraction * 100)
			bar, state = st.bar(pct, 100, barW), fmt.Sprintf("%s reading… %d%%", d.spin.View(), pct)
		default:
			bar, state = st.bar(0, 1, barW), st.Faint.Render("waiting")
		}
		b.WriteString(cut(fmt.Sprintf("  %-16s %s %s", txt(r.name), bar, state), d.w) + "\n")
	}
	return b.String()
}

func (d *discovery) resultsView() string {
	st := d.sh.st
	var b strings.Builder
	for _, r := range d.results {
		if r.Error != "" {
			b.WriteString(cut(st.Err.Render("✗ ")+txt(r.Switch+": "+r.Error), d.w) + "\n")
		}
	}
	var tabs []string
	for i, t := range recTabs {
		label := fmt.Sprintf("%s %d", t, len(d.filtered(d.tabItems(i))))
		if i == d.tab {
			tabs = append(tabs, st.Selected.Render("["+label+"]"))
		} else {
			tabs = append(tabs, " "+label+" ")
		}
	}
	b.WriteString(strings.Join(tabs, " ") + "\n" + d.filter.line(st, d.w) + "\n")
	items := d.items()
	if len(items) == 0 {
		if d.filter.active() {
			b.WriteString(d.filter.noneLine(st, "line") + "\n")
		} else {
			b.WriteString(st.Faint.Render("  none") + "\n")
		}
		return b.String()
	}
	h := max(d.h-strings.Count(b.String(), "\n")-1, 1)
	for i := d.top; i < len(items) && i < d.top+h; i++ {
		line := recLine(items[i], d.names())
		if m := proposalMark(d.proposals, items[i]); m != "" {
			line = txt(m) + " · " + line
		}
		if i == d.cur {
			b.WriteString("▸ " + st.Selected.Render(pad(line, d.w-2)) + "\n")
		} else {
			b.WriteString("  " + cut(line, d.w-2) + "\n")
		}
	}
	return b.String()
}

// recLine is one reconciliation line, escaped for the screen (what a
// switch reports is text from the network).
func recLine(it recItem, names map[string]string) string { return txt(recText(it, names)) }

// recText names switches as the inventory does (names maps the addresses
// read to inventory names).
func recText(it recItem, names map[string]string) string {
	label, planned, seen := "—", "", ""
	if e := it.expected; e != nil {
		label, planned = e.Label, e.Switch+" "+e.Port
	}
	if s := it.seen; s != nil {
		seen = fmt.Sprintf("%s %s  %s %s %s", switchName(s, names), s.Phone.Port, s.Phone.Vendor, s.Phone.Model, s.Phone.MAC)
	}
	switch it.outcome {
	case "moved":
		return fmt.Sprintf("%-8s planned %-18s seen on %s", label, planned, seen)
	case "unexpected":
		return "not in the inventory: " + seen
	case "leftover":
		return fmt.Sprintf("%-8s legacy handset recorded as taken out, still seen on %s", label, seen)
	case "missing":
		return fmt.Sprintf("%-8s planned %-18s not seen", label, planned)
	case "unchecked":
		return fmt.Sprintf("%-8s planned %-18s switch not read", label, planned)
	}
	if s := it.seen; s != nil {
		return fmt.Sprintf("%-8s %-18s %s %s  %s", label, planned, s.Phone.Vendor, s.Phone.Model, s.Phone.MAC)
	}
	return fmt.Sprintf("%-8s %-18s", label, planned)
}

func orName(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func pluralES(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}

// evidence is one reconciliation line in full: the planned position and
// everything the switch said about the phone on the port, with why it was
// taken for a phone.
type evidence struct {
	sh    *shared
	code  string
	it    recItem
	names map[string]string
	back  key.Binding
	act   actKeys
	w, h  int
}

func newEvidence(sh *shared, code string, it recItem, names map[string]string) *evidence {
	return &evidence{sh: sh, code: code, it: it, names: names, act: newActKeys(),
		back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))}
}

func (e *evidence) Init() tea.Cmd             { return nil }
func (e *evidence) Title() string             { return "evidence" }
func (e *evidence) Capturing() bool           { return false }
func (e *evidence) Dirty() bool               { return false }
func (e *evidence) SetSize(w, h int) screen   { e.w, e.h = w, h; return e }
func (e *evidence) ShortHelp() []key.Binding  { return append(e.act.For(e.it), e.back) }
func (e *evidence) FullHelp() [][]key.Binding { return [][]key.Binding{e.ShortHelp()} }

func (e *evidence) Update(msg tea.Msg) (screen, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return e, nil
	}
	if key.Matches(k, e.back) {
		return e, e.sh.pop()
	}
	return e, e.act.do(e.sh, e.code, k, e.it, e.names)
}

func (e *evidence) View() string {
	st := e.sh.st
	var b strings.Builder
	field := func(name, v string) {
		v = txt(v)
		if v == "" || v == "0" {
			v = st.Faint.Render("—")
		}
		fmt.Fprintf(&b, "  %-14s %s\n", name, v)
	}
	b.WriteString(st.Bold.Render(strings.ToUpper(e.it.outcome[:1])+e.it.outcome[1:]) + "\n\n")
	if x := e.it.expected; x != nil {
		b.WriteString(st.Header.Render("Planned") + "\n")
		field("Position", x.Label)
		field("Switch port", x.Switch+" "+x.Port)
		field("MAC", x.MAC)
		b.WriteByte('\n')
	}
	s := e.it.seen
	if s == nil {
		b.WriteString(st.Faint.Render("Nothing was seen for this position.") + "\n")
		return b.String()
	}
	p := s.Phone
	b.WriteString(st.Header.Render("Seen on the switch") + "\n")
	field("Switch", fmt.Sprintf("%s (%s)", switchName(s, e.names), s.Switch))
	field("Port", fmt.Sprintf("%s (ifIndex %d)", p.Port, p.IfIndex))
	field("Phone", strings.TrimSpace(p.Vendor+" "+p.Model))
	field("Name", p.Name)
	field("MAC", p.MAC)
	field("IP", p.IP)
	field("Serial", p.Serial)
	field("Firmware", p.Firmware)
	field("Voice VLAN", fmt.Sprint(p.VoiceVLAN))
	field("Access VLAN", fmt.Sprint(p.AccessVLAN))
	if p.PoEClass != nil {
		field("PoE class", fmt.Sprint(*p.PoEClass))
	}
	if p.PoEMW != nil {
		field("PoE power", fmt.Sprintf("%.1f W", float64(*p.PoEMW)/1000))
	}
	field("Seen through", strings.Join(p.Sources, ", "))
	b.WriteString("\n" + st.Header.Render("Why it is a phone") + "\n")
	for _, ev := range p.Evidence {
		b.WriteString("  • " + txt(ev) + "\n")
	}
	return b.String()
}
