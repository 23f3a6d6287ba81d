package ui

import (
	"fmt"
	"strings"

	"cutover/laptop"
	"cutover/sync/client"
	"cutover/sync/wire"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// conflictsMsg carries a site's open conflicts as this laptop last pulled
// them.
type conflictsMsg struct {
	code string
	cs   []laptop.Conflict
	err  error
}

func loadConflictsCmd(sh *shared, code string) tea.Cmd {
	ctx, store := sh.ctx, sh.store
	return func() tea.Msg {
		cs, err := laptop.Conflicts(ctx, store, code, false)
		return conflictsMsg{code: code, cs: cs, err: err}
	}
}

type conflictKeys struct {
	list                      listKeys
	Open, Resolve, Back, Less key.Binding
}

// conflictsScreen lists a site's open conflicts in words, each opening to
// what it is about and, for those an engineer may settle, a resolution.
type conflictsScreen struct {
	sh     *shared
	code   string
	keys   conflictKeys
	cs     []laptop.Conflict
	loaded bool
	cur    int
	top    int
	open   bool // the selected conflict is shown whole
	w, h   int
}

func newConflictsScreen(sh *shared, code string) *conflictsScreen {
	return &conflictsScreen{sh: sh, code: code, keys: conflictKeys{
		list:    newListKeys(),
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "show whole")),
		Resolve: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "resolve")),
		Less:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the list")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}}
}

func (c *conflictsScreen) Init() tea.Cmd           { return loadConflictsCmd(c.sh, c.code) }
func (c *conflictsScreen) Title() string           { return "conflicts" }
func (c *conflictsScreen) Capturing() bool         { return false }
func (c *conflictsScreen) Dirty() bool             { return false }
func (c *conflictsScreen) SetSize(w, h int) screen { c.w, c.h = w, h; return c }

func (c *conflictsScreen) selected() (laptop.Conflict, bool) {
	if c.cur < len(c.cs) {
		return c.cs[c.cur], true
	}
	return laptop.Conflict{}, false
}

// ShortHelp implements help.KeyMap.
func (c *conflictsScreen) ShortHelp() []key.Binding {
	keys := []key.Binding{c.keys.list.Up, c.keys.list.Down}
	if !c.open {
		keys = append(keys, c.keys.Open)
	}
	if k, ok := c.selected(); ok && c.mayResolve(k) == nil && k.LocalStatus == "" {
		keys = append(keys, c.keys.Resolve)
	}
	if c.open {
		return append(keys, c.keys.Less)
	}
	return append(keys, c.keys.Back)
}

// FullHelp implements help.KeyMap.
func (c *conflictsScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{c.keys.list.bindings(), {c.keys.Open, c.keys.Resolve, c.keys.Back}}
}

func (c *conflictsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case conflictsMsg:
		if msg.code != c.code {
			return c, nil
		}
		if msg.err != nil {
			return c, func() tea.Msg { return failed("listing the conflicts of "+c.code, msg.err) }
		}
		c.cs, c.loaded = msg.cs, true
		c.cur = clamp(c.cur, 0, max(len(c.cs)-1, 0))
	case changedMsg:
		if msg.site == c.code {
			return c, loadConflictsCmd(c.sh, c.code)
		}
	case tea.KeyMsg:
		if cur, ok := c.keys.list.step(msg, c.cur, len(c.cs), c.h-4); ok {
			c.cur = cur
			return c, nil
		}
		k, ok := c.selected()
		switch {
		case c.open && key.Matches(msg, c.keys.Less):
			c.open = false
		case key.Matches(msg, c.keys.Back):
			return c, c.sh.pop()
		case key.Matches(msg, c.keys.Open) && ok:
			c.open = true
		case key.Matches(msg, c.keys.Resolve) && ok:
			d := laptop.Describe(k)
			if err := c.mayResolve(k); err != nil {
				if c.role() == wire.RoleEngineer {
					return c, badNote("an engineer cannot settle this one: %s", d.Hint)
				}
				return c, badNote("%v", err)
			}
			if k.LocalStatus != "" {
				return c, note("a resolution of this conflict is already waiting to be pushed")
			}
			return c, c.sh.push(newResolveForm(c.sh, c.code, k, d))
		}
	}
	return c, nil
}

func (c *conflictsScreen) View() string {
	st := c.sh.st
	if !c.loaded {
		return "loading the conflicts of " + txt(c.code) + "…"
	}
	if len(c.cs) == 0 {
		return st.OK.Render("✓ no open conflicts at "+txt(c.code)) + st.Faint.Render(" (as of the last sync)")
	}
	var b strings.Builder
	b.WriteString(st.Bold.Render(fmt.Sprintf("%d open conflict%s at %s", len(c.cs), plural(len(c.cs)), txt(c.code))) +
		st.Faint.Render("  (as of the last sync)") + "\n\n")
	if c.open {
		k := c.cs[c.cur]
		d := laptop.Describe(k)
		b.WriteString(wrapText("⚠ "+txt(d.Title), c.w) + "\n\n")
		for _, l := range d.Lines {
			b.WriteString(wrapText("  "+txt(l), c.w) + "\n")
		}
		b.WriteString("\n" + st.Faint.Render(wrapText("Opened "+txt(shortTime(k.OpenedAt))+" · "+txt(k.Kind)+" · "+txt(k.ID), c.w)) + "\n")
		who := "An admin settles it on the hub"
		if c.mayResolve(k) == nil {
			who = "You may settle it: r"
		}
		b.WriteString(wrapText(who+" — "+txt(d.Hint), c.w) + "\n")
		if k.LocalStatus != "" {
			b.WriteString(st.Warn.Render("⧗ resolution recorded here, waiting to reach the hub") + "\n")
		}
		return b.String()
	}
	h := max(c.h-3, 1)
	c.top = scrollTo(c.cur, c.top, h)
	for i := c.top; i < len(c.cs) && i < c.top+h; i++ {
		k := c.cs[i]
		d := laptop.Describe(k)
		mark := "⚠ "
		switch {
		case k.LocalStatus != "":
			mark = "⧗ "
		case c.mayResolve(k) == nil:
			mark = "✎ "
		}
		line := mark + txt(d.Title)
		if i == c.cur {
			b.WriteString("▸ " + st.Selected.Render(pad(line, c.w-2)) + "\n")
		} else {
			b.WriteString("  " + cut(line, c.w-2) + "\n")
		}
	}
	return b.String()
}

// newResolveForm settles a conflict: what was decided in words, and the
// value that stands when the conflict takes one.
func newResolveForm(sh *shared, code string, k laptop.Conflict, d laptop.Described) *form {
	const keep = "(keep the standing one)"
	f := newForm(sh, "Resolve", func(f *form) (tea.Cmd, error) {
		res, value := f.value("resolution"), f.value("value")
		if res == "" {
			return nil, errString("resolution: say what was decided (e.g. re-checked the label on the handset)")
		}
		if value == keep {
			value = ""
		}
		ctx, store, engineer, role := sh.ctx, sh.store, sh.engineer, sh.hubRole
		return func() tea.Msg {
			if err := client.ResolveAs(ctx, store, engineer, role, k.ID, res, value); err != nil {
				return failed("resolving", err)
			}
			return tea.BatchMsg{changed(code), note("resolution recorded; it reaches the hub on the next sync")}
		}, nil
	}, d.Title, d.Hint)
	if len(d.Values) > 0 {
		f.pick("value", append(append([]string{}, d.Values...), keep), 0)
	}
	f.text("resolution", "", "what was decided, in words", false)
	return f
}

// wrapText cuts a long line into lines of at most w cells.
func wrapText(s string, w int) string {
	if w < 10 || widthOf(s) <= w {
		return s
	}
	var lines []string
	var cur string
	for _, word := range strings.Fields(s) {
		if cur != "" && widthOf(cur)+1+widthOf(word) > w {
			lines = append(lines, cur)
			cur = "  " + word
			continue
		}
		if cur == "" {
			cur = word
		} else {
			cur += " " + word
		}
	}
	return strings.Join(append(lines, cut(cur, w)), "\n")
}

// role is the hub login's role; an engineer's when the laptop is not
// enrolled (it can only settle what an engineer may).
func (c *conflictsScreen) role() string {
	if c.sh.hubRole == "" {
		return wire.RoleEngineer
	}
	return c.sh.hubRole
}

// mayResolve is the one rule (wire.MayResolve) for this laptop's user.
func (c *conflictsScreen) mayResolve(k laptop.Conflict) error {
	return wire.MayResolve(c.role(), k.Kind)
}
