package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// globalKeys work on every screen (quit and help are handled by the root
// before the screen sees the key; back is the screen's to honour).
type globalKeys struct {
	Quit, ForceQuit, Help, Back key.Binding
	// CloseHelp is what the footer says while the help overlay shows.
	CloseHelp key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit, also while typing")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		CloseHelp: key.NewBinding(key.WithKeys("?", "q", "esc"), key.WithHelp("?/q/esc", "close this help")),
	}
}

// listKeys move a cursor through a list; shared by the list screens.
type listKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

func newListKeys() listKeys {
	return listKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
	}
}

func (k listKeys) bindings() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}

// step applies a list key to a cursor over n items shown page rows at a
// time; ok is false when msg is not a list key.
func (k listKeys) step(msg tea.KeyMsg, cur, n, page int) (next int, ok bool) {
	if page < 1 {
		page = 1
	}
	switch {
	case key.Matches(msg, k.Up):
		cur--
	case key.Matches(msg, k.Down):
		cur++
	case key.Matches(msg, k.PageUp):
		cur -= page
	case key.Matches(msg, k.PageDown):
		cur += page
	case key.Matches(msg, k.Top):
		cur = 0
	case key.Matches(msg, k.Bottom):
		cur = n - 1
	default:
		return cur, false
	}
	return clamp(cur, 0, max(n-1, 0)), true
}

// scrollTo keeps cursor cur inside a window of h rows starting at top.
func scrollTo(cur, top, h int) int {
	if h < 1 {
		return cur
	}
	if cur < top {
		return cur
	}
	if cur >= top+h {
		return cur - h + 1
	}
	return top
}
