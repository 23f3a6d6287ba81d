package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"cutover/devices"
	"cutover/laptop"
	"cutover/site/runbook"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// Issue 12 point 9: q in the help overlay closes it (it quit the program).
func TestQClosesTheHelpOverlay(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "KX", 80, 24)
	press(t, m, "p", "?")
	mustContain(t, m.View(), "Keys on positions", "?/q/esc close this help")
	if press(t, m, "q") {
		t.Fatal("q in the help overlay quit the program")
	}
	mustNotContain(t, m.View(), "Keys on positions")
	if _, ok := m.top().(*positionList); !ok || len(m.stack) != 3 {
		t.Fatalf("q closing the help changed the screens: %d, top %T", len(m.stack), m.top())
	}
	// Outside the overlay q still quits.
	if !press(t, m, "q") {
		t.Fatal("q no longer quits")
	}
}

// helpState is one screen in one state, as the engineer meets it.
type helpState struct {
	name string
	open func(t *testing.T) *root
}

func helpStates() []helpState {
	at := func(keys ...string) func(t *testing.T) *root {
		return func(t *testing.T) *root {
			st, runner, _ := demoRig(t)
			m := newTestRoot(t, st, "", 120, 40)
			m.sh.runner, m.sh.discover = runner, testDiscoverer(st)
			m.sh.creds = devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}
			press(t, m, keys...)
			return m
		}
	}
	return []helpState{
		{"sites", at()},
		{"dashboard", at("enter")},
		{"positions", at("enter", "p")},
		{"positions, filtered", at("enter", "p", "/", "FC", "enter")},
		{"detail", at("enter", "p", "enter")},
		{"wizard", at("enter", "p", "/FC-01", "enter", "enter", "w")},
		{"wizard, a step looked back at", at("enter", "p", "/FC-01", "enter", "enter", "w", "enter", "esc", "up")},
		{"discovery, choosing", at("enter", "d")},
		{"discovery, results", at("enter", "d", "enter")},
		{"evidence", at("enter", "d", "enter", "enter")},
		{"assets", at("enter", "a")},
	}
}

// No key is listed twice, in the overlay or the footer: each key does one
// thing on a screen, and the help says which (it listed "esc sites" and
// "esc back", and on the positions screen esc three times).
func TestHelpListsEveryKeyOnce(t *testing.T) {
	for _, s := range helpStates() {
		t.Run(s.name, func(t *testing.T) {
			m := s.open(t)
			top := m.top()
			groups := append(top.FullHelp(), []key.Binding{m.keys.Help, m.keys.Quit, m.keys.ForceQuit})
			dupes := func(where string, bs []key.Binding) {
				seen := map[string]string{}
				for _, b := range bs {
					for _, k := range b.Keys() {
						if prev, ok := seen[k]; ok {
							t.Errorf("%s of %s: key %q listed as %q and as %q", where, top.Title(), k, prev, b.Help().Desc)
						}
						seen[k] = b.Help().Desc
					}
				}
			}
			var all []key.Binding
			for _, g := range groups {
				all = append(all, g...)
			}
			dupes("the overlay", all)
			dupes("the footer", append(top.ShortHelp(), m.keys.Help, m.keys.Quit))
			// And the overlay shows each of them: nothing dropped.
			press(t, m, "?")
			frame := m.View()
			for _, b := range all {
				mustContain(t, frame, b.Help().Key+" ")
			}
		})
	}
}

// Nothing is listed that does nothing: esc on the sites screen (the first
// screen: nothing to go back to), and on the positions screen the filter's
// own keys while no filter is being typed.
func TestHelpListsNothingThatDoesNothing(t *testing.T) {
	st := demoStore(t)
	m := newTestRoot(t, st, "", 120, 40)
	press(t, m, "?")
	frame := m.View()
	mustContain(t, frame, "Keys on sites", "open site")
	for _, l := range splitLines(frame)[:len(splitLines(frame))-1] { // the footer says esc closes the help
		if strings.Contains(l, "esc ") {
			t.Fatalf("the sites help lists esc, which does nothing there:\n%s", frame)
		}
	}
	press(t, m, "esc", "esc")
	if len(m.stack) != 1 {
		t.Fatal("esc on the sites screen did something after all")
	}
	press(t, m, "enter", "p", "?")
	mustNotContain(t, m.View(), "keep filter", "clear filter")
	mustContain(t, m.View(), "esc   back")
	press(t, m, "esc", "/", "FC", "enter", "?")
	mustContain(t, m.View(), "esc   clear filter")
	mustNotContain(t, m.View(), "esc   back")
}

// The discovery results' help says what a does there: run it again.
func TestDiscoveryHelpSaysAAgain(t *testing.T) {
	st, _, _ := demoRig(t)
	m := newTestRoot(t, st, "KX", 120, 40)
	m.sh.discover = testDiscoverer(st)
	m.sh.creds = devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}
	press(t, m, "d", "?")
	mustContain(t, m.View(), "a     all or none")
	press(t, m, "?", "enter")
	mustContain(t, m.View(), "a again")
	press(t, m, "?")
	mustContain(t, m.View(), "a     again")
	mustNotContain(t, m.View(), "all or none", "choose switch", "run discovery")
	press(t, m, "esc", "a")
	mustContain(t, m.View(), "Choose the switches to read")
}

// At 80 columns the runbook's help keeps every column (the last one was
// cut to "…"), and the frame still fits.
func TestRunbookHelpAt80ColumnsKeepsItsLastColumn(t *testing.T) {
	st, runner, _ := demoRig(t)
	m := newTestRoot(t, st, "KX", 80, 24)
	m.sh.runner = runner
	press(t, m, "p", "/FC-01", "enter", "enter", "w", "?")
	frame := m.View()
	mustContain(t, frame, "Keys on swap FC-01")
	for _, g := range m.helpGroups() {
		for _, b := range g {
			mustContain(t, frame, b.Help().Desc)
		}
	}
	mustContain(t, frame, "ctrl+c quit, also while typing")
	lines := splitLines(frame)
	if len(lines) != 24 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if widthOf(l) > 80 || strings.Contains(l, "…") {
			t.Fatalf("line %d cut or too wide: %q", i, l)
		}
	}
}

// statusArea is the frame's lines between the body and the footer that
// the status took, joined, from its ✗ or ✓ on.
func statusArea(frame string) string {
	lines := splitLines(frame)
	for i := len(lines) - 2; i > 0; i-- {
		if strings.HasPrefix(lines[i], "✗ ") || strings.HasPrefix(lines[i], "✓ ") {
			var parts []string
			for _, l := range lines[i : len(lines)-1] {
				parts = append(parts, strings.TrimSpace(l))
			}
			return strings.Join(parts, " ")
		}
	}
	return ""
}

// Errors are shown whole, at 80 columns too: the status area grows for a
// long one (the body gives up the lines until the next key), and no part
// of it is said twice ("position CS-01 step legacy_condition: step
// legacy_condition: bad input: …").
func TestErrorsAreShownWholeWithoutRepeatedPrefixes(t *testing.T) {
	st, runner, _ := demoRig(t)
	m := newTestRoot(t, st, "KX", 80, 24)
	m.sh.runner = runner
	press(t, m, "p", "/FC-01", "enter", "enter", "w")
	z := m.top().(*wizard)
	press(t, m, "enter")
	scan(t, m, "FCH1234ABCD")
	scan(t, m, "MPS-00017")
	if current(z) != "legacy_condition" {
		t.Fatalf("at %s", current(z))
	}
	scan(t, m, "shiny and new and wonderful and much too long to fit")
	frame := m.View()
	want := `✗ recording step legacy_condition of FC-01: condition "shiny and new and wonderful and much too long to fit": want one of good, worn, damaged, faulty`
	if got := statusArea(frame); got != want {
		t.Fatalf("status area:\n got %q\nwant %q\n%s", got, want, frame)
	}
	if n := len(splitLines(frame)); n != 24 {
		t.Fatalf("the frame has %d lines with a long error", n)
	}
	// The wizard's own line names neither the position nor the step again.
	mustContain(t, ansi.Strip(frame), "✗ Not recorded: condition")
	mustNotContain(t, frame, "position FC-01 step", "bad input")
	// The next key clears it and the body has its lines back.
	press(t, m, "backspace")
	frame = m.View()
	if statusArea(frame) != "" || len(splitLines(frame)) != 24 {
		t.Fatalf("after a key the error stayed or the frame broke:\n%s", frame)
	}
	if _, h := m.bodySize(); h != 21 {
		t.Fatalf("body %d lines after the error went, want 21", h)
	}
}

func TestErrTextDropsWhatTheReaderWasToldAlready(t *testing.T) {
	inner := fmt.Errorf("%w: condition %q: want one of good, worn", runbook.ErrBadInput, "x")
	for _, c := range []struct {
		what string
		err  error
		want string
	}{
		{"recording step legacy_condition of CS-01", fmt.Errorf("position CS-01 step legacy_condition: %w", inner),
			`condition "x": want one of good, worn`},
		{"recording step legacy_condition of CS-01", fmt.Errorf("position CS-01 step legacy_condition: step legacy_condition: %w", inner),
			`condition "x": want one of good, worn`},
		// Another position's name is news: kept.
		{"recording step swap of CS-01", errors.New("position CS-02 step swap: in use"), "position CS-02 step swap: in use"},
		{"loading the sites", errors.New("sql: database is closed"), "sql: database is closed"},
		// Only the leading parts: a value that repeats itself stays whole.
		{"x", errors.New("note: a: a"), "note: a: a"},
	} {
		if got := errText(c.what, c.err); got != c.want {
			t.Errorf("errText(%q, %q) = %q, want %q", c.what, c.err, got, c.want)
		}
	}
}

// After a failed step the status line shows ✗, never a green ✓; so does a
// discovery with switches that did not answer.
func TestFailuresShowACrossInTheStatusLine(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	walkToCalls(t, m, z)
	press(t, m, "f", "no ring tone", "enter")
	if got := statusArea(m.View()); got != "✗ FC-01: call_in fail" {
		t.Fatalf("status after a failed step: %q", got)
	}
	// A rollback's last step passes, but the position ends failed: ✗ too.
	press(t, m, "b", "f", "enter", "no ring tone on the new handset", "enter", "enter")
	if current(z) != "rb_verify" {
		t.Fatalf("rollback at %s; %s", current(z), z.lastErr)
	}
	press(t, m, "enter")
	if got := statusArea(m.View()); got != "✗ FC-01: rb_verify pass; rolled back, now failed: no ring tone on the new handset" {
		t.Fatalf("status after the rollback's last step: %q\n%s", got, m.View())
	}
	// A step that passes is a ✓.
	press(t, m, "enter")
	if got := statusArea(m.View()); !strings.HasPrefix(got, "✓ FC-01: precheck pass") {
		t.Fatalf("status after starting again: %q", got)
	}
}

// Ctrl+C ends the program as an interrupt (Run returns ErrInterrupted, the
// command exits 130), also after "quit anyway?"; q is a plain quit.
func TestCtrlCInterrupts(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "KX", 80, 24)
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlC}); cmd == nil {
		t.Fatal("ctrl+c: no command")
	} else if msg := cmd(); msg != (tea.InterruptMsg{}) {
		t.Fatalf("ctrl+c sent %T, want tea.InterruptMsg", msg)
	}
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")}); cmd == nil || cmd() != (tea.QuitMsg{}) {
		t.Fatal("q is not a plain quit")
	}
	st, runner, _ := demoRig(t)
	m, _ = openWizard(t, st, runner, "FC-01")
	press(t, m, "enter", "FCH12") // half typed
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	mustContain(t, m.View(), "A step is half entered.")
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")}); cmd == nil || cmd() != (tea.InterruptMsg{}) {
		t.Fatal("y after ctrl+c is not an interrupt")
	}
}
