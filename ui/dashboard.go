package ui

import (
	"fmt"
	"strings"

	"cutover/site"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// dashLoadedMsg carries one site's summary and the positions that need
// attention.
type dashLoadedMsg struct {
	code      string
	sum       site.SiteSummary
	attention []site.Position
	err       error
}

func loadDashCmd(sh *shared, code string) tea.Cmd {
	ctx, store, lister, today := sh.ctx, sh.store, sh.lister, sh.now()
	return func() tea.Msg {
		sums, err := store.Summaries(ctx, code, today)
		if err != nil {
			return dashLoadedMsg{code: code, err: err}
		}
		ps, err := lister.Positions(ctx, code)
		if err != nil {
			return dashLoadedMsg{code: code, err: err}
		}
		var att []site.Position
		for _, p := range ps {
			if p.Status == site.StatusFailed || p.Status == site.StatusBlocked {
				att = append(att, p)
			}
		}
		return dashLoadedMsg{code: code, sum: sums[0], attention: att}
	}
}

type dashKeys struct {
	Positions, Discover, Assets, Refresh, Back key.Binding
}

// dashboard is one site at a glance: counts by role and status, what needs
// attention, the last discovery and the sync state.
type dashboard struct {
	sh      *shared
	code    string
	keys    dashKeys
	spin    spinner.Model
	loading bool
	loaded  bool
	sum     site.SiteSummary
	att     []site.Position
	w, h    int
}

func newDashboard(sh *shared, code string) *dashboard {
	return &dashboard{sh: sh, code: code, loading: true, spin: spinner.New(spinner.WithSpinner(spinner.Line)),
		keys: dashKeys{
			Positions: key.NewBinding(key.WithKeys("p", "enter"), key.WithHelp("p/enter", "positions")),
			Discover:  key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "discovery")),
			Assets:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "assets")),
			Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
			Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "sites")),
		}}
}

func (d *dashboard) Init() tea.Cmd           { return tea.Batch(loadDashCmd(d.sh, d.code), d.sh.spin(d.spin)) }
func (d *dashboard) Title() string           { return d.code }
func (d *dashboard) Capturing() bool         { return false }
func (d *dashboard) Dirty() bool             { return false }
func (d *dashboard) SetSize(w, h int) screen { d.w, d.h = w, h; return d }

// ShortHelp implements help.KeyMap.
func (d *dashboard) ShortHelp() []key.Binding {
	return []key.Binding{d.keys.Positions, d.keys.Discover, d.keys.Assets, d.keys.Back}
}

// FullHelp implements help.KeyMap.
func (d *dashboard) FullHelp() [][]key.Binding {
	return [][]key.Binding{{d.keys.Positions, d.keys.Discover, d.keys.Assets}, {d.keys.Refresh, d.keys.Back}}
}

func (d *dashboard) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case dashLoadedMsg:
		if msg.code != d.code {
			return d, nil
		}
		d.loading = false
		if msg.err != nil {
			return d, func() tea.Msg { return failed("loading site "+d.code, msg.err) }
		}
		d.loaded, d.sum, d.att = true, msg.sum, msg.attention
	case changedMsg:
		if msg.site == d.code {
			return d, loadDashCmd(d.sh, d.code)
		}
	case spinner.TickMsg:
		if d.loading && msg.ID == d.spin.ID() {
			var cmd tea.Cmd
			d.spin, cmd = d.spin.Update(msg)
			return d, cmd
		}
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, d.keys.Back):
			return d, d.sh.pop()
		case key.Matches(msg, d.keys.Positions):
			return d, d.sh.push(newPositionList(d.sh, d.code))
		case key.Matches(msg, d.keys.Discover):
			return d, d.sh.push(newDiscovery(d.sh, d.code))
		case key.Matches(msg, d.keys.Assets):
			return d, d.sh.push(newAssetsScreen(d.sh, d.code))
		case key.Matches(msg, d.keys.Refresh):
			d.loading = true
			return d, tea.Batch(loadDashCmd(d.sh, d.code), d.sh.spin(d.spin))
		}
	}
	return d, nil
}

func (d *dashboard) View() string {
	st := d.sh.st
	if !d.loaded {
		if d.loading {
			return d.spin.View() + " loading site " + d.code + "…"
		}
		return "Site " + d.code + " could not be loaded (see the status line); r to try again."
	}
	s := d.sum
	var b strings.Builder
	pct := 0
	if s.Active > 0 {
		pct = s.Done * 100 / s.Active
	}
	fmt.Fprintf(&b, "%s  %s\n", st.Bold.Render(s.Code+"  "+s.Name), st.Faint.Render(s.Address))
	fmt.Fprintf(&b, "%s %d%%  %d of %d positions done  ·  %s (%s)\n\n", st.bar(s.Done, s.Active, clamp(d.w/6, 10, 30)),
		pct, s.Done, s.Active, daysLeft(st, s.DaysLeft), s.CeaseDate)

	colW := max(d.w/3, 24)
	status := []string{st.Header.Render("By status")}
	for _, x := range site.Statuses {
		status = append(status, fmt.Sprintf("%s %5d", st.status(x, 14), s.ByStatus[x]))
	}
	role := []string{st.Header.Render("By role")}
	for _, r := range site.Roles {
		if n := s.ByRole[r]; n > 0 {
			role = append(role, fmt.Sprintf("%-15s %5d", roleWord(r), n))
		}
	}
	plan := []string{st.Header.Render("By plan")}
	for _, p := range site.Plans {
		plan = append(plan, fmt.Sprintf("%-12s %5d", planWord(p), s.ByPlan[p]))
	}
	col := st.r.NewStyle().Width(colW)
	b.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, col.Render(strings.Join(status, "\n")),
		col.Render(strings.Join(role, "\n")), strings.Join(plan, "\n")))
	b.WriteString("\n\n")

	b.WriteString(st.Header.Render("Needs attention") + "\n")
	if len(d.att) == 0 {
		b.WriteString(st.OK.Render("✓ nothing failed or blocked") + "\n")
	}
	room := max(d.h-lipgloss.Height(b.String())-3, 1)
	for i, p := range d.att {
		if i == room-1 && len(d.att) > room {
			fmt.Fprintf(&b, "  … and %d more (p, then filter by status)\n", len(d.att)-i)
			break
		}
		fmt.Fprintf(&b, "  %s %-8s %s\n", st.status(p.Status, 11), p.Label, cut(p.StatusReason, d.w-24))
	}
	b.WriteString("\n" + st.Faint.Render("Last discovery: none recorded on this laptop   ·   Sync: no hub configured") + "\n")
	return b.String()
}
