package ui

import (
	"fmt"
	"strings"

	"cutover/assets"
	"cutover/laptop"
	"cutover/site/runbook"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

// positionsLoadedMsg carries a site's positions, and, when the load was
// asked to index them, their search keys and the identities a scan may
// name (see positionIndex).
type positionsLoadedMsg struct {
	code  string
	rows  []posRow
	day   []string // today's list
	index *positionIndex
	err   error
}

// positionIndex is what the filter and a scan search, built off the event
// loop: a search key per row (find.Key: every column shown, in the forms
// people type) and every serial, MAC and asset tag of the register and the
// inventory (find.ID form) with the label of the position it is at (""
// when two positions share it). The first frame of a large site does not
// wait for it: the list is drawn first and indexed by a second Cmd.
type positionIndex struct {
	search []string
	ids    map[string]string
}

// positionsIndexedMsg carries the index of the rows loaded as generation gen.
type positionsIndexedMsg struct {
	code  string
	gen   int
	index *positionIndex
}

func indexRows(rows []posRow) *positionIndex {
	search := make([]string, len(rows))
	for i := range rows {
		search[i] = positionKey(rows[i].p, rows[i].held, rows[i].now)
	}
	return &positionIndex{search: search, ids: identities(rows)}
}

// indexPositionsCmd indexes rows already on screen; rows is not written
// by anyone once loaded.
func indexPositionsCmd(code string, gen int, rows []posRow) tea.Cmd {
	return func() tea.Msg { return positionsIndexedMsg{code: code, gen: gen, index: indexRows(rows)} }
}

// loadPositionsCmd reads a site's positions, and what the equipment
// register holds for them, and builds the rows off the event loop; with
// index, their search keys and identities too (a reload under a filter),
// else they follow in a second Cmd after the first frame.
func loadPositionsCmd(sh *shared, code string, index bool) tea.Cmd {
	ctx, cache, store, today := sh.ctx, sh.cache, sh.store, sh.today()
	return func() tea.Msg {
		ps, err := cache.positions(ctx, code)
		if err != nil {
			return positionsLoadedMsg{code: code, err: err}
		}
		var held map[string][]assets.Asset
		if store != nil {
			var err error
			if held, err = laptop.HeldBy(ctx, store, code); err != nil {
				return positionsLoadedMsg{code: code, err: fmt.Errorf("equipment register: %w", err)}
			}
		}
		msg := positionsLoadedMsg{code: code, rows: newRows(ps, held)}
		if store != nil {
			now, err := runbook.SiteNumbers(ctx, store, code)
			if err != nil {
				return positionsLoadedMsg{code: code, err: fmt.Errorf("numbers: %w", err)}
			}
			msg.rows = withNumbers(msg.rows, now)
			msg.day, _ = store.DayList(ctx, code, today) // unmarked when unreadable
		}
		if index {
			msg.index = indexRows(msg.rows)
		}
		return msg
	}
}

type positionKeys struct {
	list             listKeys
	Open, Sort, Back key.Binding
	Refresh          key.Binding
}

// positionList is a site's positions as a table, grouped by the sort
// order, with an instant filter. It renders only the rows on screen.
type positionList struct {
	sh      *shared
	code    string
	keys    positionKeys
	spin    spinner.Model
	loading bool
	rows    []posRow
	index   *positionIndex // nil until built (indexed)
	gen     int            // counts loads, so a late index of old rows is dropped
	order   []int          // every row, in sort order
	view    []int          // the rows the filter keeps, in sort order
	lines   []int          // what is drawn: a row index, or -1-i for the heading above view[i]
	lineOf  []int          // view index → its line
	sort    sortBy
	filter  filterBar
	scan    scanBurst
	cur     int // index into view
	top     int // first line on screen
	w, h    int
}

func newPositionList(sh *shared, code string) *positionList {
	return &positionList{sh: sh, code: code, loading: true, spin: spinner.New(spinner.WithSpinner(spinner.Line)),
		filter: newFilterBar(sh, "label, number, room, role, model, port, MAC, serial or tag"),
		keys: positionKeys{
			list:    newListKeys(),
			Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open position")),
			Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort by location, role, status, label")),
			Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
			Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload")),
		}}
}

func (l *positionList) Init() tea.Cmd {
	return tea.Batch(loadPositionsCmd(l.sh, l.code, false), l.sh.spin(l.spin))
}
func (l *positionList) Title() string   { return "positions" }
func (l *positionList) Capturing() bool { return l.filter.focused() }
func (l *positionList) Dirty() bool     { return false }

func (l *positionList) SetSize(w, h int) screen {
	l.w, l.h = w, h
	l.filter.setWidth(w)
	l.scroll()
	return l
}

// ShortHelp implements help.KeyMap.
func (l *positionList) ShortHelp() []key.Binding {
	if l.filter.focused() {
		return l.filter.help(l.keys.Back)
	}
	fk := l.filter.help(l.keys.Back)
	return append([]key.Binding{l.keys.list.Up, l.keys.list.Down, l.keys.Open, fk[0], dayKey, l.keys.Sort}, fk[1:]...)
}

// FullHelp implements help.KeyMap.
// It lists what the keys do now: esc clears the filter while there is one,
// and goes back otherwise.
func (l *positionList) FullHelp() [][]key.Binding {
	if l.filter.focused() {
		return [][]key.Binding{{l.filter.keys.Apply, l.filter.keys.Cancel}}
	}
	back := l.keys.Back
	if l.filter.active() {
		back = l.filter.keys.Clear
	}
	return [][]key.Binding{l.keys.list.bindings(), {l.keys.Open, l.filter.keys.Open, dayKey, l.keys.Sort, l.keys.Refresh, back}}
}

func (l *positionList) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case positionsLoadedMsg:
		if msg.code != l.code {
			return l, nil
		}
		l.loading = false
		if msg.err != nil {
			return l, func() tea.Msg { return failed("loading the positions of "+l.code, msg.err) }
		}
		l.gen++
		l.index = msg.index
		l.setRows(msg.rows)
		l.markDay(msg.day)
		l.scroll()
		if l.index == nil {
			return l, indexPositionsCmd(l.code, l.gen, l.rows)
		}
	case dayToggledMsg:
		if msg.code == l.code {
			return l, l.dayToggled(msg)
		}
	case positionsIndexedMsg:
		if msg.code == l.code && msg.gen == l.gen && l.index == nil {
			l.index = msg.index
		}
	case changedMsg:
		if msg.site == l.code {
			return l, loadPositionsCmd(l.sh, l.code, l.filter.active())
		}
	case spinner.TickMsg:
		if l.loading && msg.ID == l.spin.ID() {
			var cmd tea.Cmd
			l.spin, cmd = l.spin.Update(msg)
			return l, cmd
		}
	case tea.MouseMsg:
		// With --mouse, the wheel moves through the list.
		switch {
		case msg.Button == tea.MouseButtonWheelUp:
			l.cur = max(l.cur-1, 0)
		case msg.Button == tea.MouseButtonWheelDown:
			l.cur = clamp(l.cur+1, 0, max(len(l.view)-1, 0))
		}
		l.scroll()
	case scanGapMsg:
		l.scan.gap(msg)
	case tea.KeyMsg:
		gap := l.scan.key(l, msg)
		var cmd tea.Cmd
		switch {
		case msg.Type == tea.KeyEnter && l.scan.due():
			cmd = l.scanned()
		case l.filter.focused():
			cmd = l.filterKey(msg)
		default:
			cmd = l.listKey(msg)
		}
		l.scroll()
		return l, tea.Batch(gap, cmd)
	}
	return l, nil
}

// pageRows is how many lines of the table fit under the filter line, the
// column header and above the count line.
func (l *positionList) pageRows() int { return max(l.h-3, 1) }

// scroll keeps the cursor's line on screen, and a group's heading with its
// first row.
func (l *positionList) scroll() {
	if len(l.view) == 0 {
		l.top = 0
		return
	}
	cl := l.lineOf[l.cur]
	l.top = scrollTo(cl, l.top, l.pageRows())
	if cl == l.top && l.top > 0 && l.lines[l.top-1] < 0 {
		l.top--
	}
}

func (l *positionList) filterKey(msg tea.KeyMsg) tea.Cmd {
	r := l.filter.key(msg)
	if r.enter {
		// A whole serial, MAC or asset tag typed or scanned into the
		// filter opens its position.
		if label, ok := l.identity(l.filter.in.Value()); ok {
			return l.jump(l.filter.in.Value(), label)
		}
	}
	if r.changed {
		from := l.order
		if r.narrows && l.view != nil {
			from = l.view
		}
		l.refilter(from)
	}
	if r.pass {
		return tea.Batch(r.cmd, l.listKey(msg))
	}
	return r.cmd
}

func (l *positionList) listKey(msg tea.KeyMsg) tea.Cmd {
	if cur, ok := l.keys.list.step(msg, l.cur, len(l.view), l.pageRows()); ok {
		l.cur = cur
		return nil
	}
	switch {
	case key.Matches(msg, l.filter.keys.Open):
		return l.filter.open()
	case key.Matches(msg, l.filter.keys.Clear) && l.filter.active():
		l.filter.clear()
		l.refilter(l.order)
	case key.Matches(msg, l.keys.Back):
		return l.sh.pop()
	case key.Matches(msg, l.keys.Sort):
		l.sort = (l.sort + 1) % numSorts
		l.order = sortRows(l.rows, l.sort)
		l.refilter(l.order)
	case key.Matches(msg, dayKey) && len(l.view) > 0:
		return toggleDayCmd(l.sh, l.code, l.rows[l.view[l.cur]].p.Label)
	case key.Matches(msg, l.keys.Open) && len(l.view) > 0:
		return l.sh.push(newDetail(l.sh, l.code, l.rows[l.view[l.cur]].p.Label))
	case key.Matches(msg, l.keys.Refresh):
		l.sh.cache.drop(l.code)
		l.loading = true
		return tea.Batch(loadPositionsCmd(l.sh, l.code, l.filter.active()), l.sh.spin(l.spin))
	}
	return nil
}

// setRows replaces the rows, keeping the order, the filter and (by label)
// the selected position.
func (l *positionList) setRows(rows []posRow) {
	sel := l.selected()
	l.rows = rows
	l.order = sortRows(rows, l.sort)
	l.view = nil
	l.refilter(l.order)
	for i, r := range l.view {
		if l.rows[r].p.Label == sel {
			l.cur = i
			break
		}
	}
}

// indexed returns the index, building it here if the background one has
// not arrived yet (a filter typed in the first instant).
func (l *positionList) indexed() *positionIndex {
	if l.index == nil {
		l.index = indexRows(l.rows)
	}
	return l.index
}

func (l *positionList) selected() string {
	if l.cur < len(l.view) {
		return l.rows[l.view[l.cur]].p.Label
	}
	return ""
}

// refilter rebuilds the view from the rows in from, keeping the selected
// position selected when the filter still keeps it.
func (l *positionList) refilter(from []int) {
	sel := l.selected()
	if l.filter.q.String() != "" {
		l.indexed()
	}
	l.view = l.filter.q.Keep(from, func(i int) string { return l.index.search[i] })
	l.cur = 0
	for i, r := range l.view {
		if l.rows[r].p.Label == sel {
			l.cur = i
			break
		}
	}
	l.top = 0
	l.layout()
}

// layout lays the kept rows out as lines, with a heading wherever the group
// changes.
func (l *positionList) layout() {
	l.lines = l.lines[:0]
	if cap(l.lineOf) < len(l.view) {
		l.lineOf = make([]int, len(l.view))
	}
	l.lineOf = l.lineOf[:len(l.view)]
	prev := "\x00"
	for i, r := range l.view {
		if g := l.rows[r].group(l.sort); g != "" && g != prev {
			l.lines = append(l.lines, -1-i)
			prev = g
		}
		l.lineOf[i] = len(l.lines)
		l.lines = append(l.lines, r)
	}
}

func (l *positionList) View() string {
	st := l.sh.st
	if l.rows == nil {
		if l.loading {
			return l.spin.View() + " loading positions…"
		}
		return "No positions loaded (see the status line); r to try again."
	}
	var b strings.Builder
	b.WriteString(l.filter.line(st, l.w) + "\n")
	cols := l.columns()
	b.WriteString(st.Header.Render(pad(cols.header(), l.w)) + "\n")
	h := l.pageRows()
	if len(l.view) == 0 {
		b.WriteString(l.filter.noneLine(st, "position") + "\n")
	} else {
		for n := l.top; n < len(l.lines) && n < l.top+h; n++ {
			if r := l.lines[n]; r < 0 {
				b.WriteString(st.Group.Render(cut(l.rows[l.view[-1-r]].group(l.sort), l.w)) + "\n")
			} else {
				b.WriteString(cols.row(st, &l.rows[r], r == l.view[l.cur]) + "\n")
			}
		}
	}
	out := fitLines(b.String(), l.w, l.h-1)
	count := fmt.Sprintf("%d of %d positions · sorted by %s", len(l.view), len(l.rows), l.sort) + l.filter.suffix()
	return out + "\n" + st.Faint.Render(cut(count, l.w))
}
