package ui

import (
	"context"
	"strings"
	"testing"

	"cutover/assets"
	"cutover/devices/simswitch"
	"cutover/site"
	"cutover/site/runbook"
)

// Issue 10 point 3: b asks why, then shows the rollback steps; each is
// recorded only when done; esc before the first cancels with nothing written.
func TestRollbackIsAskedConfirmedAndCancellable(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	walkToCalls(t, m, z)
	before := len(results(t, st, "FC-01"))
	press(t, m, "b")
	mustContain(t, m.View(), "Why roll back? Pick one:", "failed", "blocked")
	mustNotContain(t, m.View(), "▸ failed", "▸ blocked") // nothing is picked for the engineer
	press(t, m, "esc")
	if n := len(results(t, st, "FC-01")); n != before || status(t, st, "FC-01") != site.StatusInProgress {
		t.Fatalf("b then esc wrote %d results, status %s", n-before, status(t, st, "FC-01"))
	}
	// Blocked, with the words, then the steps are shown and nothing is written.
	press(t, m, "b", "b", "enter", "no", "enter")
	mustContain(t, m.View(), "say why") // two letters is not a reason
	press(t, m, "backspace", "trunk down at the exchange", "enter")
	frame := m.View()
	mustContain(t, frame, "↺ Rolling back: blocked: trunk down at the exchange", "Rollback", "▸  2 Reconnect the legacy handset")
	if n := len(results(t, st, "FC-01")); n != before {
		t.Fatalf("the reason alone wrote %d results", n-before)
	}
	press(t, m, "esc")
	if n := len(results(t, st, "FC-01")); n != before || z.rollingBack() {
		t.Fatalf("esc after the reason: %d results written, rolling back %v", n-before, z.rollingBack())
	}
	// Now for real: the reconnect records the reason with it.
	press(t, m, "b", "b", "enter", "trunk down at the exchange", "enter", "enter")
	got := results(t, st, "FC-01")[before:]
	if len(got) != 2 || got[0] != "rb_reason pass blocked: trunk down at the exchange |" || got[1] != "rb_reconnect pass |" {
		t.Fatalf("after the reconnect: %q", got)
	}
	if status(t, st, "FC-01") != site.StatusInProgress || current(z) != "rb_verify" {
		t.Fatalf("half way: %s at %s", status(t, st, "FC-01"), current(z))
	}
	press(t, m, "esc") // leaves the wizard; the rollback stays due
	m, z = openWizard(t, st, runner, "FC-01")
	if current(z) != "rb_verify" {
		t.Fatalf("reopened at %s", current(z))
	}
	press(t, m, "enter") // the demo switch shows the legacy handset again
	if status(t, st, "FC-01") != site.StatusBlocked {
		t.Fatalf("after the verify: %s; %s", status(t, st, "FC-01"), z.lastErr)
	}
	mustContain(t, m.View(), "■ blocked  trunk down at the exchange", "enter starts the runbook again")
	press(t, m, "enter")
	if z.pr.Attempt != 2 || current(z) != "legacy_serial" {
		t.Fatalf("start again: attempt %d at %s", z.pr.Attempt, current(z))
	}
}

// Issue 10 point 5: when the switch answered and the check failed, a skip
// is refused; only an unreadable switch lets the check be skipped.
func TestSNMPProofIsNotOverriddenByASkip(t *testing.T) {
	st, runner, sw := demoRig(t)
	m, z := openWizard(t, st, runner, "HD-02")
	press(t, m, "esc", "s", "bulk", "enter", "esc", "s", "no tag", "enter", "g", "enter", "enter")
	if current(z) != "gone" {
		t.Fatalf("HD-02 at %s; %s", current(z), z.lastErr)
	}
	// Someone plugs the handset back in before the check.
	phone := simswitch.MitelPhone("6863i", "08:00:0f:6a:10:9a", "")
	if err := sw.Switch("kx-sw2").SetNeighbour("14", &phone); err != nil {
		t.Fatal(err)
	}
	press(t, m, "enter")
	if got := resultsFor(t, st, "HD-02", "gone"); len(got) != 1 || !strings.HasPrefix(got[0], "gone fail") {
		t.Fatalf("gone: %q", got)
	}
	press(t, m, "s")
	mustContain(t, m.View(), "the switch answered and the check failed", "esc or enter to go on")
	press(t, m, "because", "enter")
	if z.prompt != promptNone || len(resultsFor(t, st, "HD-02", "gone")) != 1 || status(t, st, "HD-02") == site.StatusDone {
		t.Fatalf("a skip got through: prompt %d, %q, %s", z.prompt, resultsFor(t, st, "HD-02", "gone"), status(t, st, "HD-02"))
	}
	// The switch stops answering: now the check can be skipped, saying why.
	sw.Switch("kx-sw2").Close()
	press(t, m, "r", "enter")
	press(t, m, "s", "switch kx-sw2 down for maintenance", "enter")
	got := resultsFor(t, st, "HD-02", "gone")
	if len(got) != 3 || got[2] != "gone skip | switch kx-sw2 down for maintenance" {
		t.Fatalf("gone after the switch went away: %q", got)
	}
}

// Issue 10 point 6: condition and disposition are picked from a list, by
// arrow, first letter or a scanner's word.
func TestChoicesArePicked(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "MR-01")
	press(t, m, "esc", "s", "bulk", "enter", "esc", "s", "none", "enter")
	mustContain(t, m.View(), "good", "worn", "damaged", "faulty")
	mustNotContain(t, m.View(), "▸ good") // no condition is the default
	press(t, m, "enter")
	if len(resultsFor(t, st, "MR-01", "legacy_condition")) != 0 || !strings.Contains(z.lastErr, "nothing is picked") {
		t.Fatalf("an Enter with nothing picked: %q %s", resultsFor(t, st, "MR-01", "legacy_condition"), z.lastErr)
	}
	press(t, m, "d", "enter")
	if got := resultsFor(t, st, "MR-01", "legacy_condition"); len(got) != 1 || got[0] != "legacy_condition pass damaged |" {
		t.Fatalf("condition: %q", got)
	}
	press(t, m, "enter", "enter") // removed; the port is empty
	for current(z) != "disposition" {
		press(t, m, "enter")
		if z.lastErr != "" {
			t.Fatalf("at %s: %s", current(z), z.lastErr)
		}
	}
	mustNotContain(t, m.View(), "▸ store") // where a handset goes is never the default
	press(t, m, "down", "down", "enter")
	mustContain(t, m.View(), "Waste transfer note reference:")
	scan(t, m, "WTN-2026-0117")
	if got := resultsFor(t, st, "MR-01", "disposition"); len(got) != 1 || got[0] != "disposition pass weee_disposal WTN-2026-0117 |" {
		t.Fatalf("disposition: %q", got)
	}
	// A scanner's exact word picks it; a wrong word is refused, not a key.
	m, z = openWizard(t, st, runner, "MR-02")
	press(t, m, "esc", "s", "bulk", "enter", "esc", "s", "none", "enter")
	scan(t, m, "broken")
	if len(resultsFor(t, st, "MR-02", "legacy_condition")) != 0 || z.pick == nil {
		t.Fatalf("a wrong word was recorded or closed the list")
	}
	scan(t, m, "faulty")
	if got := resultsFor(t, st, "MR-02", "legacy_condition"); len(got) != 1 || got[0] != "legacy_condition pass faulty |" {
		t.Fatalf("condition by scan: %q", got)
	}
}

// Issue 10 point 7: a serial or tag already in the register is refused with
// where it is; an override needs a note and is recorded as one.
func TestOneHandsetOneIdentity(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	press(t, m, "enter")
	scan(t, m, "FCH1234ABCD")
	scan(t, m, "MPS012345")
	press(t, m, "g", "enter")
	tellAndSkipStaging(t, m)
	press(t, m, "enter", "enter")
	if current(z) != "new_serial" {
		t.Fatalf("FC-01 at %s; %s", current(z), z.lastErr)
	}
	press(t, m, "enter") // the serial the switch showed
	scan(t, m, "MPS012345")
	mustContain(t, m.View(), "✗ Not recorded:", "ctrl+o record anyway, with a note")
	if !strings.Contains(z.lastErr, "asset tag MPS012345 is already a legacy cisco Cisco IP Phone 7941 at site KX position FC-01") {
		t.Fatalf("refusal: %s", z.lastErr)
	}
	if len(resultsFor(t, st, "FC-01", "new_tag")) != 0 {
		t.Fatal("the legacy handset's tag was given to the new phone")
	}
	scan(t, m, "MPS-NFC01")
	// Another position scans FC-01's legacy serial: refused; overridden with a note.
	m, z = openWizard(t, st, runner, "FC-02")
	press(t, m, "enter")
	scan(t, m, "FCH1234ABCD")
	if !strings.Contains(z.lastErr, "serial FCH1234ABCD is already a legacy cisco Cisco IP Phone 7941 at site KX position FC-01") {
		t.Fatalf("refusal: %s", z.lastErr)
	}
	press(t, m, "ctrl+o", "enter")
	if len(resultsFor(t, st, "FC-02", "legacy_serial")) != 0 {
		t.Fatal("an override without a note was recorded")
	}
	press(t, m, "relabelled handset, label checked", "enter")
	got := resultsFor(t, st, "FC-02", "legacy_serial")
	if len(got) != 1 || got[0] != "legacy_serial pass FCH1234ABCD | relabelled handset, label checked (override)" {
		t.Fatalf("override: %q", got)
	}
	var payload string
	if err := st.DB().QueryRow(`SELECT payload FROM oplog WHERE kind = 'step.result.v1' AND entity_id = 'FC-02' ORDER BY client_seq DESC LIMIT 1`).Scan(&payload); err != nil ||
		!strings.Contains(payload, `"override":true`) {
		t.Fatalf("the op for the hub: %s %v", payload, err)
	}
	_ = z
}

// Issue 10 points 8 and 9: a new DDI is the number every later step and the
// header use; a Teams DDI equal to the legacy one is refused.
func TestTheNewNumberFlowsOn(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	press(t, m, "enter", "FCH1234ABCD", "enter", "LEG-0001", "enter", "g", "enter")
	tellAndSkipStaging(t, m)
	press(t, m, "enter", "enter", "enter", "NEW-0001", "enter")
	if current(z) != "ddi" {
		t.Fatalf("at %s", current(z))
	}
	scan(t, m, "020 7230 1999")
	frame := m.View()
	mustContain(t, frame, "call 020 7230 1999", "DDI now: 020 7230 1999 (new; was 020 7230 1003, surrendered)")
	mustNotContain(t, frame, "call 020 7230 1003")
	pr, err := runbook.Steps(context.Background(), st, "KX", "FC-01")
	if err != nil || pr.Number.DDI != "+442072301999" || pr.Number.Old != "+442072301003" {
		t.Fatalf("number now: %+v %v", pr.Number, err)
	}

	m, z = openWizard(t, st, runner, "PE-01")
	scan(t, m, "020 7230 1050")
	mustContain(t, m.View(), "✗ Not recorded:", "refused: typing replaces it")
	if !strings.Contains(z.lastErr, "is this position's legacy DDI") {
		t.Fatalf("refusal: %s", z.lastErr)
	}
	if len(resultsFor(t, st, "PE-01", "teams_ddi")) != 0 {
		t.Fatal("the legacy DDI was accepted as the Teams DDI")
	}
}

// Issue 10 point 11: the cursor looks back, and a mistyped serial is
// corrected with a reason, the old value kept.
func TestLookBackAndCorrect(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	press(t, m, "enter")
	scan(t, m, "FCH1234ABCE") // a digit wrong
	scan(t, m, "MPS-00017")
	press(t, m, "esc", "up", "up")
	mustContain(t, m.View(), "Scan the legacy handset's serial", "looking back", "c corrects", "FCH1234ABCE")
	press(t, m, "c")
	scan(t, m, "FCH1234ABCD")
	press(t, m, "serial mistyped", "enter")
	got := resultsFor(t, st, "FC-01", "legacy_serial")
	if len(got) != 2 || got[1] != "legacy_serial pass FCH1234ABCD | serial mistyped (correction of FCH1234ABCE)" {
		t.Fatalf("correction: %q", got)
	}
	a, ok, err := assets.AtPosition(context.Background(), st.DB(), positionID(t, st, "FC-01"), assets.KindLegacy)
	if err != nil || !ok || a.Serial != "FCH1234ABCD" {
		t.Fatalf("the register after the correction: %+v %v", a, err)
	}
	if current(z) != "legacy_condition" || z.pr.Attempt != 1 {
		t.Fatalf("a correction moved the runbook: %s attempt %d", current(z), z.pr.Attempt)
	}
	var n int
	st.DB().QueryRow(`SELECT count(*) FROM oplog WHERE kind = 'step.correction.v1' AND entity_id = 'FC-01'`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d correction ops for the hub", n)
	}
}

func positionID(t *testing.T, st *site.Store, label string) int64 {
	t.Helper()
	var id int64
	if err := st.DB().QueryRow(`SELECT id FROM positions WHERE site = 'KX' AND label = ?`, label).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// An override cannot put one handset in two places: the other record is
// still installed, so it must be corrected first. The refusal says so at
// once, and no override is offered (nobody types a note to be refused:
// issue 25, point 6).
func TestAnOverrideCannotInstallOneHandsetTwice(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	press(t, m, "enter")
	scan(t, m, "FCH1234ABCD")
	m, z = openWizard(t, st, runner, "FC-02")
	press(t, m, "enter")
	scan(t, m, "FCH1234ABCD")
	if !strings.Contains(z.lastErr, "one handset cannot be in two places, and no override changes that") {
		t.Fatalf("an installed handset scanned again: %s", z.lastErr)
	}
	mustNotContain(t, m.View(), "ctrl+o")
	press(t, m, "ctrl+o")
	if z.prompt != promptValue {
		t.Fatalf("ctrl+o on a handset installed elsewhere opened prompt %d", z.prompt)
	}
	if got := resultsFor(t, st, "FC-02", "legacy_serial"); len(got) != 0 {
		t.Fatalf("recorded: %q", got)
	}
}
