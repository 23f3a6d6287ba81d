package ui

import (
	"strings"

	"cutover/site"
	"cutover/site/runbook"

	tea "github.com/charmbracelet/bubbletea"
)

// The input guard: no value is taken unseen. A step's result (a confirm,
// a scanned or typed value, a picked answer) is taken only once the step
// has been on screen and a key was pressed for it after it came up. Keys
// typed while the previous result was being recorded were pressed before
// the step appeared: their text may land in its prompt, to be seen, but
// their Enter never records it; and an Enter that comes straight after the
// step came up (a double Enter, a scanner's burst run on) records nothing
// either, unless what it records was typed for this step.

// fresh reports whether the step due came up too recently for an Enter to
// be a deliberate answer to it: less than the read pause ago.
func (z *wizard) fresh() bool {
	return z.sh.readPause > 0 && !z.shownAt.IsZero() && z.sh.wall().Sub(z.shownAt) < z.sh.readPause
}

// unseen reports whether an Enter now would take a result nobody chose for
// the step due: an Enter typed before the step appeared (replayed from the
// keys typed while recording), or one that came straight after it appeared
// with nothing typed or picked for it since. typed is whether keys were
// pressed for this step's prompt after it came up.
func (z *wizard) unseen(typed bool) bool {
	return z.replaying || !typed && z.fresh()
}

// refuseUnseen says why an Enter was not taken, and starts the read pause
// again (a held-down Enter keeps being refused).
func (z *wizard) refuseUnseen(c *runbook.StepState) {
	what := "this step"
	if c != nil {
		what = "“" + c.Title + "”"
	}
	switch {
	case z.replaying:
		z.lastErr = "an enter typed before " + what + " came up is not taken for it: nothing was recorded; read the step, then press enter"
	default:
		z.lastErr = what + " has only just come up: read it and do it, then press enter (an enter straight after the last one is not taken as an answer; nothing was recorded)"
	}
	z.shownAt = z.sh.wall()
}

// stepShown marks the step due as just come up: nothing is typed for it yet.
func (z *wizard) stepShown() {
	z.shownAt = z.sh.wall()
	z.keyed = false
}

// offered is the last value used on this site that the open prompt offers
// (tab takes it): a waste transfer note reference, or who signed off.
func (z *wizard) offered() string {
	switch c := z.due(); {
	case z.prompt == promptWTN && z.flow.correctKey == "":
		return z.lastUsed.WTNRef
	case z.prompt == promptValue && c != nil && c.Field == runbook.FieldContact:
		return z.lastUsed.Contact
	}
	return ""
}

// noRollback says why b does nothing on a finished position, and what to
// do instead.
func (z *wizard) noRollback() string {
	p := z.pr.Position
	if p.Status == site.StatusDone && z.pr.Reopenable {
		return "b: " + p.Label + " is done (" + p.StatusReason + "): a done position is not rolled back, because its legacy handset has gone to its disposition. If its phone has failed since, o reopens it as a new attempt that replaces the phone; c still corrects a value recorded wrongly"
	}
	if p.Status == site.StatusDone {
		return "b: " + p.Label + " is done (" + p.StatusReason + "): a done position is not rolled back, because its legacy handset has gone to its disposition; c still corrects a value recorded wrongly"
	}
	return "b: " + p.Label + " is already rolled back (" + statusWord(p.Status) + "); enter starts the runbook again"
}

// lastCorrectable is the row of the step whose value was just recorded,
// when c can correct it from the step due; nil otherwise.
func (z *wizard) lastCorrectable() *int {
	if z.last == nil || z.last.Value == "" || z.sh.readOnly != "" {
		return nil
	}
	for i, r := range z.rows() {
		if r.Key == z.last.Step && r.Correctable() {
			return &i
		}
	}
	return nil
}

// reopen asks why a done position is reopened to replace its phone, after
// refusing, before anything is typed, a position that cannot be (not done,
// or no phone on its jack: a Teams move, a soft phone, a removal).
func (z *wizard) reopen() tea.Cmd {
	if z.sh.readOnly != "" {
		z.lastErr = z.sh.readOnlyRefusal()
		return nil
	}
	if err := runbook.CanReopen(z.pr.Position); err != nil {
		z.lastErr = "o: " + strings.TrimPrefix(err.Error(), runbook.ErrCannotReopen.Error()+": ")
		return nil
	}
	return z.ask(promptReopen, nil)
}
