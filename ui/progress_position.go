package ui

import (
	"fmt"
	"strings"

	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/wire"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
)

// hubPosition is one position as the hub holds it, read-only, for a
// supervisor: its plan and status, the handsets and numbers, and its steps
// (the runbook, with every result the hub journaled for the steps that
// were failed, tried again, corrected or overridden). It reads the site's
// report from the hub in a Cmd; nothing is stored on this laptop.
type hubPosition struct {
	sh          *shared
	hub         *progressHub
	code, label string
	spin        spinner.Model
	loading     bool
	row         *wire.ReportRow
	top         int
	keys        struct {
		list          listKeys
		Refresh, Back key.Binding
	}
	w, h int
}

// hubReportMsg carries a site's report, for one of its positions.
type hubReportMsg struct {
	code string
	rep  wire.SiteReport
	err  error
}

func newHubPosition(sh *shared, hub *progressHub, code, label string) *hubPosition {
	p := &hubPosition{sh: sh, hub: hub, code: code, label: label, loading: true, spin: spinner.New(spinner.WithSpinner(spinner.Line))}
	p.keys.list = newListKeys()
	p.keys.Refresh = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "fetch again"))
	p.keys.Back = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	return p
}

func (p *hubPosition) Init() tea.Cmd {
	ctx, c, code := p.sh.ctx, p.hub.c, p.code
	return tea.Batch(func() tea.Msg {
		rep, err := c.SiteReport(ctx, code)
		return hubReportMsg{code: code, rep: rep, err: err}
	}, p.sh.spin(p.spin))
}
func (p *hubPosition) Title() string           { return p.label }
func (p *hubPosition) Capturing() bool         { return false }
func (p *hubPosition) Dirty() bool             { return false }
func (p *hubPosition) SetSize(w, h int) screen { p.w, p.h = w, h; return p }

// ShortHelp implements help.KeyMap.
func (p *hubPosition) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.list.Down, p.keys.list.Up, p.keys.Refresh, p.keys.Back}
}

// FullHelp implements help.KeyMap.
func (p *hubPosition) FullHelp() [][]key.Binding {
	return [][]key.Binding{p.keys.list.bindings(), {p.keys.Refresh, p.keys.Back}}
}

func (p *hubPosition) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case hubReportMsg:
		if msg.code != p.code {
			return p, nil
		}
		p.loading = false
		if msg.err != nil {
			return p, func() tea.Msg { return failed("fetching "+p.code+" "+p.label+" from the hub", msg.err) }
		}
		p.row = nil
		for i := range msg.rep.Rows {
			if strings.EqualFold(msg.rep.Rows[i].Label, p.label) {
				r := msg.rep.Rows[i]
				p.row = &r
			}
		}
	case spinner.TickMsg:
		if p.loading && msg.ID == p.spin.ID() {
			var cmd tea.Cmd
			p.spin, cmd = p.spin.Update(msg)
			return p, cmd
		}
	case tea.KeyMsg:
		if top, ok := p.keys.list.step(msg, p.top, 1000, max(p.h-2, 1)); ok {
			p.top = top
			return p, nil
		}
		switch {
		case key.Matches(msg, p.keys.Back):
			return p, p.sh.pop()
		case key.Matches(msg, p.keys.Refresh) && !p.loading:
			p.loading = true
			return p, p.Init()
		}
	}
	return p, nil
}

func (p *hubPosition) View() string {
	st := p.sh.st
	if p.row == nil {
		if p.loading {
			return p.spin.View() + " fetching " + txt(p.code+" "+p.label) + " from the hub…"
		}
		return st.Warn.Render("! the hub's report of "+txt(p.code)+" has no position "+txt(p.label)) + "\n\n" + st.Faint.Render("r tries again, esc goes back.")
	}
	r := p.row
	lines := []string{st.Bold.Render(txt(p.code+" "+r.Label)) + "  " + st.status(site.Status(r.Status), 14) + st.Faint.Render("read-only, as the hub holds it")}
	field := func(name, v string) {
		if v = txt(v); v == "" {
			v = st.Faint.Render("—")
		}
		lines = append(lines, fmt.Sprintf("  %-15s %s", name, v))
	}
	field("Reason", r.Reason)
	field("Location", r.Location)
	field("Role", roleWord(site.Role(r.Role)))
	field("Plan", planWord(site.Plan(r.Plan)))
	pos := site.Position{Label: r.Label, Plan: site.Plan(r.Plan), Role: site.Role(r.Role), DDI: r.DDI,
		Extension: r.Extension, TargetModel: r.TargetModel, Critical: r.Critical, MaxDarkMinutes: r.MaxDarkMinutes}
	field("Critical", runbook.CriticalityOf(pos).Value())
	field("Extension", r.Extension)
	field("DDI", strings.TrimSpace(r.DDI+" "+r.DDIState))
	field("Legacy handset", strings.TrimSpace(r.LegacySerial+" "+r.LegacyMAC+" "+r.LegacyState+" "+r.Disposition))
	field("New handset", strings.TrimSpace(r.NewModel+" "+r.NewSerial+" "+r.NewMAC+" "+r.NewAssetTag))
	field("Open conflicts", fmt.Sprint(r.OpenConflicts))
	field("Last change", strings.TrimSpace(r.UpdatedAt+" by "+r.Engineer))
	for _, l := range r.Replaced {
		field("Replaced", l)
	}
	rb := runbook.AttemptRunbook(pos, r.Reopened)
	lines = append(lines, "", st.Header.Render(fmt.Sprintf("Steps: %d of %d done, attempt %d", r.StepsDone, len(rb.Steps), max(r.Attempt, 1))))
	tries := map[string][]wire.StepTry{}
	for _, t := range r.History {
		tries[t.Step] = append(tries[t.Step], t)
	}
	for i, step := range append(rb.Steps, rb.Rollback...) {
		mark := st.Faint.Render("·")
		if ts := tries[step.Key]; len(ts) > 0 {
			switch ts[len(ts)-1].Outcome {
			case "fail":
				mark = st.Err.Render("✗")
			default:
				mark = st.OK.Render("✓")
			}
		}
		n := fmt.Sprintf("%2d", i+1)
		if i >= len(rb.Steps) {
			n = " ↺"
		}
		lines = append(lines, fmt.Sprintf("  %s %s %s", mark, n, txt(step.Title)))
		for _, t := range tries[step.Key] {
			what := t.Outcome
			if t.Correction {
				what = "corrected (was " + t.Was + ")"
			}
			lines = append(lines, st.Faint.Render(cut(fmt.Sprintf("        attempt %d %s %s %s · %s %s", t.Attempt, what, txt(t.Value), txt(t.Note),
				txt(t.Engineer), txt(t.At)), max(p.w-2, 10))))
		}
	}
	if len(r.StepHistory) > 0 {
		lines = append(lines, "", st.Header.Render("History"))
		for _, l := range r.StepHistory {
			lines = append(lines, "  "+txt(l))
		}
	}
	p.top = clamp(p.top, 0, max(len(lines)-p.h, 0))
	return strings.Join(lines[p.top:], "\n")
}
