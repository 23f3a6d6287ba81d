package runbook_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cutover/internal/fieldtest"
	"cutover/site"
	"cutover/site/runbook"
)

// A site's continuity, as the dashboard and the handover report read it
// (issue 29): CS-01 swapped and proven in 8 minutes, FC-01 swapped and left
// dark with a reason, DA-01 (door access, no DDI: verify alone proves it)
// 12 minutes against its 10; hot desks never listed.
func TestSiteContinuity(t *testing.T) {
	ctx := context.Background()
	data, err := os.ReadFile("../../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	st, err := site.Open(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inv, _ := site.ParseInventory("kx.json", data, site.ParseOptions{})
	if _, err := st.Import(ctx, "t", inv, data, site.SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	clock := t0
	st.Now = func() time.Time { return clock }
	at := func(min int) { clock = t0.Add(time.Duration(min) * time.Minute) }
	do := func(label, through string) {
		t.Helper()
		if _, err := fieldtest.Do(st, "alice", "KX", label, through, nil); err != nil {
			t.Fatal(err)
		}
	}
	at(0)
	do("CS-01", "legacy_condition")
	at(1)
	do("CS-01", "swap")
	at(5)
	do("CS-01", "new_tag")
	at(9)
	do("CS-01", "")
	at(20)
	do("DA-01", "swap")
	at(32)
	do("DA-01", "")
	at(40)
	do("FC-01", "swap")
	if err := runbook.LeaveDark(ctx, st, "alice", "KX", "CS-01", "lunch"); err == nil || !strings.Contains(err.Error(), "not dark now") {
		t.Errorf("a reason for leaving CS-01 dark was taken though it works: %v", err)
	}
	if err := runbook.LeaveDark(ctx, st, "alice", "KX", "FC-01", "  "); err == nil {
		t.Error("an empty reason for leaving FC-01 dark was taken")
	}
	if err := runbook.LeaveDark(ctx, st, "alice", "KX", "FC-01", "J179 dead on arrival; spare coming from stores"); err != nil {
		t.Fatal(err)
	}
	at(52)

	cs, err := runbook.SiteContinuity(ctx, st, "KX", clock)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pc := range cs {
		got = append(got, pc.Position.Label+" "+pc.Continuity.Words()+" "+strings.Join(pc.Reasons, "; "))
	}
	want := []string{
		"FC-01 ⚠ dark 12:00 of 15:00 (past two thirds) J179 dead on arrival; spare coming from stores",
		"CS-01 was dark 08:00 of 15:00 ",
		"DA-01 ✗ was dark 12:00 of 10:00 (over the target) ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("site continuity:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	f := runbook.Figures(cs)
	if f.Positions != 3 || f.DarkNow != 1 || f.Worst != 12 || f.Median != 12 || f.Over != 1 || f.Target != 10 {
		t.Errorf("figures: %+v", f)
	}
}
