package ui

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"cutover/site"
	"cutover/sync/client"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// dashLoadedMsg carries one site's summary (one grouped query: the
// dashboard's first frame never waits for the positions, read after it).
type dashLoadedMsg struct {
	code string
	sum  site.SiteSummary
	err  error
}

// attentionMsg carries what needs attention at a site: failed and blocked
// positions, and the latest discovery's missing and moved positions.
type attentionMsg struct {
	code      string
	positions []site.Position
	verdicts  map[string]site.Verdict
	err       error
}

func loadDashCmd(sh *shared, code string) tea.Cmd {
	ctx, store, cache, today := sh.ctx, sh.store, sh.cache, sh.now()
	summary := func() tea.Msg {
		sums, err := store.Summaries(ctx, code, today)
		if err != nil {
			return dashLoadedMsg{code: code, err: err}
		}
		return dashLoadedMsg{code: code, sum: sums[0]}
	}
	attention := func() tea.Msg {
		att, err := store.PositionsWithStatus(ctx, code, site.StatusFailed, site.StatusBlocked)
		if err != nil {
			return attentionMsg{code: code, err: err}
		}
		vs, err := store.LatestVerdicts(ctx, code)
		return attentionMsg{code: code, positions: att, verdicts: vs, err: err}
	}
	// The list of every position (20,000 at a large site) is read after
	// the first frame, into the cache the position list opens from.
	preload := func() tea.Msg {
		cache.positions(ctx, code) // an error shows when the list opens
		return nil
	}
	return tea.Sequence(tea.Batch(summary, attention, loadSyncCmd(sh, code)), preload)
}

// syncMsg carries the laptop's sync state.
type syncMsg struct {
	code string
	st   client.Status
	err  error
}

// syncEvery is how often the dashboard re-reads the sync state (a local
// read: the background sync itself belongs to the command that opened the TUI).
const syncEvery = 10 * time.Second

type syncTickMsg struct{ code string }

func loadSyncCmd(sh *shared, code string) tea.Cmd {
	ctx, store := sh.ctx, sh.store
	return func() tea.Msg {
		st, err := client.ReadStatus(ctx, store)
		return syncMsg{code: code, st: st, err: err}
	}
}

type dashKeys struct {
	Positions, Discover, Assets, Refresh, Back key.Binding
}

// dashboard is one site at a glance: counts by role and status, what needs
// attention, the last discovery and the sync state.
type dashboard struct {
	sh        *shared
	code      string
	keys      dashKeys
	spin      spinner.Model
	loading   bool
	loaded    bool
	sum       site.SiteSummary
	att       []site.Position
	verdicts  map[string]site.Verdict
	attLoaded bool
	sync      *client.Status
	w, h      int
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
		if errors.Is(msg.err, site.ErrNotFound) {
			return d, func() tea.Msg { return unknownSiteMsg{code: d.code, err: msg.err} }
		}
		if msg.err != nil {
			return d, func() tea.Msg { return failed("loading site "+d.code, msg.err) }
		}
		d.loaded, d.sum = true, msg.sum
	case attentionMsg:
		if msg.code != d.code {
			return d, nil
		}
		if msg.err != nil {
			return d, func() tea.Msg { return failed("loading what needs attention at "+d.code, msg.err) }
		}
		d.att, d.verdicts, d.attLoaded = msg.positions, msg.verdicts, true
	case syncMsg:
		if msg.code != d.code {
			return d, nil
		}
		if msg.err != nil {
			return d, func() tea.Msg { return failed("reading the sync state", msg.err) }
		}
		d.sync = &msg.st
		if !d.sh.animate {
			return d, nil
		}
		code := d.code
		return d, tea.Tick(syncEvery, func(time.Time) tea.Msg { return syncTickMsg{code} })
	case syncTickMsg:
		if msg.code == d.code {
			return d, loadSyncCmd(d.sh, d.code)
		}
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
			d.sh.cache.drop(d.code)
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
			return d.spin.View() + " loading site " + txt(d.code) + "…"
		}
		return "Site " + txt(d.code) + " could not be loaded (see the status line); r to try again."
	}
	s := d.sum
	var b strings.Builder
	pct := 0
	if s.Active > 0 {
		pct = s.Done * 100 / s.Active
	}
	fmt.Fprintf(&b, "%s  %s\n", st.Bold.Render(txt(s.Code+"  "+s.Name)), st.Faint.Render(txt(s.Address)))
	fmt.Fprintf(&b, "%s %d%%  %d of %d positions done  ·  %s (%s)\n\n", st.bar(s.Done, s.Active, clamp(d.w/6, 10, 30)),
		pct, s.Done, s.Active, daysLeft(st, s.DaysLeft), txt(s.CeaseDate))

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
	b.WriteString(d.attentionView(max(d.h-lipgloss.Height(b.String())-4, 1)))
	b.WriteString("\n" + cut(d.discoveryLine()+"   ·   "+d.syncLine(), d.w) + "\n")
	return b.String()
}

// attentionView lists, in at most room lines, what needs someone: failed
// and blocked positions, the latest discovery's missing and moved
// positions, and open sync conflicts.
func (d *dashboard) attentionView(room int) string {
	st := d.sh.st
	if !d.attLoaded {
		return st.Faint.Render("  loading…") + "\n"
	}
	var lines []string
	for _, p := range d.att {
		lines = append(lines, fmt.Sprintf("  %s %-8s %s", st.status(p.Status, 11), txt(p.Label), txt(p.StatusReason)))
	}
	var missing, moved []string
	for _, label := range sortedKeys(d.verdicts) {
		v := d.verdicts[label]
		switch v.Outcome {
		case site.OutcomeMissing:
			missing = append(missing, txt(label))
		case site.OutcomeMoved:
			moved = append(moved, txt(fmt.Sprintf("%s (seen on %s %s)", label, v.Switch, v.Port)))
		}
	}
	if len(missing) > 0 {
		lines = append(lines, st.Warn.Render(fmt.Sprintf("  ? %d missing at the last discovery: ", len(missing)))+strings.Join(missing, ", "))
	}
	if len(moved) > 0 {
		lines = append(lines, st.Warn.Render(fmt.Sprintf("  ↔ %d moved: ", len(moved)))+strings.Join(moved, ", "))
	}
	if d.sync != nil && d.sync.OpenConflicts > 0 {
		lines = append(lines, st.Err.Render(fmt.Sprintf("  ⚠ %d open sync conflicts", d.sync.OpenConflicts))+" (cutover conflicts)")
	}
	if len(lines) == 0 {
		return st.OK.Render("  ✓ nothing failed, blocked, missing or in conflict") + "\n"
	}
	if len(lines) > room {
		n := len(lines) - room + 1
		lines = append(lines[:room-1], fmt.Sprintf("  … and %d more (p, then s to sort by status)", n))
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(cut(l, d.w) + "\n")
	}
	return b.String()
}

func (d *dashboard) discoveryLine() string {
	last := ""
	for _, v := range d.verdicts {
		if v.At > last {
			last = v.At
		}
	}
	if last == "" {
		return "Last discovery: none on this laptop"
	}
	return "Last discovery: " + txt(shortTime(last))
}

func (d *dashboard) syncLine() string {
	st := d.sh.st
	s := d.sync
	switch {
	case s == nil:
		return "Sync: …"
	case d.sh.hub == "" && s.LastSync.IsZero():
		return fmt.Sprintf("Sync: not enrolled with a hub (cutover login) · %d changes kept here", s.Pending)
	case s.LastSync.IsZero() && s.LastError == "":
		return fmt.Sprintf("Sync: never synced · %d changes pending", s.Pending)
	case s.LastError != "" && s.LastErrorAt.After(s.LastSync):
		return st.Warn.Render("Sync: hub unreachable") + fmt.Sprintf(" · %d pending · last sync %s · %s", s.Pending,
			syncTime(s.LastSync), txt(s.LastError))
	}
	return fmt.Sprintf("Sync: hub reachable · %d pending · last sync %s", s.Pending, syncTime(s.LastSync))
}

func syncTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
