package laptop

import (
	"testing"

	"cutover/site"
	"cutover/site/runbook"
)

// A position in progress needs attention by what its runbook says: a
// rollback half done names the step to do next; a runbook going well does
// not.
func TestRollbackHalfDoneNeedsAttention(t *testing.T) {
	pr := runbook.Progress{Position: site.Position{Label: "CS-01"}, Mode: runbook.ModeRollback,
		Current: &runbook.StepState{Step: runbook.Step{Title: "Reconnect the legacy handset"}}}
	it, ok := InProgressProblem(pr)
	if !ok || it.Kind != Rollback || it.Text != "rollback half done: next Reconnect the legacy handset" {
		t.Fatalf("%+v %v", it, ok)
	}
	pr = runbook.Progress{Position: site.Position{Label: "CS-01"}, Mode: runbook.ModeSwap,
		Steps: []runbook.StepState{{Step: runbook.Step{Title: "Scan"}, Outcome: runbook.OutcomePass}}}
	if _, ok := InProgressProblem(pr); ok {
		t.Fatal("a runbook going well needs attention")
	}
}

// A failed step of a position in progress needs attention, with its note.
func TestFailedStepNeedsAttention(t *testing.T) {
	pr := runbook.Progress{Position: site.Position{Label: "FC-01"}, Mode: runbook.ModeSwap,
		Steps: []runbook.StepState{{Step: runbook.Step{Title: "Scan the legacy handset"}, Outcome: runbook.OutcomeFail, Note: "sticker unreadable"}}}
	it, ok := InProgressProblem(pr)
	if !ok || it.Kind != Failed || it.Glyph != "✗" || it.Text != "in progress, step failed: Scan the legacy handset: sticker unreadable" {
		t.Fatalf("%+v %v", it, ok)
	}
}
