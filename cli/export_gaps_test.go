package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportGapsAreWrittenBesideAndSetTheExitStatus: an export that could
// not write every row writes what it could, lists the rest beside the file
// (NAME.gaps.csv; teams-lis csv: gaps.csv among its load files) and on
// standard error, and exits 4; one without gaps exits 0 and writes no gaps
// file.
func TestExportGapsAreWrittenBesideAndSetTheExitStatus(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	if code, out, errOut := runCLI(t, db, "import", "../testdata/demo/kx.json"); code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	// No discovery yet: no switch has been read, so every Teams port is a gap.
	ps1 := filepath.Join(dir, "kx-lis.ps1")
	code, _, errOut := runCLI(t, db, "export", "--site", "KX", "teams-lis", "--out", ps1)
	if code != 4 || !strings.Contains(errOut, "could not be written whole") || !strings.Contains(errOut, "switch not read by discovery") {
		t.Errorf("teams-lis ps1: exit %d; want 4\n%s", code, errOut)
	}
	gaps, err := os.ReadFile(filepath.Join(dir, "kx-lis.gaps.csv"))
	if err != nil || !strings.HasPrefix(string(gaps), "site,position,switch,port,reason\n") || strings.Count(string(gaps), "\n") < 2 {
		t.Errorf("the gaps beside the script: %v\n%s", err, gaps)
	}
	if _, err := os.Stat(ps1); err != nil {
		t.Errorf("the script was not written: %v", err)
	}

	folder := filepath.Join(dir, "lis")
	if code, _, errOut := runCLI(t, db, "export", "--site", "KX", "teams-lis", "--format", "csv", "--out", folder); code != 4 {
		t.Errorf("teams-lis csv: exit %d; want 4\n%s", code, errOut)
	}
	for _, name := range []string{"civic-addresses.csv", "locations.csv", "switches.csv", "ports.csv", "gaps.csv"} {
		if _, err := os.Stat(filepath.Join(folder, name)); err != nil {
			t.Errorf("load file %s: %v", name, err)
		}
	}
	if code, _, errOut := runCLI(t, db, "export", "--site", "KX", "teams-lis", "--format", "csv"); code != 2 || !strings.Contains(errOut, "--out FOLDER") {
		t.Errorf("teams-lis csv to standard output: exit %d; want 2\n%s", code, errOut)
	}

	inst := filepath.Join(dir, "install.csv")
	if code, _, errOut := runCLI(t, db, "export", "--site", "KX", "install", "--out", inst); code != 0 {
		t.Errorf("install: exit %d; want 0\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "install.gaps.csv")); err == nil {
		t.Errorf("a gaps file for an export without gaps")
	}
}
