package ui

import (
	"context"
	"os"
	"testing"

	"cutover/site"
	"cutover/site/runbook"
	"cutover/swap"
)

// A database file marked read-only (chmod 0444) opens in the TUI with a
// banner on every screen; every key that would record is refused with the
// reason, no prompt for a value opens, and the file holds nothing new.
func TestReadOnlyDatabaseOpensWithABannerAndRecordsNothing(t *testing.T) {
	ctx := context.Background()
	st, runner, _ := demoRig(t)
	// FC-01's SNMP pre-check passed while the file could be written: its
	// next step asks for a value.
	if _, err := runner.Record(ctx, testEngineer, "KX", "FC-01", "precheck", swap.Input{Outcome: runbook.OutcomePass}); err != nil {
		t.Fatal(err)
	}
	path := st.Path()
	st.Close()
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	ro, err := site.Open(path)
	if err != nil {
		t.Fatalf("open the read-only file: %v", err)
	}
	t.Cleanup(func() { ro.Close() })
	before, _ := os.ReadFile(path)

	m := newTestRoot(t, ro, "KX", 120, 40)
	m.sh.runner = &swap.Runner{Store: ro, Checker: runner.Checker}
	mustContain(t, m.View(), "⚠ READ-ONLY database is read-only (permissions 0444): you can look, nothing can be recorded",
		"of 58 positions done")
	press(t, m, "p", "/", "FC-01", "enter", "enter", "w")
	z, ok := m.top().(*wizard)
	if !ok {
		t.Fatalf("w opened %T", m.top())
	}
	if z.prompt != promptNone {
		t.Fatalf("a prompt opened on a read-only database: %v", z.prompt)
	}
	mustContain(t, m.View(), "⚠ READ-ONLY", "Legacy") // the banner stays; the runbook is shown
	for _, k := range []string{"enter", "f", "s", "b", "ctrl+s"} {
		press(t, m, k)
		if z.prompt != promptNone {
			t.Fatalf("%s opened a prompt on a read-only database", k)
		}
		mustContain(t, m.View(), "Not recorded: the database is read-only (permissions 0444), so nothing can")
	}
	press(t, m, "esc", "esc", "esc", "esc", "d", "a", "enter")
	mustContain(t, m.View(), "✗ discovery: the database is read-only")

	pr, err := runbook.Steps(ctx, ro, "KX", "FC-01")
	if err != nil {
		t.Fatal(err)
	}
	if pr.Done != 1 {
		t.Errorf("FC-01 has %d steps done, want only the pre-check", pr.Done)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("the read-only file changed")
	}
}

// --site with a code the database does not hold says so and shows the
// sites screen, rather than an empty dashboard.
func TestUnknownSiteShowsTheSitesScreen(t *testing.T) {
	m := newTestRoot(t, demoStore(t), "zz", 120, 40)
	if _, ok := m.top().(*sitesScreen); !ok || len(m.stack) != 1 {
		t.Fatalf("top is %T (%d screens), want the sites screen alone", m.top(), len(m.stack))
	}
	mustContain(t, m.View(), "✗ no site ZZ in this database: pick one below (or bring it here with cutover pull --site ZZ)",
		"1 site on this laptop", "KX")
	press(t, m, "enter")
	if d, ok := m.top().(*dashboard); !ok || d.code != "KX" {
		t.Fatalf("enter opened %T", m.top())
	}
}
