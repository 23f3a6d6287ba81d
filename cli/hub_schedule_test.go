package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A site's schedule comes from the CSV's start_date, cease_date and wave
// columns, or from hub import's flags for the sites the file leaves
// without; a re-import with new dates counts and says each change.
func TestHubImportTakesEachSitesSchedule(t *testing.T) {
	dir := t.TempDir()
	store := "sqlite:" + filepath.Join(dir, "hub.db")
	file := filepath.Join(dir, "plan.csv")
	write := func(body string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("site,label,role,legacy_vendor,extension,start_date,cease_date,wave\n" +
		"S01,P1,hot_desk,cisco,1001,2027-01-04,2027-03-31,Wave 1\n" +
		"S01,P2,hot_desk,cisco,1002,,,\n" +
		"S02,P1,hot_desk,cisco,2001,,,\n")
	code, out, errs := runIn(context.Background(), t, dir, "hub", "import", file, "--store", store,
		"--start-date", "2027-02-01", "--cease-date", "2027-06-30", "--wave", "Wave 2")
	if code != 0 || errs != "" {
		t.Fatalf("first import: %d %q %q", code, out, errs)
	}
	// Both sites are new: no schedule changes, and no default date used.
	if strings.Contains(out, "schedule changed") {
		t.Fatalf("a new site's schedule is not a change: %q", out)
	}
	write("site,label,role,legacy_vendor,extension,cease_date\n" +
		"S01,P1,hot_desk,cisco,1001,2027-04-30\n" +
		"S01,P2,hot_desk,cisco,1002,2027-04-30\n" +
		"S02,P1,hot_desk,cisco,2001,2027-06-30\n")
	code, out, errs = runIn(context.Background(), t, dir, "hub", "import", file, "--store", store)
	if code != 0 || errs != "" {
		t.Fatalf("re-import: %d %q %q", code, out, errs)
	}
	if !strings.Contains(out, "S01: 0 added, 0 changed, 2 unchanged, 0 withdrawn\n  schedule changed: cease date 2027-03-31 → 2027-04-30\n") ||
		strings.Contains(out, "S02: 0 added, 0 changed, 1 unchanged, 0 withdrawn\n  schedule") ||
		!strings.Contains(out, "1 site schedule(s) changed") {
		t.Fatalf("re-import should say S01's new cease date and nothing of S02: %q", out)
	}
}

// Rows of one site that give it different dates are refused, naming both
// lines; so is a start after the cease date, and a bad flag.
func TestHubImportRefusesAScheduleThatDisagrees(t *testing.T) {
	dir := t.TempDir()
	store := "sqlite:" + filepath.Join(dir, "hub.db")
	file := filepath.Join(dir, "plan.csv")
	os.WriteFile(file, []byte("site,label,role,legacy_vendor,extension,cease_date,start_date\n"+
		"S01,P1,hot_desk,cisco,1001,2027-03-31,\n"+
		"S01,P2,hot_desk,cisco,1002,2027-04-30,\n"+
		"S02,P1,hot_desk,cisco,2001,2027-01-31,2027-02-01\n"), 0o600)
	code, _, errs := runIn(context.Background(), t, dir, "hub", "import", file, "--store", store)
	if code != 2 || !strings.Contains(errs, `plan.csv:3:6: cease_date: "2027-04-30" differs from "2027-03-31" given at line 2 for site S01`) ||
		!strings.Contains(errs, "site S02 starts 2027-02-01, after its cease date 2027-01-31") {
		t.Fatalf("disagreeing rows: %d %q", code, errs)
	}
	code, _, errs = runIn(context.Background(), t, dir, "hub", "import", file, "--store", store, "--cease-date", "31/03/2027")
	if code != 2 || !strings.Contains(errs, "--cease-date: bad date") {
		t.Fatalf("bad flag: %d %q", code, errs)
	}
}
