package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A database file marked read-only answers status and report; a command
// that records is refused with the reason, and the file is unchanged.
func TestReadOnlyDatabaseServesStatusAndReports(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ro.db")
	if code, _, errOut := runCLI(t, db, "import", "../testdata/demo/kx.json"); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(db)
	if code, out, errOut := runCLI(t, db, "status"); code != 0 || !strings.Contains(out, "0 of 58 done") {
		t.Errorf("status on a read-only database: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, db, "report", "--site", "KX"); code != 0 || !strings.Contains(out, "# Cutover handover") {
		t.Errorf("report on a read-only database: exit %d\n%s", code, errOut)
	}
	code, _, errOut := runCLI(t, db, "step", "--site", "KX", "--position", "FC-01", "--step", "legacy_serial", "--result", "pass", "--value", "FCH1234")
	if code == 0 || !strings.Contains(errOut, "is read-only (permissions 0444), so nothing can be recorded") {
		t.Errorf("step on a read-only database: exit %d, %q", code, errOut)
	}
	after, _ := os.ReadFile(db)
	if string(before) != string(after) {
		t.Error("the read-only file changed")
	}
}
