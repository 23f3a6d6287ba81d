package ui

import (
	"fmt"
	"strings"

	"cutover/internal/find"
	"cutover/site"
	"cutover/sync/wire"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

type progressSiteKeys struct {
	list                     listKeys
	Positions, Refresh, Back key.Binding
}

// progressSite is one site from the hub's figures: done and remaining by
// plan, the business-case counts, its done-per-day chart, the projection
// against its cease date and the failed and blocked positions with their
// reasons. It reads the figures the overview fetched, so a refresh (r, or
// the minute timer) reaches it too.
type progressSite struct {
	sh   *shared
	hub  *progressHub
	code string
	keys progressSiteKeys
	top  int // first problem shown
	w, h int
}

func newProgressSite(sh *shared, hub *progressHub, code string) *progressSite {
	return &progressSite{sh: sh, hub: hub, code: code, keys: progressSiteKeys{
		list:      newListKeys(),
		Positions: key.NewBinding(key.WithKeys("p", "enter"), key.WithHelp("p/enter", "positions")),
		Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "all sites")),
	}}
}

func (s *progressSite) Init() tea.Cmd           { return nil }
func (s *progressSite) Title() string           { return s.code }
func (s *progressSite) Capturing() bool         { return false }
func (s *progressSite) Dirty() bool             { return false }
func (s *progressSite) SetSize(w, h int) screen { s.w, s.h = w, h; return s }

// ShortHelp implements help.KeyMap.
func (s *progressSite) ShortHelp() []key.Binding {
	return []key.Binding{s.keys.Positions, s.keys.list.Down, s.keys.Refresh, s.keys.Back}
}

// FullHelp implements help.KeyMap.
func (s *progressSite) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.keys.list.bindings(), {s.keys.Positions, s.keys.Refresh, s.keys.Back}}
}

func (s *progressSite) Update(msg tea.Msg) (screen, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return s, nil
	}
	sp, _ := s.hub.site(s.code)
	switch {
	case key.Matches(km, s.keys.Back):
		return s, s.sh.pop()
	case key.Matches(km, s.keys.Positions):
		return s, s.sh.push(newHubPositions(s.sh, s.hub, s.code))
	case key.Matches(km, s.keys.Refresh):
		if s.hub.loading {
			return s, nil
		}
		return s, s.hub.fetch(s.sh)
	}
	if top, ok := s.keys.list.step(km, s.top, len(sp.Problems), 5); ok {
		s.top = top
	}
	return s, nil
}

func (s *progressSite) View() string {
	st := s.sh.st
	sp, ok := s.hub.site(s.code)
	if !ok {
		return st.Warn.Render("! "+txt(s.code)+" is no longer in the hub's figures") + "\n\n" + st.Faint.Render("esc goes back to every site.")
	}
	w := s.w
	lines := []string{st.Title.Render(txt(sp.Code+" "+sp.Name)) + "  " + st.Faint.Render("as of "+s.hub.at.Format("15:04:05"))}
	lines = append(lines, flow(verdictParts(st, sp), w, " · ", "")...)
	lines = append(lines, flow(append(doneLine(st, sp.Figures, s.hub.p.Today, clamp(w/4, 10, 30), ""), txt(sp.NeededWords())), w, " · ", "")...)
	lines = append(lines, flow(planParts(st, sp.Figures), w, " · ", "")...)
	lines = append(lines, flow(businessParts(sp.Figures, false), w, " · ", "")...)
	lines = append(lines, flow(problemParts(st, sp.Figures), w, " · ", "")...)
	if c := sp.Continuity; c != nil {
		lines = append(lines, continuityLine(st, c, w))
	}
	chartH := 2
	if s.h >= 34 {
		chartH = 5
	}
	lines = append(lines, "", st.Bold.Render("Positions done per day"))
	lines = append(lines, dayChart(st, sp.DonePerDay, s.hub.p.Today, w, chartH)...)
	lines = append(lines, "", st.Bold.Render(fmt.Sprintf("Needs attention (%d)", len(sp.Problems))))
	if len(sp.Problems) == 0 {
		lines = append(lines, st.Faint.Render("none"))
		return strings.Join(lines, "\n")
	}
	room := max(s.h-len(lines), 1)
	s.top = clamp(s.top, 0, max(len(sp.Problems)-room, 0))
	for i := s.top; i < len(sp.Problems) && i < s.top+room; i++ {
		line := problemLine(st, sp.Problems[i])
		if i == s.top+room-1 && i < len(sp.Problems)-1 {
			line = st.Faint.Render(fmt.Sprintf("… %d more (↓/j)", len(sp.Problems)-i))
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func reasonText(r string) string {
	if r == "" {
		return "(no reason given)"
	}
	return txt(r)
}

type hubPositionsKeys struct {
	list                listKeys
	Open, Refresh, Back key.Binding
}

// hubPositions lists a site's positions as the hub holds them, read-only,
// from the site's snapshot (fetched in a Cmd with a spinner; nothing is
// stored on this laptop).
type hubPositions struct {
	sh       *shared
	hub      *progressHub
	code     string
	keys     hubPositionsKeys
	spin     spinner.Model
	loading  bool
	loaded   bool
	ps       []wire.Position
	keyOf    []string // search key per position
	view     []int    // the positions the filter keeps
	filter   filterBar
	cur, top int // cur indexes view
	w, h     int
}

func newHubPositions(sh *shared, hub *progressHub, code string) *hubPositions {
	return &hubPositions{sh: sh, hub: hub, code: code, loading: true, spin: spinner.New(spinner.WithSpinner(spinner.Line)),
		filter: newFilterBar(sh, "label, number, room, role, model, port, MAC, status or reason"),
		keys: hubPositionsKeys{
			list:    newListKeys(),
			Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open position (read-only)")),
			Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "fetch again")),
			Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the site")),
		}}
}

func (s *hubPositions) Init() tea.Cmd {
	return tea.Batch(fetchPositionsCmd(s.sh, s.hub, s.code), s.sh.spin(s.spin))
}
func (s *hubPositions) Title() string   { return "positions" }
func (s *hubPositions) Capturing() bool { return s.filter.focused() }
func (s *hubPositions) Dirty() bool     { return false }
func (s *hubPositions) SetSize(w, h int) screen {
	s.w, s.h = w, h
	s.filter.setWidth(w)
	return s
}

// ShortHelp implements help.KeyMap.
func (s *hubPositions) ShortHelp() []key.Binding {
	if s.filter.focused() {
		return s.filter.help(s.keys.Back)
	}
	return append([]key.Binding{s.keys.list.Up, s.keys.list.Down, withHelp(s.keys.Open, "open position"), s.keys.Refresh}, s.filter.help(s.keys.Back)...)
}

// FullHelp implements help.KeyMap.
func (s *hubPositions) FullHelp() [][]key.Binding {
	return s.filter.fullHelp(s.keys.list, []key.Binding{s.keys.Open, s.keys.Refresh}, s.keys.Back)
}

// hubPositionKey is what the filter searches in a position from the hub:
// the columns shown and the planned ones a supervisor looks a phone up by.
func hubPositionKey(p wire.Position) string {
	var k find.Key
	k.Text(p.Label, roleWord(site.Role(p.Role)), p.Role, planWord(site.Plan(p.Plan)), p.Plan, statusWord(site.Status(p.Status)),
		p.Building, p.Floor, p.Room, p.LegacyVendor, p.LegacyModel, p.TargetModel, p.UpdatedBy, p.StatusReason, p.Notes)
	k.Phone(p.Extension)
	k.Phone(p.DDI)
	k.Port(p.Switch, p.Port)
	k.MAC(p.MAC)
	return k.String()
}

func (s *hubPositions) refilter(narrows bool) {
	s.view = s.filter.keep(len(s.ps), s.view, narrows, func(i int) string { return s.keyOf[i] })
	s.cur, s.top = clamp(s.cur, 0, max(len(s.view)-1, 0)), 0
}

func (s *hubPositions) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case hubPositionsMsg:
		if msg.code != s.code {
			return s, nil
		}
		s.loading = false
		if msg.err != nil {
			return s, func() tea.Msg { return failed("fetching the positions of "+s.code+" from the hub", msg.err) }
		}
		s.ps, s.loaded = msg.ps, true
		s.keyOf = make([]string, len(s.ps))
		for i, p := range s.ps {
			s.keyOf[i] = hubPositionKey(p)
		}
		s.refilter(false)
	case spinner.TickMsg:
		if s.loading && msg.ID == s.spin.ID() {
			var cmd tea.Cmd
			s.spin, cmd = s.spin.Update(msg)
			return s, cmd
		}
	case tea.KeyMsg:
		if s.filter.focused() {
			r := s.filter.key(msg)
			if r.changed {
				s.refilter(r.narrows)
			}
			if !r.pass {
				return s, r.cmd
			}
		}
		if cur, ok := s.keys.list.step(msg, s.cur, len(s.view), s.rows()); ok {
			s.cur = cur
			return s, nil
		}
		switch {
		case key.Matches(msg, s.filter.keys.Open):
			return s, s.filter.open()
		case key.Matches(msg, s.filter.keys.Clear) && s.filter.active():
			s.filter.clear()
			s.refilter(false)
		case key.Matches(msg, s.keys.Open) && len(s.view) > 0:
			return s, s.sh.push(newHubPosition(s.sh, s.hub, s.code, s.ps[s.view[s.cur]].Label))
		case key.Matches(msg, s.keys.Back):
			return s, s.sh.pop()
		case key.Matches(msg, s.keys.Refresh) && !s.loading:
			s.loading = true
			return s, s.Init()
		}
	}
	return s, nil
}

func (s *hubPositions) rows() int { return max(s.h-4, 1) }

func (s *hubPositions) View() string {
	st := s.sh.st
	if !s.loaded {
		if s.loading {
			return s.spin.View() + " fetching the positions of " + txt(s.code) + " from the hub…"
		}
		return st.Err.Render("✗ could not fetch the positions of "+txt(s.code)) + "\n\n" + st.Faint.Render("r tries again, esc goes back.")
	}
	head := fmt.Sprintf("%d positions at %s as the hub holds them · read-only", len(s.ps), txt(s.code))
	if s.filter.active() {
		head = s.filter.count(len(s.view), len(s.ps), "positions at "+txt(s.code)+" · read-only")
	}
	if s.loading {
		head += "  " + s.spin.View() + " fetching again…"
	}
	wide := s.w >= 110
	cols := fmt.Sprintf("  %-12s %-14s %-12s %-14s", "LABEL", "ROLE", "PLAN", "STATUS")
	if wide {
		cols += fmt.Sprintf(" %-10s %-16s", "EXTENSION", "BY")
	}
	lines := []string{st.Bold.Render(head), s.filter.line(st, s.w), st.Header.Render(pad(cols+" REASON / NOTES", s.w))}
	if len(s.view) == 0 {
		lines = append(lines, s.filter.noneLine(st, "position"))
	}
	s.top = scrollTo(s.cur, s.top, s.rows())
	for i := s.top; i < len(s.view) && i < s.top+s.rows(); i++ {
		p := s.ps[s.view[i]]
		mark, label := "  ", pad(txt(p.Label), 12)
		if i == s.cur {
			mark, label = "▸ ", st.Selected.Render(label)
		}
		line := mark + label + " " + pad(roleWord(site.Role(p.Role)), 14) + " " + pad(planWord(site.Plan(p.Plan)), 12) + " " +
			st.status(site.Status(p.Status), 14)
		if wide {
			line += " " + pad(txt(p.Extension), 10) + " " + pad(txt(p.UpdatedBy), 16)
		}
		why := txt(p.StatusReason)
		if why == "" {
			why = st.Faint.Render(txt(strings.ReplaceAll(p.Notes, "\n", " ↵ ")))
		}
		line += " " + why
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
