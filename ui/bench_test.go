package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"cutover/internal/invgen"
	"cutover/site"

	tea "github.com/charmbracelet/bubbletea"
)

// The TUI's performance at force scale (run by scripts/bench-tui.sh):
//
//	BenchmarkFirstFrame         start → the sites screen drawn, 20,000 positions over 200 sites
//	BenchmarkFirstFrameDashboard  launch → the dashboard of one 20,000-position site drawn whole
//	                             (the database opened and checked, the loads run as Bubble Tea
//	                             runs them, timed to the first frame with its figures and what
//	                             needs attention)
//	BenchmarkFirstFrameBigSite  open → the position list of one 20,000-position site drawn
//	BenchmarkFilterKeystroke    one key typed into the filter of that list → the new frame
//
// Each reports ms per operation; the list benchmarks also report the heap
// in use with the list loaded (MB) and the process's memory from the Go
// runtime (sys-MB), a ceiling on its peak.

// benchStore imports a generated inventory (invgen) into a new store.
func benchStore(b testing.TB, sites, perSite int) *site.Store {
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

func BenchmarkFirstFrameDashboard(b *testing.B) {
	path := benchStore(b, 1, 20000).Path()
	b.ResetTimer()
	for b.Loop() {
		st, err := site.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		m := benchRoot(b, st, "S001")
		firstFrame(b, m, m.Init(), func(v string) bool {
			return strings.Contains(v, "of 20000 positions done") && !strings.Contains(v, "loading")
		})
		st.Close()
	}
	reportMS(b)
}

// firstFrame runs cmd as Bubble Tea v1 does (a Batch's Cmds each in a
// goroutine; a Sequence's one after another, a Batch within it whole
// before the next), feeding each message to m, and stops the clock at the
// first frame done says is whole; then it lets the rest finish.
func firstFrame(b *testing.B, m *root, cmd tea.Cmd, done func(frame string) bool) {
	type execDone struct{}
	msgs := make(chan tea.Msg, 64)
	var exec func(c tea.Cmd)
	exec = func(c tea.Cmd) {
		if c == nil {
			return
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			var wg sync.WaitGroup
			for _, c := range msg {
				wg.Add(1)
				go func() { defer wg.Done(); exec(c) }()
			}
			wg.Wait()
		default:
			if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
				for _, c := range v.Convert(reflect.TypeOf([]tea.Cmd(nil))).Interface().([]tea.Cmd) { // tea.Sequence
					exec(c)
				}
				return
			}
			msgs <- msg
		}
	}
	running := 0
	spawn := func(c tea.Cmd) {
		running++
		go func() { exec(c); msgs <- execDone{} }()
	}
	spawn(cmd)
	timing := true
	for running > 0 {
		msg := <-msgs
		if _, ok := msg.(execDone); ok {
			running--
			continue
		}
		_, next := m.Update(msg)
		if timing && done(m.View()) {
			b.StopTimer()
			timing = false
		}
		spawn(next)
	}
	if timing {
		b.Fatalf("no whole frame; the last:\n%s", m.View())
	}
	b.StartTimer()
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

// BenchmarkFirstFrameBigSite is the dashboard opened and `p` pressed, to
// the first frame of the 20,000-row list: the search index that follows in
// its own Cmd is not waited for (the filter builds it itself if typed first).
func BenchmarkFirstFrameBigSite(b *testing.B) {
	st := benchStore(b, 1, 20000)
	b.ResetTimer()
	for b.Loop() {
		m := benchRoot(b, st, "S001")
		drain(b, m, m.Init())
		_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'p'}})
		if msg := drainUntil(b, m, cmd, func(msg tea.Msg) bool { _, ok := msg.(positionsLoadedMsg); return ok }); msg == nil {
			b.Fatal("the positions never loaded")
		}
		if l := m.top().(*positionList); len(l.rows) != 20000 {
			b.Fatalf("%d rows", len(l.rows))
		}
		_ = m.View()
	}
	reportMS(b)
	reportMem(b, st)
}

// drainUntil runs Cmds as drain does until one's message satisfies stop;
// that message is given to Update and the Cmd it returns is not run.
func drainUntil(b *testing.B, m *root, cmd tea.Cmd, stop func(tea.Msg) bool) tea.Msg {
	b.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if batch, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, batch...)
			continue
		}
		if v := reflect.ValueOf(msg); msg != nil && v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
			queue = append(queue, v.Convert(reflect.TypeOf([]tea.Cmd(nil))).Interface().([]tea.Cmd)...)
			continue
		}
		if msg == nil {
			continue
		}
		_, next := m.Update(msg)
		if stop(msg) {
			return msg
		}
		queue = append(queue, next)
	}
	return nil
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
	if q := l.filter.q.String(); q != "" && q != "3" {
		b.Fatalf("query %q", q)
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
