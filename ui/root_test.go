package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func TestTooSmallThenResizeLive(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "KX", 79, 24)
	mustContain(t, m.View(), "Terminal too small", "need at least 80×24, have 79×24")
	if press(t, m, "p"); len(m.stack) != 2 {
		t.Fatalf("a key reached the screen while too small: stack %d", len(m.stack))
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 23})
	mustContain(t, m.View(), "have 80×23")
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	frame := m.View()
	mustNotContain(t, frame, "too small")
	mustContain(t, frame, "Kestrel Cross Police Station")
	if got := len(splitLines(frame)); got != 24 {
		t.Fatalf("frame has %d lines, want 24", got)
	}
	// Resizing is idempotent and every line fits the width.
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	a := m.View()
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if b := m.View(); a != b {
		t.Fatal("the same size twice gave two different frames")
	}
	for i, l := range splitLines(a) {
		if w := widthOf(l); w > 120 {
			t.Fatalf("line %d is %d cells wide: %q", i, w, l)
		}
	}
}

func TestQuitKeys(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "", 80, 24)
	if !press(t, m, "q") {
		t.Fatal("q did not quit")
	}
	m = newTestRoot(t, demoStore(t), "", 80, 24)
	if !press(t, m, "ctrl+c") {
		t.Fatal("ctrl+c did not quit")
	}
}

func TestQWhileFilteringTypesQ(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "KX", 80, 24)
	press(t, m, "p", "/")
	if press(t, m, "q") {
		t.Fatal("q quit while the filter had focus")
	}
	l := m.top().(*positionList)
	if l.filter.in.Value() != "q" {
		t.Fatalf("filter = %q, want q", l.filter.in.Value())
	}
	if !press(t, m, "ctrl+c") {
		t.Fatal("ctrl+c must quit even while typing")
	}
}

func TestHelpOverlayShowsEveryKeyOfTheScreen(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "KX", 120, 40)
	press(t, m, "p", "?")
	frame := m.View()
	mustContain(t, frame, "Keys on positions", "filter", "open position", "sort by location", "page down", "quit")
	// While help shows, keys do not reach the screen; ? or esc closes it.
	press(t, m, "s")
	if m.top().(*positionList).sort != byLocation {
		t.Fatal("a key went through the help overlay")
	}
	press(t, m, "esc")
	mustNotContain(t, m.View(), "Keys on positions")
	if len(m.stack) != 3 {
		t.Fatal("esc closing the help also closed the screen")
	}
}

func TestErrorsShowInTheStatusLineNamingWhatFailed(t *testing.T) {
	st := demoStore(t)
	m := newTestRoot(t, st, "", 80, 24)
	st.Close()
	press(t, m, "r")
	frame := m.View()
	mustContain(t, frame, "✗ loading the sites:")
	press(t, m, "j")
	mustNotContain(t, m.View(), "✗ loading the sites")
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func TestCharactersArrivingTogetherAreTakenOneByOne(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "KX", 120, 40)
	press(t, m, "p")
	// tmux send-keys and barcode scanners deliver "/FC-01" in one read.
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/FC-02")})
	drain(t, m, cmd)
	l := m.top().(*positionList)
	if l.filter.q.String() != "fc-02" || len(l.view) != 1 {
		t.Fatalf("query %q kept %d rows", l.filter.q.String(), len(l.view))
	}
}
