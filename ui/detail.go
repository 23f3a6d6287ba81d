package ui

import (
	"fmt"
	"strings"

	"cutover/internal/safetext"
	"cutover/site"
	"cutover/site/runbook"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// detailLoadedMsg carries one position and its status history.
type detailLoadedMsg struct {
	code, label string
	p           site.Position
	history     []site.StatusChange
	elsewhere   []runbook.StepElsewhere
	hub         runbook.HubView
	pr          runbook.Progress
	err         error
}

func loadDetailCmd(sh *shared, code, label string) tea.Cmd {
	ctx, store := sh.ctx, sh.store
	return func() tea.Msg {
		p, err := store.Position(ctx, code, label)
		if err != nil {
			return detailLoadedMsg{code: code, label: label, err: err}
		}
		h, err := store.History(ctx, code, label)
		if err != nil {
			return detailLoadedMsg{code: code, label: label, err: err}
		}
		e, err := runbook.StepsElsewhere(ctx, store, code, label)
		if err != nil {
			return detailLoadedMsg{code: code, label: label, err: err}
		}
		hv, err := runbook.HubStanding(ctx, store, code, label)
		if err != nil {
			return detailLoadedMsg{code: code, label: label, err: err}
		}
		pr, err := runbook.Steps(ctx, store, code, label)
		return detailLoadedMsg{code: code, label: label, p: p, history: h, elsewhere: e, hub: hv, pr: pr, err: err}
	}
}

type detailKeys struct {
	Swap, Back key.Binding
}

// detail is one position: what the inventory planned, where it is, its
// status and its history, and the way into its swap.
type detail struct {
	sh          *shared
	code, label string
	keys        detailKeys
	loaded      bool
	p           site.Position
	history     []site.StatusChange
	elsewhere   []runbook.StepElsewhere // step results other laptops recorded (from the hub)
	hub         runbook.HubView         // the hub's record where it differs from this laptop's
	pr          runbook.Progress        // the runbook, with every step's results
	w, h        int
}

func newDetail(sh *shared, code, label string) *detail {
	return &detail{sh: sh, code: code, label: label, keys: detailKeys{
		Swap: key.NewBinding(key.WithKeys("w", "enter"), key.WithHelp("w/enter", "swap runbook")),
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}}
}

func (d *detail) Init() tea.Cmd           { return loadDetailCmd(d.sh, d.code, d.label) }
func (d *detail) Title() string           { return d.label }
func (d *detail) Capturing() bool         { return false }
func (d *detail) Dirty() bool             { return false }
func (d *detail) SetSize(w, h int) screen { d.w, d.h = w, h; return d }

// ShortHelp implements help.KeyMap.
func (d *detail) ShortHelp() []key.Binding { return []key.Binding{d.keys.Swap, nextKey, d.keys.Back} }

// FullHelp implements help.KeyMap.
func (d *detail) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

func (d *detail) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case detailLoadedMsg:
		if msg.code != d.code || msg.label != d.label {
			return d, nil
		}
		if msg.err != nil {
			return d, func() tea.Msg { return failed("loading position "+d.label, msg.err) }
		}
		d.loaded, d.p, d.history, d.elsewhere, d.hub, d.pr = true, msg.p, msg.history, msg.elsewhere, msg.hub, msg.pr
	case changedMsg:
		if msg.site == d.code {
			return d, loadDetailCmd(d.sh, d.code, d.label)
		}
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, d.keys.Back):
			return d, d.sh.pop()
		case key.Matches(msg, d.keys.Swap) && d.loaded:
			return d, d.sh.push(newWizard(d.sh, d.p))
		case key.Matches(msg, nextKey):
			return d, nextPositionCmd(d.sh, d.code, d.label)
		}
	case nextPositionMsg:
		if msg.code == d.code && msg.from == d.label {
			return d, goNext(d.sh, msg, func(p site.Position) screen { return newDetail(d.sh, p.Site, p.Label) })
		}
	}
	return d, nil
}

func (d *detail) View() string {
	st := d.sh.st
	if !d.loaded {
		return "loading position " + txt(d.label) + "…"
	}
	p := d.p
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s  %s\n", st.Bold.Render(txt(p.Label)), st.status(p.Status, 0), st.Faint.Render(txt(p.StatusReason)))
	field := func(name, v string) {
		v = txt(v)
		if v == "" {
			v = st.Faint.Render("—")
		}
		fmt.Fprintf(&b, "  %-14s %s\n", name, v)
	}
	field("Location", p.Location())
	field("Role", roleWord(p.Role))
	field("Plan", planWord(p.Plan))
	field("Critical", runbook.CriticalityOf(p).Value())
	field("Extension", p.Extension)
	field("DDI", ddiText(p.DDI))
	field("Legacy handset", strings.TrimSpace(string(p.LegacyVendor)+" "+p.LegacyModel))
	field("MAC", p.MAC)
	field("Switch port", strings.TrimSpace(p.Switch+" "+p.Port))
	field("Target model", p.TargetModel)
	field("Notes", strings.ReplaceAll(p.Notes, "\n", " ↵ "))
	if p.UpdatedBy != "" {
		field("Last change", shortTime(p.UpdatedAt)+" by "+p.UpdatedBy)
	}
	if facts := recordedFacts(d.pr); len(facts) > 0 {
		b.WriteString("\n" + st.Header.Render("Recorded on site") + "\n")
		for _, f := range facts {
			field(f[0], f[1])
		}
	}
	if n := len(d.elsewhere); n > 0 {
		last := d.elsewhere[n-1]
		field("Other laptops", fmt.Sprintf("%d step result(s) from the hub, last %s %s by %s %s", n, last.Step,
			last.Outcome, last.Engineer, shortTime(last.At)))
	}
	if v := d.hub; v.Known && (len(v.Disputes) > 0 || len(v.Overruled) > 0) {
		b.WriteString("\n" + st.Header.Render("On the hub: "+statusWord(v.Status)) + "\n")
		for _, x := range v.Disputes {
			b.WriteString(cut("  ⇄ disputed "+txt(x.Words()), d.w) + "\n")
		}
		for _, o := range v.Overruled {
			b.WriteString(cut("  ✗ "+txt(o.Step)+": this laptop recorded "+txt(o.Mine)+"; "+txt(o.Why), d.w) + "\n")
		}
	}
	if lines := d.stepHistory(); len(lines) > 0 {
		b.WriteString("\n" + st.Header.Render("Steps with more than one result") + "\n")
		for _, l := range lines {
			b.WriteString(cut(l, d.w) + "\n")
		}
	}
	b.WriteString("\n" + st.Header.Render("History") + "\n")
	if len(d.history) == 0 {
		b.WriteString(st.Faint.Render("  no status changes yet") + "\n")
	}
	room := max(d.h-strings.Count(b.String(), "\n")-1, 1)
	start := max(len(d.history)-room, 0) // the newest that fit
	for _, c := range d.history[start:] {
		line := fmt.Sprintf("  %s  %s → %s  %s", txt(shortTime(c.At)), statusWord(c.From), statusWord(c.To), txt(c.Engineer))
		if c.Reason != "" {
			line += "  " + st.Faint.Render(txt(c.Reason))
		}
		b.WriteString(cut(line, d.w) + "\n")
	}
	return b.String()
}

// stepHistory lists, for each step that was failed, retried or corrected,
// every result recorded for it: what the wizard's look-back shows.
func (d *detail) stepHistory() []string {
	var out []string
	for _, s := range append(append([]runbook.StepState{}, d.pr.Steps...), d.pr.Rollback...) {
		if len(s.History) < 2 && (len(s.History) == 0 || s.History[0].Outcome != runbook.OutcomeFail) {
			continue
		}
		out = append(out, "  "+safetext.Line(s.Title))
		for _, t := range s.History {
			out = append(out, "    "+tryLine(d.sh.st, t))
		}
	}
	return out
}

// shortTime shows an RFC 3339 time as "2026-11-25 16:13".
func shortTime(s string) string {
	if len(s) >= 16 {
		return strings.Replace(s[:16], "T", " ", 1)
	}
	return s
}

// ddiText shows a DDI as people dial it, with the stored E.164 form beside it.
func ddiText(e164 string) string {
	if e164 == "" {
		return "none"
	}
	if n := site.FormatDDI(e164); n != e164 {
		return n + "  (" + e164 + ")"
	}
	return e164
}
