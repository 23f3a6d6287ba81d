package ui

import (
	"fmt"
	"strings"

	"cutover/internal/safetext"
	"cutover/site"
	"cutover/site/runbook"

	"github.com/charmbracelet/lipgloss"
)

// stepMark is a step's state as a symbol, never by colour alone.
func stepMark(st *styles, s runbook.StepState, due bool) string {
	switch {
	case due && s.Outcome == runbook.OutcomeFail:
		return st.Err.Render("✗▸")
	case due:
		return st.Accent.Render(" ▸")
	case s.Outcome == runbook.OutcomePass:
		return st.OK.Render(" ✓")
	case s.Outcome == runbook.OutcomeFail:
		return st.Err.Render(" ✗")
	case s.Outcome == runbook.OutcomeSkip:
		return st.Warn.Render(" »")
	}
	return st.Faint.Render(" ·")
}

func (z *wizard) View() string {
	st := z.sh.st
	if !z.loaded {
		return "loading the runbook of " + safetext.Line(z.label) + "…"
	}
	p := z.pr.Position
	// The header wraps between its parts, never inside one.
	parts := []string{fmt.Sprintf("%s  %s  %d of %d steps", st.Bold.Render(safetext.Line(p.Label)), st.status(p.Status, 0),
		z.pr.Done, z.pr.Total), fmt.Sprintf("attempt %d", max(z.pr.Attempt, 1)), planWord(p.Plan), roleWord(p.Role),
		safetext.Line(p.Location())}
	if n := z.pr.Number.String(); n != "" {
		parts = append(parts, "DDI now: "+n)
	}
	head := wrapParts(parts, " · ", z.w)
	if l := z.darkLine(); l != "" {
		head += "\n" + l
	}
	if v := z.hub; v.Known && (len(v.Disputes) > 0 || len(v.Overruled) > 0) {
		head += "\n" + st.Warn.Render(wrapTo(fmt.Sprintf("⇄ on the hub: %s · %d disputed · %d of this laptop's values overruled or disputed (the position's detail says which)",
			statusWord(v.Status), len(v.Disputes), len(v.Overruled)), z.w))
	}
	listW := clamp(z.w/3, 26, 40)
	left := z.stepList(listW, z.h-2-strings.Count(head, "\n"))
	rightW := max(z.w-listW-3, 20)
	// Every line of the panel wraps to its width: one line wider would
	// widen the whole panel past the screen's edge.
	right := st.r.NewStyle().Width(rightW).Render(strings.TrimSuffix(z.stepPanel(rightW), "\n"))
	body := lipgloss.JoinHorizontal(lipgloss.Top, st.r.NewStyle().Width(listW).Render(left), "   ", right)
	return head + "\n\n" + body
}

func (z *wizard) stepPanel(w int) string {
	st := z.sh.st
	wrap := st.r.NewStyle().Width(w)
	var b strings.Builder
	if l := z.looked(); l != nil {
		z.lookBack(&b, l, w)
	} else {
		if line := z.recordedLine(); line != "" {
			b.WriteString(wrap.Render(st.OK.Render("✓ ")+line) + "\n\n")
		}
		z.duePanel(&b, w)
	}
	if z.lastErr != "" {
		b.WriteString("\n" + wrap.Render(st.Err.Render("✗ Not recorded: ")+safetext.Terminal(z.lastErr, true)) + "\n")
		if z.known && z.prompt.takesValue() {
			b.WriteString(wrap.Render("ctrl+o records it anyway with a note (a relabelled handset): the supervisor is told.") + "\n")
		}
	}
	if z.last != nil && z.looked() == nil {
		b.WriteString("\n" + st.Header.Render("Last result") + "\n")
		line := fmt.Sprintf("%s %s: %s", outcomeMark(st, z.last.Outcome), z.last.Step, z.last.Outcome)
		if z.last.Corrected {
			line += " (correction)"
		}
		if z.last.Value != "" {
			line += " · " + safetext.Line(z.last.Value)
		}
		b.WriteString(wrap.Render(line) + "\n")
	}
	if obs := z.evidence(); obs != nil {
		b.WriteString("\n" + st.Header.Render("What SNMP saw") + "\n")
		b.WriteString(z.observation(obs, w))
	}
	return b.String()
}

// recordedLine says the value just recorded, and how to put it right:
// "recorded: FCH1234ABCD · c corrects" ("" when the last result kept no
// value).
func (z *wizard) recordedLine() string {
	if z.last == nil || z.last.Value == "" || z.last.Outcome != runbook.OutcomePass {
		return ""
	}
	v := z.last.Value
	if s, ok := z.pr.Step(z.last.Step); ok && s.Field == runbook.FieldDisposition {
		if d, err := runbook.ParseDisposition(v); err == nil { // "returned to store", not returned_to_store
			v = d.State.Words()
			if d.WTNRef != "" {
				v += ", waste transfer note " + d.WTNRef
			}
		}
	}
	line := "recorded: " + safetext.Line(v)
	if z.last.Corrected {
		line = "corrected to: " + safetext.Line(v)
	}
	switch {
	case z.lastCorrectable() == nil:
	case z.prompt != promptNone:
		line += " · esc, then c corrects it" // c would be typed into the prompt
	default:
		line += " · c corrects"
	}
	return line
}

func outcomeMark(st *styles, o runbook.Outcome) string {
	switch o {
	case runbook.OutcomeFail:
		return st.Err.Render("✗")
	case runbook.OutcomeSkip:
		return st.Warn.Render("»")
	}
	return st.OK.Render("✓")
}

// duePanel shows the step due: what to do, the prompt, and its history.
func (z *wizard) duePanel(b *strings.Builder, w int) {
	st := z.sh.st
	wrap := st.r.NewStyle().Width(w)
	c := z.due()
	if z.rollingBack() {
		b.WriteString(wrap.Render(st.Warn.Render("↺ Rolling back")+": "+safetext.Line(z.flow.rollbackReason)) + "\n")
		b.WriteString(wrap.Render(st.Faint.Render("Nothing is recorded until you do the next step; esc cancels the rollback.")) + "\n\n")
		if c == nil {
			b.WriteString(wrap.Render(fmt.Sprintf("The legacy handset was not unplugged, so nothing needs putting back. Enter records the rollback: the position becomes %s.", z.flow.rollbackKind)) + "\n")
			return
		}
	}
	if c == nil {
		p := z.pr.Position
		switch p.Status {
		case site.StatusDone:
			b.WriteString(st.OK.Render("● Done: every step is recorded.") + "\n")
			b.WriteString(wrap.Render("n goes to the next position to do (on today's list, when you made one with t).") + "\n")
		default:
			b.WriteString(wrap.Render(st.status(p.Status, 0)+"  "+safetext.Line(p.StatusReason)) + "\n")
			if z.pr.Restartable {
				b.WriteString("\nenter starts the runbook again (a new attempt).\n")
			}
		}
		b.WriteString("\n" + wrap.Render(st.Faint.Render("↑/k looks back at the steps recorded; c corrects a scanned or typed value.")) + "\n")
		if z.prompt != promptNone {
			z.promptView(b, w)
		}
		return
	}
	kind := map[runbook.StepKind]string{runbook.StepAuto: "SNMP check", runbook.StepInput: "scan or type", runbook.StepConfirm: "confirm"}[c.Kind]
	if c.Yes != "" {
		kind = "test call: y or f"
	}
	title := c.Title
	if c.RollbackOnly {
		title = "Rollback: " + title
	}
	b.WriteString(wrap.Render(st.Title.Render(title)+"  "+st.Faint.Render("("+kind+")")) + "\n")
	if c.Instructions != "" {
		b.WriteString(wrap.Render(safetext.Line(c.Instructions)) + "\n")
	}
	z.dialView(b, c, w)
	if c.Hint != "" && c.Kind == runbook.StepInput && choicesFor(c.Field) == nil {
		b.WriteString(wrap.Render(st.Faint.Render("Hint: "+c.Hint)) + "\n")
	}
	switch {
	case c.Skippable && c.Kind == runbook.StepAuto && c.Check != runbook.CheckStaged:
		b.WriteString(wrap.Render(st.Faint.Render("May be skipped, with a reason, only when the switch cannot be read.")) + "\n")
	case c.Skippable:
		b.WriteString(wrap.Render(st.Faint.Render("May be skipped, with a reason.")) + "\n")
	}
	b.WriteByte('\n')
	switch {
	case z.busy != "":
		b.WriteString(z.spin.View() + " " + z.busy + "\n")
		if z.waiting() {
			b.WriteString(z.waitView(w))
		}
	case z.waiting():
		b.WriteString(z.waitView(w))
	case z.prompt != promptNone:
		z.promptView(b, w)
	case z.failedNow():
		b.WriteString(wrap.Render(st.Err.Render("✗ This step failed")+": "+safetext.Line(failWords(c))) + "\n")
		var opts []string
		opts = append(opts, "r makes it due again")
		if c.Unreadable() && c.Skippable {
			opts = append(opts, "s skips it, saying why")
		}
		if z.canRollback() {
			opts = append(opts, "b rolls back (failed or blocked)")
		}
		b.WriteString(wrap.Render(strings.Join(opts, " · ")) + "\n")
	case z.retrying:
		b.WriteString(wrap.Render(st.Warn.Render("↻ Due again")+": "+z.doBinding(c).Help().Key+" ("+z.doBinding(c).Help().Desc+")") + "\n")
	}
	z.history(b, c, w)
}

// failWords is what a failed step's latest result says.
func failWords(c *runbook.StepState) string {
	if c.Note != "" {
		return c.Note
	}
	if c.Evidence != nil {
		return c.Evidence.Summary
	}
	return "no note"
}

func (z *wizard) promptView(b *strings.Builder, w int) {
	st := z.sh.st
	if z.prompt == promptRefused {
		b.WriteString(st.r.NewStyle().Width(w).Render(st.Faint.Render("esc or enter to go on; what is typed meanwhile is ignored")) + "\n")
		return
	}
	if z.pick != nil {
		if z.prompt == promptRollbackKind {
			b.WriteString(z.question() + "\n")
		} else if z.prompt == promptCorrectValue {
			b.WriteString("Corrected value, pick one:\n")
		}
		b.WriteString(z.pick.view(st, w))
		b.WriteString(st.r.NewStyle().Width(w).Render(st.Faint.Render("↑/↓, its first letter or a scan; enter picks")) + "\n")
		return
	}
	view := z.input.View()
	if z.selected {
		view = z.input.Prompt + st.Selected.Render(safetext.Line(z.input.Value())) + st.Faint.Render("  (refused: typing replaces it)")
	}
	b.WriteString(st.Focus.Width(max(w-4, 10)).Render(view) + "\n")
}

// lookBack shows an earlier step chosen with ↑/↓: its result and history,
// and whether it can be corrected.
func (z *wizard) lookBack(b *strings.Builder, s *runbook.StepState, w int) {
	st := z.sh.st
	wrap := st.r.NewStyle().Width(w)
	b.WriteString(wrap.Render(st.Title.Render(s.Title)+"  "+st.Faint.Render("(looking back; esc returns to the step due)")) + "\n")
	if s.Instructions != "" {
		b.WriteString(wrap.Render(safetext.Line(s.Instructions)) + "\n")
	}
	b.WriteByte('\n')
	if s.Outcome == "" && len(s.History) == 0 {
		b.WriteString(st.Faint.Render("Not recorded yet.") + "\n")
	}
	switch {
	case z.prompt != promptNone:
		z.promptView(b, w)
	case s.Correctable():
		b.WriteString("c corrects the value recorded (the old one stays in the history).\n")
	}
	z.history(b, s, w)
}

// history lists every result recorded for a step, oldest first.
func (z *wizard) history(b *strings.Builder, s *runbook.StepState, w int) {
	if len(s.History) == 0 {
		return
	}
	st := z.sh.st
	wrap := st.r.NewStyle().Width(w)
	// Results of earlier attempts come apart, under their attempt: a
	// reopened position's first phone is not the replacement's.
	var now, earlier []runbook.Try
	for _, t := range s.History {
		if t.Attempt < z.pr.Attempt {
			earlier = append(earlier, t)
		} else {
			now = append(now, t)
		}
	}
	if len(now) > 0 {
		b.WriteString("\n" + st.Header.Render(fmt.Sprintf("Results recorded (%d)", len(now))) + "\n")
		for _, t := range now {
			b.WriteString(wrap.Render(tryLine(st, t)) + "\n")
		}
	}
	if len(earlier) > 0 {
		b.WriteString("\n" + st.Header.Render(fmt.Sprintf("In earlier attempts (%d)", len(earlier))) + "\n")
		for _, t := range earlier {
			b.WriteString(wrap.Render(st.Faint.Render(tryLine(st, t))) + "\n")
		}
	}
}

// tryLine is one recorded result in words.
func tryLine(st *styles, t runbook.Try) string {
	what := string(t.Outcome)
	if t.Correction {
		what = "corrected"
	}
	line := fmt.Sprintf("%s %s · attempt %d · %s · %s", outcomeMark(st, t.Outcome), what, t.Attempt,
		safetext.Line(t.Engineer), shortTime(t.At))
	if t.Correction && t.Was != "" {
		line += " · was " + safetext.Line(t.Was)
	}
	if t.Value != "" {
		line += " · " + safetext.Line(t.Value)
	}
	if t.Override {
		line += " · override"
	}
	if t.Note != "" {
		line += " · “" + safetext.Line(t.Note) + "”"
	}
	if t.Evidence != nil && t.Evidence.Summary != "" {
		line += " · saw: " + safetext.Line(t.Evidence.Summary)
	}
	return line
}

// evidence is the SNMP observation to show: the step in focus's own, else
// the latest check's.
func (z *wizard) evidence() *runbook.Observation {
	if l := z.looked(); l != nil {
		return l.Evidence
	}
	if z.canConfirmByEye() {
		return z.eye
	}
	if c := z.due(); c != nil && c.Evidence != nil {
		return c.Evidence
	}
	if z.last != nil && z.last.Check != nil {
		return z.last.Check
	}
	var last *runbook.Observation
	for _, s := range z.pr.Steps {
		if s.Evidence != nil {
			last = s.Evidence
		}
	}
	return last
}

func (z *wizard) observation(o *runbook.Observation, w int) string {
	st := z.sh.st
	wrap := st.r.NewStyle().Width(w)
	var b strings.Builder
	mark := st.OK.Render("✓ pass")
	switch {
	case o.NeedsEye():
		mark = st.Err.Render("? confirm by eye")
	case o.Unproven():
		mark = st.OK.Render("✓ pass (by eye, not proven)")
	case !o.OK:
		mark = st.Err.Render("✗ fail")
	}
	b.WriteString(wrap.Render(mark+" "+string(o.Check)+": "+safetext.Line(o.Summary)) + "\n")
	for _, p := range o.Problems {
		b.WriteString(wrap.Render("  • "+safetext.Line(p)) + "\n")
	}
	if o.Error != "" {
		b.WriteString(wrap.Render(st.Err.Render("  switch: ")+safetext.Line(o.Error)) + "\n")
	}
	if r := o.Reading; r != nil && o.Error == "" { // a switch not read shows nothing, never "link down"
		link := "down"
		if r.LinkUp {
			link = "up"
		}
		if !r.Reported(runbook.FactLink) {
			link = "not reported"
		}
		poe := "no PoE"
		if !r.Reported(runbook.FactPoE) {
			poe = "PoE not reported by this switch"
		}
		if r.PoE {
			poe = "PoE " + safetext.Line(runbook.PoEStateWords(r.PoEDetection))
			if r.PoEClass != nil {
				poe += fmt.Sprintf(" class %d", *r.PoEClass)
			}
		}
		vlan := fmt.Sprintf("voice VLAN %d", r.VoiceVLAN)
		if !r.Reported(runbook.FactVoiceVLAN) {
			vlan = "voice VLAN not reported by this switch"
		}
		b.WriteString(wrap.Render(fmt.Sprintf("  %s %s (%s): link %s · %s · %s", safetext.Line(r.Switch), safetext.Line(r.Port),
			safetext.Line(r.Addr), link, vlan, poe)) + "\n")
		for _, ph := range r.Phones {
			b.WriteString(wrap.Render(fmt.Sprintf("  phone: %s %s %s %s", safetext.Line(ph.Vendor), safetext.Line(ph.Model),
				safetext.Line(ph.MAC), safetext.Line(ph.Serial))) + "\n")
		}
	}
	return b.String()
}
