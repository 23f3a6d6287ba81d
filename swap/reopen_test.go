package swap

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutover/assets"
	"cutover/laptop"
	"cutover/site"
	"cutover/site/runbook"
)

// A phone dead the next day: the done position is reopened with a reason,
// as a new attempt that replaces its phone and proves the replacement; the
// legacy handset, its disposition and the numbers stay as the swap left
// them, and the phone taken out follows a disposition of its own.
func TestReopenADonePositionReplacesItsPhone(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	const label = "FC-01"
	done := r.walk(t, label)
	if done.Position.Status != site.StatusDone || !done.Reopenable {
		t.Fatalf("after the swap: %s, reopenable %v", done.Position.Status, done.Reopenable)
	}
	id := mustID(t, r.st, label)
	first, ok, err := assets.AtPosition(ctx, r.st.DB(), id, assets.KindNew)
	if err != nil || !ok {
		t.Fatalf("the first phone is not in the register: %v", err)
	}
	legacyBefore, _, _ := assets.AtPosition(ctx, r.st.DB(), id, assets.KindLegacy)
	numbersBefore := done.Numbers

	// Refused before anything is recorded: no reason, a reason of control
	// characters, another step than reopen, a plan with nothing to replace.
	for _, bad := range []string{"", "  ", "\u202e\u202e", "ok"} {
		if _, err := r.run.Record(ctx, "eng-b", "KX", label, "reopen", Input{Outcome: runbook.OutcomePass, Value: bad}); err == nil {
			t.Errorf("reopen with reason %q was taken", bad)
		}
	}
	if _, err := r.run.Record(ctx, "eng-b", "KX", label, "verify", Input{Outcome: runbook.OutcomePass}); err == nil ||
		!strings.Contains(err.Error(), "reopen it") {
		t.Errorf("a step on a done position: %v; want it to say how to reopen", err)
	}
	r.walk(t, "PE-01")
	if _, err := r.run.Record(ctx, "eng-b", "KX", "PE-01", "reopen", Input{Outcome: runbook.OutcomePass, Value: "no dial tone"}); err == nil ||
		!strings.Contains(err.Error(), "Teams administrators") {
		t.Errorf("reopening a Teams move: %v; want it refused, saying who handles it", err)
	}
	if pr, _ := runbook.Steps(ctx, r.st, "KX", label); pr.Attempt != 1 || pr.Position.Status != site.StatusDone {
		t.Fatalf("refusals recorded something: attempt %d, %s", pr.Attempt, pr.Position.Status)
	}

	rec, err := r.run.Record(ctx, "eng-b", "KX", label, "reopen", Input{Outcome: runbook.OutcomePass, Value: "  phone dead since Monday\r\n"})
	if err != nil {
		t.Fatal(err)
	}
	pr := rec.Progress
	if pr.Attempt != 2 || pr.Position.Status != site.StatusInProgress || !pr.Runbook.Reopened {
		t.Fatalf("after reopen: attempt %d, %s, reopened %v", pr.Attempt, pr.Position.Status, pr.Runbook.Reopened)
	}
	if want := "reopened (attempt 2): phone dead since Monday"; pr.Position.StatusReason != want {
		t.Errorf("status reason %q, want %q", pr.Position.StatusReason, want)
	}
	if pr.Current == nil || pr.Current.Key != "told_before" {
		t.Fatalf("a front counter's replacement starts by telling the supervisor; next is %+v", pr.Current)
	}
	for _, k := range []string{"precheck", "legacy_serial", "disposition", "ddi"} {
		if _, ok := pr.Runbook.Step(k); ok {
			t.Errorf("the replacement runbook asks for %s, which the swap already did", k)
		}
	}

	// The phone confirmed swapped but still the old one on the port: verify
	// fails, naming it.
	noHook := &Runner{Store: r.st, Checker: r.run.Checker}
	for _, k := range []string{"told_before", "stage", "replace"} {
		if _, err := noHook.Record(ctx, "eng-b", "KX", label, k, answer(label, k)); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	v, err := noHook.Record(ctx, "eng-b", "KX", label, "verify", Input{Outcome: runbook.OutcomePass})
	if err != nil {
		t.Fatal(err)
	}
	if v.Outcome != runbook.OutcomeFail || !strings.Contains(v.Check.Summary, "reopened to replace") {
		t.Fatalf("verify with the old phone still on the port: %s %q", v.Outcome, v.Check.Summary)
	}
	if err := r.sw.OnReplaced(ctx, v.Progress.Position); err != nil { // now the replacement is plugged in
		t.Fatal(err)
	}
	end := r.walk(t, label)
	if end.Position.Status != site.StatusDone || end.Attempt != 2 {
		t.Fatalf("after the replacement: %s attempt %d", end.Position.Status, end.Attempt)
	}

	// The register: the replacement on the jack, the first phone gone where
	// the engineer said, the legacy handset untouched; numbers as before.
	now, _, _ := assets.AtPosition(ctx, r.st.DB(), id, assets.KindNew)
	if now.ID == first.ID || now.State != assets.StateInstalled || now.Serial == first.Serial || now.Serial == "" {
		t.Errorf("the phone on the jack: %+v (first was %+v)", now, first)
	}
	was, err := assets.Get(ctx, r.st.DB(), first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if was.State != assets.StateWEEE {
		t.Errorf("the phone taken out is %s, want %s (the disposition given)", was.State, assets.StateWEEE)
	}
	legacyAfter, _, _ := assets.AtPosition(ctx, r.st.DB(), id, assets.KindLegacy)
	if legacyAfter.ID != legacyBefore.ID || legacyAfter.State != legacyBefore.State {
		t.Errorf("the legacy handset moved: %+v, was %+v", legacyAfter, legacyBefore)
	}
	if end.Numbers != numbersBefore {
		t.Errorf("numbers %+v, want them as the swap left them %+v", end.Numbers, numbersBefore)
	}

	// Stock: the phone sent to WEEE is issued but no longer on hand.
	if err := r.st.Write(ctx, "stores", func(tx *site.Tx) error {
		_, err := assets.IssueStock(ctx, tx, "KX", "J179", 5, false)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	lines, err := assets.Stock(ctx, r.st.DB(), "KX")
	if err != nil || len(lines) != 1 || lines[0].Installed != 1 || lines[0].Returned != 1 || lines[0].OnHand != 3 {
		t.Errorf("stock after the replacement: %+v %v; want 5 issued, 1 installed, 1 sent back, 3 on hand", lines, err)
	}

	// The derivation the hub runs on the same evidence agrees.
	d := runbook.Derive(end.Position, end.Results, nil)
	if d.Status != site.StatusDone || !d.Reopened || d.Attempt != 2 {
		t.Fatalf("derived: %s reopened %v attempt %d", d.Status, d.Reopened, d.Attempt)
	}
	if d.New == nil || d.New.Serial != now.Serial || len(d.Replaced) != 1 || d.Replaced[0].Serial != first.Serial ||
		d.Replaced[0].State != string(assets.StateWEEE) {
		t.Errorf("derived phones: new %+v replaced %+v", d.New, d.Replaced)
	}
	if d.Legacy == nil || d.Legacy.State != string(legacyAfter.State) {
		t.Errorf("derived legacy %+v, register %s", d.Legacy, legacyAfter.State)
	}
	if d.Continuity == nil || len(d.Continuity.Periods) != 2 || d.Continuity.Periods[1].Attempt != 2 ||
		!strings.Contains(d.Continuity.Periods[1].Began, "the phone replaced") {
		t.Errorf("dark periods: %+v", d.Continuity)
	}
}

// A replacement that cannot be finished (no stock) is rolled back: the
// position reads blocked with the reason, the numbers stay given, and
// starting again is another replacement, not the swap.
func TestReopenedReplacementRolledBack(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	const label = "RC-01"
	r.walk(t, label)
	numbersBefore, _ := runbook.Steps(ctx, r.st, "KX", label)
	steps := []struct {
		key string
		in  Input
	}{
		{"reopen", Input{Outcome: runbook.OutcomePass, Value: "handset cord cut"}},
		{"told_before", answer(label, "told_before")},
		{"stage", answer(label, "stage")},
		{"replace", Input{Outcome: runbook.OutcomePass}},
		{"rb_reason", Input{Outcome: runbook.OutcomePass, Value: "blocked: no J179 in the van"}},
		{"rb_putback", Input{Outcome: runbook.OutcomePass}},
	}
	var pr runbook.Progress
	for _, s := range steps {
		rec, err := r.run.Record(ctx, "eng-a", "KX", label, s.key, s.in)
		if err != nil {
			t.Fatalf("%s: %v", s.key, err)
		}
		pr = rec.Progress
	}
	if pr.Position.Status != site.StatusBlocked || !strings.Contains(pr.Position.StatusReason, "no J179") {
		t.Fatalf("after the rollback: %s (%s)", pr.Position.Status, pr.Position.StatusReason)
	}
	if pr.Numbers != numbersBefore.Numbers {
		t.Errorf("numbers %+v, want %+v: a replacement gives nothing back", pr.Numbers, numbersBefore.Numbers)
	}
	if !pr.Restartable || pr.Steps[0].Key != "reopen" {
		t.Fatalf("restartable %v, first step %s: want another replacement", pr.Restartable, pr.Steps[0].Key)
	}
	d := runbook.Derive(pr.Position, pr.Results, nil)
	if d.Status != site.StatusBlocked || d.New != nil || len(d.Replaced) != 1 || d.Replaced[0].State != string(assets.StateRemoved) {
		t.Errorf("derived: %s new %+v replaced %+v", d.Status, d.New, d.Replaced)
	}
	if d.Continuity == nil || !d.Continuity.DarkNow() {
		t.Errorf("a front-desk phone taken out and not replaced is dark: %+v", d.Continuity)
	}
	_, err := r.run.Record(ctx, "eng-a", "KX", label, "reopen", Input{Outcome: runbook.OutcomePass, Value: "stock came"})
	if err != nil {
		t.Fatal(err)
	}
	if pr, _ := runbook.Steps(ctx, r.st, "KX", label); pr.Attempt != 3 || !pr.Runbook.Reopened || pr.Current.Key != "told_before" {
		t.Errorf("started again: attempt %d reopened %v next %v", pr.Attempt, pr.Runbook.Reopened, pr.Current)
	}
}

// The demo stages as an engineer does: the spare port named shows the new
// phone (for a reopened position, its replacement) until the swap moves
// it to the position's port, so the staging check and verify both pass on
// the demo site, and the phone verified is the one staged.
func TestTheDemoStagesTheNewPhoneAndTheReplacement(t *testing.T) {
	r := newRig(t)
	r.run.OnStage = r.sw.OnStage
	ctx := context.Background()
	const label = "CS-01"
	stage := func() {
		t.Helper()
		rec, err := r.run.Record(ctx, "eng-a", "KX", label, "stage", Input{Outcome: runbook.OutcomePass, Value: "Gi1/0/48"})
		if err != nil || rec.Outcome != runbook.OutcomePass || rec.Check.Phone == nil {
			t.Fatalf("staging on Gi1/0/48: %v %s %+v", err, rec.Outcome, rec.Check)
		}
	}
	walkTo := func(stop string) runbook.Progress {
		t.Helper()
		for range 40 {
			pr, err := runbook.Steps(ctx, r.st, "KX", label)
			if err != nil {
				t.Fatal(err)
			}
			if pr.Current == nil || pr.Current.Key == stop {
				return pr
			}
			if _, err := r.run.Record(ctx, "eng-a", "KX", label, pr.Current.Key, answer(label, pr.Current.Key)); err != nil {
				t.Fatalf("%s: %v", pr.Current.Key, err)
			}
		}
		t.Fatalf("%s never came", stop)
		return runbook.Progress{}
	}
	walkTo("stage")
	stage()
	pr := walkTo("")
	st, _ := pr.Step("stage")
	v, _ := pr.Step("verify")
	if pr.Position.Status != site.StatusDone || v.Evidence.Phone.Serial != st.Evidence.Phone.Serial {
		t.Fatalf("the swap with staging: %s; staged %s, verified %s", pr.Position.Status, st.Evidence.Phone.Serial, v.Evidence.Phone.Serial)
	}
	first := v.Evidence.Phone.Serial
	if _, err := r.run.Record(ctx, "eng-a", "KX", label, "reopen", Input{Outcome: runbook.OutcomePass, Value: "handset cord cut"}); err != nil {
		t.Fatal(err)
	}
	walkTo("stage")
	stage()
	pr = walkTo("")
	st, _ = pr.Step("stage")
	v, _ = pr.Step("verify")
	if pr.Position.Status != site.StatusDone || v.Evidence.Phone.Serial != st.Evidence.Phone.Serial || v.Evidence.Phone.Serial == first {
		t.Fatalf("the replacement with staging: %s; staged %s, verified %s, first %s", pr.Position.Status,
			st.Evidence.Phone.Serial, v.Evidence.Phone.Serial, first)
	}
}

// A demo restarted after a replacement shows the replacement on the port,
// not the first phone: what the register holds there.
func TestTheDemoRestartedShowsTheReplacement(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	const label = "RC-01"
	r.walk(t, label)
	if _, err := r.run.Record(ctx, "eng-a", "KX", label, "reopen", Input{Outcome: runbook.OutcomePass, Value: "no dial tone"}); err != nil {
		t.Fatal(err)
	}
	pr := r.walk(t, label)
	v, _ := pr.Step("verify")
	want := v.Evidence.Phone.Serial
	data, err := os.ReadFile(filepath.Join("..", "testdata", "demo", "kx.json"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := laptop.StartDemoSwitches(ctx, data) // the demo started again on the same database
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if err := again.Record(ctx, r.st, "setup", "KX"); err != nil {
		t.Fatal(err)
	}
	if err := again.Restore(ctx, r.st, "KX"); err != nil {
		t.Fatal(err)
	}
	reading, err := r.run.Checker.Read(ctx, pr.Position)
	if err != nil {
		t.Fatal(err)
	}
	if len(reading.Phones) == 0 || reading.Phones[0].Serial != want {
		t.Errorf("after a restart the port shows %+v; want the replacement %s", reading.Phones, want)
	}
}
