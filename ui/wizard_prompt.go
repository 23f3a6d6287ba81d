package ui

import (
	"strings"

	"cutover/assets"
	"cutover/site/runbook"
	"cutover/swap"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// prompt is what the wizard is asking for.
type prompt int

const (
	promptNone          prompt = iota
	promptValue                // an input step's value, scanned or typed (or picked from a list)
	promptWTN                  // the waste transfer note, after picking WEEE
	promptLost                 // how a handset picked as lost was lost
	promptFail                 // the note for a failure
	promptSkip                 // the reason for a skip
	promptOverride             // the note for recording a handset the register knows elsewhere
	promptRollbackKind         // failed or blocked
	promptRollbackWords        // what happened
	promptCorrectValue         // the value a correction records
	promptCorrectReason        // why it is corrected
	promptByEye                // what the engineer saw of the facts the switch does not report
	promptLeaveDark            // why a critical position is left without a phone
	promptSparePort            // the spare port the new phone is staged on
	promptReopen               // why a done position is reopened to replace its phone
	// promptRefused says why a key was refused (a skip the SNMP proof
	// forbids); until esc or Enter, printable keys are swallowed, so
	// words typed on regardless never act as commands.
	promptRefused
)

// takesValue reports whether the prompt takes a step's value (so a skip or
// an override can be asked for from it).
func (p prompt) takesValue() bool { return p == promptValue }

func (p prompt) submitWord() string {
	switch p {
	case promptRollbackKind:
		return "pick"
	case promptRollbackWords:
		return "show the rollback steps"
	case promptCorrectValue:
		return "next: the reason"
	case promptRefused:
		return "go on"
	case promptLeaveDark:
		return "record and leave"
	case promptSparePort:
		return "read the port"
	case promptReopen:
		return "reopen"
	}
	return "record"
}

// question is the prompt's own words.
func (z *wizard) question() string {
	switch z.prompt {
	case promptWTN:
		return "Waste transfer note reference: "
	case promptLost:
		return "Lost. How was it lost (kept as its note)? "
	case promptFail:
		return "What went wrong? "
	case promptSkip:
		return "Why skip it? "
	case promptOverride:
		return "Why is it this handset (e.g. relabelled)? "
	case promptRollbackKind:
		return "Why roll back? Pick one:"
	case promptRollbackWords:
		return "What happened? "
	case promptCorrectValue:
		return "Corrected value: "
	case promptCorrectReason:
		return "Why correct it? "
	case promptByEye:
		return "What did you see (PoE light, the phone's VLAN…)? "
	case promptLeaveDark:
		return "It is critical and not proven working yet: why leave it so? "
	case promptSparePort:
		return "Spare port the new phone is plugged into: "
	case promptReopen:
		return "Reopen to replace its phone. What is wrong with it? "
	case promptRefused:
		return ""
	}
	return "› "
}

// choicesFor is the list an input step's value is picked from, if any.
func choicesFor(f runbook.Field) []option {
	switch f {
	case runbook.FieldCondition:
		desc := map[string]string{"good": "works and is clean: reusable", "worn": "works, marked or scuffed",
			"damaged": "physically damaged", "faulty": "does not work"}
		var out []option
		for _, c := range assets.Conditions {
			out = append(out, option{word: c, desc: desc[c]})
		}
		return out
	case runbook.FieldDisposition:
		return []option{{"store", "back to stores for reuse (factory-reset it first)"},
			{"weee", "WEEE disposal: the waste transfer note reference next"}, {"lost", "not found or not recoverable: how, in a note, next"}}
	}
	return nil
}

// choicesForStep is the list a step's value is picked from: its field's,
// in the words of the step (a phone taken out of a reopened position goes
// to stores for repair, not for reuse).
func choicesForStep(s runbook.Step) []option {
	opts := choicesFor(s.Field)
	if s.Key == runbook.StepFaultyDisposition {
		for i := range opts {
			if opts[i].word == "store" {
				opts[i].desc = "back to stores, for repair or return to the supplier"
			}
		}
	}
	return opts
}

var rollbackKinds = []option{{"failed", "the swap itself went wrong"},
	{"blocked", "something outside the swap stops it: PoE budget, stock, access"}}

// openPrompt opens the prompt the step due takes, if it takes a value.
func (z *wizard) openPrompt() tea.Cmd {
	c := z.due()
	if c == nil || c.Kind != runbook.StepInput || z.failedNow() || z.sh.readOnly != "" {
		z.closePrompt()
		return nil
	}
	return z.ask(promptValue, c)
}

// ask opens a prompt, empty, for step s (nil for a rollback's reason).
func (z *wizard) ask(p prompt, s *runbook.StepState) tea.Cmd {
	z.prompt, z.selected, z.pick, z.keyed = p, false, nil, false
	z.input.Reset()
	z.input.Prompt = z.question()
	z.input.Placeholder = ""
	switch p {
	case promptValue, promptCorrectValue:
		if opts := choicesForStep(s.Step); opts != nil {
			z.pick = newChoice(opts)
			z.input.Blur()
			return nil
		}
		z.input.Placeholder = s.Hint
		if s.Suggested != "" && p == promptValue {
			z.input.Placeholder = s.Suggested + "  (enter takes it)"
		}
		if v := z.offered(); v != "" {
			z.input.Placeholder = v + "  (tab takes it)"
		}
	case promptRollbackKind:
		z.pick = newChoice(rollbackKinds)
		z.input.Blur()
		return nil
	case promptWTN:
		if v := z.offered(); v != "" {
			z.input.Placeholder = v + "  (tab takes it)"
		}
	}
	return z.input.Focus()
}

func (z *wizard) closePrompt() {
	z.prompt, z.selected, z.pick = promptNone, false, nil
	z.input.Blur()
	z.input.Reset()
}

// refuse leaves the prompt open with what was typed selected, so the next
// scan or word replaces it.
func (z *wizard) refuse() {
	if z.pick != nil {
		z.pick.refuse()
		return
	}
	z.selected = z.input.Value() != ""
}

func (z *wizard) promptKey(msg tea.KeyMsg) tea.Cmd {
	if z.prompt == promptRefused {
		if msg.Type == tea.KeyEnter || msg.Type == tea.KeyEsc {
			z.closePrompt()
			z.lastErr = ""
		}
		return nil // anything else typed is swallowed
	}
	switch {
	case key.Matches(msg, z.keys.Cancel):
		return z.cancelPrompt()
	case key.Matches(msg, z.keys.SkipTyping) && z.prompt.takesValue():
		if c := z.due(); c != nil && c.CanSkip() == nil {
			return z.ask(promptSkip, c)
		}
		return nil
	case key.Matches(msg, z.keys.TakeLast) && z.pick == nil && z.input.Value() == "" && z.offered() != "":
		z.input.SetValue(z.offered()) // shown in the prompt; Enter records it
		z.input.CursorEnd()
		z.keyed = z.keyed || !z.replaying
		return nil
	case key.Matches(msg, z.keys.Override) && z.prompt.takesValue() && z.known:
		z.flow.overrideValue = z.typedValue()
		return z.ask(promptOverride, z.due())
	}
	if msg.Type == tea.KeyEnter && z.prompt == promptValue && z.unseen(z.keyed) {
		z.refuseUnseen(z.due())
		return nil
	}
	if msg.Type != tea.KeyEnter && !z.replaying {
		z.keyed = true
	}
	if z.pick != nil {
		if z.pick.key(msg) {
			return z.submitPick()
		}
		return nil
	}
	if msg.Type == tea.KeyEnter {
		return z.submit(z.input.Value())
	}
	if z.selected {
		switch msg.Type {
		case tea.KeyRunes, tea.KeySpace, tea.KeyBackspace, tea.KeyDelete:
			z.input.SetValue("") // the refused text gives way to what comes next
		}
		z.selected = false
		if msg.Type == tea.KeyBackspace || msg.Type == tea.KeyDelete {
			return nil
		}
	}
	var cmd tea.Cmd
	z.input, cmd = z.input.Update(msg)
	return cmd
}

func (z *wizard) typedValue() string {
	if z.pick != nil {
		return z.pick.picked()
	}
	return z.input.Value()
}

// cancelPrompt closes the prompt; a rollback or correction being set up is
// dropped with it, and nothing is written.
func (z *wizard) cancelPrompt() tea.Cmd {
	was := z.prompt
	z.closePrompt()
	z.lastErr, z.known = "", false
	switch was {
	case promptRollbackKind, promptRollbackWords:
		z.flow = setup{}
		return note("%s: rollback cancelled; nothing was recorded", z.label)
	case promptCorrectValue, promptCorrectReason:
		z.flow = setup{}
		return note("%s: correction cancelled; nothing was recorded", z.label)
	case promptOverride:
		z.flow.overrideValue = ""
	}
	return nil
}

// sameValue reports whether v, as the step would keep it, is the value
// the step holds already.
func sameValue(s *runbook.StepState, v string) bool {
	got, err := s.Validate(v)
	if s.Field == runbook.FieldDisposition && strings.EqualFold(strings.TrimSpace(v), "weee") {
		return false // the reference comes next
	}
	return err == nil && strings.EqualFold(got, s.Value)
}

// submitPick acts on Enter in a list: nothing is picked for the engineer.
func (z *wizard) submitPick() tea.Cmd {
	v := z.pick.picked()
	if v == "" {
		z.lastErr = "nothing is picked: move to an answer with ↑/↓ or type its first letter, then press enter"
		return nil
	}
	return z.submit(v)
}

// submit acts on Enter in a prompt.
func (z *wizard) submit(v string) tea.Cmd {
	c := z.due()
	switch z.prompt {
	case promptLeaveDark:
		return z.leaveDark(v)
	case promptReopen:
		why, err := runbook.ValidateReopen(v)
		if err != nil {
			z.lastErr = errText("", err)
			z.refuse()
			return nil
		}
		return z.record(runbook.StepReopen, swap.Input{Outcome: runbook.OutcomePass, Value: why}, "reopening "+z.label+"…")
	case promptRollbackKind:
		z.flow.rollbackKind = strings.ToLower(strings.TrimSpace(v))
		if z.flow.rollbackKind != "failed" && z.flow.rollbackKind != "blocked" {
			z.lastErr = "pick failed or blocked"
			z.pick.refuse()
			return nil
		}
		return z.ask(promptRollbackWords, nil)
	case promptRollbackWords:
		reason := z.flow.rollbackKind + ": " + v
		if _, _, err := runbook.ParseReason(reason); err != nil {
			z.lastErr = err.Error()
			z.refuse()
			return nil
		}
		z.flow.rollbackReason, z.lastErr = reason, ""
		z.closePrompt()
		return nil
	case promptCorrectValue:
		if strings.TrimSpace(v) == "" {
			z.lastErr = "type or scan the corrected value"
			return nil
		}
		if l := z.looked(); l != nil && sameValue(l, v) {
			// Refused now, before a reason is asked for.
			z.lastErr = "that is the value recorded already: nothing to correct; type or scan the right one, or esc"
			z.refuse()
			return nil
		}
		z.flow.correctValue, z.lastErr = v, ""
		if l := z.looked(); l != nil && l.Field == runbook.FieldDisposition && strings.EqualFold(strings.TrimSpace(v), "weee") {
			return z.ask(promptWTN, l)
		}
		return z.ask(promptCorrectReason, nil)
	case promptCorrectReason:
		if z.sh.runner == nil {
			return func() tea.Msg { return failed("correcting step "+z.flow.correctKey, errNoRunner) }
		}
		z.busy, z.lastErr, z.known = "recording the correction…", "", false
		z.input.Blur()
		return tea.Batch(correctCmd(z.sh, z.code, z.label, z.flow.correctKey, z.flow.correctValue, v, false), z.sh.spin(z.spin))
	}
	if z.prompt == promptWTN && z.flow.correctKey != "" {
		z.flow.correctValue = "weee " + v
		return z.ask(promptCorrectReason, nil)
	}
	if c == nil {
		return nil
	}
	in := swap.Input{Outcome: runbook.OutcomePass, Value: v}
	switch z.prompt {
	case promptValue:
		if c.Field == runbook.FieldDisposition && strings.EqualFold(strings.TrimSpace(v), "weee") {
			return z.ask(promptWTN, c)
		}
		if c.Field == runbook.FieldDisposition && strings.EqualFold(strings.TrimSpace(v), "lost") {
			return z.ask(promptLost, c)
		}
	case promptLost:
		in = swap.Input{Outcome: runbook.OutcomePass, Value: "lost", Note: v}
	case promptWTN:
		in.Value = "weee " + v
	case promptFail:
		in = swap.Input{Outcome: runbook.OutcomeFail, Note: v}
	case promptSkip:
		in = swap.Input{Outcome: runbook.OutcomeSkip, Note: v}
	case promptOverride:
		in = swap.Input{Outcome: runbook.OutcomePass, Value: z.flow.overrideValue, Note: v, Override: true}
	case promptSparePort:
		if err := runbook.SparePort(z.pr.Position, strings.TrimSpace(v)); err != nil {
			z.lastErr = err.Error()
			z.refuse()
			return nil
		}
		return z.record(c.Key, swap.Input{Outcome: runbook.OutcomePass, Value: strings.TrimSpace(v)}, "reading "+strings.TrimSpace(v)+" for the new phone…")
	case promptByEye:
		if strings.TrimSpace(v) == "" {
			z.lastErr = "say what you saw: a confirmation by eye is recorded with its note"
			return nil
		}
		// The check runs again as it is recorded: the switch is read anew.
		return z.record(c.Key, swap.Input{Outcome: runbook.OutcomePass, ByEye: true, Note: v}, "running the SNMP check and recording what you confirmed…")
	}
	if z.rollingBack() {
		in.RollbackReason = z.flow.rollbackReason // the reason is recorded with the rollback's first step
	}
	return z.record(c.Key, in, "recording "+c.Title+"…")
}
