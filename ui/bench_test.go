package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"cutover/internal/invgen"
	"cutover/site"

	tea "github.com/charmbracelet/bubbletea"
)

// The TUI's performance at force scale (run by scripts/bench-tui.sh):
//
//	BenchmarkFirstFrame         start → the sites screen drawn, 20,000 positions over 200 sites
//	BenchmarkFirstFrameBigSite  open → the position list of one 20,000-position site drawn
//	BenchmarkFilterKeystroke    one key typed into the filter of that list → the new frame
//
// Each reports ms per operation; the list benchmarks also report the heap
// in use with the list loaded (MB) and the process's memory from the Go
// runtime (sys-MB), a ceiling on its peak.

// benchStore imports a generated inventory (invgen) into a new store.
func benchStore(b *testing.B, sites, perSite int) *site.Store {
	b.Helper()
	var csv bytes.Buffer
	if err := invgen.WriteCSV(&csv, invgen.Options{Sites: sites, PerSite: perSite, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	inv, err := site.ParseInventory("bench.csv", csv.Bytes(), site.ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := site.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Import(context.Background(), testEngineer, inv, csv.Bytes(), site.SiteOverrides{}); err != nil {
		b.Fatal(err)
	}
	return st
}

func benchRoot(b *testing.B, st *site.Store, code string) *root {
	m := newRoot(context.Background(), Options{Store: st, Engineer: testEngineer, Site: code, NoColor: true,
		Now: func() time.Time { return fixedNow }}, newRenderer(io.Discard, true))
	m.sh.animate = false
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	return m
}

func BenchmarkFirstFrame(b *testing.B) {
	st := benchStore(b, 200, 100)
	b.ResetTimer()
	for b.Loop() {
		m := benchRoot(b, st, "")
		drain(b, m, m.Init())
		if v := m.View(); !bytes.Contains([]byte(v), []byte("200 sites on this laptop")) {
			b.Fatalf("first frame:\n%s", v)
		}
	}
	reportMS(b)
}

// bigList opens the position list of one site of 20,000 positions.
func bigList(b *testing.B, st *site.Store) (*root, *positionList) {
	m := benchRoot(b, st, "S001")
	drain(b, m, m.Init())
	press(b, m, "p")
	l := m.top().(*positionList)
	if len(l.rows) != 20000 {
		b.Fatalf("%d rows", len(l.rows))
	}
	return m, l
}

func BenchmarkFirstFrameBigSite(b *testing.B) {
	st := benchStore(b, 1, 20000)
	b.ResetTimer()
	for b.Loop() {
		m, _ := bigList(b, st)
		_ = m.View()
	}
	reportMS(b)
	reportMem(b, st)
}

func BenchmarkFilterKeystroke(b *testing.B) {
	st := benchStore(b, 1, 20000)
	m, l := bigList(b, st)
	press(b, m, "/")
	// Typing "3" narrows from every row; backspace widens back to every row:
	// both are measured, alternately.
	keys := []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune{'3'}}, {Type: tea.KeyBackspace}}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Update(keys[i%2])
		_ = m.View()
		i++
	}
	b.StopTimer()
	if l.query != "" && l.query != "3" {
		b.Fatalf("query %q", l.query)
	}
	reportMS(b)
}

func reportMS(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

func reportMem(b *testing.B, st *site.Store) {
	b.StopTimer()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	m, _ := bigList(b, st)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc)/(1<<20), "heap-MB")
	b.ReportMetric(float64(after.Sys)/(1<<20), "sys-MB")
	runtime.KeepAlive(m)
	_ = fmt.Sprint(before.HeapAlloc)
}
