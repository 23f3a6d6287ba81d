package ui

import (
	"fmt"
	"strings"

	"cutover/site"
	"cutover/site/runbook"

	"github.com/charmbracelet/lipgloss"
)

// stepMark is a step's state as a symbol, never by colour alone.
func stepMark(st *styles, s runbook.StepState, current bool) string {
	switch {
	case current && s.Outcome == runbook.OutcomeFail:
		return st.Err.Render("✗▸")
	case current:
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
		return "loading the runbook of " + z.label + "…"
	}
	p := z.pr.Position
	head := fmt.Sprintf("%s  %s  %d of %d steps · attempt %d · %s · %s · %s", st.Bold.Render(p.Label), st.status(p.Status, 0),
		z.pr.Done, z.pr.Total, max(z.pr.Attempt, 1), planWord(p.Plan), roleWord(p.Role), p.Location())
	listW := clamp(z.w/3, 26, 40)
	left := z.stepList(listW, z.h-2)
	right := z.stepPanel(max(z.w-listW-3, 20))
	body := lipgloss.JoinHorizontal(lipgloss.Top, st.r.NewStyle().Width(listW).Render(left), "   ", right)
	return cut(head, z.w) + "\n\n" + body
}

func (z *wizard) stepList(w, h int) string {
	st := z.sh.st
	cur := z.current()
	var lines []string
	add := func(s runbook.StepState, n int) {
		isCur := cur != nil && cur.Key == s.Key
		line := fmt.Sprintf("%s %2d %s", stepMark(st, s, isCur), n, cut(s.Title, w-6))
		if isCur {
			line = st.Bold.Render(line)
		}
		lines = append(lines, line)
	}
	lines = append(lines, st.Header.Render("Runbook"))
	for i, s := range z.pr.Steps {
		add(s, i+1)
	}
	if z.pr.Mode == runbook.ModeRollback || (cur != nil && cur.RollbackOnly) {
		lines = append(lines, "", st.Header.Render("Rollback"))
		for i, s := range z.pr.Rollback {
			add(s, i+1)
		}
	}
	if len(lines) > h && h > 0 {
		// Keep the step in focus on screen.
		at := 0
		for i, l := range lines {
			if strings.Contains(l, "▸") {
				at = i
			}
		}
		start := clamp(at-h/2, 0, len(lines)-h)
		lines = lines[start : start+h]
	}
	return strings.Join(lines, "\n")
}

func (z *wizard) stepPanel(w int) string {
	st := z.sh.st
	wrap := st.r.NewStyle().Width(w)
	var b strings.Builder
	c := z.current()
	if c == nil {
		p := z.pr.Position
		switch p.Status {
		case site.StatusDone:
			b.WriteString(st.OK.Render("● Done: every step is recorded.") + "\n")
		default:
			b.WriteString(st.status(p.Status, 0) + "  " + p.StatusReason + "\n")
			if z.pr.Restartable {
				b.WriteString("\nenter starts the runbook again (a new attempt).\n")
			}
		}
	} else {
		kind := map[runbook.StepKind]string{runbook.StepAuto: "SNMP check", runbook.StepInput: "scan or type", runbook.StepConfirm: "confirm"}[c.Kind]
		title := c.Title
		if c.RollbackOnly {
			title = "Rollback: " + title
		}
		fmt.Fprintf(&b, "%s  %s\n", st.Title.Render(title), st.Faint.Render("("+kind+")"))
		if c.Instructions != "" {
			b.WriteString(wrap.Render(c.Instructions) + "\n")
		}
		if c.Hint != "" && c.Kind == runbook.StepInput {
			b.WriteString(st.Faint.Render(cut("Hint: "+c.Hint, w)) + "\n")
		}
		if c.Skippable {
			b.WriteString(st.Faint.Render("May be skipped, with a reason.") + "\n")
		}
		b.WriteByte('\n')
		switch {
		case z.busy != "":
			b.WriteString(z.spin.View() + " " + z.busy + "\n")
		case z.input.Focused():
			b.WriteString(st.Focus.Width(max(w-4, 10)).Render(z.input.View()) + "\n")
		case z.failedNow():
			b.WriteString(st.Err.Render("✗ This step failed") + ": " + c.Note + "\n")
			if z.canRollback() && !c.RollbackOnly {
				b.WriteString("r retries it · b rolls back (reconnect the legacy handset)\n")
			} else {
				b.WriteString("r retries it\n")
			}
		}
	}
	if z.lastErr != "" {
		b.WriteString("\n" + wrap.Render(st.Err.Render("✗ Not recorded: ")+z.lastErr) + "\n")
	}
	if z.last != nil {
		b.WriteString("\n" + st.Header.Render("Last result") + "\n")
		mark := st.OK.Render("✓")
		switch z.last.Outcome {
		case runbook.OutcomeFail:
			mark = st.Err.Render("✗")
		case runbook.OutcomeSkip:
			mark = st.Warn.Render("»")
		}
		line := fmt.Sprintf("%s %s: %s", mark, z.last.Step, z.last.Outcome)
		if z.last.Value != "" {
			line += " · " + z.last.Value
		}
		b.WriteString(cut(line, w) + "\n")
	}
	if obs := z.evidence(); obs != nil {
		b.WriteString("\n" + st.Header.Render("What SNMP saw") + "\n")
		b.WriteString(z.observation(obs, w))
	}
	return b.String()
}

// evidence is the SNMP observation to show: the step in focus's own, else
// the latest check's.
func (z *wizard) evidence() *runbook.Observation {
	if c := z.current(); c != nil && c.Evidence != nil {
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
	if !o.OK {
		mark = st.Err.Render("✗ fail")
	}
	b.WriteString(wrap.Render(mark+" "+string(o.Check)+": "+o.Summary) + "\n")
	for _, p := range o.Problems {
		b.WriteString(wrap.Render("  • "+p) + "\n")
	}
	if o.Error != "" {
		b.WriteString(wrap.Render(st.Err.Render("  switch: ")+o.Error) + "\n")
	}
	if r := o.Reading; r != nil {
		link := "down"
		if r.LinkUp {
			link = "up"
		}
		poe := "no PoE"
		if r.PoE {
			poe = "PoE " + r.PoEDetection
			if r.PoEClass != nil {
				poe += fmt.Sprintf(" class %d", *r.PoEClass)
			}
		}
		b.WriteString(cut(fmt.Sprintf("  %s %s (%s): link %s · voice VLAN %d · %s", r.Switch, r.Port, r.Addr, link, r.VoiceVLAN, poe), w) + "\n")
		for _, ph := range r.Phones {
			b.WriteString(cut(fmt.Sprintf("  phone: %s %s %s %s", ph.Vendor, ph.Model, ph.MAC, ph.Serial), w) + "\n")
		}
	}
	return b.String()
}
