package ui

import (
	"cutover/internal/find"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// The `/` filter every list has, over the one rule in internal/find: each
// list builds a search key per row (find.Key, every column it shows) and
// asks filterBar which rows the query keeps.

type filterKeys struct {
	Open, Apply, Cancel, Clear key.Binding
}

// filterBar is a list's filter line: the input, the query last applied and
// its keys. The screen owning it keeps the rows and calls keep.
type filterBar struct {
	in   textinput.Model
	q    find.Query
	hint string // "code, name, cease date…": what the filter searches
	keys filterKeys
	// replace is set when / reopens a query kept from before: the first
	// thing typed starts a new query instead of adding to the old one.
	replace bool
}

func newFilterBar(sh *shared, hint string) filterBar {
	ti := textinput.New()
	ti.Prompt = "/ "
	ti.Placeholder = hint
	ti.CharLimit = 64
	if !sh.animate {
		ti.Cursor.SetMode(cursor.CursorStatic)
	}
	return filterBar{in: ti, hint: hint, keys: filterKeys{
		Open:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Apply:  key.NewBinding(key.WithKeys("enter", "down", "up"), key.WithHelp("enter", "keep filter")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Clear:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
	}}
}

// focused reports the input has the keys.
func (f *filterBar) focused() bool { return f.in.Focused() }

// active reports a query is applied.
func (f *filterBar) active() bool { return !f.q.Empty() }

func (f *filterBar) setWidth(w int) { f.in.Width = max(w-4, 10) }

// open gives the input the keys; a query kept from before is replaced by
// what is typed next (→ or ← keeps it, to edit it).
func (f *filterBar) open() tea.Cmd {
	f.replace = f.in.Value() != ""
	return f.in.Focus()
}

// clear empties the query; it reports whether there was one.
func (f *filterBar) clear() bool {
	had := f.active() || f.in.Value() != ""
	f.in.SetValue("")
	f.q = find.Query{}
	return had
}

// filterResult is what a key typed into the filter did.
type filterResult struct {
	changed bool // the query changed: the view must be filtered again
	narrows bool // the new query only narrows the last (search the rows kept)
	pass    bool // the key closed the input and is the list's to act on too (↑/↓)
	enter   bool // enter closed the input
	cmd     tea.Cmd
}

// key takes a key while the input is focused.
func (f *filterBar) key(msg tea.KeyMsg) filterResult {
	switch {
	case key.Matches(msg, f.keys.Cancel):
		f.in.Blur()
		had := f.active()
		f.in.SetValue("")
		f.q = find.Query{}
		return filterResult{changed: had}
	case key.Matches(msg, f.keys.Apply):
		f.in.Blur()
		return filterResult{pass: msg.String() != "enter", enter: msg.String() == "enter"}
	}
	if f.replace {
		f.replace = false
		switch msg.Type {
		case tea.KeyRunes, tea.KeySpace:
			f.in.SetValue("") // a new query
		case tea.KeyBackspace, tea.KeyDelete:
			f.in.SetValue("")
			had := f.active()
			f.q = find.Query{}
			return filterResult{changed: had}
		}
	}
	var r filterResult
	f.in, r.cmd = f.in.Update(msg)
	q := find.Parse(f.in.Value())
	if q.String() != f.q.String() {
		r.changed, r.narrows = true, q.Narrows(f.q)
		f.q = q
	}
	return r
}

// keep filters the rows 0..n-1 (or, when the query only narrows, the rows
// in view) by their keys.
func (f *filterBar) keep(n int, view []int, narrows bool, keyOf func(i int) string) []int {
	if narrows && view != nil {
		return f.q.Keep(view, keyOf)
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	if f.q.Empty() {
		return all
	}
	return f.q.Keep(all, keyOf)
}

// line is the filter line: the input while typing or filtering, else a
// hint saying what / searches.
func (f *filterBar) line(st *styles, w int) string {
	if f.in.Focused() && f.replace {
		return cut(f.in.Prompt+txt(f.in.Value())+"  "+st.Faint.Render("(typing starts a new filter; → keeps this one)"), w)
	}
	if f.in.Focused() || f.active() {
		return f.in.View()
	}
	return st.Faint.Render(cut("/ to filter by "+f.hint, w))
}

// count says how many rows the filter keeps: "3 of 200 sites · filter “kx”".
func (f *filterBar) count(shown, total int, noun string) string {
	return itoa(shown) + " of " + itoa(total) + " " + noun + f.suffix()
}

// suffix is " · filter “kx”" while a query is applied, else "".
func (f *filterBar) suffix() string {
	if !f.active() {
		return ""
	}
	return " · filter “" + txt(f.q.String()) + "”"
}

// help is the filter's keys for the footer: while typing, apply and
// cancel; otherwise open, or clear when a query is applied (then esc
// clears before it goes back).
func (f *filterBar) help(back key.Binding) []key.Binding {
	if f.in.Focused() {
		return []key.Binding{f.keys.Apply, f.keys.Cancel}
	}
	if f.active() {
		return []key.Binding{f.keys.Open, f.keys.Clear}
	}
	if back.Enabled() && len(back.Keys()) > 0 {
		return []key.Binding{f.keys.Open, back}
	}
	return []key.Binding{f.keys.Open}
}

// noneLine says the filter keeps nothing.
func (f *filterBar) noneLine(st *styles, noun string) string {
	return st.Faint.Render("  no " + noun + " matches “" + txt(f.q.String()) + "”")
}

// fullHelp is a list screen's overlay: while typing, the filter's keys
// alone; otherwise the list's moves, the screen's own keys and / — then
// esc once, as clear while a query is applied, else as back (when the
// screen has a back).
func (f *filterBar) fullHelp(list listKeys, own []key.Binding, back key.Binding) [][]key.Binding {
	if f.in.Focused() {
		return [][]key.Binding{{f.keys.Apply, f.keys.Cancel}}
	}
	keys := append(append([]key.Binding(nil), own...), f.keys.Open)
	switch {
	case f.active():
		keys = append(keys, f.keys.Clear)
	case len(back.Keys()) > 0:
		keys = append(keys, back)
	}
	return [][]key.Binding{list.bindings(), keys}
}
