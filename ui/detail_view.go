package ui

// The position's detail as a page: every line of it, then the part that
// fits the screen, with what is hidden above and below said in lines.

import (
	"fmt"
	"strings"
	"time"

	"cutover/site/runbook"

	tea "github.com/charmbracelet/bubbletea"
)

// nameWidth is the column the detail's field names take; the facts
// recorded on site take a wider one ("Legacy disposition").
const (
	nameWidth     = 14
	factNameWidth = 18
)

func (d *detail) View() string {
	if !d.loaded {
		return "loading position " + txt(d.label) + "…"
	}
	return strings.Join(d.window(d.lines()), "\n")
}

// window is the part of the page that fits the screen from d.top: a line
// at the top says how many lines are hidden above, one at the bottom how
// many below.
func (d *detail) window(lines []string) []string {
	if d.h <= 2 || len(lines) <= d.h {
		return lines
	}
	top := clamp(d.top, 0, d.lastTop(len(lines)))
	room := d.h
	var above []string
	if top > 0 {
		above = []string{d.sh.st.Faint.Render(fmt.Sprintf("  ↑ %d more lines (↑/k, pgup)", top))}
		room--
	}
	rest := lines[top:]
	if len(rest) <= room {
		return append(above, rest...)
	}
	room--
	below := d.sh.st.Faint.Render(fmt.Sprintf("  ↓ %d more lines (↓/j, pgdn)", len(rest)-room))
	return append(append(above, rest[:room]...), below)
}

// lastTop is the first line shown when scrolled to the end: the last
// line sits at the bottom, under the line saying what is above.
func (d *detail) lastTop(total int) int {
	if d.h <= 2 || total <= d.h {
		return 0
	}
	return total - (d.h - 1)
}

// lines is the whole page, top to bottom.
func (d *detail) lines() []string {
	st := d.sh.st
	p := d.p
	var out []string
	add := func(l string) { out = append(out, strings.Split(l, "\n")...) }
	long := func(l string) { out = append(out, d.wrapped(l)...) }
	// shown is a field whose value is already safe (and may be styled).
	shown := func(name, v string, w int) {
		if v == "" {
			v = st.Faint.Render("—")
		}
		room := d.w - 2 - w - 1
		if room < 10 || widthOf(v) <= room {
			add(cut(fmt.Sprintf("  %-*s %s", w, name, v), d.w))
			return
		}
		// A long value wraps under itself.
		for i, part := range strings.Split(wrapTo(v, room), "\n") {
			if i == 0 {
				add(fmt.Sprintf("  %-*s %s", w, name, part))
			} else {
				add(strings.Repeat(" ", 2+w+1) + part)
			}
		}
	}
	field := func(name, v string, w int) { shown(name, txt(runbook.ReadableTimes(v)), w) }
	add(cut(fmt.Sprintf("%s  %s  %s", st.Bold.Render(txt(p.Label)), st.status(p.Status, 0), st.Faint.Render(txt(p.StatusReason))), d.w))
	field("Location", p.Location(), nameWidth)
	field("Role", roleWord(p.Role), nameWidth)
	field("Plan", planWord(p.Plan), nameWidth)
	field("Critical", runbook.CriticalityOf(p).Value(), nameWidth)
	if l := d.darkWords(); l != "" {
		shown("Dark time", l, nameWidth)
	}
	field("Extension", p.Extension, nameWidth)
	field("DDI", ddiText(p.DDI), nameWidth)
	field("Legacy handset", strings.TrimSpace(string(p.LegacyVendor)+" "+p.LegacyModel), nameWidth)
	field("MAC", p.MAC, nameWidth)
	field("Switch port", strings.TrimSpace(p.Switch+" "+p.Port), nameWidth)
	field("Target model", p.TargetModel, nameWidth)
	field("Notes", strings.ReplaceAll(p.Notes, "\n", " ↵ "), nameWidth)
	if p.UpdatedBy != "" {
		field("Last change", shortTime(p.UpdatedAt)+" by "+p.UpdatedBy, nameWidth)
	}
	if facts := recordedFacts(d.pr); len(facts) > 0 {
		add("")
		add(st.Header.Render("Recorded on site"))
		for _, f := range facts {
			field(f[0], f[1], factNameWidth)
		}
	}
	if n := len(d.elsewhere); n > 0 {
		last := d.elsewhere[n-1]
		field("Other laptops", fmt.Sprintf("%d step result(s) from the hub, last %s %s by %s %s", n, last.Step,
			last.Outcome, last.Engineer, shortTime(last.At)), nameWidth)
	}
	if v := d.hub; v.Known && (len(v.Disputes) > 0 || len(v.Overruled) > 0) {
		add("")
		add(st.Header.Render("On the hub: " + statusWord(v.Status)))
		for _, x := range v.Disputes {
			long("  ⇄ disputed " + txt(x.Words()))
		}
		for _, o := range v.Overruled {
			long("  ✗ " + txt(o.Step) + ": this laptop recorded " + txt(o.Mine) + "; " + txt(o.Why))
		}
	}
	if lines := d.attemptLines(); len(lines) > 0 {
		add("")
		add(st.Header.Render("Attempts"))
		for _, l := range lines {
			long(l)
		}
	}
	if lines := d.stepHistory(); len(lines) > 0 {
		add("")
		add(st.Header.Render("Steps with more than one result"))
		for _, l := range lines {
			long(l)
		}
	}
	add("")
	add(st.Header.Render("History"))
	if len(d.history) == 0 {
		add(st.Faint.Render("  no status changes yet"))
	}
	for _, c := range d.history {
		line := fmt.Sprintf("  %s  %s → %s  %s", txt(shortTime(c.At)), statusWord(c.From), statusWord(c.To), txt(c.Engineer))
		if c.Reason != "" {
			line += "  " + st.Faint.Render(txt(runbook.ReadableTimes(c.Reason)))
		}
		long(line)
	}
	return out
}

// wrapped is a line too long for the screen broken at spaces, each further
// part indented under the first.
func (d *detail) wrapped(l string) []string {
	if d.w < 20 || widthOf(l) <= d.w {
		return []string{cut(l, d.w)}
	}
	body := strings.TrimLeft(l, " ")
	lead := len(l) - len(body)
	var out []string
	for i, part := range strings.Split(wrapTo(body, d.w-lead-2), "\n") {
		if i == 0 {
			out = append(out, strings.Repeat(" ", lead)+part)
		} else {
			out = append(out, strings.Repeat(" ", lead+2)+part)
		}
	}
	return out
}

// darkWords is a critical position's dark time in the wizard's words
// ("was dark 03:10 of 15:00", "✗ dark 17:40 of 15:00 (over the
// target)"), graded in colour too; "" for other positions and before the
// swap.
func (d *detail) darkWords() string {
	c := runbook.ContinuityOf(d.pr, d.sh.wall())
	w := c.Words()
	switch {
	case w == "":
		return ""
	case c.Level() == runbook.DarkOver:
		return d.sh.st.Err.Render(w)
	case c.Level() == runbook.DarkWarn && c.DarkNow():
		return d.sh.st.Warn.Render(w)
	}
	return w
}

// detailDarkTickMsg redraws the detail's dark time once a second.
type detailDarkTickMsg struct {
	code, label string
	seq         int
}

// darkTick keeps the dark time counting while the position is dark.
func (d *detail) darkTick() tea.Cmd {
	d.darkSeq++
	if !d.sh.animate || !runbook.ContinuityOf(d.pr, d.sh.wall()).DarkNow() {
		return nil
	}
	code, label, seq := d.code, d.label, d.darkSeq
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return detailDarkTickMsg{code: code, label: label, seq: seq} })
}
