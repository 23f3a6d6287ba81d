package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutover/internal/fieldtest"
	"cutover/laptop"
	"cutover/site"
	"cutover/site/runbook"
)

// TestStepRunbookReportStockFromTheCommandLine drives a swap with the
// commands alone against the demo's simulated switches.
func TestStepRunbookReportStockFromTheCommandLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errs := runCLI(t, db, "import", "../testdata/demo/kx.json"); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	data, _ := os.ReadFile("../testdata/demo/kx.json")
	sw, err := laptop.StartDemoSwitches(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	addr := "--switch-addr=kx-sw2=" + sw.Addrs()["kx-sw2"]

	// Forty meeting-room phones in one go: here the three on kx-sw2 and the
	// three on kx-sw3, whose address was never given (refused, named).
	code, out, errs := runCLI(t, db, "step", "--site", "KX", "--role", "meeting_room", "--step", "legacy_serial",
		"--result", "skip", "--note", "bulk collection")
	if code != 0 || strings.Count(out, "legacy_serial: skip") != 6 {
		t.Fatalf("bulk skip: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, db, "step", "--site", "KX", "--role", "meeting_room", "--step", "remove", "--result", "pass")
	if code != 1 || !strings.Contains(errs, "next step is legacy_tag") {
		t.Fatalf("out of turn: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, db, "step", "--site", "KX", "--position", "MR-01,MR-02", "--step", "legacy_tag", "--result", "pass", "--value", "MPS-77\n")
	if code != 1 || !strings.Contains(errs, "MR-02: position MR-02 step legacy_tag: assets: already installed") &&
		!strings.Contains(errs, "asset tag MPS-77 is a legacy mitel Mitel 6873i at site KX position MR-01, now installed: one handset cannot be in two places") {
		t.Fatalf("duplicate tag in bulk: %d\n%s\n%s", code, out, errs)
	}
	for _, k := range []string{"legacy_condition"} {
		runCLI(t, db, "step", "--site", "KX", "--position", "MR-01", "--step", k, "--result", "pass", "--value", "worn")
	}
	if code, out, errs = runCLI(t, db, "step", "--site", "KX", "--position", "MR-01", "--step", "remove", "--result", "pass"); code != 0 {
		t.Fatalf("remove: %d %s %s", code, out, errs)
	}
	// The automatic step: the handset is still on the port (nobody unplugged
	// it in the simulated switch), so the check fails with exit status 3.
	code, out, errs = runCLI(t, db, "step", "--site", "KX", "--position", "MR-01", "--step", "gone", "--result", "pass", "--community", laptop.DemoCommunity, addr)
	if code != 3 || !strings.Contains(out, "gone: fail: still a phone on the port") {
		t.Fatalf("gone: %d\n%s\n%s", code, out, errs)
	}
	p := site.Position{Site: "KX", Label: "MR-01", Switch: "kx-sw2", Port: "21", Plan: site.PlanRemove}
	if err := sw.OnSwapConfirmed(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	// Retry: the address was remembered from --switch-addr.
	code, out, errs = runCLI(t, db, "step", "--site", "KX", "--position", "MR-01", "--step", "gone", "--result", "pass", "--community", laptop.DemoCommunity)
	if code != 0 || !strings.Contains(out, "gone: pass: no phone on 21") {
		t.Fatalf("gone retry: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = runCLI(t, db, "runbook", "--site", "KX", "--position", "mr-01")
	for _, w := range []string{"✓  4. remove", "saw: still a phone on the port", "saw: no phone on 21", "▶  6. surrender"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("runbook lacks %q:\n%s", w, out)
		}
	}
	code, out, _ = runCLI(t, db, "runbook", "--site", "KX", "--position", "MR-01", "--json")
	var pr runbook.Progress
	if code != 0 || json.Unmarshal([]byte(out), &pr) != nil || pr.Current == nil || pr.Current.Key != "surrender" {
		t.Fatalf("runbook --json: %d %s", code, out)
	}
	if gone, _ := pr.Step("gone"); len(gone.History) != 2 || gone.History[0].Outcome != runbook.OutcomeFail || gone.History[1].Outcome != runbook.OutcomePass {
		t.Fatalf("runbook --json keeps both results of gone: %+v", gone.History)
	}
	if code, out, errs = runCLI(t, db, "stock", "--site", "KX", "--model", "Avaya J179", "--issued", "12"); code != 0 || !strings.Contains(out, "J179") {
		t.Fatalf("stock: %d %s %s", code, out, errs)
	}
	if code, _, _ = runCLI(t, db, "stock", "--site", "KX", "--model", "J179"); code != 2 {
		t.Fatalf("stock --model alone: %d", code)
	}
	rep := filepath.Join(t.TempDir(), "kx.csv")
	if code, _, errs = runCLI(t, db, "report", "--site", "KX", "--out", rep); code != 0 {
		t.Fatalf("report: %d %s", code, errs)
	}
	b, _ := os.ReadFile(rep)
	if !strings.HasPrefix(string(b), "label,location,role,plan,status") || !strings.Contains(string(b), "MR-01,") {
		t.Fatalf("csv report:\n%s", b)
	}
	if code, out, _ = runCLI(t, db, "report", "--site", "KX", "--format", "markdown"); code != 0 || !strings.Contains(out, "## Needs attention") {
		t.Fatalf("markdown report: %d\n%s", code, out)
	}
	if code, _, _ = runCLI(t, db, "report", "--site", "KX", "--format", "pdf"); code != 2 {
		t.Fatalf("bad format: %d", code)
	}
}

// Issue 25 point 11: the bulk example in 'cutover step --help' works as
// printed on the demo site, line by line; a correction says "corrected";
// a mistyped --db given to a command that only reads says there is no
// database there and creates none.
func TestTheStepHelpExampleWorksAsPrinted(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errs := runCLI(t, db, "import", "../testdata/demo/kx.json"); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	var lines int
	for _, l := range strings.Split(commands["step"].Help, "\n") {
		if !strings.HasPrefix(l, "  cutover step ") {
			continue
		}
		lines++
		args := shellWords(strings.TrimPrefix(l, "  cutover "))
		code, out, errs := runCLI(t, db, args...)
		if code != 0 || strings.Count(out, "MR-0") != 6 {
			t.Fatalf("%s\nexit %d\n%s\n%s", l, code, out, errs)
		}
	}
	if lines < 2 {
		t.Fatalf("the help prints %d bulk lines", lines)
	}
	st, err := site.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fieldtest.Do(st, "tester", "KX", "PE-02", "teams_ddi", map[string]string{"teams_ddi": "020 3000 4002"})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, db, "step", "--site", "KX", "--position", "PE-02", "--step", "teams_ddi", "--correct",
		"--value", "020 3000 4020", "--note", "mistyped")
	if code != 0 || !strings.Contains(out, "PE-02 teams_ddi: corrected to +442030004020") {
		t.Fatalf("a correction: exit %d\n%s\n%s", code, out, errs)
	}
	for _, missing := range []string{"status", "sites", "runbook --site KX --position FC-01", "report --site KX", "export --site KX numbers"} {
		nowhere := filepath.Join(t.TempDir(), "typo", "c.db")
		code, out, errs := runCLI(t, nowhere, strings.Fields(missing)...)
		if code == 0 || !strings.Contains(errs, "no database at "+nowhere) {
			t.Fatalf("%s on a mistyped --db: exit %d\n%s\n%s", missing, code, out, errs)
		}
		if _, err := os.Stat(nowhere); !os.IsNotExist(err) {
			t.Fatalf("%s created %s", missing, nowhere)
		}
	}
}

// shellWords splits a command line as a shell would, for the help's
// examples: words, and "quoted words".
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, in := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// Issue 25 point 3 from the command line: correcting PE-02's Teams DDI
// after the surrender keeps the legacy numbers surrendered.
func TestCorrectingATeamsDDIFromTheCommandLineKeepsTheSurrender(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errs := runCLI(t, db, "import", "../testdata/demo/kx.json"); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	st, err := site.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fieldtest.Do(st, "tester", "KX", "PE-02", "surrender", map[string]string{"teams_ddi": "020 3000 4002"})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, db, "step", "--site", "KX", "--position", "PE-02", "--step", "teams_ddi", "--correct",
		"--value", "020 3000 4020", "--note", "mistyped"); code != 0 || !strings.Contains(out, "corrected to +442030004020") {
		t.Fatalf("the correction: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs := runCLI(t, db, "export", "--site", "KX", "numbers", "--format", "csv")
	if code != 0 || !strings.Contains(out, "number,KX,PE-02,31071,surrendered,+442072301053,teams,,+442030004020,") {
		t.Fatalf("numbers export: %d\n%s\n%s", code, out, errs)
	}
}
