package ui

// The wizard's messages and the commands that read and write the runbook
// off the event loop.

import (
	"cutover/site/runbook"
	"cutover/swap"

	tea "github.com/charmbracelet/bubbletea"
)

// progressMsg carries a position's runbook progress.
type progressMsg struct {
	code, label string
	pr          runbook.Progress
	hub         runbook.HubView // where the hub's record differs (as last pulled)
	last        runbook.LastUsed
	err         error
}

// recordedMsg is the outcome of recording one step (or a correction).
type recordedMsg struct {
	code, label string
	rec         swap.Recorded
	err         error
}

func loadProgressCmd(sh *shared, code, label string) tea.Cmd {
	ctx, store := sh.ctx, sh.store
	return func() tea.Msg {
		pr, err := runbook.Steps(ctx, store, code, label)
		hub, _ := runbook.HubStanding(ctx, store, code, label) // none when unknown: the runbook is this laptop's
		last, _ := runbook.LastUsedAt(ctx, store, code)        // nothing offered when unreadable
		return progressMsg{code: code, label: label, pr: pr, hub: hub, last: last, err: err}
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

// correctCmd records a correction of a step already recorded.
func correctCmd(sh *shared, code, label, step, value, reason string, override bool) tea.Cmd {
	ctx, runner, engineer := sh.ctx, sh.runner, sh.engineer
	return func() tea.Msg {
		rec, err := runner.Correct(ctx, engineer, code, label, step, value, reason, override)
		return recordedMsg{code: code, label: label, rec: rec, err: err}
	}
}
