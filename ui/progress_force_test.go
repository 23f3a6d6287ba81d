package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"cutover/internal/invgen"
	"cutover/site"
	"cutover/sync/hub"
	"cutover/sync/wire"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// startForceHub is the supervisor's case of issue 27: 201 sites whose cease
// dates run from last month to 14 months ahead. S001, 20 positions, had 12
// done today; the other 200 (4 positions each) have nothing done, some
// before their planned start, some after it, some past their cease date.
func startForceHub(t testing.TB) *progressHubFixture {
	t.Helper()
	ctx := context.Background()
	st, err := hub.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "hub.db"))
	must(t, err)
	srv := httptest.NewServer((&hub.Server{Store: st}).Handler())
	f := &progressHubFixture{t: t, store: st, srv: srv, url: srv.URL, users: map[string]*hubLaptop{}}
	t.Cleanup(f.stop)
	st.Now = func() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) }
	load := func(sites, per int, code func(int) string, schedule func(i int, s *site.SiteInventory)) *site.Inventory {
		var csv bytes.Buffer
		must(t, invgen.WriteCSV(&csv, invgen.Options{Sites: sites, PerSite: per, Seed: 27, SiteCode: code}))
		inv, err := site.ParseInventory("force.csv", csv.Bytes(), site.ParseOptions{})
		must(t, err)
		for i := range inv.Sites {
			schedule(i, &inv.Sites[i])
		}
		_, err = st.ImportPlan(ctx, "admin", inv, csv.Bytes())
		must(t, err)
		return inv
	}
	day := func(months, days int) string { return fixedNow.AddDate(0, months, days).Format(time.DateOnly) }
	s001 := load(1, 20, func(int) string { return "S001" }, func(_ int, s *site.SiteInventory) {
		s.Site.StartDate, s.Site.CeaseDate, s.CeaseDefault = day(0, 0), day(4, 0), false
	})
	load(200, 4, func(i int) string { return fmt.Sprintf("S%03d", i+2) }, func(i int, s *site.SiteInventory) {
		months := -1 + i%16 // last month to 14 months ahead
		s.Site.CeaseDate, s.CeaseDefault = day(months, 3), false
		switch i % 4 {
		case 0: // planned to start a month before the cease date
			s.Site.StartDate = day(months-1, 3)
		case 1: // planned to start last week
			s.Site.StartDate = day(0, -7)
		case 2:
			s.Site.StartDate, s.Site.Wave = day(months-2, 0), "Wave "+fmt.Sprint(1+i%3)
		}
		if s.Site.StartDate > s.Site.CeaseDate {
			s.Site.StartDate = ""
		}
	})
	st.Now = func() time.Time { return fixedNow }
	alice := f.laptop("alice", wire.RoleEngineer, "S001")
	f.laptop("sam", wire.RoleSupervisor)
	f.sync(alice, "S001")
	var labels []string
	for i := 1; i <= 12; i++ {
		labels = append(labels, s001.Sites[0].Positions[i-1].Label)
	}
	f.done(alice, "S001", fixedNow.Format(time.DateOnly), labels...)
	return f
}

// The 201-site overview at 80×24 and 120×40 (golden files) says what each
// site's schedule means: the sites past their cease date late first, then
// those with their cease date near and nothing done at risk; S001, with 12
// of 20 done today, on track; none of the not-started sites late.
func TestProgressGoldenForce(t *testing.T) {
	f := startForceHub(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("force_%dx%d", size[0], size[1]), func(t *testing.T) {
			m := newProgressRoot(context.Background(), ProgressOptions{Client: f.client("sam"), NoColor: true,
				PartDir: t.TempDir(), Now: func() time.Time { return fixedNow }}, newRenderer(io.Discard, true))
			m.sh.animate = false
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size[0], size[1]))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("[Sites 201]")) },
				teatest.WithDuration(10*time.Second))
			tm.Send(keyMsgs("s")[0]) // late first
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("ordered by late")) },
				teatest.WithDuration(5*time.Second))
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*root)
			frame := final.View()
			mustContain(t, frame, "⚠ late 28 d", "ordered by late")
			if size[0] == 120 {
				mustContain(t, frame, "⚠ 13 late · ◐ 13 at risk · ○ 50 due to start · ✓ 1 on track", "124 not started")
			}
			golden.RequireEqual(t, []byte(frame))
		})
	}
	// Every verdict, site by site, is the one rule's.
	sp := newProgressTestRoot(t, f.client("sam"), 120, 40)
	for _, s := range progressOverview(t, sp).hub.p.Sites {
		want := wire.Judge(wire.Schedule{Today: fixedNow.Format(time.DateOnly), StartDate: s.StartDate, CeaseDate: s.CeaseDate,
			Positions: s.Positions, Remaining: s.Remaining, FirstDone: s.FirstDone, LastDone: s.LastDone, DonePerDay: s.DonePerDay})
		if s.Verdict.Kind != want.Kind || s.Verdict.Words != want.Words {
			t.Fatalf("%s: %v, the rule says %v", s.Code, s.Verdict, want)
		}
		if s.FirstDone == "" && s.CeaseDate > fixedNow.Format(time.DateOnly) && s.Verdict.Kind == wire.VerdictLate {
			t.Fatalf("%s, not started with its cease date ahead, is late", s.Code)
		}
		if s.Code == "S001" && s.Verdict.Kind != wire.VerdictOnTrack {
			t.Fatalf("S001, 12 of 20 done today: %v", s.Verdict)
		}
	}
}
