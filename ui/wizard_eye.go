package ui

// What a check needs that it does not have: facts the switch does not
// report (confirmed by eye with e and a note) and SNMP credentials (asked
// for with the session's credentials form). Neither records anything.

import (
	"cutover/swap"
	"errors"
	"strings"

	"cutover/devices"
	"cutover/site/runbook"

	tea "github.com/charmbracelet/bubbletea"
)

const needCredsWords = "this check needs the switch's SNMP credentials: nothing was recorded; enter runs it once they are set"

// canConfirmByEye reports whether e may confirm by eye now: the step due's
// check just found nothing wrong but facts the switch does not report.
func (z *wizard) canConfirmByEye() bool {
	c := z.due()
	return z.eye != nil && c != nil && c.Kind == runbook.StepAuto && c.Check == z.eye.Check && !z.rollingBack()
}

// checkRefused acts on a check that recorded nothing for want of facts or
// credentials.
func (z *wizard) checkRefused(msg recordedMsg) tea.Cmd {
	switch {
	case errors.Is(msg.err, runbook.ErrNotReported) && msg.rec.Check != nil:
		// Nothing wrong, nothing recorded: what the switch does not
		// report is for the engineer's eye (e).
		z.eye = msg.rec.Check
		z.lastErr = "the switch does not report " + strings.Join(z.eye.Unreported, ", ") +
			": look at the port and the phone, then e confirms by eye with a note (recorded as not proven)"
	case errors.Is(msg.err, devices.ErrNoCredentials):
		z.lastErr = needCredsWords
		return z.sh.push(newCredsForm(z.sh))
	case errors.Is(msg.err, swap.ErrNoSwitchAddr):
		sw := z.pr.Position.Switch
		z.lastErr = "this laptop does not know where " + sw + " answers SNMP: nothing was recorded; enter runs the check once its address is given"
		return z.sh.push(newAddrForm(z.sh, z.code, sw, ""))
	}
	return nil
}

// addrSaved follows a switch's address being given after a check asked
// for it: the check can now be run.
func (z *wizard) addrSaved(msg addrSavedMsg) tea.Cmd {
	if msg.err != nil {
		return func() tea.Msg { return failed("recording the address of "+msg.name, msg.err) }
	}
	z.lastErr = ""
	if msg.byName {
		return note("%s will be read by its name: enter runs the check", msg.name)
	}
	return note("%s recorded at %s for site %s (it reaches the hub on the next sync): enter runs the check", msg.name, msg.addr, z.code)
}

// credsSet follows the session's credentials being set (the root hands
// them to the runner): a check that asked for them can now be run.
func (z *wizard) credsSet() tea.Cmd {
	if z.lastErr != needCredsWords {
		return nil
	}
	z.lastErr = ""
	return note("SNMP credentials set for this session: enter runs the check")
}
