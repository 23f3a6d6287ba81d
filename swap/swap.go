// Package swap runs a position's guided swap: it records each runbook step
// through the site store's rules, running the SNMP check of automatic steps
// first, and tells the caller (the demo's simulated switches) when a handset
// was physically swapped or reconnected. The command line and the TUI both
// go through a Runner, so a step is recorded the same way from either. It
// also runs a site's discovery (DiscoverSite), which joins what the switches
// show to the inventory, for the same reason.
package swap

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cutover/devices"
	"cutover/site"
	"cutover/site/runbook"
)

// Runner records steps. Checker is needed only for automatic steps.
type Runner struct {
	Store   *site.Store
	Checker runbook.Checker
	// OnSwapConfirmed, if set, is called after a physical step (the swap,
	// or a removal) has been committed: the demo changes what its
	// simulated switch shows on the port.
	OnSwapConfirmed func(ctx context.Context, p site.Position) error
	// OnReplaced, if set, is called after a reopened position's phone was
	// swapped for a replacement: the demo shows another phone on the port.
	OnReplaced func(ctx context.Context, p site.Position) error
	// OnStage, if set, is called before the staging check reads the spare
	// port named: the demo plugs the new phone (or the replacement) in.
	OnStage func(ctx context.Context, p site.Position, port string, replacement bool) error
	// OnReconnect, if set, is called after a rollback's reconnect step has
	// been committed.
	OnReconnect func(ctx context.Context, p site.Position) error
	// AfterRecord, if set, is called after every step result is committed:
	// the TUI asks its background sync to push soon.
	AfterRecord func()
}

// Input is what the engineer gives for a step.
type Input struct {
	Outcome runbook.Outcome
	Value   string
	Note    string
	// Override records a serial or tag the register knows elsewhere (with
	// a note saying why).
	Override bool
	// ByEye confirms, with Note saying what the engineer saw, the facts
	// an automatic check needs that the switch does not report (PoE, the
	// voice VLAN…): the step is then recorded as passed, confirmed by eye,
	// not proven. Facts the switch reported still fail the check.
	ByEye bool
	// Wait, on a gone check, records nothing while the phone still seen
	// may be only the switch's LLDP or CDP entry outliving the device
	// (runbook.ErrMayLinger): the caller checks again until it expires.
	Wait bool
	// RollbackReason, given with a rollback's first step after the
	// reason ("failed: …" or "blocked: …"), records the reason and that
	// step together: a rollback asked for and then cancelled writes
	// nothing.
	RollbackReason string
}

// Recorded is the outcome of recording one step.
type Recorded struct {
	Position string               `json:"position"`
	Step     string               `json:"step"`
	Outcome  runbook.Outcome      `json:"outcome"`
	Value    string               `json:"value,omitempty"`
	Check    *runbook.Observation `json:"check,omitempty"` // what an automatic step saw
	Progress runbook.Progress     `json:"progress"`
	// HookErr is set when the step was recorded but the after-step hook
	// (the demo switch) failed.
	HookErr string `json:"hook_error,omitempty"`
	// Corrected is set when this was a correction of an earlier result.
	Corrected bool `json:"corrected,omitempty"`
}

// ErrNoChecker is returned for an automatic step with no way to read the
// switch.
var ErrNoChecker = errors.New("no SNMP access configured for automatic steps")

// Record records one step of a position. An automatic step runs its check
// first: it is recorded as a pass when the check passes and as a fail, with
// what was seen, when it does not (whatever outcome was asked for, except a
// skip). A step out of turn, or a value that fails validation, records
// nothing and returns the error.
func (r *Runner) Record(ctx context.Context, engineer, code, label, key string, in Input) (Recorded, error) {
	rec := Recorded{Position: label, Step: key}
	pr, err := runbook.Steps(ctx, r.Store, code, label)
	if err != nil {
		return rec, err
	}
	rec.Position = pr.Position.Label
	if strings.EqualFold(key, runbook.StepReopen) {
		if pr, err = runbook.Reopening(pr); err != nil {
			return rec, err
		}
	}
	step, ok := pr.Runbook.Step(key)
	if !ok {
		return rec, fmt.Errorf("position %s (%s): no step %q in its runbook (steps: %s)", pr.Position.Label, pr.Position.Plan,
			key, strings.Join(pr.Runbook.Keys(), ", "))
	}
	rec.Step = step.Key
	res := runbook.Result{Outcome: in.Outcome, Value: in.Value, Note: in.Note, Override: in.Override}
	if step.Kind == runbook.StepAuto && in.Outcome != runbook.OutcomeSkip {
		// Refuse an out-of-turn step before spending time on SNMP.
		if err := pr.Due(step.Key); err != nil && in.RollbackReason == "" {
			return rec, fmt.Errorf("position %s step %s: %w", pr.Position.Label, step.Key, err)
		}
		if r.Checker == nil {
			return rec, fmt.Errorf("position %s step %s: %w; nothing was recorded", pr.Position.Label, step.Key, ErrNoChecker)
		}
		at := pr.Position
		if step.Check == runbook.CheckStaged {
			// The staging check reads the spare port the engineer names.
			port := strings.TrimSpace(in.Value)
			if err := runbook.SparePort(at, port); err != nil {
				return rec, fmt.Errorf("position %s step %s: %w; nothing was recorded", pr.Position.Label, step.Key, err)
			}
			at.Port = port
			if r.OnStage != nil {
				if err := r.OnStage(ctx, pr.Position, port, pr.Runbook.Reopened); err != nil {
					return rec, fmt.Errorf("position %s step %s: %w; nothing was recorded", pr.Position.Label, step.Key, err)
				}
			}
		}
		reading, readErr := r.Checker.Read(ctx, at)
		if errors.Is(readErr, devices.ErrNoCredentials) {
			// No credentials is not a switch that could not be read: ask
			// for them, and record nothing.
			return rec, fmt.Errorf("position %s step %s: %w (give them as for `cutover discover`); nothing was recorded",
				pr.Position.Label, step.Key, readErr)
		}
		if errors.Is(readErr, ErrNoSwitchAddr) {
			// Nor is a switch nobody has said where to find.
			return rec, fmt.Errorf("position %s step %s: %w; nothing was recorded", pr.Position.Label, step.Key, readErr)
		}
		obs := runbook.Evaluate(step.Check, at, reading, readErr)
		if staged, ok := pr.Step("stage"); ok && step.Check == runbook.CheckNewPhone {
			runbook.SameAsStaged(&obs, staged)
		}
		if step.Check == runbook.CheckNewPhone && pr.Runbook.Reopened {
			runbook.NotTheReplaced(&obs, pr.Replacing)
		}
		rec.Check = &obs
		if obs.NeedsEye() {
			if !in.ByEye {
				return rec, fmt.Errorf("position %s step %s: %w: %s; nothing was recorded", pr.Position.Label, step.Key,
					runbook.ErrNotReported, obs.Summary)
			}
			if err := runbook.ConfirmByEye(&obs, in.Note); err != nil {
				return rec, err
			}
		}
		if _, linger := obs.MayLinger(); linger && in.Wait {
			return rec, fmt.Errorf("position %s step %s: %w: %s; nothing was recorded", pr.Position.Label, step.Key,
				runbook.ErrMayLinger, obs.Summary)
		}
		res.Observation = &obs
		res.Outcome = runbook.OutcomeFail
		if obs.OK {
			res.Outcome = runbook.OutcomePass
		}
		rec.Check = &obs
	}
	if step.Kind == runbook.StepAuto && in.Outcome == runbook.OutcomeSkip {
		// A check skipped because the switch could not be read keeps what
		// was tried (the switch's address and the error) as its evidence.
		if cur, ok := pr.Step(step.Key); ok && cur.Unreadable() {
			ev := *cur.Evidence
			res.Observation = &ev
		}
	}
	var after runbook.Progress
	if in.RollbackReason != "" {
		after, err = runbook.RecordSteps(ctx, r.Store, engineer, code, label, []runbook.Pending{
			{Step: "rb_reason", Result: runbook.Result{Outcome: runbook.OutcomePass, Value: in.RollbackReason}},
			{Step: step.Key, Result: res}})
	} else {
		after, err = runbook.Record(ctx, r.Store, engineer, code, label, step.Key, res)
	}
	if err != nil {
		return rec, err
	}
	rec.Outcome, rec.Progress = res.Outcome, after
	if r.AfterRecord != nil {
		r.AfterRecord()
	}
	if st, ok := after.Step(step.Key); ok {
		rec.Value = st.Value
	}
	if res.Outcome == runbook.OutcomePass {
		var hook func(context.Context, site.Position) error
		switch {
		case step.Key == runbook.StepReplace:
			hook = r.OnReplaced
		case step.Physical:
			hook = r.OnSwapConfirmed
		case step.Key == "rb_reconnect":
			hook = r.OnReconnect
		}
		if hook != nil {
			if err := hook(ctx, after.Position); err != nil {
				rec.HookErr = err.Error()
			}
		}
	}
	return rec, nil
}

// UseCredentials makes creds the SNMP credentials of every later check,
// when the runner's checker reads switches over SNMP (the TUI's session
// credentials, typed in once for discovery and checks alike).
func (r *Runner) UseCredentials(creds devices.Credentials) {
	if c, ok := r.Checker.(*SNMPChecker); ok {
		c.SetCreds(creds)
	}
}

// Correct records a correction of an input step already recorded (see
// runbook.Correct).
func (r *Runner) Correct(ctx context.Context, engineer, code, label, key, value, reason string, override bool) (Recorded, error) {
	rec := Recorded{Position: label, Step: key}
	after, err := runbook.Correct(ctx, r.Store, engineer, code, label, key, value, reason, override)
	if err != nil {
		return rec, err
	}
	rec.Position, rec.Outcome, rec.Progress, rec.Corrected = after.Position.Label, runbook.OutcomePass, after, true
	if st, ok := after.Step(key); ok {
		rec.Step, rec.Value = st.Key, st.Value
	}
	if r.AfterRecord != nil {
		r.AfterRecord()
	}
	return rec, nil
}

// Unreadable is a Checker for when the switch cannot be read at all (no
// credentials, no route): every check records that, with err as the
// reason, so that the step may then be skipped saying why.
func Unreadable(err error) runbook.Checker { return unreadable{err} }

type unreadable struct{ err error }

func (u unreadable) Read(context.Context, site.Position) (runbook.PortReading, error) {
	return runbook.PortReading{}, u.err
}

// Check reads the position's port and judges it for a check; a switch
// that cannot be read gives a failed observation saying why.
func Check(ctx context.Context, c runbook.Checker, check runbook.Check, p site.Position) runbook.Observation {
	reading, err := c.Read(ctx, p)
	return runbook.Evaluate(check, p, reading, err)
}
