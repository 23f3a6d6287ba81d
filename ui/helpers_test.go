package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"cutover/site"

	tea "github.com/charmbracelet/bubbletea"
)

// fixedNow is the clock of every test: 126 days before the demo site's
// cease date of 2027-03-31.
var fixedNow = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)

const testEngineer = "alex"

// demoStore is a real SQLite store in a temporary folder holding the demo
// site, imported the way `cutover demo` does it.
func demoStore(t testing.TB) *site.Store {
	t.Helper()
	st, err := site.Open(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return fixedNow }
	data, err := os.ReadFile("../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), testEngineer, inv, data, site.SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	return st
}

// newTestRoot is the root model on st, colour off, no animation, sized
// w×h, with every Cmd of its start run.
func newTestRoot(t testing.TB, st *site.Store, siteCode string, w, h int) *root {
	t.Helper()
	m := newRoot(context.Background(), Options{Store: st, Engineer: testEngineer, Site: siteCode,
		NoColor: true, Now: func() time.Time { return fixedNow }}, newRenderer(io.Discard, true))
	m.sh.animate = false
	m.sh.readPause = 0 // tests type at machine speed; TestAnEnterBurstConfirmsNothing sets it
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	drain(t, m, m.Init())
	return m
}

// newTestRootAt is newTestRoot with the wall clock the screens count
// timers by (the dark timers) set to wall.
func newTestRootAt(t testing.TB, st *site.Store, siteCode string, w, h int, wall func() time.Time) *root {
	t.Helper()
	m := newRoot(context.Background(), Options{Store: st, Engineer: testEngineer, Site: siteCode,
		NoColor: true, Now: func() time.Time { return fixedNow }}, newRenderer(io.Discard, true))
	m.sh.animate = false
	m.sh.readPause = 0
	m.sh.wall = wall
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	drain(t, m, m.Init())
	return m
}

// drain runs cmd and every Cmd that follows from it, feeding each message
// back into m, as the Bubble Tea loop would (in order, one at a time).
// It stops at tea.Quit and at tea.Interrupt (ctrl+c).
func drain(t testing.TB, m *root, cmd tea.Cmd) (quit bool) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 10000 {
			t.Fatal("drain: the Cmds never settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg, tea.InterruptMsg:
			return true
		default:
			// tea.Sequence's message is an unexported []tea.Cmd.
			if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
				queue = append(queue, v.Convert(reflect.TypeOf([]tea.Cmd(nil))).Interface().([]tea.Cmd)...)
				continue
			}
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
	return false
}

// press sends keys to m (each a key name as Bubble Tea spells it:
// "enter", "esc", "ctrl+c", or a run of plain characters typed one by one)
// and runs what follows. It reports whether the program quit.
func press(t testing.TB, m *root, keys ...string) (quit bool) {
	t.Helper()
	for _, k := range keys {
		for _, msg := range keyMsgs(k) {
			_, cmd := m.Update(msg)
			if drain(t, m, cmd) {
				return true
			}
		}
	}
	return false
}

func keyMsgs(k string) []tea.KeyMsg {
	named := map[string]tea.KeyType{"enter": tea.KeyEnter, "esc": tea.KeyEsc, "ctrl+c": tea.KeyCtrlC,
		"up": tea.KeyUp, "down": tea.KeyDown, "backspace": tea.KeyBackspace, "tab": tea.KeyTab,
		"pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "end": tea.KeyEnd, "home": tea.KeyHome, " ": tea.KeySpace,
		"ctrl+s": tea.KeyCtrlS, "ctrl+o": tea.KeyCtrlO, "right": tea.KeyRight, "left": tea.KeyLeft}
	if t, ok := named[k]; ok {
		return []tea.KeyMsg{{Type: t}}
	}
	var out []tea.KeyMsg
	for _, r := range k {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

// mustContain fails unless the frame holds every want.
func mustContain(t testing.TB, frame string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(frame, w) {
			t.Fatalf("frame lacks %q:\n%s", w, frame)
		}
	}
}

func mustNotContain(t testing.TB, frame string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(frame, w) {
			t.Fatalf("frame has %q:\n%s", w, frame)
		}
	}
}

func typeString(v any) string { return fmt.Sprintf("%T", v) }
