package ui

import (
	"strings"

	"cutover/internal/safetext"
	"cutover/site/runbook"
	"cutover/swap"

	tea "github.com/charmbracelet/bubbletea"
)

// Test call steps (call in, out, internal; the recorder and call logging
// checks): each shows what to dial or look up, and is answered with the one
// key that says what happened, y when it worked, f when it did not (with a
// note), never with the Enter that answers every other step.

// answered records a test call that worked, once the step has been on
// screen long enough for the call to have been made.
func (z *wizard) answered(c *runbook.StepState) tea.Cmd {
	if z.unseen(false) {
		z.refuseUnseen(c)
		return nil
	}
	in := swap.Input{Outcome: runbook.OutcomePass}
	if z.rollingBack() {
		in.RollbackReason = z.flow.rollbackReason
	}
	return z.record(c.Key, in, "recording "+c.Title+"…")
}

// dialView is the test call's line: what to dial, and the keys that answer.
func (z *wizard) dialView(b *strings.Builder, c *runbook.StepState, w int) {
	if c.Dial == "" {
		return
	}
	st := z.sh.st
	wrap := st.r.NewStyle().Width(w)
	b.WriteString(wrap.Render(st.Bold.Render("☎ "+safetext.Line(c.Dial))) + "\n")
	if c.Yes != "" && !z.failedNow() && z.prompt == promptNone && z.busy == "" {
		b.WriteString(wrap.Render(st.Faint.Render("y: "+safetext.Line(c.Yes)+" · f: it did not, saying what happened")) + "\n")
	}
}
