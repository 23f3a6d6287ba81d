package ui

import (
	"cutover/site"
	"cutover/site/runbook"
	"cutover/swap"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// progressMsg carries a position's runbook progress.
type progressMsg struct {
	code, label string
	pr          runbook.Progress
	err         error
}

// recordedMsg is the outcome of recording one step.
type recordedMsg struct {
	code, label string
	rec         swap.Recorded
	err         error
}

func loadProgressCmd(sh *shared, code, label string) tea.Cmd {
	ctx, store := sh.ctx, sh.store
	return func() tea.Msg {
		pr, err := runbook.Steps(ctx, store, code, label)
		return progressMsg{code: code, label: label, pr: pr, err: err}
	}
}

// recordCmd records one step through the swap runner (which runs an
// automatic step's SNMP check first), off the event loop.
func recordCmd(sh *shared, code, label, step string, in swap.Input) tea.Cmd {
	ctx, runner, engineer := sh.ctx, sh.runner, sh.engineer
	return func() tea.Msg {
		rec, err := runner.Record(ctx, engineer, code, label, step, in)
		return recordedMsg{code: code, label: label, rec: rec, err: err}
	}
}

// entry is what the wizard's text box is taking.
type entry int

const (
	entryNone  entry = iota
	entryValue       // an input step's value (scanned or typed)
	entryFail        // the note for a failure
	entrySkip        // the reason for a skip
)

type wizardKeys struct {
	Do, Fail, Skip, Retry, Rollback, Submit, Cancel, Back key.Binding
}

// wizard walks one position through its runbook: the steps with the
// current one in focus, its instructions, its input or check, and what SNMP
// saw. Every result is recorded before the wizard moves on.
type wizard struct {
	sh          *shared
	code, label string
	keys        wizardKeys
	spin        spinner.Model
	input       textinput.Model
	entry       entry
	loaded      bool
	busy        string // what is running ("running the SNMP check…"), "" when idle
	pr          runbook.Progress
	focus       *runbook.StepState // a rollback step chosen before it is current
	retrying    bool               // the failed step in focus is being done again
	last        *swap.Recorded     // the latest result, shown at once
	lastErr     string             // why the latest attempt to record was refused
	w, h        int
}

func newWizard(sh *shared, p site.Position) *wizard {
	ti := textinput.New()
	ti.CharLimit = 128
	if !sh.animate {
		ti.Cursor.SetMode(cursor.CursorStatic)
	}
	return &wizard{sh: sh, code: p.Site, label: p.Label, input: ti, spin: spinner.New(spinner.WithSpinner(spinner.Line)),
		keys: wizardKeys{
			Do:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "do this step")),
			Fail:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fail, with a note")),
			Skip:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "skip, with a reason")),
			Retry:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry the step")),
			Rollback: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "roll back")),
			Submit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "record")),
			Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop typing")),
			Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		}}
}

func (z *wizard) Init() tea.Cmd   { return loadProgressCmd(z.sh, z.code, z.label) }
func (z *wizard) Title() string   { return "swap " + z.label }
func (z *wizard) Capturing() bool { return z.input.Focused() }

// Dirty implements screen: a value or note typed but not recorded.
func (z *wizard) Dirty() bool { return z.entry != entryNone && z.input.Value() != "" }

func (z *wizard) SetSize(w, h int) screen {
	z.w, z.h = w, h
	z.input.Width = max(w/2-8, 20)
	return z
}

// current is the step in focus: the runbook's current step, or the first
// rollback step once a rollback is chosen.
func (z *wizard) current() *runbook.StepState {
	if z.focus != nil {
		return z.focus
	}
	return z.pr.Current
}

// failedNow reports whether the step in focus has just failed, so retry
// and rollback are on offer.
func (z *wizard) failedNow() bool {
	c := z.current()
	return c != nil && c.Outcome == runbook.OutcomeFail && !z.retrying
}

// canRollback reports whether a rollback can start now.
func (z *wizard) canRollback() bool {
	return z.pr.Mode == runbook.ModeSwap && z.pr.CanRollback && len(z.pr.Rollback) > 0
}

// ShortHelp implements help.KeyMap.
func (z *wizard) ShortHelp() []key.Binding {
	if z.input.Focused() {
		return []key.Binding{z.keys.Submit, z.keys.Cancel}
	}
	var ks []key.Binding
	c := z.current()
	switch {
	case c == nil && z.pr.Restartable:
		ks = append(ks, withHelp(z.keys.Do, "start again"))
	case c == nil:
	case z.failedNow():
		ks = append(ks, z.keys.Retry)
	default:
		ks = append(ks, z.doBinding(c))
	}
	if c != nil && c.Kind == runbook.StepConfirm || c != nil && c.Kind == runbook.StepInput {
		ks = append(ks, z.keys.Fail)
	}
	if c != nil && c.Skippable {
		ks = append(ks, z.keys.Skip)
	}
	if z.canRollback() && !(c != nil && c.RollbackOnly) {
		ks = append(ks, z.keys.Rollback)
	}
	return append(ks, z.keys.Back)
}

// FullHelp implements help.KeyMap.
func (z *wizard) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{z.keys.Do, z.keys.Fail, z.keys.Skip},
		{z.keys.Retry, z.keys.Rollback},
		{z.keys.Submit, z.keys.Cancel, z.keys.Back},
	}
}

func (z *wizard) doBinding(c *runbook.StepState) key.Binding {
	switch c.Kind {
	case runbook.StepAuto:
		return withHelp(z.keys.Do, "run the SNMP check")
	case runbook.StepInput:
		return withHelp(z.keys.Do, "scan or type")
	}
	return withHelp(z.keys.Do, "confirm done")
}

func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

func (z *wizard) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case progressMsg:
		if msg.code != z.code || msg.label != z.label {
			return z, nil
		}
		if msg.err != nil {
			return z, func() tea.Msg { return failed("loading the runbook of "+z.label, msg.err) }
		}
		z.loaded, z.pr = true, msg.pr
		return z, z.focusEntry()
	case recordedMsg:
		if msg.code != z.code || msg.label != z.label {
			return z, nil
		}
		return z, z.recorded(msg)
	case spinner.TickMsg:
		if z.busy != "" && msg.ID == z.spin.ID() {
			var cmd tea.Cmd
			z.spin, cmd = z.spin.Update(msg)
			return z, cmd
		}
	case tea.KeyMsg:
		if z.busy != "" || !z.loaded {
			return z, nil // one step at a time
		}
		if z.input.Focused() {
			return z, z.entryKey(msg)
		}
		return z, z.stepKey(msg)
	}
	return z, nil
}

// focusEntry opens the text box when the step in focus takes a value.
func (z *wizard) focusEntry() tea.Cmd {
	c := z.current()
	if c == nil || c.Kind != runbook.StepInput || z.failedNow() {
		return nil
	}
	z.entry = entryValue
	z.input.Reset()
	z.input.Prompt = "› "
	z.input.Placeholder = c.Hint
	if c.Suggested != "" {
		z.input.Placeholder = c.Suggested + "  (enter takes it)"
	}
	return z.input.Focus()
}

func (z *wizard) entryKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, z.keys.Cancel):
		z.input.Blur()
		z.input.Reset()
		z.entry, z.focus, z.retrying = entryNone, nil, false
		return nil
	case key.Matches(msg, z.keys.Submit):
		c := z.current()
		if c == nil {
			return nil
		}
		v := z.input.Value()
		in := swap.Input{Outcome: runbook.OutcomePass, Value: v}
		switch z.entry {
		case entryFail:
			in = swap.Input{Outcome: runbook.OutcomeFail, Note: v}
		case entrySkip:
			in = swap.Input{Outcome: runbook.OutcomeSkip, Note: v}
		}
		z.input.Blur()
		return z.record(c.Key, in, "recording "+c.Title+"…")
	}
	var cmd tea.Cmd
	z.input, cmd = z.input.Update(msg)
	return cmd
}

func (z *wizard) stepKey(msg tea.KeyMsg) tea.Cmd {
	c := z.current()
	switch {
	case key.Matches(msg, z.keys.Back):
		return z.sh.pop()
	case c == nil:
		if key.Matches(msg, z.keys.Do) && z.pr.Restartable && len(z.pr.Steps) > 0 {
			return z.do(&z.pr.Steps[0])
		}
	case key.Matches(msg, z.keys.Rollback) && z.canRollback() && !c.RollbackOnly:
		return z.do(&z.pr.Rollback[0])
	case key.Matches(msg, z.keys.Retry) && z.failedNow(), key.Matches(msg, z.keys.Do) && !z.failedNow():
		return z.do(c)
	case key.Matches(msg, z.keys.Fail) && c.Kind != runbook.StepAuto:
		return z.askNote(entryFail, "what went wrong? ")
	case key.Matches(msg, z.keys.Skip) && c.Skippable:
		return z.askNote(entrySkip, "why skip it? ")
	}
	return nil
}

// do performs a step: an automatic one runs its check, a confirm one is a
// pass, an input one opens the text box.
func (z *wizard) do(s *runbook.StepState) tea.Cmd {
	switch s.Kind {
	case runbook.StepAuto:
		return z.record(s.Key, swap.Input{Outcome: runbook.OutcomePass}, "running the SNMP check: "+s.Title+"…")
	case runbook.StepInput:
		if c := z.pr.Current; c == nil || s.Key != c.Key {
			z.focus = s // a rollback's first step may take a value
		}
		z.retrying = s.Outcome == runbook.OutcomeFail
		return z.focusEntry()
	}
	return z.record(s.Key, swap.Input{Outcome: runbook.OutcomePass}, "recording "+s.Title+"…")
}

func (z *wizard) askNote(e entry, prompt string) tea.Cmd {
	z.entry = e
	z.input.Reset()
	z.input.Prompt = prompt
	z.input.Placeholder = ""
	return z.input.Focus()
}

func (z *wizard) record(step string, in swap.Input, doing string) tea.Cmd {
	if z.sh.runner == nil {
		return func() tea.Msg {
			return failed("recording step "+step, errNoRunner)
		}
	}
	z.busy, z.lastErr = doing, ""
	return tea.Batch(recordCmd(z.sh, z.code, z.label, step, in), z.sh.spin(z.spin))
}

// recorded shows a step's result at once and moves the focus on.
func (z *wizard) recorded(msg recordedMsg) tea.Cmd {
	z.busy = ""
	if msg.err != nil {
		z.lastErr = msg.err.Error()
		cmds := []tea.Cmd{func() tea.Msg { return failed("recording step "+msg.rec.Step+" of "+z.label, msg.err) }}
		if z.entry == entryValue {
			cmds = append(cmds, z.input.Focus()) // scan again
		}
		return tea.Batch(cmds...)
	}
	rec := msg.rec
	z.last, z.pr, z.entry = &rec, rec.Progress, entryNone
	z.focus, z.retrying = nil, false
	z.input.Reset()
	cmds := []tea.Cmd{changed(z.code), z.focusEntry()}
	if rec.HookErr != "" {
		cmds = append(cmds, func() tea.Msg { return failed("the simulated switch after "+rec.Step, errString(rec.HookErr)) })
	} else {
		cmds = append(cmds, note("%s: %s %s", z.label, rec.Step, rec.Outcome))
	}
	return tea.Batch(cmds...)
}

type errString string

func (e errString) Error() string { return string(e) }

const errNoRunner = errString("no swap runner: open the TUI through `cutover` or `cutover demo`")
