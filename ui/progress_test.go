package ui

import (
	"strings"
	"testing"

	"cutover/site"
	"cutover/sync/wire"
)

// progressOverview is the bottom screen of a progress root, for white-box checks.
func progressOverview(t *testing.T, m *root) *progressScreen {
	t.Helper()
	s, ok := m.stack[0].(*progressScreen)
	if !ok {
		t.Fatalf("bottom screen is %s", typeString(m.stack[0]))
	}
	return s
}

// selectSite moves the cursor down until the selected site is code.
func selectSite(t *testing.T, m *root, code string) {
	t.Helper()
	s := progressOverview(t, m)
	for range s.view {
		if s.selected() == code {
			return
		}
		press(t, m, "down")
	}
	t.Fatalf("site %s not in the list", code)
}

func TestProgressSupervisorSeesEverySiteLateFirst(t *testing.T) {
	f := startProgressHub(t)
	m := newProgressTestRoot(t, f.client("sam"), 120, 40)
	frame := m.View()
	mustContain(t, frame, "cutover › progress", "sam · supervisor",
		"Force", "6 of 14 done (42%)", "8 to go", "0.4 a day over 14 days",
		"physical extensions left 12 (from c20,000 towards c5,000)", "moved to Teams 1", "DDIs surrendered 2",
		"handsets returned to store 5", "sent to WEEE 1", // P1, P2, P5, R1, R2; P8 to WEEE
		"done/left by plan: Avaya fixed 4/3", "Avaya PTT 0/0", "Teams DDI 1/3", "removed 1/2",
		"✗ 1 failed", "■ 1 blocked", "◐ 1 at risk", "✓ 1 on track", "✓ 1 done",
		"[Sites 3]", "Engineers 2")
	// Problems first: AA (1 failed, 1 blocked) leads; s orders late first.
	mustContain(t, frame, "ordered by problems first (s)")
	if s := progressOverview(t, m); s.selected() != "AA" {
		t.Fatalf("problems first: %s on top", s.selected())
	}
	press(t, m, "s")
	frame = m.View()
	mustContain(t, frame, "ordered by late first (s)")
	// BB, nothing done 6 days before its cease date, is at risk: first,
	// with a symbol and words.
	lines := strings.Split(frame, "\n")
	var order []string
	for _, l := range lines {
		for _, c := range []string{"AA ", "BB ", "CC "} {
			if strings.HasPrefix(strings.TrimLeft(l, "▸ "), c) {
				order = append(order, l)
			}
		}
	}
	if len(order) != 3 || !strings.Contains(order[0], "BB") || !strings.Contains(order[0], "◐ at risk") ||
		!strings.Contains(order[0], "no pace") {
		t.Fatalf("late site not first, marked in words:\n%s", strings.Join(order, "\n"))
	}
	for _, l := range order[1:] {
		if strings.Contains(l, "late") || strings.Contains(l, "at risk") {
			t.Fatalf("on-time site marked late: %s", l)
		}
	}
	mustContain(t, strings.Join(order, "\n"), "2026-12-23", "✓ on track", "✓ done", "4/10")
	// The chart: a day with work is a bar, a day without is a dot.
	if !strings.Contains(frame, "█") || !strings.Contains(frame, "·") || !strings.Contains(frame, "peak 2 a day") {
		t.Fatalf("no done-per-day chart:\n%s", frame)
	}
}

func TestProgressEngineerSeesOnlyOwnSites(t *testing.T) {
	f := startProgressHub(t)
	m := newProgressTestRoot(t, f.client("bob"), 120, 40)
	frame := m.View()
	mustContain(t, frame, "bob · engineer", "[Sites 1]", "Engineers 1", "BB ", "0 of 2 done")
	mustNotContain(t, frame, "AA ", "CC ", "Alpha", "Castle")
	press(t, m, "tab", "tab")
	frame = m.View()
	mustContain(t, frame, "[Engineers 1]", "bob", "engineer")
	mustNotContain(t, frame, "alice", "sam")
}

func TestProgressEngineersPanel(t *testing.T) {
	f := startProgressHub(t)
	m := newProgressTestRoot(t, f.client("sam"), 80, 24)
	press(t, m, "tab", "tab")
	frame := m.View()
	// Only the people who push: sam, a supervisor, is not listed.
	mustContain(t, frame, "[Engineers 2]", "alice", "bob", "engineer", "25 Nov 2026 09:30", "just now")
	mustNotContain(t, frame, "never synced", "supervisor  ")
	for _, e := range progressOverview(t, m).hub.p.Engineers {
		if e.User == "sam" {
			t.Fatal("sam, a supervisor who never pushes, is listed")
		}
	}
	press(t, m, "tab")
	mustContain(t, m.View(), "[Sites 3]")
}

func TestProgressSiteDetailAndPositions(t *testing.T) {
	f := startProgressHub(t)
	m := newProgressTestRoot(t, f.client("sam"), 80, 24)
	selectSite(t, m, "AA")
	press(t, m, "enter")
	frame := m.View()
	mustContain(t, frame, "progress › AA", "AA Alpha Road", "✓ on track", "finish 23 Dec at 0.2 a day over 14 days worked; cease date 30 Jun 2027",
		"4 of 10 done (40%)", "Positions done per day", "Needs attention (2)",
		"✗ failed", "P3", "■ blocked", "P4", "no PoE on the port")
	press(t, m, "p")
	frame = m.View()
	mustContain(t, frame, "progress › AA › positions", "10 positions at AA as the hub holds them · read-only",
		"P1", "● done", "P3", "✗ failed", "no PoE on the port", "P10")
	// Read-only: no key on the list changes a position; enter opens one
	// with its steps.
	press(t, m, "down", "w", "s")
	mustContain(t, m.View(), "10 positions at AA")
	press(t, m, "enter")
	mustContain(t, m.View(), "positions › P2", "AA P2", "read-only, as the hub holds it", "Steps:",
		"Critical        yes · target 15 min (front counter default)")
	press(t, m, "esc", "esc", "esc")
	mustContain(t, m.View(), "[Sites 3]")
}

func TestProgressRefreshAndAutoRefresh(t *testing.T) {
	f := startProgressHub(t)
	m := newProgressTestRoot(t, f.client("sam"), 120, 40)
	mustContain(t, m.View(), "0/2")
	bob := f.users["bob"]
	f.sync(bob, "BB")
	f.done(bob, "BB", "2026-11-25", "Q1")
	// The minute timer refetches without a key.
	s := progressOverview(t, m)
	_, cmd := m.Update(progressTickMsg{seq: s.hub.seq})
	drain(t, m, cmd)
	mustContain(t, m.View(), "1/2", "7 of 14 done")
	// BB's first position was done today: its rate is today's, over the
	// one day worked, and 1 a day finishes the last one tomorrow.
	selectSite(t, m, "BB")
	press(t, m, "enter")
	mustContain(t, m.View(), "✓ on track", "finish 26 Nov at 1.0 a day over 1 day worked", "1 to go", "0.17 a day needed to meet the cease date")
	press(t, m, "esc")
	// r refetches too.
	f.done(bob, "BB", "2026-11-25", "Q2")
	press(t, m, "r")
	mustContain(t, m.View(), "8 of 14 done", "✓ 1 on track · ✓ 2 done")
	// A timer of an older cycle does nothing.
	if _, cmd := m.Update(progressTickMsg{seq: s.hub.seq + 7}); cmd != nil {
		t.Fatal("a stale timer fetched")
	}
}

func TestProgressHubDownStaysUsable(t *testing.T) {
	f := startProgressHub(t)
	m := newProgressTestRoot(t, f.client("sam"), 80, 24)
	f.stop()
	press(t, m, "r")
	frame := m.View()
	// The error names what failed, in the status line; the figures stay.
	mustContain(t, frame, "✗ fetching progress from the hub: hub "+f.url, "hub unreachable since 09:30:00", "6 of 14 done")
	press(t, m, "tab", "tab")
	mustContain(t, m.View(), "[Engineers 2]")
	press(t, m, "tab")
	selectSite(t, m, "AA")
	press(t, m, "enter", "p")
	frame = m.View()
	mustContain(t, frame, "✗ fetching the positions of AA from the hub", "could not fetch the positions of AA")
	press(t, m, "esc", "esc")
	if quit := press(t, m, "q"); !quit {
		t.Fatal("q did not quit")
	}
}

func TestProgressHubDownAtStart(t *testing.T) {
	f := startProgressHub(t)
	c := f.client("sam")
	f.stop()
	m := newProgressTestRoot(t, c, 80, 24)
	mustContain(t, m.View(), "✗ fetching progress from the hub", "could not fetch the figures from the hub", "r tries again")
	press(t, m, "?")
	mustContain(t, m.View(), "Keys on progress", "refresh", "sites → needs attention → engineers")
}

func TestProgressTooSmall(t *testing.T) {
	f := startProgressHub(t)
	m := newProgressTestRoot(t, f.client("sam"), 79, 24)
	mustContain(t, m.View(), "Terminal too small", "need at least 80×24")
}

func TestDayChart(t *testing.T) {
	st := newStyles(newRenderer(nil, true))
	days := []wire.DayCount{{Day: "2026-11-20", Done: 4}, {Day: "2026-11-24", Done: 1}, {Day: "2026-09-01", Done: 9}}
	got := dayChart(st, days, "2026-11-25", 6, 2)
	// Six days, 11-20 … 11-25: 4 is the peak (two full rows), 1 is a
	// quarter; a day with nothing done is a dot; 09-01 is out of range.
	want := []string{"█     ", "█···▄·"}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("chart:\n%s", strings.Join(got, "\n"))
	}
	if !strings.Contains(got[2], "peak 4") || !strings.Contains(got[2], "5 done") {
		t.Fatalf("legend %q", got[2])
	}
	if line := dayChart(st, nil, "2026-11-25", 10, 1); line[0] != "··········" {
		t.Fatalf("empty sparkline %q", line[0])
	}
}

func TestVerdictWords(t *testing.T) {
	st := newStyles(newRenderer(nil, true))
	cases := []struct {
		sp   wire.SiteProgress
		want string
	}{
		{wire.SiteProgress{Verdict: wire.Verdict{Kind: wire.VerdictStalled, Short: "stalled"}}, "⚠ stalled"},
		{wire.SiteProgress{Verdict: wire.Verdict{Kind: wire.VerdictLate, Short: "late 12 d"}}, "⚠ late 12 d"},
		{wire.SiteProgress{Verdict: wire.Verdict{Kind: wire.VerdictAtRisk, Short: "at risk"}}, "◐ at risk"},
		{wire.SiteProgress{Verdict: wire.Verdict{Kind: wire.VerdictDueToStart, Short: "due to start"}}, "○ due to start"},
		{wire.SiteProgress{Verdict: wire.Verdict{Kind: wire.VerdictNotStarted, Short: "starts 3 Feb"}}, "· starts 3 Feb"},
		{wire.SiteProgress{Verdict: wire.Verdict{Kind: wire.VerdictOnTrack, Short: "on track"}}, "✓ on track"},
		{wire.SiteProgress{Verdict: wire.Verdict{Kind: wire.VerdictDone, Short: "done"}}, "✓ done"},
	}
	for _, c := range cases {
		if got := verdict(st, c.sp); got != c.want {
			t.Errorf("verdict %+v = %q, want %q", c.sp, got, c.want)
		}
	}
	if !site.LabelLess("P2", "P10") || site.LabelLess("P10", "P2") || !site.LabelLess("CS-01", "CS-1A") || site.LabelLess("A", "A") || !site.LabelLess("fc-2", "FC-10") {
		t.Error("site.LabelLess")
	}
	if thousands(20000) != "20,000" || thousands(999) != "999" || thousands(1234567) != "1,234,567" {
		t.Error("thousands")
	}
}
