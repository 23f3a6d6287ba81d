package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"cutover/internal/fieldtest"
	"cutover/site"
)

// Issue 25 point 6 from the command line: a done front counter is reopened
// with what is wrong, as a new attempt whose next step is the replacement's;
// a done Teams move is refused, saying who handles it, and a reopen with
// no reason is refused; `cutover runbook` shows the replacement's steps.
func TestReopenFromTheCommandLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errs := runCLI(t, db, "import", "../testdata/demo/kx.json"); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	st, err := site.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"FC-01", "PE-01"} {
		if _, err := fieldtest.Do(st, "alex", "KX", l, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	code, out, errs := runCLI(t, db, "step", "--site", "KX", "--position", "PE-01", "--step", "reopen", "--result", "pass", "--value", "no calls")
	if code != 1 || !strings.Contains(errs, "moved to Teams") || !strings.Contains(errs, "Teams administrators") {
		t.Fatalf("reopening a Teams move: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, db, "step", "--site", "KX", "--position", "FC-01", "--step", "reopen", "--result", "pass")
	if code != 1 || !strings.Contains(errs, "say why the position is reopened") {
		t.Fatalf("a reopen with no reason: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, db, "step", "--site", "KX", "--position", "FC-01", "--step", "verify", "--result", "pass")
	if code != 1 || !strings.Contains(errs, "reopen it (step reopen") {
		t.Fatalf("a step on a done position: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, db, "step", "--site", "KX", "--position", "CS-01", "--step", "reopen", "--result", "pass", "--value", "phone dead")
	if code != 1 || !strings.Contains(errs, "only a done position is reopened") {
		t.Fatalf("reopening a position not done: %d\n%s\n%s", code, out, errs)
	}
	// The help's example, as printed.
	var example string
	for _, l := range strings.Split(commands["step"].Help, "\n") {
		if strings.Contains(l, "--step reopen") && strings.HasPrefix(strings.TrimSpace(l), "cutover step ") {
			example = strings.TrimPrefix(strings.TrimSpace(l), "cutover ")
		}
	}
	if example == "" {
		t.Fatal("cutover step --help shows no reopen example")
	}
	code, out, errs = runCLI(t, db, shellWords(example)...)
	if code != 0 || !strings.Contains(out, "reopen: pass") || !strings.Contains(out, "next: told_before") {
		t.Fatalf("reopen: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = runCLI(t, db, "runbook", "--site", "KX", "--position", "FC-01")
	for _, w := range []string{"reopened (attempt 2): phone dead since Monday", "Swap the phone for a replacement", "Disposition of the phone taken out",
		"swapped: legacy handset FCHKXFC01 MPS-KXFC01 good, returned to store"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("runbook lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "(attempt 1)") {
		t.Errorf("the swap's results are listed under the replacement's steps:\n%s", out)
	}
	if strings.Contains(out, "Pre-check the port") {
		t.Errorf("the replacement's runbook shows the swap's pre-check:\n%s", out)
	}
}
