package ui

import (
	"context"
	"strings"
	"testing"

	"cutover/assets"
	"cutover/internal/fieldtest"
	"cutover/site"
	"cutover/site/runbook"
)

// finishFC01 walks FC-01 (a front counter) through its whole swap by keys,
// from the first test call.
func finishFC01(t *testing.T, m *root, z *wizard) {
	t.Helper()
	walkToCalls(t, m, z)
	press(t, m, "y", "PS Morgan", "enter", "y", "y", "y", "y", "enter", "s", "enter", "Sgt Okafor", "enter")
	if status(t, m.sh.store, "FC-01") != site.StatusDone {
		t.Fatalf("FC-01 not done after its swap by keys: step %s, %s", current(z), z.lastErr)
	}
}

// Issue 25 point 6, by keys: a phone dead the next day. b on the done
// position says it is not rolled back and that o reopens it; o asks what is
// wrong (a reason too short is refused, nothing recorded), then the
// reopen is a new attempt that walks the replacement: the supervisor told,
// the phone swapped on the jack, the replacement verified, tagged and
// proven, the phone taken out sent to stores, signed off. The database
// holds both phones where they went and the legacy handset untouched.
func TestReopenADonePositionByKeys(t *testing.T) {
	st, runner, _ := demoRig(t)
	m, z := openWizard(t, st, runner, "FC-01")
	finishFC01(t, m, z)
	mustContain(t, m.View(), "o reopen: replace its phone")

	press(t, m, "b")
	if !strings.Contains(z.lastErr, "o reopens it as a new attempt") {
		t.Fatalf("b on a done position: %q", z.lastErr)
	}
	press(t, m, "o")
	if z.prompt != promptReopen {
		t.Fatalf("o on a done position: prompt %d", z.prompt)
	}
	mustContain(t, m.View(), "What is wrong with it?")
	press(t, m, "ok", "enter")
	if !strings.Contains(z.lastErr, "say why the position is reopened") || len(resultsFor(t, st, "FC-01", "reopen")) != 0 {
		t.Fatalf("a two-letter reason: %q, recorded %q", z.lastErr, resultsFor(t, st, "FC-01", "reopen"))
	}
	press(t, m, "phone dead since Monday", "enter") // the refused text gives way to the new
	if got := resultsFor(t, st, "FC-01", "reopen"); len(got) != 1 || got[0] != "reopen pass phone dead since Monday |" {
		t.Fatalf("the reopen recorded %q (%s)", got, z.lastErr)
	}
	if status(t, st, "FC-01") != site.StatusInProgress || z.pr.Attempt != 2 || current(z) != "told_before" {
		t.Fatalf("after the reopen: %s, attempt %d, due %s", status(t, st, "FC-01"), z.pr.Attempt, current(z))
	}
	mustContain(t, m.View(), "Swap the phone for a replacement")
	mustNotContain(t, m.View(), "Pre-check the port", "Legacy handset disposition")

	tellAndSkipStaging(t, m)
	press(t, m, "enter", "enter", "enter", "NEW-0002", "enter") // replace, verify, the serial the switch saw, the tag
	if current(z) != "call_in" {
		t.Fatalf("walked the replacement to %s, want call_in; %s", current(z), z.lastErr)
	}
	press(t, m, "y", "PS Morgan", "enter", "y", "y", "y", "y", "enter") // the calls, who was told, the label
	if current(z) != "faulty_disposition" {
		t.Fatalf("walked the replacement to %s, want the disposition of the phone taken out; %s", current(z), z.lastErr)
	}
	press(t, m, "s", "enter", "Sgt Okafor", "enter")
	if status(t, st, "FC-01") != site.StatusDone {
		t.Fatalf("the replacement did not finish: %s, due %s, %s", status(t, st, "FC-01"), current(z), z.lastErr)
	}

	id := positionID(t, st, "FC-01")
	now, _, _ := assets.AtPosition(context.Background(), st.DB(), id, assets.KindNew)
	if now.AssetTag != "NEW-0002" || now.State != assets.StateInstalled {
		t.Errorf("the phone on the jack: %+v", now)
	}
	first, ok, _ := assets.AtPositionIn(context.Background(), st.DB(), id, assets.KindNew, assets.StateReturnedToStore)
	if !ok || first.AssetTag != "NEW-0001" {
		t.Errorf("the phone taken out is not back in stores: %+v", first)
	}
	legacy, _, _ := assets.AtPosition(context.Background(), st.DB(), id, assets.KindLegacy)
	if legacy.State != assets.StateReturnedToStore || legacy.AssetTag != "LEG-0001" {
		t.Errorf("the legacy handset: %+v; want it where the swap sent it", legacy)
	}
	pr, _ := runbook.Steps(context.Background(), st, "KX", "FC-01")
	if pr.Attempt != 2 || pr.Numbers.State != runbook.DDIKept {
		t.Errorf("attempt %d, numbers %+v", pr.Attempt, pr.Numbers)
	}
	// The detail screen keeps the swap's facts and says what was replaced.
	press(t, m, "esc")
	if _, ok := m.top().(*detail); !ok {
		t.Fatalf("esc from the wizard went to %T", m.top())
	}
	mustContain(t, m.View(), "FCH1234ABCD", "LEG-0001", "NEW-0002", "attempt 2 reopened: phone dead since Monday",
		"phone taken out:", "tag NEW-0001", "returned to store")
}

// o on a position that has no phone on its jack says why before anything
// is typed: no prompt opens, nothing is recorded, and the help never
// offered it.
func TestReopenRefusedBeforeAskingByKeys(t *testing.T) {
	st, runner, _ := demoRig(t)
	if _, err := fieldtest.Do(st, testEngineer, "KX", "PE-01", "", nil); err != nil {
		t.Fatal(err)
	}
	m, z := openWizard(t, st, runner, "PE-01")
	if z.pr.Position.Status != site.StatusDone {
		t.Fatalf("PE-01 is %s", z.pr.Position.Status)
	}
	mustNotContain(t, m.View(), "o reopen")
	press(t, m, "o")
	if m.top() != screen(z) || z.prompt != promptNone || !strings.Contains(z.lastErr, "moved to Teams: there is no phone on site to replace") {
		t.Fatalf("o on a done Teams move: prompt %d, %q", z.prompt, z.lastErr)
	}
	if got := resultsFor(t, st, "PE-01", "reopen"); len(got) != 0 || status(t, st, "PE-01") != site.StatusDone {
		t.Fatalf("a refused reopen recorded %q", got)
	}
	press(t, m, "b")
	if strings.Contains(z.lastErr, "reopen") {
		t.Errorf("b on a done Teams move offers a reopen: %q", z.lastErr)
	}
	// A position not done yet: o says so, and the step due stays due.
	m, z = openWizard(t, st, runner, "FC-02")
	press(t, m, "o")
	if z.prompt != promptNone || !strings.Contains(z.lastErr, "FC-02 is ") || !strings.Contains(z.lastErr, "only a done position is reopened") ||
		current(z) != "precheck" {
		t.Errorf("o on FC-02, not started: prompt %d, %q, due %s", z.prompt, z.lastErr, current(z))
	}
}
