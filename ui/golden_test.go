package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"cutover/site"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestGolden runs the TUI as a real Bubble Tea program (teatest) at 80×24
// and 120×40 with colour off and the clock fixed, drives it to each main
// screen, and compares the final frame with testdata/TestGolden/*.golden.
// Regenerate with: go test ./ui -run TestGolden -update
func TestGolden(t *testing.T) {
	screens := []struct {
		name  string
		site  string
		keys  []string
		until string
	}{
		{"sites", "", nil, "days to cease"},
		{"dashboard", "KX", nil, "no PoE budget|Sync: not enrolled"},
		{"positions", "KX", []string{"p"}, "58 of 58 positions"},
		{"positions_filtered", "KX", []string{"p", "wait:58 of 58", "/", "cs-0", "enter", "s"}, "sorted by role"},
		{"detail", "KX", []string{"p", "wait:58 of 58", "/", "CS-01", "enter", "enter"}, "History"},
		{"wizard", "KX", []string{"p", "wait:58 of 58", "/", "CS-01", "enter", "enter", "wait:History", "w"}, "Runbook"},
		{"help", "KX", []string{"p", "wait:58 of 58", "?"}, "Keys on positions"},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				st := demoStore(t)
				ctx := context.Background()
				// Some progress, so the screens show more than one status.
				for _, s := range []site.Status{site.StatusInProgress, site.StatusBlocked} {
					if err := st.SetStatus(ctx, testEngineer, "KX", "CS-02", s, "no PoE budget on the custody switch"); err != nil {
						t.Fatal(err)
					}
				}
				m := newRoot(ctx, Options{Store: st, Engineer: testEngineer, Site: sc.site, NoColor: true,
					Now: func() time.Time { return fixedNow }}, newRenderer(io.Discard, true))
				m.sh.animate = false
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				for _, k := range sc.keys {
					if want, ok := strings.CutPrefix(k, "wait:"); ok {
						// A screen's data loads in a Cmd: wait for it before
						// the key that needs it.
						teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
							teatest.WithDuration(5*time.Second))
						continue
					}
					for _, msg := range keyMsgs(k) {
						tm.Send(msg)
					}
				}
				// Every part of until (split at |) must have been drawn.
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
					for _, want := range strings.Split(sc.until, "|") {
						if !bytes.Contains(b, []byte(want)) {
							return false
						}
					}
					return true
				}, teatest.WithDuration(5*time.Second))
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*root)
				golden.RequireEqual(t, []byte(final.View()))
			})
		}
	}
}

var _ tea.Model = (*root)(nil)
