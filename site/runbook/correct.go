package runbook

import (
	"context"
	"fmt"
	"strings"

	"cutover/assets"
	"cutover/site"
)

// Correct records a correction of a step already recorded (a mistyped
// serial, the wrong asset tag, condition or number): a new result of its
// own, with the reason, that names the value it replaces. The old value
// stays in the step's history and both go to the hub. It is not a
// rollback: the rest of the swap stands.
func Correct(ctx context.Context, s *site.Store, engineer, code, label, key, value, reason string, override bool) (Progress, error) {
	var out Progress
	err := s.Write(ctx, engineer, func(tx *site.Tx) error {
		var err error
		out, err = CorrectTx(ctx, tx, code, label, key, value, reason, override)
		return err
	})
	if err != nil {
		return Progress{}, err
	}
	return out, nil
}

// CorrectTx is Correct inside a caller's transaction.
func CorrectTx(ctx context.Context, tx *site.Tx, code, label, key, value, reason string, override bool) (Progress, error) {
	id, p, err := site.FindPosition(ctx, tx, code, label)
	if err != nil {
		return Progress{}, err
	}
	pr, err := progressOf(ctx, tx, id, p)
	if err != nil {
		return pr, err
	}
	cur, ok := pr.Step(key)
	if !ok {
		return pr, fmt.Errorf("position %s (%s): no step %q in its runbook (steps: %s)", p.Label, p.Plan, key, strings.Join(pr.Runbook.Keys(), ", "))
	}
	where := fmt.Sprintf("position %s step %s", p.Label, cur.Key)
	switch {
	case p.Status == site.StatusWithdrawn:
		return pr, fmt.Errorf("%s: %w: the position is withdrawn from the plan", where, ErrStepOrder)
	case !cur.Correctable():
		what := "it has no value recorded in this attempt"
		if cur.Outcome == OutcomePass {
			what = "only a scanned or typed value (serial, asset tag, condition, number) can be corrected; roll back or fail the step instead"
		}
		return pr, fmt.Errorf("%s: %w: cannot correct it: %s", where, ErrStepRule, what)
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) < 3 {
		return pr, fmt.Errorf("%s: %w: a correction needs its reason (e.g. \"serial mistyped\")", where, ErrStepRule)
	}
	if err := checkText("reason", reason, MaxNote, true); err != nil {
		return pr, fmt.Errorf("%s: %w", where, err)
	}
	if err := checkText("value", cleanInput(value), MaxValue, false); err != nil {
		return pr, fmt.Errorf("%s: %w", where, err)
	}
	got, err := cur.Validate(value)
	if err != nil {
		return pr, fmt.Errorf("%s: %w", where, err)
	}
	if cur.Field == FieldTeamsDDI && got == p.DDI {
		return pr, fmt.Errorf("%s: %w: %s is this position's legacy DDI: a Teams DDI is a new number", where, ErrBadInput, site.FormatDDI(got))
	}
	if got == cur.Value {
		return pr, fmt.Errorf("%s: %w: %s is the value already recorded", where, ErrBadInput, got)
	}
	if err := checkIdentity(ctx, tx, id, p, cur.Step, got, Result{Override: override}); err != nil {
		return pr, fmt.Errorf("%s: %w", where, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO step_results (position_id, attempt, step_key, outcome, value, note, evidence, engineer, at, corrects, override)
		VALUES (?,?,?,'pass',?,?,'',?,?,?,?)`, id, pr.Attempt, cur.Key, got, reason, tx.Engineer, tx.Now, cur.Value, override); err != nil {
		return pr, err
	}
	payload := map[string]any{"step": cur.Key, "attempt": pr.Attempt, "value": got, "was": cur.Value, "reason": reason}
	if override {
		payload["override"] = true
	}
	if err := tx.Op(p.Site, "step.correction.v1", "position", p.Label, payload); err != nil {
		return pr, err
	}
	if err := correctionEffects(ctx, tx, id, p, cur, got, override); err != nil {
		return pr, fmt.Errorf("%s: %w", where, err)
	}
	return progressOf(ctx, tx, id, p)
}

// correctionEffects puts the corrected value where the step's first value
// went: the register or the numbers.
func correctionEffects(ctx context.Context, tx *site.Tx, id int64, p site.Position, cur StepState, value string, override bool) error {
	kind := assets.KindLegacy
	switch cur.Field {
	case FieldNewSerial, FieldNewTag:
		kind = assets.KindNew
	case FieldDDI:
		return setNumbers(ctx, tx, id, p, value)
	case FieldTeamsDDI:
		return setNumbers(ctx, tx, id, p, "teams "+value)
	case FieldDisposition:
		d, err := ParseDisposition(value)
		if err != nil {
			return err
		}
		a, err := legacyAsset(ctx, tx, id, p)
		if err != nil {
			return err
		}
		_, err = assets.Redispose(ctx, tx, a.ID, d.State, "disposition corrected at "+p.Label, d.WTNRef)
		return err
	}
	a, ok, err := assets.AtPosition(ctx, tx, id, kind)
	if err != nil || !ok {
		return err // a new phone not installed yet takes the value when it is
	}
	switch cur.Field {
	case FieldCondition:
		return assets.SetCondition(ctx, tx, a.ID, value)
	case FieldLegacySerial, FieldNewSerial:
		a.Serial = value
	case FieldLegacyTag, FieldNewTag:
		a.AssetTag = value
	}
	return assets.Relabel(ctx, tx, a, "corrected at "+p.Label, override)
}
