package ui

// A critical position's dark timer in the wizard (issue 29): from the step
// that takes its legacy handset out of service until the new phone is
// proven, the header counts the minutes against the position's target,
// graded in words past two thirds and past the target; leaving the wizard
// while it is dark asks why, and the reason is recorded.

import (
	"fmt"
	"strings"
	"time"

	"cutover/internal/safetext"
	"cutover/site/runbook"

	tea "github.com/charmbracelet/bubbletea"
)

// wizDarkTickMsg redraws the wizard's dark timer once a second.
type wizDarkTickMsg struct {
	code, label string
	seq         int
}

// leftDarkMsg follows recording why a position is left dark.
type leftDarkMsg struct {
	code, label string
	err         error
}

// continuity is the position's dark time as this laptop's results give it,
// counted to the wall clock.
func (z *wizard) continuity() runbook.Continuity {
	return runbook.ContinuityOf(z.pr, z.sh.wall())
}

// darkLine is the header's line for a critical position: its timer while
// dark ("CS-01 dark 06:12 of 15:00"), what it was once proven, or its
// target before the swap; "" for other positions.
func (z *wizard) darkLine() string {
	c := z.continuity()
	if !c.Critical {
		return ""
	}
	st := z.sh.st
	if len(c.Periods) == 0 {
		return st.Faint.Render(wrapTo(fmt.Sprintf("☎ critical: at most %s without a phone, counted from the swap until verify and the inbound call pass",
			runbook.Clock(c.Target)), z.w))
	}
	line := wrapTo("☎ "+safetext.Line(z.label)+" "+c.Words(), z.w)
	switch {
	case c.Level() == runbook.DarkOver:
		return st.Err.Render(line)
	case c.Level() == runbook.DarkWarn && c.DarkNow():
		return st.Warn.Render(line)
	}
	return line
}

// darkTick keeps the timer counting while the position is dark.
func (z *wizard) darkTick() tea.Cmd {
	z.darkSeq++
	if !z.sh.animate || !z.continuity().DarkNow() {
		return nil
	}
	code, label, seq := z.code, z.label, z.darkSeq
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return wizDarkTickMsg{code: code, label: label, seq: seq} })
}

// mustExplainLeaving reports whether leaving now needs a reason: the
// position is critical and dark, and no reason was given in this visit.
func (z *wizard) mustExplainLeaving() bool {
	return z.loaded && !z.darkExplained && z.sh.readOnly == "" && z.continuity().DarkNow()
}

// leaveDark records why the position is left dark, then leaves.
func (z *wizard) leaveDark(reason string) tea.Cmd {
	if strings.TrimSpace(reason) == "" {
		z.lastErr = "say why " + z.label + " is left without a phone (esc stays)"
		return nil
	}
	z.busy, z.lastErr = "recording why "+z.label+" is left dark…", ""
	z.input.Blur()
	ctx, store, engineer, code, label := z.sh.ctx, z.sh.store, z.sh.engineer, z.code, z.label
	return tea.Batch(func() tea.Msg {
		return leftDarkMsg{code: code, label: label, err: runbook.LeaveDark(ctx, store, engineer, code, label, reason)}
	}, z.sh.spin(z.spin))
}

// leftDark leaves the wizard once the reason is recorded.
func (z *wizard) leftDark(msg leftDarkMsg) tea.Cmd {
	z.busy = ""
	if msg.err != nil {
		z.lastErr = errText(z.label, msg.err)
		z.refuse()
		return nil
	}
	z.darkExplained = true
	z.closePrompt()
	c := z.continuity()
	return tea.Batch(z.sh.pop(), note("%s left dark (%s so far); the reason is recorded", z.label, runbook.Clock(c.Dark)))
}
