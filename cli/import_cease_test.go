package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An import whose file gives no cease date says which date was used and
// how to set it; one given --cease-date, or a file with the date, does not.
func TestImportSaysWhichCeaseDateItUsed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	code, _, errs := runCLI(t, db, "import", "../testdata/inventory/good_bom.csv", "--site", "KX")
	if code != 0 || !strings.Contains(errs, "KX: the file gives no cease date, so the business case's 2024-05-31 was used") ||
		!strings.Contains(errs, "--site KX --cease-date YYYY-MM-DD") {
		t.Fatalf("no cease date: %d %q", code, errs)
	}
	if code, _, errs = runCLI(t, db, "import", "../testdata/inventory/good_bom.csv", "--site", "KX", "--cease-date", "2027-06-30"); code != 0 || errs != "" {
		t.Fatalf("with --cease-date: %d %q", code, errs)
	}
	// The site has its date now: importing the file again says nothing.
	if code, _, errs = runCLI(t, db, "import", "../testdata/inventory/good_bom.csv", "--site", "KX"); code != 0 || strings.Contains(errs, "cease date") {
		t.Fatalf("again: %d %q", code, errs)
	}
	if code, _, errs = runCLI(t, filepath.Join(t.TempDir(), "d.db"), "import", "../testdata/demo/kx.json"); code != 0 || errs != "" {
		t.Fatalf("a file with its date: %d %q", code, errs)
	}
}

// A file of many sites without cease dates gets one line naming the first
// few and how many more, not a line per site.
func TestImportOfManySitesSaysTheCeaseDateOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("site,label,role,legacy_vendor,extension\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "S%02d,P1,hot_desk,cisco,%d\n", i, 1000+i)
	}
	file := filepath.Join(t.TempDir(), "many.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, filepath.Join(t.TempDir(), "m.db"), "import", file)
	if code != 0 || strings.Count(errs, "\n") != 1 ||
		!strings.Contains(errs, "12 sites (S01, S02, S03, S04, S05 and 7 more): the file gives no cease date") ||
		!strings.Contains(errs, "--site CODE --cease-date YYYY-MM-DD") {
		t.Fatalf("many sites: %d %q", code, errs)
	}
}
