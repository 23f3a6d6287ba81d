package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// formField is one line of a form: typed text (masked when secret) or a
// choice among words (space or ←/→ to change it).
type formField struct {
	name    string
	input   textinput.Model
	choices []string
	choice  int
	// show, when set, says whether the field applies (v3 fields only for v3).
	show func(f *form) bool
}

// form is a small screen of fields the engineer fills in: the SNMP
// credentials, a switch's address, a new position, a conflict's
// resolution. submit checks the values; an error keeps the form open and
// names the field, otherwise the form closes and submit's Cmd runs.
type form struct {
	sh     *shared
	title  string
	intro  []string
	fields []*formField
	cur    int
	err    string
	submit func(f *form) (tea.Cmd, error)
	keys   formKeys
	w, h   int
}

type formKeys struct {
	Next, Prev, Change, Enter, Submit, Cancel key.Binding
}

func newForm(sh *shared, title string, submit func(f *form) (tea.Cmd, error), intro ...string) *form {
	return &form{sh: sh, title: title, intro: intro, submit: submit, keys: formKeys{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
		Change: key.NewBinding(key.WithKeys(" ", "left", "right"), key.WithHelp("space/←/→", "change choice")),
		Enter:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field; done on the last")),
		Submit: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "done")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}}
}

// text adds a typed field.
func (f *form) text(name, value, placeholder string, secret bool) *formField {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = placeholder
	ti.CharLimit = 200
	ti.SetValue(value)
	if secret {
		ti.EchoMode = textinput.EchoPassword
		ti.EchoCharacter = '•'
	}
	if !f.sh.animate {
		ti.Cursor.SetMode(cursor.CursorStatic)
	}
	fl := &formField{name: name, input: ti}
	f.fields = append(f.fields, fl)
	return fl
}

// pick adds a choice field.
func (f *form) pick(name string, choices []string, current int) *formField {
	fl := &formField{name: name, choices: choices, choice: current}
	f.fields = append(f.fields, fl)
	return fl
}

// value is a field's text or chosen word, by name.
func (f *form) value(name string) string {
	for _, fl := range f.fields {
		if fl.name == name {
			if fl.choices != nil {
				return fl.choices[fl.choice]
			}
			return strings.TrimSpace(fl.input.Value())
		}
	}
	return ""
}

// secret is a field's text as typed (passphrases keep their spaces).
func (f *form) secret(name string) string {
	for _, fl := range f.fields {
		if fl.name == name {
			return fl.input.Value()
		}
	}
	return ""
}

func (f *form) visible() []*formField {
	var out []*formField
	for _, fl := range f.fields {
		if fl.show == nil || fl.show(f) {
			out = append(out, fl)
		}
	}
	return out
}

func (f *form) focus() tea.Cmd {
	vis := f.visible()
	f.cur = clamp(f.cur, 0, max(len(vis)-1, 0))
	var cmd tea.Cmd
	for i, fl := range vis {
		if fl.choices != nil {
			continue
		}
		if i == f.cur {
			cmd = fl.input.Focus()
		} else {
			fl.input.Blur()
		}
	}
	return cmd
}

func (f *form) Init() tea.Cmd           { return f.focus() }
func (f *form) Title() string           { return f.title }
func (f *form) Capturing() bool         { return true }
func (f *form) Dirty() bool             { return false }
func (f *form) SetSize(w, h int) screen { f.w, f.h = w, h; return f }

// ShortHelp implements help.KeyMap.
func (f *form) ShortHelp() []key.Binding {
	return []key.Binding{f.keys.Next, f.keys.Change, f.keys.Enter, f.keys.Submit, f.keys.Cancel}
}

// FullHelp implements help.KeyMap.
func (f *form) FullHelp() [][]key.Binding {
	return [][]key.Binding{{f.keys.Next, f.keys.Prev, f.keys.Change}, {f.keys.Enter, f.keys.Submit, f.keys.Cancel}}
}

func (f *form) Update(msg tea.Msg) (screen, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return f, nil
	}
	vis := f.visible()
	if len(vis) == 0 {
		return f, f.sh.pop()
	}
	fl := vis[clamp(f.cur, 0, len(vis)-1)]
	last := f.cur == len(vis)-1
	switch {
	case key.Matches(k, f.keys.Cancel):
		return f, f.sh.pop()
	case key.Matches(k, f.keys.Submit) || (key.Matches(k, f.keys.Enter) && last):
		cmd, err := f.submit(f)
		if err != nil {
			f.err = err.Error()
			return f, nil
		}
		f.sh.pop()
		return f, cmd
	case key.Matches(k, f.keys.Next, f.keys.Enter):
		f.cur = min(f.cur+1, len(vis)-1)
		return f, f.focus()
	case key.Matches(k, f.keys.Prev):
		f.cur = max(f.cur-1, 0)
		return f, f.focus()
	case fl.choices != nil && key.Matches(k, f.keys.Change):
		n := len(fl.choices)
		if k.Type == tea.KeyLeft {
			fl.choice = (fl.choice + n - 1) % n
		} else {
			fl.choice = (fl.choice + 1) % n
		}
		return f, f.focus()
	case fl.choices != nil:
		return f, nil
	}
	f.err = ""
	var cmd tea.Cmd
	fl.input, cmd = fl.input.Update(k)
	return f, cmd
}

func (f *form) View() string {
	st := f.sh.st
	var b strings.Builder
	b.WriteString(st.Bold.Render(txt(f.title)) + "\n")
	for _, l := range f.intro {
		b.WriteString(cut(st.Faint.Render(txt(l)), f.w) + "\n")
	}
	b.WriteByte('\n')
	nameW := 0
	for _, fl := range f.fields {
		nameW = max(nameW, widthOf(fl.name))
	}
	for i, fl := range f.visible() {
		mark := "  "
		if i == f.cur {
			mark = "▸ "
		}
		var v string
		if fl.choices != nil {
			v = "‹ " + txt(fl.choices[fl.choice]) + " ›"
			if i == f.cur {
				v = st.Selected.Render(v)
			}
		} else {
			fl.input.Width = max(f.w-nameW-6, 10)
			v = fl.input.View()
		}
		b.WriteString(cut(mark+pad(txt(fl.name), nameW)+"  "+v, f.w) + "\n")
	}
	if f.err != "" {
		b.WriteString("\n" + cut(st.Err.Render("✗ ")+txt(f.err), f.w) + "\n")
	}
	return b.String()
}
