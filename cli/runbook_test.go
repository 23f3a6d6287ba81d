package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"cutover/site/runbook"
)

// Issue 10's check: for a step failed then passed, `cutover runbook --json`
// shows both results with their notes, and the text says the same.
func TestRunbookShowsAStepFailedThenPassed(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if code, out, errs := runCLI(t, db, "import", "../testdata/demo/kx.json"); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	step := func(args ...string) {
		t.Helper()
		full := append([]string{"step", "--site", "KX", "--position", "PT-01"}, args...)
		if code, out, errs := runCLI(t, db, full...); code != 0 && code != 3 {
			t.Fatalf("%v: %d\n%s\n%s", args, code, out, errs)
		}
	}
	// No credentials: the check asks for them and records nothing.
	if code, _, errs := runCLI(t, db, "step", "--site", "KX", "--position", "PT-01", "--step", "precheck", "--result", "pass"); code != 1 ||
		!strings.Contains(errs, "no SNMP credentials") || !strings.Contains(errs, "nothing was recorded") {
		t.Fatalf("precheck without credentials: %d %s", code, errs)
	}
	// A switch that does not answer is recorded as unreadable, with the
	// address tried (remembered for the site)…
	step("--step", "precheck", "--result", "pass", "--community", "public", "--switch-addr", "kx-sw1=127.0.0.1:9", "--snmp-timeout", "0.2")
	step("--step", "precheck", "--result", "skip", "--note", "no creds") // …and so may be skipped
	step("--step", "legacy_serial", "--result", "fail", "--note", "label worn off")
	step("--step", "legacy_serial", "--result", "pass", "--value", "FCH1234PT01")
	code, out, _ := runCLI(t, db, "runbook", "--site", "KX", "--position", "PT-01", "--json")
	var pr runbook.Progress
	if code != 0 || json.Unmarshal([]byte(out), &pr) != nil {
		t.Fatalf("runbook --json: %d %s", code, out)
	}
	s, _ := pr.Step("legacy_serial")
	if len(s.History) != 2 || s.History[0].Outcome != runbook.OutcomeFail || s.History[0].Note != "label worn off" ||
		s.History[1].Outcome != runbook.OutcomePass || s.History[1].Value != "FCH1234PT01" {
		t.Fatalf("legacy_serial's history: %+v", s.History)
	}
	pre, _ := pr.Step("precheck")
	if len(pre.History) != 2 || pre.History[0].Evidence == nil || pre.History[0].Evidence.Error == "" || pre.History[1].Note != "no creds" {
		t.Fatalf("precheck's history: %+v", pre.History)
	}
	if ev := pre.History[1].Evidence; ev == nil || ev.Reading == nil || ev.Reading.Addr != "127.0.0.1:9" || !strings.Contains(ev.Summary, "at 127.0.0.1:9") {
		t.Fatalf("the skip does not keep the address tried: %+v", ev)
	}
	code, out, _ = runCLI(t, db, "runbook", "--site", "KX", "--position", "PT-01")
	for _, w := range []string{"fail by tester", "note: label worn off", "pass by tester", ": FCH1234PT01", "note: no creds"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("runbook text lacks %q:\n%s", w, out)
		}
	}
	// A mistyped tag is corrected; the old value stays in the history.
	step("--step", "legacy_tag", "--result", "pass", "--value", "MPS-PT01")
	if code, _, errs := runCLI(t, db, "step", "--site", "KX", "--position", "PT-01", "--step", "legacy_tag", "--correct",
		"--value", "MPS-PT02", "--note", "wrong label scanned"); code != 0 {
		t.Fatalf("correct: %d %s", code, errs)
	}
	code, out, _ = runCLI(t, db, "runbook", "--site", "KX", "--position", "PT-01")
	if !strings.Contains(out, "corrected by tester") || !strings.Contains(out, "MPS-PT02 (was MPS-PT01)") {
		t.Fatalf("runbook after a correction:\n%s", out)
	}
}
