package ui

import (
	"fmt"
	"strings"

	"cutover/internal/find"
	"cutover/site"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

// sitesLoadedMsg carries every site's summary.
type sitesLoadedMsg struct {
	sums []site.SiteSummary
	err  error
}

func loadSitesCmd(sh *shared) tea.Cmd {
	ctx, store, today := sh.ctx, sh.store, sh.now()
	return func() tea.Msg {
		sums, err := store.Summaries(ctx, "", today)
		return sitesLoadedMsg{sums, err}
	}
}

type sitesKeys struct {
	list          listKeys
	Open, Refresh key.Binding
}

// siteKey is what the sites filter searches: what a site's two lines show.
func siteKey(sum site.SiteSummary) string {
	var k find.Key
	k.Text(sum.Code, sum.Name, sum.Address, sum.CeaseDate, daysLeftWords(sum.DaysLeft))
	for _, x := range site.Statuses {
		if sum.ByStatus[x] > 0 {
			k.Text(statusWord(x))
		}
	}
	return k.String()
}

// sitesScreen lists the local sites with their progress and days left.
type sitesScreen struct {
	sh      *shared
	keys    sitesKeys
	spin    spinner.Model
	loading bool
	sums    []site.SiteSummary
	keys2   []string // search key per site
	view    []int    // the sites the filter keeps
	filter  filterBar
	cur     int // index into view
	top     int
	w, h    int
}

func newSitesScreen(sh *shared) *sitesScreen {
	return &sitesScreen{sh: sh, loading: true, spin: spinner.New(spinner.WithSpinner(spinner.Line)),
		filter: newFilterBar(sh, "code, name, address, cease date or status"),
		keys: sitesKeys{
			list:    newListKeys(),
			Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open site")),
			Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		}}
}

func (s *sitesScreen) Init() tea.Cmd   { return tea.Batch(loadSitesCmd(s.sh), s.sh.spin(s.spin)) }
func (s *sitesScreen) Title() string   { return "sites" }
func (s *sitesScreen) Capturing() bool { return s.filter.focused() }
func (s *sitesScreen) Dirty() bool     { return false }
func (s *sitesScreen) SetSize(w, h int) screen {
	s.w, s.h = w, h
	s.filter.setWidth(w)
	return s
}

// ShortHelp implements help.KeyMap.
func (s *sitesScreen) ShortHelp() []key.Binding {
	if s.filter.focused() {
		return s.filter.help(key.Binding{})
	}
	return append([]key.Binding{s.keys.list.Up, s.keys.list.Down, s.keys.Open}, append(s.filter.help(key.Binding{}), s.keys.Refresh)...)
}

// FullHelp implements help.KeyMap.
func (s *sitesScreen) FullHelp() [][]key.Binding {
	return s.filter.fullHelp(s.keys.list, []key.Binding{s.keys.Open, s.keys.Refresh}, key.Binding{})
}

// refilter rebuilds the view, keeping the selected site when it is kept.
func (s *sitesScreen) refilter(narrows bool) {
	sel := ""
	if s.cur < len(s.view) {
		sel = s.sums[s.view[s.cur]].Code
	}
	s.view = s.filter.keep(len(s.sums), s.view, narrows, func(i int) string { return s.keys2[i] })
	s.cur = 0
	for i, j := range s.view {
		if s.sums[j].Code == sel {
			s.cur = i
		}
	}
}

func (s *sitesScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case sitesLoadedMsg:
		s.loading = false
		if msg.err != nil {
			return s, func() tea.Msg { return failed("loading the sites", msg.err) }
		}
		s.sums = msg.sums
		s.keys2 = make([]string, len(s.sums))
		for i, sum := range s.sums {
			s.keys2[i] = siteKey(sum)
		}
		s.refilter(false)
	case changedMsg:
		return s, loadSitesCmd(s.sh)
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
			return s, s.sh.push(newDashboard(s.sh, s.sums[s.view[s.cur]].Code))
		case key.Matches(msg, s.keys.Refresh):
			s.loading = true
			return s, tea.Batch(loadSitesCmd(s.sh), s.sh.spin(s.spin))
		}
	}
	return s, nil
}

// rows is how many sites fit: each takes two lines under a header and the
// filter line.
func (s *sitesScreen) rows() int { return max((s.h-3)/2, 1) }

func (s *sitesScreen) View() string {
	st := s.sh.st
	if s.loading && s.sums == nil {
		return s.spin.View() + " loading sites…"
	}
	if len(s.sums) == 0 {
		return "No sites in this database yet.\n\n" + st.Faint.Render("Load one with `cutover import FILE` or `cutover pull --site CODE`, or try `cutover demo`.")
	}
	var b strings.Builder
	head := fmt.Sprintf("%d site%s on this laptop", len(s.sums), plural(len(s.sums)))
	if s.filter.active() {
		head = s.filter.count(len(s.view), len(s.sums), "sites on this laptop")
	}
	fmt.Fprintf(&b, "%s\n%s\n\n", st.Bold.Render(head), s.filter.line(st, s.w))
	if len(s.view) == 0 {
		b.WriteString(s.filter.noneLine(st, "site") + "\n")
	}
	barW := clamp(s.w/4, 10, 30)
	s.top = scrollTo(s.cur, s.top, s.rows())
	for i := s.top; i < len(s.view) && i < s.top+s.rows(); i++ {
		sum := s.sums[s.view[i]]
		mark := "  "
		name := txt(fmt.Sprintf("%-6s %s", sum.Code, sum.Name))
		if i == s.cur {
			mark = "▸ "
			name = st.Selected.Render(name)
		}
		pct := 0
		if sum.Active > 0 {
			pct = sum.Done * 100 / sum.Active
		}
		right := fmt.Sprintf("%s %3d%% %d/%d done  %s", st.bar(sum.Done, sum.Active, barW), pct, sum.Done, sum.Active, daysLeft(st, sum.DaysLeft))
		b.WriteString(mark + pad(name, max(s.w-2-widthOf(right)-1, 10)) + " " + right + "\n")
		b.WriteString("    " + statusCounts(st, sum.ByStatus) + "\n")
	}
	return b.String()
}

// statusCounts renders the non-zero status counts as "● 3 done  ✗ 1 failed".
func statusCounts(st *styles, by map[site.Status]int) string {
	var parts []string
	for _, x := range site.Statuses {
		if n := by[x]; n > 0 {
			parts = append(parts, st.statusStyle(x).Render(fmt.Sprintf("%s %d %s", x.Symbol(), n, statusWord(x))))
		}
	}
	if len(parts) == 0 {
		return st.Faint.Render("no positions")
	}
	return strings.Join(parts, "  ")
}

// daysLeft says how long until the cease date, warning when it is close.
func daysLeft(st *styles, d int) string {
	switch {
	case d <= 0:
		return st.Err.Render(daysLeftWords(d))
	case d <= 30:
		return st.Warn.Render(daysLeftWords(d))
	}
	return daysLeftWords(d)
}

func daysLeftWords(d int) string {
	switch {
	case d < 0:
		return fmt.Sprintf("%d days past cease", -d)
	case d == 0:
		return "cease date today"
	}
	return fmt.Sprintf("%d days to cease", d)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
