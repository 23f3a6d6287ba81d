// Package ui owns the field TUI: one root model that delegates to a model per
// screen, with every key a key.Binding and one theme of semantic styles. It
// reads and writes through the site, devices and sync packages; it holds no
// SQL and no SNMP of its own.
package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"cutover/site"

	tea "github.com/charmbracelet/bubbletea"
)

// Options are what the TUI runs with.
type Options struct {
	Store    *site.Store
	Engineer string
	Site     string // open straight on this site when set
	NoColor  bool
	Mouse    bool
	In       io.Reader
	Out      io.Writer
	Now      func() time.Time
}

// Run opens the TUI and returns when the user quits.
func Run(ctx context.Context, opt Options) error {
	m := newRoot(ctx, opt)
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithAltScreen(), tea.WithInput(opt.In), tea.WithOutput(opt.Out)}
	if opt.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	_, err := tea.NewProgram(m, popts...).Run()
	if err == tea.ErrProgramKilled {
		return nil
	}
	return err
}

type sitesLoaded struct {
	sums []site.SiteSummary
	err  error
}

type root struct {
	ctx  context.Context
	opt  Options
	sums []site.SiteSummary
	err  error
}

func newRoot(ctx context.Context, opt Options) root {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return root{ctx: ctx, opt: opt}
}

func (m root) Init() tea.Cmd {
	return func() tea.Msg {
		sums, err := m.opt.Store.Summaries(m.ctx, "", m.opt.Now())
		return sitesLoaded{sums, err}
	}
}

func (m root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case sitesLoaded:
		m.sums, m.err = msg.sums, msg.err
	case tea.KeyMsg:
		switch msg.String() {
		case "q", "ctrl+c":
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m root) View() string {
	var b strings.Builder
	b.WriteString("cutover: sites\n\n")
	if m.err != nil {
		fmt.Fprintf(&b, "error: %v\n", m.err)
	}
	for _, s := range m.sums {
		fmt.Fprintf(&b, "%-6s %-32s %3d/%-3d done\n", s.Code, s.Name, s.Done, s.Active)
	}
	b.WriteString("\nq quit\n")
	return b.String()
}
