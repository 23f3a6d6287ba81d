package cli

import (
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
