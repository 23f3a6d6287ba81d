package ui

import (
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
	Scroll     listKeys // move the page, not a cursor
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
	top         int // the first line shown, when the page is longer than the screen
	darkSeq     int // the dark timer's tick in flight
}

func newDetail(sh *shared, code, label string) *detail {
	scroll := newListKeys()
	scroll.Up.SetHelp("↑/k", "scroll up")
	scroll.Down.SetHelp("↓/j", "scroll down")
	scroll.Top.SetHelp("g/home", "top")
	scroll.Bottom.SetHelp("G/end", "bottom")
	return &detail{sh: sh, code: code, label: label, keys: detailKeys{
		Swap:   key.NewBinding(key.WithKeys("w", "enter"), key.WithHelp("w/enter", "swap runbook")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Scroll: scroll,
	}}
}

func (d *detail) Init() tea.Cmd           { return loadDetailCmd(d.sh, d.code, d.label) }
func (d *detail) Title() string           { return d.label }
func (d *detail) Capturing() bool         { return false }
func (d *detail) Dirty() bool             { return false }
func (d *detail) SetSize(w, h int) screen { d.w, d.h = w, h; return d }

// ShortHelp implements help.KeyMap.
// The footer names the scroll keys only when the page is longer than the
// screen; the full help always lists them.
func (d *detail) ShortHelp() []key.Binding {
	if d.loaded && len(d.lines()) > d.h {
		return []key.Binding{d.keys.Swap, nextKey, d.keys.Back, d.keys.Scroll.Down, d.keys.Scroll.PageDown}
	}
	return []key.Binding{d.keys.Swap, nextKey, d.keys.Back}
}

// FullHelp implements help.KeyMap.
func (d *detail) FullHelp() [][]key.Binding {
	return [][]key.Binding{{d.keys.Swap, nextKey, d.keys.Back}, d.keys.Scroll.bindings()}
}

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
		return d, d.darkTick()
	case detailDarkTickMsg:
		if msg.code == d.code && msg.label == d.label && msg.seq == d.darkSeq {
			return d, d.darkTick()
		}
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
		if d.loaded {
			if top, ok := d.keys.Scroll.step(msg, d.top, d.lastTop(len(d.lines()))+1, max(d.h-2, 1)); ok {
				d.top = top
			}
		}
	case nextPositionMsg:
		if msg.code == d.code && msg.from == d.label {
			return d, goNext(d.sh, msg, func(p site.Position) screen { return newDetail(d.sh, p.Site, p.Label) })
		}
	}
	return d, nil
}

// shortTime shows an RFC 3339 time as "25 Nov 2026 16:13".
func shortTime(s string) string {
	// One way to write a time on every screen and document people read:
	// runbook.ReadableTimes ("25 Nov 2026 09:30", the laptop's time zone).
	return runbook.ReadableTimes(s)
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
