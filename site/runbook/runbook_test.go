package runbook_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutover/internal/fieldtest"
	"cutover/site"
	"cutover/site/runbook"
)

// Issue 25 point 4: a runbook is built from the position. For every plan
// and role, with and without a DDI and an extension, no step asks for what
// the position does not have: no inbound call without a DDI (the step is
// there, marked not applicable, with the reason), no dash where a number
// should be, a test call that says what to dial, the PTT group recorded at
// its step, and on every plan the name of who accepted the change last.
func TestEveryRunbookAsksOnlyForWhatThePositionHas(t *testing.T) {
	for _, plan := range site.Plans {
		for _, role := range site.Roles {
			for _, ddi := range []string{"", "+442072301003"} {
				for _, ext := range []string{"", "31006"} {
					p := site.Position{Site: "KX", Label: "X-01", Plan: plan, Role: role, DDI: ddi, Extension: ext,
						LegacyModel: "Cisco 7941", TargetModel: "Avaya J179", Switch: "kx-sw1", Port: "Gi1/0/1", MAC: "00:1e:13:8c:90:07"}
					name := string(plan) + "/" + string(role) + "/ddi=" + ddi + "/ext=" + ext
					checkRunbook(t, name, p, runbook.RunbookFor(p))
				}
			}
		}
	}
}

func checkRunbook(t *testing.T, name string, p site.Position, rb runbook.Runbook) {
	t.Helper()
	last := rb.Steps[len(rb.Steps)-1]
	if last.Field != runbook.FieldContact {
		t.Errorf("%s: the last step is %s, want the sign-off of who accepted the change", name, last.Key)
	}
	for _, s := range rb.Steps {
		words := s.Title + " " + s.Instructions + " " + s.Dial
		if s.NotApplicable != "" {
			if !s.Skippable || s.Dial != "" || s.Yes != "" {
				t.Errorf("%s: step %s cannot apply (%s) but asks for an answer", name, s.Key, s.NotApplicable)
			}
			continue
		}
		if strings.Contains(words, "—") {
			t.Errorf("%s: step %s asks with a blank: %s", name, s.Key, words)
		}
		if p.DDI == "" && s.Field != runbook.FieldDDI && s.Field != runbook.FieldTeamsDDI &&
			(strings.Contains(words, "the position's DDI") || strings.Contains(words, "call ") && strings.Contains(words, "DDI")) {
			t.Errorf("%s: step %s asks for a DDI the position does not have: %s", name, s.Key, words)
		}
		if p.Extension == "" && strings.Contains(strings.ToLower(s.Instructions), "extension  ") {
			t.Errorf("%s: step %s names an empty extension: %s", name, s.Key, s.Instructions)
		}
		if s.Yes != "" && s.Dial == "" {
			t.Errorf("%s: test call %s does not say what to dial", name, s.Key)
		}
		if s.Key == "call_in" && p.DDI == "" {
			t.Errorf("%s: an inbound call to a position with no DDI is asked for", name)
		}
		if s.Key == "ptt_group" && (s.Kind != runbook.StepInput || s.Field != runbook.FieldPTTGroup) {
			t.Errorf("%s: the push-to-talk group is not recorded at its step (%s)", name, s.Kind)
		}
	}
}

// The inbound call of a door-access phone with no DDI is recorded as a
// skip, with its reason, the moment it comes due, without being asked;
// once the number step gives it a DDI, the call is due and says to dial it.
// The PTT group typed at its step is the install export's ptt_group.
func TestAStepThatCannotApplyIsRecordedNotAsked(t *testing.T) {
	ctx := context.Background()
	st := demo(t)
	pr, err := fieldtest.Do(st, "alice", "KX", "DA-01", "ddi", nil)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := pr.Step("call_in")
	if in.Outcome != runbook.OutcomeSkip || in.Note != "not applicable: the position has no DDI to call" || in.Engineer != "alice" {
		t.Fatalf("DA-01 call_in after the number step: %s %q by %s", in.Outcome, in.Note, in.Engineer)
	}
	if pr.Current == nil || pr.Current.Key != "told_after" { // a door is critical: the duty officer hears it works again
		t.Fatalf("DA-01 due after the number step: %+v", pr.Current)
	}
	pr, err = fieldtest.Do(st, "alice", "KX", "DA-02", "ddi", map[string]string{"ddi": "020 7230 1998"})
	if err != nil {
		t.Fatal(err)
	}
	if pr.Current == nil || pr.Current.Key != "call_in" || pr.Current.Dial != "dial 020 7230 1998 from an outside line" {
		t.Fatalf("DA-02 given a DDI: due %+v", pr.Current)
	}
	if _, err := fieldtest.Do(st, "alice", "KX", "PT-01", "", map[string]string{"ptt_group": "  CT  OPS 3 "}); err != nil {
		t.Fatal(err)
	}
	rows, err := runbook.ExportInstall(ctx, st, "KX")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Position == "PT-01" && r.PTTGroup != "CT OPS 3" {
			t.Fatalf("PT-01's install row has ptt_group %q", r.PTTGroup)
		}
	}
}

// demo is a real store holding the demo site.
func demo(t *testing.T) *site.Store {
	t.Helper()
	data, err := os.ReadFile("../../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	st, err := site.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), "t", inv, data, site.SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	return st
}

// Issue 25 point 5: a legacy DDI is ceasable with the carrier only once its
// position is done. RC-01 given a new DDI at its number step (step 9 of
// 15) keeps its legacy DDI off the cease list through the test calls; the
// sign-off puts it on.
func TestALegacyDDIIsCeasableOnlyOnceItsPositionIsDone(t *testing.T) {
	ctx := context.Background()
	st := demo(t)
	ceased := func() (bool, string) {
		t.Helper()
		n, err := runbook.ExportNumbers(ctx, st, "KX")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range n.Rows {
			if r.Position == "RC-01" {
				return r.Cease, r.Fate
			}
		}
		t.Fatal("no RC-01 row")
		return false, ""
	}
	values := map[string]string{"ddi": "020 7230 1997"}
	for _, through := range []string{"ddi", "call_internal", "disposition"} {
		if _, err := fieldtest.Do(st, "alice", "KX", "RC-01", through, values); err != nil {
			t.Fatal(err)
		}
		if cease, fate := ceased(); cease || fate != "replaced" {
			t.Fatalf("RC-01 through %s: cease %v, fate %s; want replaced, not ceasable before done", through, cease, fate)
		}
	}
	pr, err := fieldtest.Do(st, "alice", "KX", "RC-01", "", values)
	if err != nil || pr.Position.Status != site.StatusDone {
		t.Fatalf("RC-01: %s %v", pr.Position.Status, err)
	}
	if cease, _ := ceased(); !cease {
		t.Fatal("RC-01 done with a new DDI: its legacy DDI is not ceasable")
	}
}
