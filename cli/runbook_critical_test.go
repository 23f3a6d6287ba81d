package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 29: `cutover runbook` says in words whether the position is
// critical and where its target came from, as the position's detail does.
func TestRunbookSaysWhetherAPositionIsCritical(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	inv := filepath.Join(dir, "kx.csv")
	if err := os.WriteFile(inv, []byte("site,label,role,plan,legacy_vendor,extension,critical,max_dark_minutes\n"+
		"KX,CS-01,custody_suite,,cisco,31001,,20\n"+
		"KX,FC-01,front_counter,,cisco,31002,,\n"+
		"KX,FC-02,front_counter,,cisco,31003,no,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, db, "import", inv); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	for label, want := range map[string]string{
		"CS-01": "\nCritical: yes · target 20 min (set in the inventory)\n",
		"FC-01": "\nCritical: yes · target 15 min (front counter default)\n",
		"FC-02": "\nCritical: no (set in the inventory)\n",
	} {
		code, out, errs := runCLI(t, db, "runbook", "--site", "KX", "--position", label)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("runbook %s: %d %s\n%s\nwant the line %q", label, code, out, errs, want)
		}
	}
}
