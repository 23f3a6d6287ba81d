package ui

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"cutover/laptop"
	"cutover/site"
	"cutover/site/runbook"
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

// attentionMsg carries every open problem of a site (attention.go) and
// the latest discovery's verdicts.
type attentionMsg struct {
	code     string
	items    []attItem
	verdicts map[string]site.Verdict
	err      error
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
	// The list of every position (20,000 at a large site) is read after
	// the first frame, into the cache the position list opens from.
	preload := func() tea.Msg {
		cache.positions(ctx, code) // an error shows when the list opens
		return nil
	}
	return tea.Sequence(tea.Batch(summary, loadAttentionCmd(sh, code), loadSyncCmd(sh, code)), preload)
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
	list                                       listKeys
	Positions, Discover, Assets, Refresh, Back key.Binding
	Open, Conflicts                            key.Binding
}

// dashboard is one site at a glance: counts by role and status, what needs
// attention, the last discovery and the sync state.
type dashboard struct {
	darkSeq   int // the dark timers' tick
	sh        *shared
	code      string
	keys      dashKeys
	spin      spinner.Model
	loading   bool
	loaded    bool
	sum       site.SiteSummary
	att       []attItem
	attCur    int // the problem enter opens
	attTop    int
	verdicts  map[string]site.Verdict
	attLoaded bool
	sync      *client.Status
	w, h      int
}

func newDashboard(sh *shared, code string) *dashboard {
	return &dashboard{sh: sh, code: code, loading: true, spin: spinner.New(spinner.WithSpinner(spinner.Line)),
		keys: dashKeys{
			list:      newListKeys(),
			Positions: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "positions")),
			Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open problem")),
			Conflicts: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "conflicts")),
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
	keys := []key.Binding{d.keys.Positions, d.keys.Discover, d.keys.Assets, d.keys.Conflicts}
	if len(d.att) > 0 {
		keys = append(keys, withHelp(d.keys.list.Down, "next problem"), d.keys.Open)
	}
	return append(keys, d.keys.Back)
}

// FullHelp implements help.KeyMap.
func (d *dashboard) FullHelp() [][]key.Binding {
	return [][]key.Binding{{d.keys.Positions, d.keys.Discover, d.keys.Assets, d.keys.Conflicts},
		{d.keys.list.Up, d.keys.list.Down, d.keys.Open}, {d.keys.Refresh, d.keys.Back}}
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
		d.att, d.verdicts, d.attLoaded = msg.items, msg.verdicts, true
		d.attCur = clamp(d.attCur, 0, max(len(d.att)-1, 0))
		return d, d.darkTick()
	case darkTickMsg:
		if msg.code == d.code && msg.seq == d.darkSeq {
			return d, d.darkTick()
		}
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
		if cur, ok := d.keys.list.step(msg, d.attCur, len(d.att), 5); ok {
			d.attCur = cur
			return d, nil
		}
		switch {
		case key.Matches(msg, d.keys.Open) && d.attCur < len(d.att):
			if s := d.att[d.attCur].open(d.sh, d.code); s != nil {
				return d, d.sh.push(s)
			}
		case key.Matches(msg, d.keys.Conflicts):
			return d, d.sh.push(newConflictsScreen(d.sh, d.code))
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
	pw := 0
	for _, p := range site.Plans {
		pw = max(pw, lipgloss.Width(planWord(p)))
	}
	for _, p := range site.Plans {
		plan = append(plan, fmt.Sprintf("%-*s %5d", pw, planWord(p), s.ByPlan[p]))
	}
	col := st.r.NewStyle().Width(colW)
	b.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, col.Render(strings.Join(status, "\n")),
		col.Render(strings.Join(role, "\n")), strings.Join(plan, "\n")))
	b.WriteString("\n\n")

	b.WriteString(st.Header.Render("Needs attention") + "\n")
	// Every line left, but the two of the discovery and sync footer.
	b.WriteString(d.attentionView(max(d.h-strings.Count(b.String(), "\n")-2, 1)))
	b.WriteString("\n" + cut(d.discoveryLine()+"   ·   "+d.syncLine(), d.w) + "\n")
	return b.String()
}

// attentionView lists every open problem in the room there is, the
// selected one marked; when they do not all fit the list scrolls with the
// cursor and says how many are above and below.
func (d *dashboard) attentionView(room int) string {
	st := d.sh.st
	if !d.attLoaded {
		return st.Faint.Render("  loading…") + "\n"
	}
	if len(d.att) == 0 {
		return st.OK.Render("  ✓ nothing failed, blocked, rolled back, unexpected, moved, missing or in conflict") + "\n"
	}
	rows := room
	if len(d.att) > room {
		rows = max(room-1, 1) // one line says what is off screen
	}
	d.attTop = scrollTo(d.attCur, d.attTop, rows)
	d.attTop = clamp(d.attTop, 0, max(len(d.att)-rows, 0))
	var b strings.Builder
	for i := d.attTop; i < len(d.att) && i < d.attTop+rows; i++ {
		a := d.att[i]
		style := st.Warn
		if a.kind <= laptop.Blocked || a.kind == laptop.InConflict || (a.dark != nil && a.dark.At(d.sh.wall()).Over()) {
			style = st.Err
		}
		text := a.words(d.sh.wall())
		line := style.Render(a.glyph) + " " + fmt.Sprintf("%-8s", txt(a.label)) + " " + txt(text)
		if a.label == "" {
			line = style.Render(a.glyph) + " " + txt(text)
		}
		if i == d.attCur {
			b.WriteString(cut("▸ "+line, d.w) + "\n")
		} else {
			b.WriteString(cut("  "+line, d.w) + "\n")
		}
	}
	if len(d.att) > rows {
		above, below := d.attTop, len(d.att)-d.attTop-rows
		b.WriteString(st.Faint.Render(cut(fmt.Sprintf("  %d of %d problems shown · %d above, %d below (j/k)", rows, len(d.att), above, below), d.w)) + "\n")
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
	return runbook.ReadableTime(t)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
