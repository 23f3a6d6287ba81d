package ui

import (
	"cutover/site"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// wizard is filled in below.
type wizard struct {
	sh   *shared
	code string
	w, h int
}

func newWizard(sh *shared, p site.Position) *wizard { return &wizard{sh: sh, code: p.Site} }

func (d *wizard) Init() tea.Cmd             { return nil }
func (d *wizard) Title() string             { return "swap" }
func (d *wizard) Capturing() bool           { return false }
func (d *wizard) Dirty() bool               { return false }
func (d *wizard) SetSize(w, h int) screen   { d.w, d.h = w, h; return d }
func (d *wizard) ShortHelp() []key.Binding  { return nil }
func (d *wizard) FullHelp() [][]key.Binding { return nil }
func (d *wizard) Update(msg tea.Msg) (screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "esc" {
		return d, pop
	}
	return d, nil
}
func (d *wizard) View() string { return "" }
