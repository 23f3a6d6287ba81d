package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// discovery is filled in below.
type discovery struct {
	sh   *shared
	code string
	w, h int
}

func newDiscovery(sh *shared, code string) *discovery { return &discovery{sh: sh, code: code} }

func (d *discovery) Init() tea.Cmd             { return nil }
func (d *discovery) Title() string             { return "discovery" }
func (d *discovery) Capturing() bool           { return false }
func (d *discovery) Dirty() bool               { return false }
func (d *discovery) SetSize(w, h int) screen   { d.w, d.h = w, h; return d }
func (d *discovery) ShortHelp() []key.Binding  { return nil }
func (d *discovery) FullHelp() [][]key.Binding { return nil }
func (d *discovery) Update(msg tea.Msg) (screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "esc" {
		return d, pop
	}
	return d, nil
}
func (d *discovery) View() string { return "" }
