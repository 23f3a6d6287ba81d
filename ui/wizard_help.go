package ui

// The wizard's help: the footer's keys and the overlay's, both for what the
// keys do at this point of the runbook.

import (
	"cutover/site/runbook"

	"github.com/charmbracelet/bubbles/key"
)

// ShortHelp implements help.KeyMap: only the keys that do something now.
func (z *wizard) ShortHelp() []key.Binding {
	if z.prompt != promptNone {
		ks := []key.Binding{withHelp(z.keys.Submit, z.prompt.submitWord())}
		if z.prompt.takesValue() && z.canSkipNow() {
			ks = append(ks, z.keys.SkipTyping)
		}
		if z.known && z.prompt.takesValue() {
			ks = append(ks, z.keys.Override)
		}
		if z.offered() != "" && z.input.Value() == "" {
			ks = append(ks, z.keys.TakeLast)
		}
		return append(ks, z.keys.Cancel)
	}
	if l := z.looked(); l != nil {
		ks := []key.Binding{z.keys.Up, z.keys.Down}
		if l.Correctable() {
			ks = append(ks, z.keys.Correct)
		}
		return append(ks, withHelp(z.keys.Back, "back to the step due"))
	}
	var ks []key.Binding
	c := z.due()
	switch {
	case z.rollingBack() && c == nil:
		ks = append(ks, withHelp(z.keys.Do, "record the rollback"))
	case c == nil && z.pr.Restartable:
		ks = append(ks, withHelp(z.keys.Do, "start again"), nextKey)
	case c == nil && z.pr.Mode == runbook.ModeFinished:
		ks = append(ks, nextKey)
		if z.pr.Reopenable && z.sh.readOnly == "" {
			ks = append(ks, z.keys.Reopen)
		}
	case c == nil:
	case z.failedNow():
		ks = append(ks, z.keys.Retry)
	default:
		ks = append(ks, z.doBinding(c))
	}
	if z.canConfirmByEye() {
		ks = append(ks, z.keys.ByEye)
	}
	if c != nil && c.Kind != runbook.StepAuto && !z.failedNow() {
		ks = append(ks, z.keys.Fail)
	}
	if z.canSkipNow() {
		ks = append(ks, z.keys.Skip)
	}
	if z.lastCorrectable() != nil {
		ks = append(ks, withHelp(z.keys.Correct, "correct the value just recorded"))
	}
	if z.canRollback() {
		ks = append(ks, z.keys.Rollback)
	}
	ks = append(ks, z.keys.Up)
	if z.rollingBack() {
		return append(ks, withHelp(z.keys.Back, "cancel the rollback"))
	}
	if z.waiting() {
		return append(ks, withHelp(z.keys.Back, "stop checking again"))
	}
	return append(ks, z.keys.Back)
}

// FullHelp implements help.KeyMap.
// It lists what the keys do now, as the footer does, with ↓ added: the
// actions on the step due, then moving through the steps and esc.
func (z *wizard) FullHelp() [][]key.Binding {
	short := z.ShortHelp()
	if z.prompt != promptNone {
		return [][]key.Binding{short}
	}
	var acts, moves []key.Binding
	down := false
	for _, b := range short {
		switch b.Help().Key {
		case z.keys.Up.Help().Key:
			moves = append(moves, b)
		case z.keys.Down.Help().Key:
			moves, down = append(moves, b), true
		case z.keys.Back.Help().Key:
			if !down {
				moves, down = append(moves, z.keys.Down), true
			}
			moves = append(moves, b)
		default:
			acts = append(acts, b)
		}
	}
	return [][]key.Binding{acts, moves}
}
