package ui

// The wizard's keys on the steps, with no prompt open: moving through
// them, and what each key does on the step due or the one looked back at.

import (
	"cutover/site/runbook"
	"cutover/swap"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func (z *wizard) stepKey(msg tea.KeyMsg) tea.Cmd {
	rows := z.rows()
	switch {
	case key.Matches(msg, z.keys.Up):
		z.moveCursor(rows, -1)
		return nil
	case key.Matches(msg, z.keys.Down):
		z.moveCursor(rows, +1)
		return nil
	case key.Matches(msg, z.keys.Back):
		switch {
		case z.waiting():
			return z.stopWaiting()
		case z.looked() != nil:
			z.cursor = -1
		case z.rollingBack():
			z.flow = setup{}
			return note("%s: rollback cancelled; nothing was recorded", z.label)
		case z.mustExplainLeaving():
			// A critical position is not left dark silently.
			return z.ask(promptLeaveDark, nil)
		default:
			return z.sh.pop()
		}
		return nil
	}
	if z.sh.readOnly != "" && key.Matches(msg, z.keys.Do, z.keys.Answered, z.keys.Fail, z.keys.Skip, z.keys.SkipTyping, z.keys.Retry,
		z.keys.Rollback, z.keys.Correct, z.keys.Override, z.keys.ByEye) {
		z.lastErr = z.sh.readOnlyRefusal()
		return nil
	}
	if l := z.looked(); l != nil {
		if key.Matches(msg, z.keys.Correct) {
			if !l.Correctable() {
				z.lastErr = "only a scanned or typed value (serial, asset tag, condition, number) recorded in this attempt can be corrected"
				return nil
			}
			z.flow = setup{correctKey: l.Key}
			return z.ask(promptCorrectValue, l)
		}
		if key.Matches(msg, z.keys.Do) {
			z.cursor = -1 // Enter on an earlier step goes back to the one due
		}
		return nil
	}
	if key.Matches(msg, z.keys.Correct) {
		if i := z.lastCorrectable(); i != nil {
			z.cursor = *i // the value just recorded, looked back at and corrected
			z.flow = setup{correctKey: z.rows()[*i].Key}
			return z.ask(promptCorrectValue, z.rows()[*i])
		}
	}
	c := z.due()
	switch {
	case c == nil && key.Matches(msg, nextKey) && z.pr.Mode == runbook.ModeFinished:
		return nextPositionCmd(z.sh, z.code, z.label)
	case c == nil && key.Matches(msg, z.keys.Rollback) && !z.rollingBack():
		z.lastErr = z.noRollback()
		return nil
	case c == nil && key.Matches(msg, z.keys.Reopen) && z.pr.Mode == runbook.ModeFinished:
		return z.reopen()
	case key.Matches(msg, z.keys.Reopen) && z.pr.Mode != runbook.ModeFinished:
		return z.reopen() // says why a position not done is not reopened
	case c == nil:
		if !key.Matches(msg, z.keys.Do) {
			return nil
		}
		if z.rollingBack() {
			return z.record("rb_reason", swap.Input{Outcome: runbook.OutcomePass, Value: z.flow.rollbackReason}, "recording the rollback…")
		}
		if z.pr.Restartable && len(z.pr.Steps) > 0 {
			return z.do(&z.pr.Steps[0])
		}
	case key.Matches(msg, z.keys.ByEye) && z.canConfirmByEye():
		return z.ask(promptByEye, c)
	case key.Matches(msg, z.keys.Rollback) && z.canRollback():
		z.flow = setup{}
		return z.ask(promptRollbackKind, nil)
	case key.Matches(msg, z.keys.Retry) && z.failedNow():
		z.retrying, z.lastErr = true, ""
		if c.Kind == runbook.StepInput {
			return z.openPrompt()
		}
	case key.Matches(msg, z.keys.Answered) && c.Yes != "" && !z.failedNow():
		return z.answered(c)
	case key.Matches(msg, z.keys.Do) && c.Yes != "" && !z.failedNow():
		z.lastErr = "a test call is answered with one key: y (" + c.Yes + ") or f (it did not, with a note); enter records nothing here"
		return nil
	case key.Matches(msg, z.keys.Do) && !z.failedNow():
		return z.do(c)
	case key.Matches(msg, z.keys.Fail) && c.Kind != runbook.StepAuto && !z.failedNow():
		return z.ask(promptFail, c)
	case key.Matches(msg, z.keys.Skip, z.keys.SkipTyping):
		if err := c.CanSkip(); err != nil {
			z.lastErr = err.Error()
			return z.ask(promptRefused, c)
		}
		if z.rollingBack() {
			return nil
		}
		return z.ask(promptSkip, c)
	}
	return nil
}

func (z *wizard) moveCursor(rows []*runbook.StepState, by int) {
	if len(rows) == 0 {
		return
	}
	at := z.cursor
	if at < 0 {
		at = len(rows) // nothing due: ↑ lands on the last step
		if d := z.due(); d != nil {
			for i, r := range rows {
				if r.Key == d.Key {
					at = i
				}
			}
		}
	}
	z.cursor = clamp(at+by, 0, len(rows)-1)
	z.lastErr = ""
}
