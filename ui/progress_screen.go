package ui

import (
	"fmt"
	"strings"
	"time"

	"cutover/site/runbook"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

type progressKeys struct {
	list                                listKeys
	Open, OpenPos, Panel, Sort, Refresh key.Binding
}

// The overview's panels, in the order tab visits them.
const (
	panelSites = iota
	panelAttention
	panelEngineers
	numPanels
)

// progressScreen is the supervisors' overview: the force-wide figures and
// chart on top, then every site (problems first unless s orders them
// otherwise, / filters them), what needs attention across the sites, or
// when each person who pushes last synced. It owns fetching: at start, on
// r, and every refreshEvery.
type progressScreen struct {
	sh     *shared
	hub    *progressHub
	keys   progressKeys
	panel  int
	order  siteOrder
	filter filterBar
	keyOf  []string    // search key per site (hub order)
	sorted []int       // every site, in order
	view   []int       // the sites the filter keeps, in order
	att    []attention // every problem, sites in order
	aview  []int       // the problems the filter keeps
	cur    int         // index into view
	top    int
	acur   int // index into aview
	atop   int
	etop   int
	w, h   int
}

func newProgressScreen(sh *shared, hub *progressHub) *progressScreen {
	return &progressScreen{sh: sh, hub: hub, filter: newFilterBar(sh, "code, name, cease date, late or a problem"),
		keys: progressKeys{
			list:    newListKeys(),
			Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open site")),
			OpenPos: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open position")),
			Panel:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "sites → needs attention → engineers")),
			Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "order: problems first, late first, name, % done")),
			Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		}}
}

func (s *progressScreen) Init() tea.Cmd   { return tea.Batch(s.hub.fetch(s.sh), s.hub.tick(s.sh)) }
func (s *progressScreen) Title() string   { return "progress" }
func (s *progressScreen) Capturing() bool { return s.filter.focused() }
func (s *progressScreen) Dirty() bool     { return false }
func (s *progressScreen) SetSize(w, h int) screen {
	s.w, s.h = w, h
	s.filter.setWidth(w)
	return s
}

// ShortHelp implements help.KeyMap.
func (s *progressScreen) ShortHelp() []key.Binding {
	if s.filter.focused() {
		return s.filter.help(key.Binding{})
	}
	switch s.panel {
	case panelSites:
		return append([]key.Binding{s.keys.list.Up, s.keys.list.Down, s.keys.Open, withHelp(s.keys.Sort, "order")},
			append(s.filter.help(key.Binding{}), withHelp(s.keys.Panel, "next panel"), s.keys.Refresh)...)
	case panelAttention:
		return append([]key.Binding{s.keys.list.Up, s.keys.list.Down, s.keys.OpenPos},
			append(s.filter.help(key.Binding{}), withHelp(s.keys.Panel, "next panel"), s.keys.Refresh)...)
	}
	return []key.Binding{s.keys.list.Up, s.keys.list.Down, withHelp(s.keys.Panel, "next panel"), s.keys.Refresh}
}

// FullHelp implements help.KeyMap.
func (s *progressScreen) FullHelp() [][]key.Binding {
	switch s.panel {
	case panelSites:
		return s.filter.fullHelp(s.keys.list, []key.Binding{s.keys.Open, s.keys.Sort, s.keys.Panel, s.keys.Refresh}, key.Binding{})
	case panelAttention:
		return s.filter.fullHelp(s.keys.list, []key.Binding{s.keys.OpenPos, s.keys.Panel, s.keys.Refresh}, key.Binding{})
	}
	return [][]key.Binding{s.keys.list.bindings(), {s.keys.Panel, s.keys.Refresh}}
}

// arrange orders and filters the sites and problems after new figures, a
// new order or a new query, keeping the selected site selected.
func (s *progressScreen) arrange(narrows bool) {
	sites := s.hub.p.Sites
	sel := s.selected()
	if len(s.keyOf) != len(sites) || !narrows {
		s.keyOf = make([]string, len(sites))
		for i, sp := range sites {
			s.keyOf[i] = progressSiteKey(sp)
		}
		s.sorted = orderSites(sites, s.order)
		s.att = attentionRows(sites, s.sorted)
		narrows = false
	}
	if narrows && s.view != nil {
		s.view = s.filter.q.Keep(s.view, func(i int) string { return s.keyOf[i] })
	} else {
		s.view = s.filter.q.Keep(s.sorted, func(i int) string { return s.keyOf[i] })
	}
	s.aview = s.filter.keep(len(s.att), nil, false, func(i int) string { return s.att[i].key })
	s.cur, s.acur = 0, clamp(s.acur, 0, max(len(s.aview)-1, 0))
	for i, j := range s.view {
		if sites[j].Code == sel {
			s.cur = i
		}
	}
}

// selected is the code of the site under the cursor.
func (s *progressScreen) selected() string {
	if s.cur < len(s.view) && s.view[s.cur] < len(s.hub.p.Sites) {
		return s.hub.p.Sites[s.view[s.cur]].Code
	}
	return ""
}

func (s *progressScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	h := s.hub
	switch msg := msg.(type) {
	case hubProgressMsg:
		h.loading = false
		if msg.err != nil {
			if h.err == nil {
				h.errAt = msg.at
			}
			h.err = msg.err
			return s, func() tea.Msg { return failed("fetching progress from the hub", msg.err) }
		}
		sel := s.selected()
		h.p, h.loaded, h.at, h.err = msg.p, true, msg.at, nil
		s.keyOf = nil
		s.arrange(false)
		for i, j := range s.view {
			if h.p.Sites[j].Code == sel {
				s.cur = i
			}
		}
	case progressTickMsg:
		if msg.seq != h.seq {
			return s, nil // a timer of an earlier cycle
		}
		cmds := []tea.Cmd{h.tick(s.sh)}
		if !h.loading {
			cmds = append(cmds, h.fetch(s.sh))
		}
		return s, tea.Batch(cmds...)
	case spinner.TickMsg:
		if h.loading && msg.ID == h.spin.ID() {
			var cmd tea.Cmd
			h.spin, cmd = h.spin.Update(msg)
			return s, cmd
		}
	case tea.KeyMsg:
		return s, s.key(msg)
	}
	return s, nil
}

func (s *progressScreen) key(msg tea.KeyMsg) tea.Cmd {
	h := s.hub
	if s.filter.focused() {
		r := s.filter.key(msg)
		if r.changed {
			s.arrange(r.narrows)
		}
		if !r.pass {
			return r.cmd
		}
	}
	switch {
	case key.Matches(msg, s.keys.Refresh):
		if h.loading {
			return nil
		}
		return h.fetch(s.sh)
	case key.Matches(msg, s.keys.Panel):
		s.panel = (s.panel + 1) % numPanels
		return nil
	case s.panel != panelEngineers && key.Matches(msg, s.filter.keys.Open):
		return s.filter.open()
	case s.panel != panelEngineers && key.Matches(msg, s.filter.keys.Clear) && s.filter.active():
		s.filter.clear()
		s.arrange(false)
		return nil
	}
	switch s.panel {
	case panelEngineers:
		if cur, ok := s.keys.list.step(msg, s.etop, len(h.p.Engineers), s.listRows()); ok {
			s.etop = cur
		}
	case panelAttention:
		if cur, ok := s.keys.list.step(msg, s.acur, len(s.aview), s.listRows()-1); ok {
			s.acur = cur
			return nil
		}
		if key.Matches(msg, s.keys.OpenPos) && len(s.aview) > 0 {
			a := s.att[s.aview[s.acur]]
			if a.pr.Label == "" {
				return s.sh.push(newProgressSite(s.sh, h, a.code))
			}
			return s.sh.push(newHubPosition(s.sh, h, a.code, a.pr.Label))
		}
	default:
		if cur, ok := s.keys.list.step(msg, s.cur, len(s.view), s.listRows()/s.rowLines()); ok {
			s.cur = cur
			return nil
		}
		switch {
		case key.Matches(msg, s.keys.Sort):
			s.order = (s.order + 1) % numOrders
			s.arrange(false)
			s.cur, s.top = 0, 0
		case key.Matches(msg, s.keys.Open) && len(s.view) > 0:
			return s.sh.push(newProgressSite(s.sh, h, h.p.Sites[s.view[s.cur]].Code))
		}
	}
	return nil
}

// wide is whether a site fits on one line (else it takes two).
func (s *progressScreen) wide() bool { return s.w >= 110 }

func (s *progressScreen) rowLines() int {
	if s.wide() {
		return 1
	}
	return 2
}

// header renders the force-wide figures and chart.
func (s *progressScreen) header() []string {
	st, f := s.sh.st, s.hub.p.Force
	w := s.w
	lines := flow(doneLine(st, f, s.hub.p.Today, clamp(w/5, 10, 30), st.Title.Render("Force")+" "), w, " · ", "")
	lines = append(lines, flow(businessParts(f, true), w, " · ", "")...)
	lines = append(lines, flow(planParts(st, f), w, " · ", "")...)
	probs := append(problemParts(st, f), verdictCounts(st, s.hub.p.Sites)...)
	lines = append(lines, flow(probs, w, " · ", "")...)
	if c := s.hub.p.ForceContinuity; c != nil {
		lines = append(lines, continuityLine(st, c, w))
	}
	chartH := 1
	if s.h >= 34 {
		chartH = 3
	}
	label := "done per day "
	chart := dayChart(st, f.DonePerDay, s.hub.p.Today, w-widthOf(label), chartH)
	for i, l := range chart {
		if i == 0 {
			lines = append(lines, st.Faint.Render(label)+l)
		} else {
			lines = append(lines, strings.Repeat(" ", widthOf(label))+l)
		}
	}
	return lines
}

// tabs is the panel switch with when the figures were fetched.
func (s *progressScreen) tabs() string {
	st, h := s.sh.st, s.hub
	tab := func(on bool, name string) string {
		if on {
			return st.Selected.Render("[" + name + "]")
		}
		return " " + name + " "
	}
	sites := fmt.Sprintf("Sites %d", len(h.p.Sites))
	if s.filter.active() {
		sites = fmt.Sprintf("Sites %d of %d", len(s.view), len(h.p.Sites))
	}
	att := "Needs attention"
	if !s.wide() {
		att = "Attention"
	}
	left := tab(s.panel == panelSites, sites) + " " + tab(s.panel == panelAttention, fmt.Sprintf("%s %d", att, len(s.aview))) + " " +
		tab(s.panel == panelEngineers, fmt.Sprintf("Engineers %d", len(h.p.Engineers)))
	return left + "  " + s.freshness()
}

// tabLines are the tabs with the figures' age beside them, or, when that
// does not fit, the tabs and the age for the line under them ("").
func (s *progressScreen) tabLines() (tabs, under string) {
	full := s.tabs()
	if widthOf(full) <= s.w {
		return full, ""
	}
	fresh := s.freshness()
	return strings.TrimSuffix(full, "  "+fresh), fresh
}

// freshness says how old the figures are, and whether the hub is failing.
func (s *progressScreen) freshness() string {
	st, h := s.sh.st, s.hub
	var b strings.Builder
	if h.loading {
		b.WriteString(h.spin.View() + " refreshing… ")
	}
	b.WriteString(st.Faint.Render("as of " + h.at.Format("15:04:05")))
	if h.err != nil {
		b.WriteString(" " + st.Err.Render("✗ hub unreachable since "+h.errAt.Format("15:04:05")))
	}
	return b.String()
}

// listRows is how many lines the list gets under the header, the tabs and
// the filter line.
func (s *progressScreen) listRows() int {
	return max(s.h-len(s.header())-4, 1)
}

func (s *progressScreen) View() string {
	st, h := s.sh.st, s.hub
	if !h.loaded {
		switch {
		case h.err != nil:
			return st.Err.Render("✗ could not fetch the figures from the hub") + "\n\n" + txt(h.err.Error()) + "\n\n" +
				st.Faint.Render("r tries again; it is also retried every minute.")
		default:
			return h.spin.View() + " fetching progress from the hub…"
		}
	}
	lines := s.header()
	tabs, under := s.tabLines()
	lines = append(lines, "", tabs)
	filterLine := func() string {
		if under != "" && !s.filter.focused() && !s.filter.active() {
			return under
		}
		line := s.filter.line(s.sh.st, s.w)
		if s.panel == panelSites && !s.filter.focused() {
			line = cut(line+s.sh.st.Faint.Render(" · ordered by "+s.order.String()+" (s)"), s.w)
		}
		return line
	}
	switch s.panel {
	case panelEngineers:
		lines = append(append(lines, under), s.engineerLines(s.listRows())...)
	case panelAttention:
		lines = append(lines, filterLine())
		lines = append(lines, s.attentionLines(s.listRows())...)
	default:
		lines = append(lines, filterLine())
		lines = append(lines, s.siteLines(s.listRows())...)
	}
	return strings.Join(lines, "\n")
}

func (s *progressScreen) siteLines(rows int) []string {
	st, sites := s.sh.st, s.hub.p.Sites
	if len(sites) == 0 {
		return []string{"No sites on the hub that this login may read."}
	}
	if len(s.view) == 0 {
		return []string{s.filter.noneLine(st, "site")}
	}
	barW := clamp(s.w/8, 8, 20)
	var out []string
	if s.wide() {
		out = append(out, st.Header.Render(pad(fmt.Sprintf("  %-6s%-*s %-*s %9s %4s %4s %4s  %-10s  %-10s  %s", "SITE", s.nameW(barW), "NAME",
			barW+5, "PROGRESS", "DONE", "FAIL", "BLK", "CONF", "FINISH", "CEASE", "VS CEASE"), s.w)))
	}
	per := s.rowLines()
	fit := max((rows-len(out))/per, 1)
	s.top = scrollTo(s.cur, s.top, fit)
	for i := s.top; i < len(s.view) && i < s.top+fit; i++ {
		sp := sites[s.view[i]]
		mark := "  "
		codeName := func(w int) string {
			t := fmt.Sprintf("%-6s", txt(sp.Code)) + pad(txt(sp.Name), w)
			if i == s.cur {
				return st.Selected.Render(t)
			}
			return t
		}
		if i == s.cur {
			mark = "▸ "
		}
		bar := st.bar(sp.Done, sp.Positions, barW) + fmt.Sprintf(" %3d%%", percent(sp.Done, sp.Positions))
		done := fmt.Sprintf("%d/%d", sp.Done, sp.Positions)
		if s.wide() {
			out = append(out, mark+codeName(s.nameW(barW))+fmt.Sprintf(" %s %9s %4d %4d %4d  %-10s  %-10s  %s", bar, done,
				sp.Failed, sp.Blocked, sp.OpenConflicts, finishWords(sp), txt(sp.CeaseDate), verdict(st, sp)))
			continue
		}
		right := bar + " " + fmt.Sprintf("%9s done", done)
		out = append(out, mark+codeName(max(s.w-2-6-widthOf(right)-1, 4))+" "+right)
		second := []string{verdict(st, sp), "finish " + finishWords(sp) + ", cease " + txt(sp.CeaseDate), txt(sp.NeededWords())}
		for _, p := range problemParts(st, sp.Figures) {
			if !strings.Contains(p, " 0 ") {
				second = append(second, p)
			}
		}
		out = append(out, cut("    "+strings.Join(second, " · "), s.w))
	}
	return out
}

// nameW is the name column's width on the one-line layout.
func (s *progressScreen) nameW(barW int) int { return max(s.w-2-6-(barW+5)-1-9-15-26-17, 8) }

func (s *progressScreen) engineerLines(rows int) []string {
	st, h := s.sh.st, s.hub
	now, err := time.Parse(time.RFC3339, h.p.GeneratedAt)
	if err != nil {
		now = h.at
	}
	out := []string{st.Header.Render(pad(fmt.Sprintf("  %-20s %-11s %-21s %s", "PERSON", "ROLE", "LAST SYNC (UTC)", "AGO"), s.w))}
	s.etop = clamp(s.etop, 0, max(len(h.p.Engineers)-rows+1, 0))
	for i := s.etop; i < len(h.p.Engineers) && len(out) < rows; i++ {
		e := h.p.Engineers[i]
		last, ago := "never", st.Warn.Render("! never synced")
		if t, err := time.Parse(time.RFC3339, e.LastSync); err == nil {
			last, ago = runbook.ReadableTime(t), sinceWords(t, now)
			if now.Sub(t) > 7*24*time.Hour {
				ago = st.Warn.Render("! " + ago)
			}
		}
		out = append(out, fmt.Sprintf("  %-20s %-11s %-21s %s", cut(txt(e.User), 20), txt(e.Role), txt(last), ago))
	}
	return out
}

// attentionLines lists what needs attention across the sites, the sites
// in the overview's order: each failed or blocked position, open conflict
// and discrepancy, with its site and reason.
func (s *progressScreen) attentionLines(rows int) []string {
	st := s.sh.st
	if len(s.att) == 0 {
		return []string{st.OK.Render("✓ nothing failed, blocked or in conflict at any site")}
	}
	if len(s.aview) == 0 {
		return []string{s.filter.noneLine(st, "problem")}
	}
	out := []string{st.Header.Render(pad(fmt.Sprintf("  %-6s %-14s %-14s %s", "SITE", "WHAT", "POSITION", "REASON"), s.w))}
	fit := max(rows-1, 1)
	s.atop = scrollTo(s.acur, s.atop, fit)
	for i := s.atop; i < len(s.aview) && i < s.atop+fit; i++ {
		a := s.att[s.aview[i]]
		mark, code := "  ", pad(txt(a.code), 6)
		if i == s.acur {
			mark, code = "▸ ", st.Selected.Render(code)
		}
		out = append(out, cut(mark+code+" "+problemLine(st, a.pr), s.w))
	}
	return out
}
