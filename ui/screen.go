package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"cutover/config"
	"cutover/devices"
	"cutover/site"
	"cutover/site/runbook"
	"cutover/swap"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

// screen is one page of the TUI. Only the root is a tea.Model; screens
// return themselves from Update so the root keeps them in its stack.
type screen interface {
	help.KeyMap
	// Init starts the screen's loading, if any.
	Init() tea.Cmd
	// Update handles a key (only when the screen is on top) or a data
	// message (whether or not it is on top).
	Update(msg tea.Msg) (screen, tea.Cmd)
	// View renders the body, exactly the size last given to SetSize.
	View() string
	// SetSize gives the body's size in cells.
	SetSize(w, h int) screen
	// Title is the screen's name in the breadcrumb.
	Title() string
	// Capturing reports whether a text input has focus: then every key but
	// ctrl+c goes to the screen (so typing "q" in a filter types a q).
	Capturing() bool
	// Dirty reports work that quitting would lose (a step half entered).
	Dirty() bool
}

// shared is what every screen needs: the store, the engineer, the clock and
// the styles. Screens hold the one pointer the root made.
type shared struct {
	ctx      context.Context
	store    *site.Store
	cache    *positionCache
	engineer string
	now      func() time.Time
	st       *styles
	runner   *swap.Runner // records steps; nil when the TUI cannot (tests of other screens)
	discover Discoverer   // nil when the TUI cannot run discovery
	hub      string       // the hub synced with in the background; "" when not enrolled
	hubRole  string       // the role of the hub login ("" when not enrolled)
	readOnly string       // why the database cannot be written ("" when it can): see readonly.go
	// creds are the SNMP credentials of this session (from the command
	// line, a profile, or typed on the discovery screen); credsFrom says which.
	creds     devices.Credentials
	credsFrom string
	cfg       *config.Config // never nil
	cfgPath   string
	// nav holds the screen changes asked for during the current Update;
	// the root applies them before the next message, so keys typed ahead
	// (a barcode scanner, a fast thumb) land on the screen they were meant for.
	nav []navOp
	// readPause is how long a confirm step must have been on screen
	// before Enter confirms it; wall is the real clock it is measured by.
	readPause time.Duration
	wall      func() time.Time
	// animate is false in tests: no spinner frames and no timers, so a
	// test can run every Cmd to completion and a golden frame is stable.
	animate bool
}

// spin starts a spinner, when animating.
func (sh *shared) spin(s spinner.Model) tea.Cmd {
	if !sh.animate {
		return nil
	}
	return s.Tick
}

// Messages between screens and the root.
type (
	// errMsg reports a failure in the status line, naming what failed.
	errMsg struct {
		what string
		err  error
	}
	// noteMsg shows a passing message in the status line.
	noteMsg struct {
		text string
		bad  bool // a result that is a failure: shown with ✗, not ✓
	}
	// clearNoteMsg clears a note, unless a newer one replaced it.
	clearNoteMsg struct{ seq int }
	// changedMsg says a site's data changed (a step recorded, a discovery
	// stored), so screens showing it reload.
	changedMsg struct{ site string }
)

func (e errMsg) Error() string { return e.what + ": " + errText(e.what, e.err) }

// errText is err's text for a reader told what failed already: the
// "position X step Y" a domain error starts with is dropped when what names
// them, a part said twice in a row is said once, and the "bad input" that
// leads a refused value says nothing the rest does not. So the status line
// reads "recording step legacy_condition of CS-01: condition "x": want one
// of good, …", not "…: position CS-01 step legacy_condition: bad input: …".
func errText(what string, err error) string {
	if err == nil {
		return ""
	}
	parts := strings.Split(err.Error(), ": ")
	named := strings.Fields(what)
	var out []string
	lead := true // still in the leading parts that name where
	for _, p := range parts {
		if lead && len(out) == 0 && p == runbook.ErrBadInput.Error() {
			continue
		}
		if lead && (len(out) > 0 && p == out[len(out)-1] || names(p, named)) {
			continue
		}
		if len(out) > 0 {
			lead = false
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return err.Error()
	}
	return strings.Join(out, ": ")
}

// names reports whether part is only a "position X", "step Y" or
// "position X step Y" that words (what the reader was told) already names.
func names(part string, words []string) bool {
	f := strings.Fields(part)
	if len(f) != 2 && len(f) != 4 {
		return false
	}
	for i := 0; i < len(f); i += 2 {
		if f[i] != "position" && f[i] != "step" || !slices.Contains(words, f[i+1]) {
			return false
		}
	}
	return true
}

// navOp is one screen change: open s, or close the top screen when s is nil.
type navOp struct{ s screen }

// push opens s on top of the current screen once the current Update ends.
func (sh *shared) push(s screen) tea.Cmd {
	sh.nav = append(sh.nav, navOp{s})
	return nil
}

// pop closes the current screen once the current Update ends.
func (sh *shared) pop() tea.Cmd {
	sh.nav = append(sh.nav, navOp{})
	return nil
}
func note(format string, a ...any) tea.Cmd {
	t := fmt.Sprintf(format, a...)
	return func() tea.Msg { return noteMsg{text: t} }
}

// badNote is note for news that is not good (a step recorded as failed).
func badNote(format string, a ...any) tea.Cmd {
	t := fmt.Sprintf(format, a...)
	return func() tea.Msg { return noteMsg{text: t, bad: true} }
}
func changed(code string) tea.Cmd { return func() tea.Msg { return changedMsg{code} } }

// failed turns an error into the status-line message; nil stays nil.
func failed(what string, err error) tea.Msg {
	if err == nil {
		return nil
	}
	return errMsg{what, err}
}
