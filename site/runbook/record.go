package runbook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"cutover/assets"
	"cutover/site"
)

// ErrStepOrder is returned when a step is recorded out of turn.
var ErrStepOrder = errors.New("step out of order")

// ErrStepRule is returned when a result breaks a runbook rule (a skip where
// none is allowed, a failure with no note, an automatic step without its
// check).
var ErrStepRule = errors.New("runbook rule")

// RecordStep records one step result for a position in its own
// transaction, after checking it is the step due and the result obeys the
// runbook's rules; the register, numbers and status changes it causes are
// written in the same transaction. It returns the progress after the step.
func Record(ctx context.Context, s *site.Store, engineer, code, label, key string, res Result) (Progress, error) {
	var out Progress
	err := s.Write(ctx, engineer, func(tx *site.Tx) error {
		var err error
		out, err = RecordTx(ctx, tx, code, label, key, res)
		return err
	})
	if err != nil {
		return Progress{}, err
	}
	return out, nil
}

// RecordStep is RecordStep inside a caller's transaction.
func RecordTx(ctx context.Context, tx *site.Tx, code, label, key string, res Result) (Progress, error) {
	id, p, err := site.FindPosition(ctx, tx, code, label)
	if err != nil {
		return Progress{}, err
	}
	pr, err := progressOf(ctx, tx, id, p)
	if err != nil {
		return pr, err
	}
	if strings.EqualFold(key, StepReopen) {
		// Reopening a done position starts an attempt on the runbook that
		// replaces its phone; refused, with why, where there is none.
		if pr, err = Reopening(pr); err != nil {
			return pr, err
		}
	}
	step, ok := pr.Runbook.Step(key)
	if !ok {
		return pr, fmt.Errorf("position %s (%s): no step %q in its runbook (steps: %s)", p.Label, p.Plan, key,
			strings.Join(pr.Runbook.Keys(), ", "))
	}
	where := fmt.Sprintf("position %s step %s", p.Label, step.Key)
	if err := checkTurn(pr, step); err != nil {
		return pr, fmt.Errorf("%s: %w", where, err)
	}
	value, err := checkResult(pr, step, &res)
	if err != nil {
		return pr, fmt.Errorf("%s: %w", where, err)
	}
	if res.Outcome == OutcomePass {
		if err := checkIdentity(ctx, tx, id, p, step, value, res); err != nil {
			return pr, fmt.Errorf("%s: %w", where, err)
		}
	}
	// A new attempt starts with the first step, numbered after every
	// attempt this laptop knew of: its own, and the hub's as last pulled (a
	// finished one is followed; one still open on another laptop is joined,
	// so that the hub sees concurrent work as one attempt).
	attempt := pr.Attempt
	if pr.Mode == ModeNotStarted || pr.Mode == ModeFinished {
		attempt++
		if n, finished := hubAttempt(ctx, tx, p); finished && n+1 > attempt {
			attempt = n + 1
		} else if !finished && n > attempt {
			attempt = n
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO swap_attempts (position_id, attempt, started_at, started_by) VALUES (?,?,?,?)`,
			id, attempt, tx.Now, tx.Engineer); err != nil {
			return pr, err
		}
		reason := "runbook started"
		if attempt > 1 {
			reason = fmt.Sprintf("runbook started again (attempt %d)", attempt)
		}
		if step.Key == StepReopen {
			reason = fmt.Sprintf("reopened (attempt %d): %s", attempt, value)
		}
		if p.Status != site.StatusInProgress {
			if err := tx.MoveStatus(ctx, id, p.Status, site.StatusInProgress, reason); err != nil {
				return pr, err
			}
			p.Status = site.StatusInProgress
		}
	}
	var ev string
	if res.Observation != nil {
		b, err := json.Marshal(res.Observation)
		if err != nil {
			return pr, err
		}
		ev = string(b)
	}
	override := res.Override && res.Outcome == OutcomePass
	if _, err := tx.ExecContext(ctx, `INSERT INTO step_results (position_id, attempt, step_key, outcome, value, note, evidence, engineer, at, override)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, id, attempt, step.Key, res.Outcome, value, res.Note, ev, tx.Engineer, tx.Now, override); err != nil {
		return pr, err
	}
	payload := map[string]any{"step": step.Key, "attempt": attempt, "outcome": res.Outcome, "value": value, "note": res.Note}
	if res.Observation != nil {
		payload["evidence"] = res.Observation
	}
	if override {
		payload["override"] = true
	}
	if err := tx.Op(p.Site, "step.result.v1", "position", p.Label, payload); err != nil {
		return pr, err
	}
	if res.Outcome != OutcomeFail {
		if err := stepEffects(ctx, tx, id, p, pr, step, res.Outcome, value, attempt, override); err != nil {
			return pr, fmt.Errorf("%s: %w", where, err)
		}
	}
	_, p, err = site.FindPosition(ctx, tx, code, label)
	if err != nil {
		return pr, err
	}
	after, err := progressOf(ctx, tx, id, p)
	if err == nil && after.Mode == ModeSwap && after.Current != nil && after.Current.NotApplicable != "" {
		// A step that cannot apply to the position (no DDI to call) is
		// never asked for: it is recorded as a skip with its reason, in the
		// same transaction, the moment it comes due.
		return RecordTx(ctx, tx, code, label, after.Current.Key, Result{Outcome: OutcomeSkip, Note: "not applicable: " + after.Current.NotApplicable})
	}
	if err != nil || after.Mode != ModeRollback || after.Current != nil {
		return after, err
	}
	// The rollback's last step is out of the way: the attempt ends failed
	// or blocked, for the reason given when it started.
	why, _ := after.Step("rb_reason")
	to, reason, err := ParseReason(why.Value)
	if err != nil {
		return after, fmt.Errorf("%s: the rollback's reason: %w", where, err)
	}
	if err := endAttempt(ctx, tx, id, p, attempt, to, reason, after.Runbook.Reopened); err != nil {
		return after, err
	}
	_, p, err = site.FindPosition(ctx, tx, code, label)
	if err != nil {
		return after, err
	}
	return progressOf(ctx, tx, id, p)
}

// Pending is one step result to record with others in one transaction.
type Pending struct {
	Step   string
	Result Result
}

// RecordSteps records several step results in order in one transaction:
// a rollback's reason with its first step, so that a rollback asked for
// and then cancelled writes nothing. All are recorded, or none.
func RecordSteps(ctx context.Context, s *site.Store, engineer, code, label string, steps []Pending) (Progress, error) {
	var out Progress
	err := s.Write(ctx, engineer, func(tx *site.Tx) error {
		for _, st := range steps {
			var err error
			if out, err = RecordTx(ctx, tx, code, label, st.Step, st.Result); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Progress{}, err
	}
	return out, nil
}

// checkTurn checks that step is the one due now.
func checkTurn(pr Progress, step Step) error {
	if pr.Position.Status == site.StatusDone && !(step.Key == StepReopen && pr.Runbook.Reopened) {
		if pr.Reopenable {
			return fmt.Errorf("%w: the position is done; reopen it (step %s, saying what is wrong) to replace its phone as a new attempt", ErrStepOrder, StepReopen)
		}
		return fmt.Errorf("%w: the position is done; nothing more can be recorded", ErrStepOrder)
	}
	if pr.Position.Status == site.StatusWithdrawn {
		return fmt.Errorf("%w: the position is withdrawn from the plan", ErrStepOrder)
	}
	first := pr.Runbook.Steps[0]
	switch pr.Mode {
	case ModeNotStarted, ModeFinished:
		if step.Key != first.Key {
			what := "not started"
			if pr.Mode == ModeFinished {
				what = fmt.Sprintf("%s (%s); start it again", pr.Position.Status, pr.Position.StatusReason)
			}
			return fmt.Errorf("%w: the runbook is %s with its first step, %s (%s)", ErrStepOrder, what, first.Key, first.Title)
		}
		return nil
	case ModeRollback:
		if !step.RollbackOnly {
			return fmt.Errorf("%w: the position is being rolled back; the next step is %s", ErrStepOrder, currentKey(pr))
		}
	case ModeSwap:
		if step.RollbackOnly {
			if !pr.CanRollback {
				return fmt.Errorf("%w: too late to roll back: the legacy handset's disposition is recorded", ErrStepOrder)
			}
			if len(pr.Rollback) == 0 || pr.Rollback[0].Key != step.Key {
				return fmt.Errorf("%w: a rollback starts with %s", ErrStepOrder, pr.Rollback[0].Key)
			}
			return nil
		}
	}
	if pr.Current == nil || pr.Current.Key != step.Key {
		for _, st := range append(append([]StepState{}, pr.Steps...), pr.Rollback...) {
			if st.Key == step.Key && st.Passed() {
				return fmt.Errorf("%w: already %sed by %s at %s; the next step is %s", ErrStepOrder, st.Outcome, st.Engineer, st.At, currentKey(pr))
			}
		}
		if step.RollbackOnly && pr.Mode == ModeRollback {
			return fmt.Errorf("%w: the next rollback step is %s", ErrStepOrder, currentKey(pr))
		}
		return fmt.Errorf("%w: the next step is %s", ErrStepOrder, currentKey(pr))
	}
	return nil
}

func currentKey(pr Progress) string {
	if pr.Current == nil {
		return "none"
	}
	return pr.Current.Key + " (" + pr.Current.Title + ")"
}

// checkResult applies the outcome rules and validates the value; it
// returns the value to keep.
func checkResult(pr Progress, step Step, res *Result) (string, error) {
	res.Note = strings.TrimSpace(res.Note)
	switch res.Outcome {
	case OutcomePass, OutcomeFail, OutcomeSkip:
	default:
		return "", fmt.Errorf("%w: result %q: want pass, fail or skip", ErrStepRule, res.Outcome)
	}
	if err := checkText("note", res.Note, MaxNote, true); err != nil {
		return "", err
	}
	if err := checkText("value", cleanInput(res.Value), MaxValue, false); err != nil {
		return "", err
	}
	if res.Override && res.Note == "" {
		return "", fmt.Errorf("%w: recording a handset the register knows elsewhere needs a note saying why (e.g. \"relabelled handset\")", ErrStepRule)
	}
	if res.Outcome == OutcomeSkip {
		cur, _ := pr.Step(step.Key)
		if err := cur.CanSkip(); err != nil {
			return "", err
		}
		if res.Note == "" {
			return "", fmt.Errorf("%w: a skip needs a reason in the note", ErrStepRule)
		}
		return "", nil
	}
	if step.Kind == StepAuto {
		o := res.Observation
		if o == nil || o.Check != step.Check {
			return "", fmt.Errorf("%w: an automatic step is recorded from its SNMP check (%s), not by hand", ErrStepRule, step.Check)
		}
		if res.Outcome == OutcomePass && !o.OK {
			return "", fmt.Errorf("%w: the check failed: %s", ErrStepRule, o.Summary)
		}
		if res.Outcome == OutcomeFail && o.OK {
			return "", fmt.Errorf("%w: the check passed; record it as a pass", ErrStepRule)
		}
		return "", nil
	}
	if res.Outcome == OutcomeFail {
		if res.Note == "" {
			return "", fmt.Errorf("%w: a failure needs a note saying what went wrong", ErrStepRule)
		}
		return cleanInput(res.Value), nil
	}
	if step.Kind == StepConfirm {
		return cleanInput(res.Value), nil
	}
	v := cleanInput(res.Value)
	if step.Field == FieldNewSerial {
		cur, _ := pr.Step(step.Key)
		seen := cur.Suggested
		if v == "" {
			if seen == "" {
				return "", fmt.Errorf("%w: the switch did not show the serial: scan it from the label", ErrBadInput)
			}
			v = seen
		}
		got, err := step.Validate(v)
		if err != nil {
			return "", err
		}
		if seen != "" && !strings.EqualFold(seen, got) {
			return "", fmt.Errorf("%w: the phone on the port reports serial %s over LLDP-MED, not %s: scan the phone on this port", ErrBadInput, seen, got)
		}
		if seen == "" && res.Note == "" {
			return "", fmt.Errorf("%w: the switch could not show the serial; say why in the note (e.g. \"LLDP-MED inventory not sent\")", ErrStepRule)
		}
		return got, nil
	}
	if step.Field == FieldDDI && pr.Position.DDI == "" && (v == "" || strings.EqualFold(v, "none") || strings.EqualFold(v, "keep")) {
		return "none", nil
	}
	got, err := step.Validate(v)
	if err != nil {
		return "", err
	}
	if step.Field == FieldDisposition && got == string(assets.StateLost) && res.Note == "" {
		return "", fmt.Errorf("%w: a handset recorded as lost needs a note saying how (e.g. \"not in the room; reported to stores\")", ErrStepRule)
	}
	if step.Field == FieldTeamsDDI && got == pr.Position.DDI {
		return "", fmt.Errorf("%w: %s is this position's legacy DDI: a Teams DDI is a new number, given in return for surrendering the legacy one (business case item 10)", ErrBadInput, site.FormatDDI(got))
	}
	return got, nil
}

// legacyAsset is the legacy handset record at a position.
func legacyAsset(ctx context.Context, tx *site.Tx, id int64, p site.Position) (assets.Asset, error) {
	a, ok, err := assets.AtPosition(ctx, tx, id, assets.KindLegacy)
	if err != nil {
		return a, err
	}
	if !ok {
		return a, fmt.Errorf("no legacy handset recorded at position %s; capture it first", p.Label)
	}
	return a, nil
}

// stepEffects writes what a passed or skipped step changes beyond itself.
func stepEffects(ctx context.Context, tx *site.Tx, id int64, p site.Position, pr Progress, step Step, out Outcome, value string, attempt int, override bool) error {
	pass := out == OutcomePass
	install := assets.Install
	if override {
		install = assets.InstallOverride
	}
	switch {
	case step.Field == FieldLegacySerial:
		a := assets.Asset{Kind: assets.KindLegacy, Vendor: string(p.LegacyVendor), Model: p.LegacyModel, MAC: p.MAC, Site: p.Site}
		if pass {
			a.Serial = value
		}
		// An inventory with no MAC, a label that cannot be read: the
		// handset the pre-check found on the port gives its identity.
		a.MAC, a.Serial = legacyIdentity(a.MAC, a.Serial, seenLegacyInProgress(pr))
		if _, err := install(ctx, tx, a, id, p.Label, "captured at "+p.Label); err != nil {
			return err
		}
	case step.Field == FieldLegacyTag && pass:
		a, err := legacyAsset(ctx, tx, id, p)
		if err != nil {
			return err
		}
		a.AssetTag = value
		if _, err := install(ctx, tx, a, id, p.Label, "asset tag scanned"); err != nil {
			return err
		}
	case step.Field == FieldCondition && pass:
		a, err := legacyAsset(ctx, tx, id, p)
		if err != nil {
			return err
		}
		return assets.SetCondition(ctx, tx, a.ID, value)
	case step.Key == StepReplace && pass:
		return replacePhone(ctx, tx, id, p)
	case step.Key == StepFaultyDisposition && pass:
		return disposeReplaced(ctx, tx, id, p, value)
	case step.Key == StepPutBack && pass:
		return bagReplacement(ctx, tx, id, p, pr)
	case step.Physical:
		a, err := legacyAsset(ctx, tx, id, p)
		if err != nil {
			return err
		}
		_, err = assets.Move(ctx, tx, a.ID, assets.StateRemoved, "unplugged at "+p.Label, "")
		return err
	case step.Field == FieldNewTag && pass:
		return installNew(ctx, tx, id, p, pr, value, install)
	case step.Field == FieldDDI && pass:
		return setNumbers(ctx, tx, id, p, value)
	case step.Field == FieldTeamsDDI && pass:
		return setNumbers(ctx, tx, id, p, "teams "+value)
	case step.Key == "surrender" && pass:
		return surrender(ctx, tx, id, p)
	case step.Field == FieldDisposition && pass:
		d, err := ParseDisposition(value)
		if err != nil {
			return err
		}
		a, err := legacyAsset(ctx, tx, id, p)
		if err != nil {
			return err
		}
		if _, err := assets.Move(ctx, tx, a.ID, d.State, "disposition at "+p.Label, d.WTNRef); err != nil {
			return err
		}
	case step.Key == "rb_reconnect" && pass:
		return reconnect(ctx, tx, id, p)
	}
	if !step.RollbackOnly && step.Key == pr.Runbook.Steps[len(pr.Runbook.Steps)-1].Key {
		reason := "runbook complete"
		if step.Field == FieldContact {
			reason = "signed off by " + value
		}
		return endAttempt(ctx, tx, id, p, attempt, site.StatusDone, reason, pr.Runbook.Reopened)
	}
	return nil
}

// endAttempt ends an attempt. A swap that did not finish puts the numbers
// back as planned; a replacement of a reopened position's phone leaves
// them as the swap gave them (reopened).
func endAttempt(ctx context.Context, tx *site.Tx, id int64, p site.Position, attempt int, to site.Status, reason string, reopened bool) error {
	if _, err := tx.ExecContext(ctx, `UPDATE swap_attempts SET ended_at=?, outcome=?, reason=? WHERE position_id=? AND attempt=?`,
		tx.Now, to, reason, id, attempt); err != nil {
		return err
	}
	if to != site.StatusDone && !reopened {
		if err := resetNumbers(ctx, tx, id, p); err != nil {
			return err
		}
	}
	return tx.MoveStatus(ctx, id, p.Status, to, reason)
}

func installNew(ctx context.Context, tx *site.Tx, id int64, p site.Position, pr Progress, tag string,
	install func(context.Context, assets.Tx, assets.Asset, int64, string, string) (assets.Asset, error)) error {
	a := assets.Asset{Kind: assets.KindNew, Vendor: "avaya", Site: p.Site}
	if m, err := assets.NormaliseModel(p.TargetModel); err == nil {
		a.Model = m
	}
	for _, st := range pr.Steps {
		if st.Check == CheckNewPhone && st.Evidence != nil && st.Evidence.Phone != nil {
			ph := st.Evidence.Phone
			a.MAC = ph.MAC
			if m, err := assets.NormaliseModel(ph.Model); err == nil && ph.Model != "" {
				a.Model = m
			}
		}
		if st.Field == FieldNewSerial && st.Passed() {
			a.Serial = st.Value
			if n := len(st.History); n > 0 && st.History[n-1].Override {
				install = assets.InstallOverride
			}
		}
	}
	a.AssetTag = tag
	_, err := install(ctx, tx, a, id, p.Label, "installed at "+p.Label)
	return err
}

func reconnect(ctx context.Context, tx *site.Tx, id int64, p site.Position) error {
	if a, ok, err := assets.AtPosition(ctx, tx, id, assets.KindNew); err != nil {
		return err
	} else if ok && a.State == assets.StateInstalled {
		if _, err := assets.Move(ctx, tx, a.ID, assets.StateRemoved, "rolled back at "+p.Label+"; bagged and tagged", ""); err != nil {
			return err
		}
	}
	a, err := legacyAsset(ctx, tx, id, p)
	if err != nil {
		return err
	}
	if a.State == assets.StateRemoved {
		_, err = assets.Move(ctx, tx, a.ID, assets.StateInstalled, "reconnected at "+p.Label+" (rollback)", "")
	}
	return err
}

// hubAttempt is the attempt the hub's record of a position stands on, as
// last pulled, and whether it is finished (done, failed or blocked); 0 when
// the hub has none.
func hubAttempt(ctx context.Context, tx *site.Tx, p site.Position) (int, bool) {
	d, ok, err := hubState(ctx, tx, p.Site, p.Label)
	if err != nil || !ok {
		return 0, false
	}
	return d.Attempt, d.Status == site.StatusDone || d.Status == site.StatusFailed || d.Status == site.StatusBlocked
}
