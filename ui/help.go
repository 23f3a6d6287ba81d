package ui

// The root's help overlay, footer and status area. The overlay lays out
// the screen's key groups as columns that wrap onto further rows when the
// terminal is narrow (so no column is dropped at 80 columns), lists each
// key once, and lists only what works on that screen. The status area is
// one line, and grows to show a long error whole.

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
)

// maxStatusRows is the most lines an error may take; the body gives them up
// until the next key.
const maxStatusRows = 6

// statusLines is the status area: the error or note, wrapped to the width.
func (m *root) statusLines() []string {
	st := m.sh.st
	var mark, text string
	switch {
	case m.err != nil:
		mark, text = st.Err.Render("✗ "), st.Err.Render(txt(m.err.Error()))
	case m.note != "" && m.noteBad:
		mark, text = st.Err.Render("✗ "), txt(m.note)
	case m.note != "":
		mark, text = st.OK.Render("✓ "), txt(m.note)
	default:
		return []string{""}
	}
	if m.width < 4 {
		return []string{cut(mark+text, m.width)}
	}
	// Wrapped under itself, after the mark.
	lines := strings.Split(ansi.Wrap(text, m.width-2, " "), "\n")
	if len(lines) > maxStatusRows {
		lines = lines[:maxStatusRows]
		lines[maxStatusRows-1] = cut(lines[maxStatusRows-1]+" …", m.width-2)
	}
	for i, l := range lines {
		if i == 0 {
			lines[i] = cut(mark+l, m.width)
		} else {
			lines[i] = cut("  "+l, m.width)
		}
	}
	return lines
}

func (m *root) statusLine() string { return strings.Join(m.statusLines(), "\n") }

// statusHeight is how many lines the status area needs now.
func (m *root) statusHeight() int {
	if m.width <= 0 {
		return 1
	}
	// Never more than leaves the body a few lines.
	return clamp(len(m.statusLines()), 1, max(m.height-2-minHeight/2, 1))
}

// restatus resizes the screens when the status area changed height.
func (m *root) restatus() {
	if n := m.statusHeight(); n != m.statusRows {
		m.statusRows = n
		m.resize()
	}
}

func (m *root) helpLine() string {
	if m.showHelp || m.confirming {
		if m.confirming {
			return m.help.ShortHelpView([]key.Binding{
				key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "quit anyway")),
				key.NewBinding(key.WithKeys("n"), key.WithHelp("any other key", "go back"))})
		}
		return m.help.ShortHelpView([]key.Binding{m.keys.CloseHelp})
	}
	keys := m.top().ShortHelp()
	var always []key.Binding
	if !m.top().Capturing() { // while a prompt is open, ? and q are typed
		always = []key.Binding{m.keys.Help, m.keys.Quit}
	}
	// In a narrow terminal keys give way (all of them are behind ?), never
	// ? and q: first the arrows everyone knows, then the screen's last.
	whole := m.help
	whole.Width = 0 // measured uncut
	fits := func() bool {
		return m.width <= 0 || widthOf(whole.ShortHelpView(append(append([]key.Binding{}, keys...), always...))) <= m.width
	}
	for i := 0; i < len(keys) && !fits(); {
		if k := keys[i].Help().Key; k == "↑/k" || k == "↓/j" {
			keys = append(keys[:i:i], keys[i+1:]...)
			continue
		}
		i++
	}
	for len(keys) > 1 && !fits() {
		keys = keys[:len(keys)-1]
	}
	return m.help.ShortHelpView(append(keys, always...))
}

// helpGroups are the overlay's columns: the screen's, then the keys that
// work everywhere. A key the screen already lists is not listed again.
func (m *root) helpGroups() [][]key.Binding {
	seen := map[string]bool{}
	var out [][]key.Binding
	for _, g := range append(m.top().FullHelp(), []key.Binding{m.keys.Help, m.keys.Quit, m.keys.ForceQuit}) {
		var col []key.Binding
		for _, b := range g {
			if !b.Enabled() || b.Help().Key == "" {
				continue
			}
			dup := false
			for _, k := range b.Keys() {
				dup = dup || seen[k]
			}
			if dup {
				continue
			}
			for _, k := range b.Keys() {
				seen[k] = true
			}
			col = append(col, b)
		}
		if len(col) > 0 {
			out = append(out, col)
		}
	}
	return out
}

func (m *root) helpView() string {
	st := m.sh.st
	return st.Bold.Render("Keys on "+m.top().Title()) + "\n\n" + m.helpColumns(m.helpGroups())
}

// helpColumns lays the groups out as columns, left to right, starting a new
// row of columns when the next one would not fit the width.
func (m *root) helpColumns(groups [][]key.Binding) string {
	st := m.sh.st
	const gap = 4
	var cols [][]string
	var widths []int
	for _, g := range groups {
		kw := 0
		for _, b := range g {
			kw = max(kw, ansi.StringWidth(b.Help().Key))
		}
		var lines []string
		w := 0
		for _, b := range g {
			l := st.Key.Render(pad(b.Help().Key, kw)) + " " + st.Faint.Render(b.Help().Desc)
			l = cut(l, m.width)
			w = max(w, ansi.StringWidth(l))
			lines = append(lines, l)
		}
		cols = append(cols, lines)
		widths = append(widths, w)
	}
	var rows []string
	for i := 0; i < len(cols); {
		// As many columns as fit on this row (at least one).
		j, used := i+1, widths[i]
		for j < len(cols) && used+gap+widths[j] <= m.width {
			used += gap + widths[j]
			j++
		}
		height := 0
		for _, c := range cols[i:j] {
			height = max(height, len(c))
		}
		for r := 0; r < height; r++ {
			var b strings.Builder
			for k := i; k < j; k++ {
				cell := ""
				if r < len(cols[k]) {
					cell = cols[k][r]
				}
				if k < j-1 {
					cell = pad(cell, widths[k]+gap)
				}
				b.WriteString(cell)
			}
			rows = append(rows, strings.TrimRight(b.String(), " "))
		}
		rows = append(rows, "")
		i = j
	}
	return strings.TrimRight(strings.Join(rows, "\n"), "\n")
}
