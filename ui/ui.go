// Package ui is the field TUI: one root model that delegates to a model per
// screen (sites, site dashboard, positions, position detail, discovery, the
// swap wizard, assets), with every key a key.Binding and one theme of
// semantic styles. It reads and writes only through the site, devices, assets
// and sync packages, always inside tea.Cmds; it holds no SQL and no SNMP.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"cutover/config"
	"cutover/devices"
	"cutover/site"
	"cutover/swap"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Options are what the TUI runs with.
type Options struct {
	Store    *site.Store
	Engineer string
	Site     string // open straight on this site's dashboard when set
	NoColor  bool
	// Theme picks the light or dark colours; auto (or "") asks the terminal.
	Theme Theme
	Mouse bool
	In    io.Reader
	Out   io.Writer
	Now   func() time.Time
	// Swap records runbook steps (running automatic steps' SNMP checks);
	// without it the swap wizard shows the runbook but cannot record.
	Swap *swap.Runner
	// Discover runs a site's discovery; without it the discovery screen
	// lists the switches but cannot read them.
	Discover Discoverer
	// Creds are the SNMP credentials the TUI was opened with (the same
	// flags as `cutover discover`); zero when none were given, and the
	// discovery screen asks. CredsFrom says where they came from.
	Creds     devices.Credentials
	CredsFrom string
	// Config is the settings file (its SNMP profiles are offered on the
	// discovery screen) and ConfigPath where a new profile is saved.
	Config     *config.Config
	ConfigPath string
	// Hub is the hub this laptop syncs with in the background ("" when it
	// is not enrolled), for the dashboard's sync line.
	Hub string
	// HubRole is the role of this laptop's hub login (engineer, supervisor,
	// admin; "" when not enrolled): a resolution it may not make is refused
	// before it is recorded.
	HubRole string
	// Lister, when set, replaces the Store as the source of a site's
	// positions (the benchmark uses it); nil means the Store.
	Lister PositionLister
}

// PositionLister lists a site's positions.
type PositionLister interface {
	Positions(ctx context.Context, code string) ([]site.Position, error)
}

// Run opens the TUI and returns when the user quits.
func Run(ctx context.Context, opt Options) error {
	if opt.Out == nil {
		opt.Out = os.Stdout
	}
	if opt.In == nil {
		opt.In = os.Stdin
	}
	r := newThemedRenderer(opt.Out, opt.NoColor, opt.Theme)
	m := newRoot(ctx, opt, r)
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithAltScreen(), tea.WithInput(opt.In), tea.WithOutput(opt.Out)}
	if opt.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	return runProgram(m, popts)
}

// ErrInterrupted is returned by Run and RunProgress when the user pressed
// Ctrl+C (or the program got SIGINT): the terminal is restored by then, and
// the command exits with status 130.
var ErrInterrupted = errors.New("interrupted")

// runProgram runs the TUI until it quits, then restores the terminal.
func runProgram(m tea.Model, popts []tea.ProgramOption) error {
	_, err := tea.NewProgram(m, popts...).Run()
	switch {
	case errors.Is(err, tea.ErrInterrupted):
		return ErrInterrupted
	case errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled):
		return nil
	}
	return err
}

// Theme is the --theme setting: which variant of the theme's colours to use.
type Theme string

// The themes: auto asks the terminal for its background (the default).
const (
	ThemeAuto  Theme = "auto"
	ThemeLight Theme = "light"
	ThemeDark  Theme = "dark"
)

// ParseTheme checks a --theme value or the config's "theme"; "" is auto.
func ParseTheme(s string) (Theme, error) {
	switch t := Theme(strings.ToLower(strings.TrimSpace(s))); t {
	case "", ThemeAuto:
		return ThemeAuto, nil
	case ThemeLight, ThemeDark:
		return t, nil
	}
	return "", fmt.Errorf("theme %q: want auto, light or dark", s)
}

// newRenderer is newThemedRenderer with the auto theme.
func newRenderer(out io.Writer, noColor bool) *lipgloss.Renderer {
	return newThemedRenderer(out, noColor, ThemeAuto)
}

// newThemedRenderer builds the one lipgloss renderer every style is made
// from. With noColor it is pinned to plain ASCII (no colour, no attributes),
// so --no-color and NO_COLOR reach every path. A light or dark theme is
// taken as said, without asking the terminal. Otherwise the terminal's
// background is asked for here, once and before Bubble Tea owns the input
// (as glow does), so the adaptive colours suit light and dark terminals;
// termenv skips the query in tmux and screen (then assumes dark: --theme
// light is the answer there), and honours COLORFGBG.
func newThemedRenderer(out io.Writer, noColor bool, t Theme) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(out)
	switch {
	case noColor:
		r.SetColorProfile(termenv.Ascii)
		r.SetHasDarkBackground(true)
	case t == ThemeLight:
		r.SetHasDarkBackground(false)
	case t == ThemeDark:
		r.SetHasDarkBackground(true)
	default:
		r.SetHasDarkBackground(r.HasDarkBackground())
	}
	return r
}
