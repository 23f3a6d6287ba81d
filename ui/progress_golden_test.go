package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestProgressGolden runs the progress TUI as a real Bubble Tea program
// (teatest) against a real hub loaded with a known history, at 80×24 and
// 120×40, colour off, both clocks fixed, drives it to each screen and
// compares the final frame with testdata/TestProgressGolden/*.golden.
// Regenerate with: go test ./ui -run TestProgressGolden -update
func TestProgressGolden(t *testing.T) {
	f := startProgressHub(t)
	screens := []struct {
		name  string
		keys  []string
		until string
	}{
		{"overview", nil, "Castle Yard"},
		{"engineers", []string{"wait:Castle Yard", "tab", "tab"}, "LAST SYNC"},
		{"attention", []string{"wait:Castle Yard", "tab"}, "REASON"},
		{"site", []string{"wait:Castle Yard", "down", "enter"}, "Needs attention ("},
		{"positions", []string{"wait:Castle Yard", "down", "enter", "wait:Needs attention (", "p"}, "as the hub holds them"},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, size[0], size[1]), func(t *testing.T) {
				m := newProgressRoot(context.Background(), ProgressOptions{Client: f.client("sam"), NoColor: true,
					PartDir: t.TempDir(), Now: func() time.Time { return fixedNow }}, newRenderer(io.Discard, true))
				m.sh.animate = false
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
				for _, k := range sc.keys {
					if want, ok := strings.CutPrefix(k, "wait:"); ok {
						teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
							teatest.WithDuration(5*time.Second))
						continue
					}
					for _, msg := range keyMsgs(k) {
						tm.Send(msg)
					}
				}
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(sc.until)) },
					teatest.WithDuration(5*time.Second))
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*root)
				golden.RequireEqual(t, []byte(final.View()))
			})
		}
	}
}
