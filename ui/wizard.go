package ui

import (
	"errors"
	"time"

	"cutover/site"
	"cutover/site/runbook"
	"cutover/swap"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

type wizardKeys struct {
	Do, Fail, Skip, SkipTyping, Retry, Rollback, Reopen, Correct, Override key.Binding
	ByEye, Answered, TakeLast                                              key.Binding
	Up, Down, Submit, Cancel, Back                                         key.Binding
}

// wizard walks one position through its runbook: the steps with the one in
// focus, its instructions, its prompt or check, every earlier result, and
// what SNMP saw. A result is recorded only by a deliberate action (Enter on
// the step, a scan, a check run), and before the wizard moves on. While a
// prompt is open, or a result is being recorded, no printable key is a
// command: it is text.
type wizard struct {
	darkSeq       int  // the dark timer's tick
	darkExplained bool // a reason for leaving it dark was recorded in this visit
	sh            *shared
	code, label   string
	keys          wizardKeys
	spin          spinner.Model
	input         textinput.Model
	pick          *choice // the list of answers while prompt takes a choice
	prompt        prompt
	// selected is set after a refused value or note: the text stays in
	// the prompt, and the next printable key replaces it.
	selected bool
	loaded   bool
	busy     string // what is running ("running the SNMP check…"), "" when idle
	// ahead holds the keys typed while a result was being recorded: they
	// go to the prompt that opens next, or are dropped, never commands.
	ahead []tea.KeyMsg
	// held is a printable key pressed with no prompt open, waiting out the
	// burst window: alone it is a command; followed at once by more keys
	// (a barcode scanner's burst), it is a scan with nowhere to go, and
	// is refused, its Enter with it.
	held    []tea.KeyMsg
	holdSeq int
	// shownAt is when the step due came up (the last result recorded);
	// keyed is set once a key was pressed for its prompt since (see
	// wizard_guard.go); replaying while the keys typed during a record are
	// given to the prompt that opened after it.
	shownAt   time.Time
	keyed     bool
	replaying bool
	// lastUsed is what this site's engineers typed last for the values
	// that repeat (a waste transfer note, who signed off): tab takes it.
	lastUsed runbook.LastUsed
	pr       runbook.Progress
	hub      runbook.HubView
	// cursor is the step the engineer moved to with ↑/↓ to look back at
	// (an index into rows()), or -1 to follow the step due.
	cursor   int
	retrying bool  // the failed step due is being done again
	flow     setup // a rollback or correction being set up; nothing written yet
	last     *swap.Recorded
	lastErr  string // why the latest attempt to record was refused
	// eye is the latest check of the step due that found nothing wrong
	// but needs facts the switch does not report confirmed by eye
	// (nothing recorded yet); nil otherwise.
	eye *runbook.Observation
	// lingering is the gone check's wait for the switch's LLDP entry to
	// expire (see wizard_wait.go).
	lingering wait
	known     bool // the refusal was a handset the register knows elsewhere
	w, h      int
}

// setup is what a multi-part action has gathered before it records.
type setup struct {
	rollbackKind   string // failed or blocked, once picked
	rollbackReason string // "blocked: …", set when the reason is complete
	correctKey     string // the step being corrected
	correctValue   string
	overrideValue  string // the value to record over the register's objection
}

func newWizard(sh *shared, p site.Position) *wizard {
	ti := textinput.New()
	ti.CharLimit = runbook.MaxNote
	if !sh.animate {
		ti.Cursor.SetMode(cursor.CursorStatic)
	}
	return &wizard{sh: sh, code: p.Site, label: p.Label, input: ti, cursor: -1,
		spin: spinner.New(spinner.WithSpinner(spinner.Line)),
		keys: wizardKeys{
			Do:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "do this step")),
			Fail:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fail, with a note")),
			Skip:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "skip, with a reason")),
			SkipTyping: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "skip, with a reason")),
			Retry:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry the step")),
			Rollback:   key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "roll back")),
			Reopen:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "reopen: replace its phone")),
			Correct:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "correct this result")),
			Override:   key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "record anyway, with a note")),
			ByEye:      key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "confirm by eye what the switch does not report, with a note")),
			Answered:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "the test call worked")),
			TakeLast:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "take the last one used on this site")),
			Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "earlier step")),
			Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "later step")),
			Submit:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "record")),
			Cancel:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
			Back:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		}}
}

func (z *wizard) Init() tea.Cmd { return loadProgressCmd(z.sh, z.code, z.label) }
func (z *wizard) Title() string {
	switch z.pr.Position.Plan {
	case site.PlanRemove:
		return "remove " + z.label
	case site.PlanTeamsDDI:
		return "to Teams " + z.label
	}
	return "swap " + z.label
}

// Capturing implements screen: while a prompt is open or a result is being
// recorded, every key is the wizard's (typing q in a note types a q).
func (z *wizard) Capturing() bool { return z.prompt != promptNone || z.busy != "" }

// Dirty implements screen: a value or note typed but not recorded, or a
// rollback asked for and not done.
func (z *wizard) Dirty() bool {
	return z.prompt != promptNone && (z.input.Value() != "" || z.pick != nil && z.pick.typed != "") ||
		z.flow.rollbackReason != "" || z.flow.correctKey != ""
}

func (z *wizard) SetSize(w, h int) screen {
	z.w, z.h = w, h
	// The prompt's text fills the step panel (what View gives it), so a
	// placeholder offering a value is seen whole.
	z.input.Width = max(w-clamp(w/3, 26, 40)-3-6, 20)
	return z
}

// rollingBack reports a rollback asked for (its reason given) and not yet
// started in the store.
func (z *wizard) rollingBack() bool {
	return z.flow.rollbackReason != "" && z.pr.Mode == runbook.ModeSwap
}

// due is the step the next deliberate action records: the store's current
// step, or once a rollback is asked for, the first rollback step after its
// reason (nil when the reason is all the rollback needs).
func (z *wizard) due() *runbook.StepState {
	if z.rollingBack() {
		if len(z.pr.Rollback) > 1 {
			return &z.pr.Rollback[1]
		}
		return nil
	}
	return z.pr.Current
}

// rows are the steps the list shows: the runbook, then the rollback's when
// one is under way or asked for.
func (z *wizard) rows() []*runbook.StepState {
	var out []*runbook.StepState
	for i := range z.pr.Steps {
		out = append(out, &z.pr.Steps[i])
	}
	if z.showRollback() {
		for i := range z.pr.Rollback {
			out = append(out, &z.pr.Rollback[i])
		}
	}
	return out
}

func (z *wizard) showRollback() bool {
	if z.pr.Mode == runbook.ModeRollback || z.rollingBack() {
		return true
	}
	for _, s := range z.pr.Rollback {
		if len(s.History) > 0 {
			return true
		}
	}
	return false
}

// looked is the step under the cursor when the engineer moved it away from
// the step due; nil otherwise.
func (z *wizard) looked() *runbook.StepState {
	rows := z.rows()
	if z.cursor < 0 || z.cursor >= len(rows) {
		return nil
	}
	if d := z.due(); d != nil && rows[z.cursor].Key == d.Key {
		return nil
	}
	return rows[z.cursor]
}

// failedNow reports whether the step due has just failed and has not been
// made due again with r.
func (z *wizard) failedNow() bool {
	c := z.due()
	return c != nil && c.Outcome == runbook.OutcomeFail && !z.retrying && !z.rollingBack()
}

// canRollback reports whether a rollback can be asked for now.
func (z *wizard) canRollback() bool {
	return z.pr.Mode == runbook.ModeSwap && z.pr.CanRollback && len(z.pr.Rollback) > 0 && !z.rollingBack()
}

func (z *wizard) doBinding(c *runbook.StepState) key.Binding {
	switch c.Kind {
	case runbook.StepAuto:
		if c.Check == runbook.CheckStaged {
			return withHelp(z.keys.Do, "give the spare port and read it")
		}
		return withHelp(z.keys.Do, "run the SNMP check")
	case runbook.StepInput:
		return withHelp(z.keys.Do, "scan or type")
	}
	if c.Yes != "" {
		return withHelp(z.keys.Answered, c.Yes)
	}
	return withHelp(z.keys.Do, "confirm done")
}

// canSkipNow reports whether the step due may be skipped now: an SNMP check
// only when the switch could not be read.
func (z *wizard) canSkipNow() bool {
	c := z.due()
	return c != nil && c.CanSkip() == nil && !z.rollingBack()
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
		first := !z.loaded
		z.loaded, z.pr, z.hub, z.lastUsed = true, msg.pr, msg.hub, msg.last
		if first {
			z.stepShown()
			return z, tea.Batch(z.openPrompt(), z.darkTick())
		}
		return z, nil
	case recordedMsg:
		if msg.code != z.code || msg.label != z.label {
			return z, nil
		}
		return z, tea.Batch(z.recorded(msg), z.darkTick())
	case wizDarkTickMsg:
		if msg.code == z.code && msg.label == z.label && msg.seq == z.darkSeq {
			return z, z.darkTick()
		}
		return z, nil
	case leftDarkMsg:
		if msg.code == z.code && msg.label == z.label {
			return z, z.leftDark(msg)
		}
		return z, nil
	case recheckMsg:
		return z, z.recheck(msg)
	case nextPositionMsg:
		if msg.code == z.code && msg.from == z.label {
			return z, goNext(z.sh, msg, func(p site.Position) screen { return newWizard(z.sh, p) })
		}
	case credsSetMsg:
		return z, z.credsSet()
	case addrSavedMsg:
		return z, z.addrSaved(msg)
	case spinner.TickMsg:
		if z.busy != "" && msg.ID == z.spin.ID() {
			var cmd tea.Cmd
			z.spin, cmd = z.spin.Update(msg)
			return z, cmd
		}
	case tea.KeyMsg:
		if !z.loaded {
			return z, nil
		}
		if z.busy != "" {
			z.holdAhead(msg)
			return z, nil
		}
		if z.prompt != promptNone {
			return z, z.promptKey(msg)
		}
		return z, z.commandKey(msg)
	case heldKeyMsg:
		if msg.seq == z.holdSeq && len(z.held) > 0 {
			return z, z.releaseHeld()
		}
	}
	return z, nil
}

// do performs the step due: an automatic one runs its check, a confirm one
// is a pass, an input one opens its prompt.
func (z *wizard) do(s *runbook.StepState) tea.Cmd {
	in := swap.Input{Outcome: runbook.OutcomePass}
	if z.rollingBack() {
		in.RollbackReason = z.flow.rollbackReason
	}
	switch s.Kind {
	case runbook.StepAuto:
		if s.Check == runbook.CheckStaged {
			return z.ask(promptSparePort, s) // which spare port to read
		}
		return z.record(s.Key, z.waitInput(s, in), "running the SNMP check: "+s.Title+"…")
	case runbook.StepInput:
		return z.openPrompt()
	}
	// A confirmation means the engineer did what the step says (a label,
	// a reconnection): an Enter that comes straight after the previous
	// result, before the step could even be read, is not one.
	if z.unseen(false) {
		z.refuseUnseen(s)
		return nil
	}
	return z.record(s.Key, in, "recording "+s.Title+"…")
}

func (z *wizard) record(step string, in swap.Input, doing string) tea.Cmd {
	if z.sh.readOnly != "" {
		z.lastErr = z.sh.readOnlyRefusal()
		return nil
	}
	if z.sh.runner == nil {
		return func() tea.Msg { return failed("recording step "+step, errNoRunner) }
	}
	z.busy, z.lastErr, z.known = doing, "", false
	z.input.Blur()
	return tea.Batch(recordCmd(z.sh, z.code, z.label, step, in), z.sh.spin(z.spin))
}

// recorded shows a result at once and moves on; a refusal leaves the
// prompt it came from open with its text selected.
func (z *wizard) recorded(msg recordedMsg) tea.Cmd {
	z.busy = ""
	ahead := z.ahead
	z.ahead = nil
	z.eye = nil
	if t := z.lingered(msg.rec, msg.err); t != nil || errors.Is(msg.err, runbook.ErrMayLinger) {
		return tea.Batch(t, z.replay(ahead))
	}
	if msg.err != nil {
		z.lastErr = errText(z.label+" "+msg.rec.Step, msg.err) // the wizard shows which
		z.known = errors.Is(msg.err, runbook.ErrKnown)
		cmds := []tea.Cmd{func() tea.Msg { return failed("recording step "+msg.rec.Step+" of "+z.label, msg.err) }}
		cmds = append(cmds, z.checkRefused(msg))
		if z.prompt != promptNone {
			z.refuse()
			if z.pick == nil {
				cmds = append(cmds, z.input.Focus())
			}
		}
		return tea.Batch(append(cmds, z.replay(ahead))...)
	}
	rec := msg.rec
	z.lingering = wait{}
	z.last, z.pr = &rec, rec.Progress
	z.stepShown()
	z.closePrompt()
	z.flow, z.cursor, z.retrying = setup{}, -1, false
	cmds := []tea.Cmd{changed(z.code), z.openPrompt()}
	switch {
	case rec.HookErr != "":
		cmds = append(cmds, func() tea.Msg {
			return failed("the simulated switch after step "+rec.Step+" of "+z.label, errString(rec.HookErr))
		})
	case rec.Corrected:
		cmds = append(cmds, note("%s: %s corrected to %s", z.label, rec.Step, rec.Value))
	case rec.Outcome == runbook.OutcomeFail:
		cmds = append(cmds, badNote("%s: %s %s", z.label, rec.Step, rec.Outcome))
	case rec.Progress.Mode == runbook.ModeFinished && (rec.Progress.Position.Status == site.StatusFailed || rec.Progress.Position.Status == site.StatusBlocked):
		// The rollback's last step: the attempt ended failed or blocked.
		cmds = append(cmds, badNote("%s: %s %s; rolled back, now %s: %s", z.label, rec.Step, rec.Outcome,
			statusWord(rec.Progress.Position.Status), rec.Progress.Position.StatusReason))
	default:
		cmds = append(cmds, note("%s: %s %s", z.label, rec.Step, rec.Outcome))
	}
	return tea.Batch(append(cmds, z.replay(ahead))...)
}

type errString string

func (e errString) Error() string { return string(e) }

const errNoRunner = errString("no swap runner: open the TUI through `cutover` or `cutover demo`")
