package ui

// The gone check's wait: a switch keeps an LLDP or CDP neighbour it no
// longer hears until the entry's time to live runs out when the port stays
// up (a phone behind a desk switch or a PC's bridge). Instead of a failure
// that only a rollback answers, the wizard checks again by itself until
// then, recording nothing, with a countdown; esc stops it.

import (
	"errors"
	"fmt"
	"time"

	"cutover/internal/safetext"
	"cutover/site/runbook"
	"cutover/swap"

	tea "github.com/charmbracelet/bubbletea"
)

// recheckEvery is how often the wizard checks again while it waits.
const recheckEvery = 5 * time.Second

// recheckMsg is the wait's timer.
type recheckMsg struct{ seq int }

// wait is the gone check's wait state.
type wait struct {
	until   time.Time // when the switch's entry expires at the latest
	seen    string    // what the switch still lists
	seq     int
	stopped bool // esc stopped it: the next check records what it sees
}

// waiting reports whether the wizard is checking again by itself.
func (z *wizard) waiting() bool { return !z.lingering.until.IsZero() }

// waitInput is the Input for running the gone check: it waits while the
// entry may still expire, unless the engineer stopped the wait or it is over.
func (z *wizard) waitInput(c *runbook.StepState, in swap.Input) swap.Input {
	if c.Check != runbook.CheckLegacyGone || z.lingering.stopped {
		return in
	}
	in.Wait = !z.waiting() || z.sh.wall().Before(z.lingering.until)
	return in
}

// lingered starts (or keeps) the wait after a gone check saw a phone the
// switch may only be keeping; it returns the timer.
func (z *wizard) lingered(rec swap.Recorded, err error) tea.Cmd {
	if !errors.Is(err, runbook.ErrMayLinger) || rec.Check == nil {
		return nil
	}
	ttl, _ := rec.Check.MayLinger()
	if !z.waiting() {
		z.lingering.until = z.sh.wall().Add(ttl)
	}
	z.lingering.seen = rec.Check.Summary
	z.lastErr = ""
	return z.tick()
}

func (z *wizard) tick() tea.Cmd {
	z.lingering.seq++
	seq := z.lingering.seq
	if !z.sh.animate {
		return nil // tests send recheckMsg themselves
	}
	return tea.Tick(recheckEvery, func(time.Time) tea.Msg { return recheckMsg{seq} })
}

// recheck runs the gone check again when the timer fires.
func (z *wizard) recheck(msg recheckMsg) tea.Cmd {
	c := z.due()
	if msg.seq != z.lingering.seq || !z.waiting() || c == nil || c.Check != runbook.CheckLegacyGone || z.busy != "" || z.prompt != promptNone {
		return nil
	}
	return z.record(c.Key, z.waitInput(c, swap.Input{Outcome: runbook.OutcomePass}), "checking the port again…")
}

// stopWaiting is esc during the wait: nothing is recorded; the next enter
// records what the check sees.
func (z *wizard) stopWaiting() tea.Cmd {
	z.lingering = wait{stopped: true}
	return note("%s: stopped checking again; nothing was recorded (enter runs the check and records what it shows)", z.label)
}

// waitView is the countdown.
func (z *wizard) waitView(w int) string {
	left := max(z.lingering.until.Sub(z.sh.wall()).Round(time.Second), 0)
	return z.sh.st.r.NewStyle().Width(w).Render(fmt.Sprintf("%s %s\nThe switch keeps an LLDP or CDP neighbour it no longer hears until its time to live runs out. Checking again every %s until %s (%s left), recording nothing; esc stops.",
		z.sh.st.Warn.Render("⧗ Still listed:"), safetext.Line(z.lingering.seen), recheckEvery, z.lingering.until.Local().Format("15:04:05"), left)) + "\n"
}
