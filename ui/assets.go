package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// assetsScreen is filled in below.
type assetsScreen struct {
	sh   *shared
	code string
	w, h int
}

func newAssetsScreen(sh *shared, code string) *assetsScreen { return &assetsScreen{sh: sh, code: code} }

func (d *assetsScreen) Init() tea.Cmd             { return nil }
func (d *assetsScreen) Title() string             { return "assets" }
func (d *assetsScreen) Capturing() bool           { return false }
func (d *assetsScreen) Dirty() bool               { return false }
func (d *assetsScreen) SetSize(w, h int) screen   { d.w, d.h = w, h; return d }
func (d *assetsScreen) ShortHelp() []key.Binding  { return nil }
func (d *assetsScreen) FullHelp() [][]key.Binding { return nil }
func (d *assetsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "esc" {
		return d, pop
	}
	return d, nil
}
func (d *assetsScreen) View() string { return "" }
