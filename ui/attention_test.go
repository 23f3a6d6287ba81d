package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"cutover/devices"
	"cutover/laptop"
	"cutover/site"
	"cutover/site/runbook"
	"cutover/swap"
)

// TestDashboardListsEveryOpenProblem: a step failed at FC-01 (still in
// progress), FC-02 failed, CS-01 blocked, and the demo's discovery (PE-05
// moved, one unexpected phone, HD-08 missing). At 80×24 every one is
// reachable with j, in the lines there are, and enter opens each one's
// position or discovery result.
func TestDashboardListsEveryOpenProblem(t *testing.T) {
	ctx := context.Background()
	st, runner, _ := demoRig(t)
	pr, err := runbook.Steps(ctx, st, "KX", "FC-01")
	if err != nil {
		t.Fatal(err)
	}
	// The first step is an automatic SNMP check (it passes); the next one
	// fails.
	for range 2 {
		if pr, err = runbook.Steps(ctx, st, "KX", "FC-01"); err != nil {
			t.Fatal(err)
		}
		if _, err := runner.Record(ctx, testEngineer, "KX", "FC-01", pr.Current.Key,
			swap.Input{Outcome: runbook.OutcomeFail, Note: "sticker unreadable"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []site.Status{site.StatusInProgress, site.StatusFailed} {
		if err := st.SetStatus(ctx, testEngineer, "KX", "FC-02", s, "wall socket dead"); err != nil {
			t.Fatal(err)
		}
		if err := st.SetStatus(ctx, testEngineer, "KX", "CS-01", []site.Status{site.StatusInProgress, site.StatusBlocked}[indexOf(
			[]site.Status{site.StatusInProgress, site.StatusFailed}, s)], "no PoE budget"); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := swap.DiscoverSite(ctx, st, testEngineer, "KX", nil,
		devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}, devices.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	m := newTestRoot(t, st, "KX", 80, 24)
	frame := m.View()
	mustContain(t, frame, "Needs attention", "▸ ✗ FC-01    in progress, step failed: Scan the legacy", "3 of 6 problems shown · 0 above, 3 below (j/k)")
	if n := strings.Count(frame, "\n"); n != 23 {
		t.Fatalf("frame has %d lines:\n%s", n+1, frame)
	}
	want := []struct{ text, opens string }{
		{"FC-01    in progress, step failed", "*ui.detail"},
		{"FC-02    failed: wall socket dead", "*ui.detail"},
		{"CS-01    blocked: no PoE budget", "*ui.detail"},
		{"unexpected phone on kx-sw3 Gi1/0/20", "*ui.evidence"},
		{"PE-05    moved: seen on kx-sw1 Gi1/0/30, planned kx-sw1 Gi1/0/19", "*ui.evidence"},
		{"HD-08    missing at the last discovery", "*ui.detail"},
	}
	d := m.top().(*dashboard)
	if len(d.att) != len(want) {
		t.Fatalf("%d problems listed; want %d: %+v", len(d.att), len(want), d.att)
	}
	for i, w := range want {
		mustContain(t, m.View(), "▸ ", w.text)
		if !strings.Contains(m.View(), "▸ "+d.att[i].glyph) {
			t.Fatalf("problem %d is not the selected one:\n%s", i, m.View())
		}
		press(t, m, "enter")
		if got := typeString(m.top()); got != w.opens {
			t.Fatalf("enter on %q opened %s; want %s", w.text, got, w.opens)
		}
		press(t, m, "esc", "j")
	}
	// The unexpected phone's evidence acts on it like the discovery's.
	press(t, m, "g", "j", "j", "j", "enter")
	mustContain(t, m.View(), "Unexpected", "n propose as a new position")
	press(t, m, "x", "enter", "esc") // x asks first; enter proposes it
	mustContain(t, m.View(), "5 problems")
	mustNotContain(t, m.View(), "unexpected phone on")
}

// BenchmarkAttentionBigSite gathers what needs attention at a
// 20,000-position site with 200 positions in progress (each's runbook read).
func BenchmarkAttentionBigSite(b *testing.B) {
	st := benchStore(b, 1, 20000)
	ctx := context.Background()
	ps, err := st.Positions(ctx, "S001")
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range ps[:200] {
		if err := st.SetStatus(ctx, testEngineer, "S001", p.Label, site.StatusInProgress, "started"); err != nil {
			b.Fatal(err)
		}
	}
	m := benchRoot(b, st, "")
	b.ResetTimer()
	for b.Loop() {
		items, _, err := loadAttention(ctx, m.sh, "S001")
		if err != nil || len(items) != 0 {
			b.Fatal(err, len(items))
		}
	}
	reportMS(b)
}

// Issue 24 point 6: a discovery that cannot read a switch says so, and the
// findings of the latest read that could stay listed, marked older.
func TestNeedsAttentionKeepsFindingsOfTheLastGoodRead(t *testing.T) {
	ctx := context.Background()
	st, _, sw := demoRig(t)
	creds := devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}
	if _, _, err := swap.DiscoverSite(ctx, st, testEngineer, "KX", nil, creds, devices.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	sw.Switch("kx-sw1").Close()
	o := devices.Options{Timeout: 150 * time.Millisecond, Retries: 0, SwitchTimeout: 2 * time.Second}
	if _, _, err := swap.DiscoverSite(ctx, st, testEngineer, "KX", nil, creds, o); err != nil {
		t.Fatal(err)
	}
	m := newTestRoot(t, st, "KX", 160, 40)
	mustContain(t, m.View(), "could not read kx-sw1, so its findings are older",
		"PE-05    moved: seen on kx-sw1 Gi1/0/30, planned kx-sw1 Gi1/0/19 — from an earlier discovery", "unexpected phone on kx-sw3 Gi1/0/20")
}
