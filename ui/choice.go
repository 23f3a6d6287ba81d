package ui

import (
	"strings"
	"unicode"

	"cutover/internal/safetext"

	tea "github.com/charmbracelet/bubbletea"
)

// option is one answer a choice offers.
type option struct {
	word string // what is recorded, and what a scanner types
	desc string
}

// choice picks one answer from a short list: arrow keys move, a first
// letter jumps, and a scanner's (or a typist's) exact word followed by
// Enter picks that word. Nothing is highlighted until a key picks it: no
// answer (a handset's condition or where it goes) is ever the default.
// Typed text that matches no answer is kept to be refused with a reason,
// never taken as a command.
type choice struct {
	options []option
	at      int    // the highlighted answer, -1 for none yet
	typed   string // what was typed since the list opened
	// selected is set after a refusal: the next printable key replaces
	// the typed text instead of adding to it.
	selected bool
}

func newChoice(opts []option) *choice { return &choice{options: opts, at: -1} }

// picked is the word Enter takes: the typed word when something was typed
// (the store judges it), else the highlighted answer; "" when nothing is
// typed or highlighted.
func (c *choice) picked() string {
	t := strings.ToLower(strings.TrimSpace(c.typed))
	if c.at < 0 {
		return strings.TrimSpace(c.typed)
	}
	if t == "" || strings.HasPrefix(c.options[c.at].word, t) {
		return c.options[c.at].word // a first letter, or the start of the word
	}
	return strings.TrimSpace(c.typed)
}

// key handles one key; it reports whether the key was Enter.
func (c *choice) key(msg tea.KeyMsg) (enter bool) {
	switch msg.Type {
	case tea.KeyEnter:
		return true
	case tea.KeyUp, tea.KeyShiftTab:
		if c.at < 0 {
			c.at = 0
		}
		c.at = (c.at + len(c.options) - 1) % len(c.options)
		c.typed, c.selected = "", false
	case tea.KeyDown, tea.KeyTab:
		c.at = (c.at + 1) % len(c.options)
		c.typed, c.selected = "", false
	case tea.KeyBackspace:
		if c.selected {
			c.typed, c.selected = "", false
		} else if r := []rune(c.typed); len(r) > 0 {
			c.typed = string(r[:len(r)-1])
		}
		c.jump()
	case tea.KeyRunes, tea.KeySpace:
		if c.selected {
			c.typed, c.selected = "", false
		}
		c.typed += string(msg.Runes)
		if msg.Type == tea.KeySpace && len(msg.Runes) == 0 {
			c.typed += " "
		}
		if len(c.typed) > 128 {
			c.typed = c.typed[:128]
		}
		c.jump()
	}
	return false
}

// jump highlights the first answer that starts with what was typed.
func (c *choice) jump() {
	t := strings.ToLower(strings.TrimLeftFunc(c.typed, unicode.IsSpace))
	if t == "" {
		return
	}
	for i, o := range c.options {
		if strings.HasPrefix(o.word, t) || strings.HasPrefix(t, o.word+" ") || strings.HasPrefix(t, o.word+":") {
			c.at = i
			return
		}
	}
}

// refuse keeps what was typed, selected, so the next scan replaces it.
func (c *choice) refuse() { c.selected = c.typed != "" }

func (c *choice) view(st *styles, w int) string {
	var b strings.Builder
	for i, o := range c.options {
		mark, word := "  ", o.word
		if i == c.at {
			mark, word = st.Accent.Render("▸ "), st.Bold.Render(o.word)
		}
		if o.desc == "" {
			b.WriteString(cut(mark+word, w) + "\n")
			continue
		}
		// The description wraps under itself, in its column.
		col := 2 + max(len(o.word)+1, 10)
		for j, part := range wrapWords(o.desc, w-col) {
			if j == 0 {
				b.WriteString(cut(mark+word+strings.Repeat(" ", max(1, 10-len(o.word)))+st.Faint.Render(part), w) + "\n")
			} else {
				b.WriteString(cut(strings.Repeat(" ", col)+st.Faint.Render(part), w) + "\n")
			}
		}
	}
	if c.typed != "" {
		t := safetext.Line(c.typed)
		if c.selected {
			t = st.Selected.Render(t) + st.Faint.Render("  (typing replaces it)")
		}
		b.WriteString("typed: " + t + "\n")
	}
	return b.String()
}
