package hub

import (
	"cutover/sync/hub/rules"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"cutover/assets"
	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/wire"
)

// resolveDerived checks an admin's resolution of a conflict the derivation
// owns. A step or outcome dispute takes the value (or branch) that stands;
// the resolution is then evidence of its own, and the position is derived
// again. A handset or number claimed in two places takes the place that
// keeps it. A value that cannot stand is refused with the reason, before
// anything changes.
func (a *applyCtx) resolveDerived(kind, entity, entityID, status, detail, text, value string) (string, error) {
	if err := wire.MayResolve(a.p.Role, kind); err != nil {
		return a.reject("forbidden", "%v", err)
	}
	switch kind {
	case kindSerialPlaces, kindDDIPlaces:
		var d placesDetail
		json.Unmarshal([]byte(detail), &d)
		if !slices.ContainsFunc(d.Choices, func(c string) bool { return strings.EqualFold(c, value) }) {
			return a.reject("bad_value", "name the place that keeps %s: one of %s", d.Handset+d.Number, strings.Join(d.Choices, ", "))
		}
		if status == "resolved" {
			a.code = codeMerged
			return wire.Applied, nil
		}
		_, err := a.t.exec(`UPDATE conflicts SET status = 'resolved', resolved_by = ?, resolution = ?, ver = ? WHERE id = ?`,
			a.p.User, clip(strings.TrimSpace(text)+valueSuffix(strings.ToUpper(value)), 1000), a.ver, a.op.EntityID)
		return wire.Applied, err
	}
	var d disputeDetail
	json.Unmarshal([]byte(detail), &d)
	ref := posRef{a.op.Site, strings.ToLower(entityID)}
	if kind == kindOutcomeDiffers {
		ok := slices.Contains(runbook.OutcomeChoices, strings.ToLower(value))
		for _, b := range d.Branches {
			ok = ok || strings.EqualFold(b.By, value)
		}
		if !ok {
			var who []string
			for _, b := range d.Branches {
				who = append(who, b.By)
			}
			return a.reject("bad_value", "pick the branch that stands: %s, or a person: %s", strings.Join(runbook.OutcomeChoices, ", "),
				strings.Join(who, ", "))
		}
		a.touch = append(a.touch, ref)
		return wire.Applied, nil
	}
	p, _, err := planOf(a.t, ref)
	if err != nil {
		return a.reject("unknown_position", "position %s is not in site %s's plan on the hub", entityID, a.op.Site)
	}
	step, ok := runbook.AttemptRunbook(p, false).Step(d.Step)
	if !ok { // a step of a reopened position's replacement
		step, ok = runbook.AttemptRunbook(p, true).Step(d.Step)
	}
	if !ok {
		return a.reject("bad_value", "position %s has no step %s", p.Label, d.Step)
	}
	if value == "" {
		var vs []string
		for _, b := range d.Branches {
			vs = append(vs, b.Value)
		}
		return a.reject("bad_value", "name the value that stands for step %s: %s (or another, if both are wrong)", d.Step, strings.Join(vs, ", "))
	}
	got := value
	if step.Kind == runbook.StepInput {
		if got, err = step.Validate(value); err != nil {
			return a.reject("bad_value", "step %s: %v", d.Step, err)
		}
	}
	if step.Field == runbook.FieldTeamsDDI && got == p.DDI {
		return a.reject("bad_value", "%s is this position's legacy DDI: a Teams DDI is a new number", site.FormatDDI(got))
	}
	// One handset, one place; one number, one place: a value claimed at
	// another position is refused with where it is.
	what, key := "", ""
	switch step.Field {
	case runbook.FieldLegacySerial, runbook.FieldNewSerial:
		what, key = "handset", assets.HandsetKey(got, "", "")
	case runbook.FieldTeamsDDI, runbook.FieldDDI:
		what, key = "number", got
	}
	if key != "" {
		places, err := claimsOn(a.t, claimKey{What: what, Key: key})
		if err != nil {
			return "", err
		}
		for _, c := range places {
			if c.Site != a.op.Site || !strings.EqualFold(c.Label, p.Label) {
				return a.reject("bound_elsewhere", "%s is held at %s/%s (%s); settle that first", key, c.Site, c.Label, c.Kind)
			}
		}
	}
	if !strings.EqualFold(got, value) {
		return a.reject("bad_value", "write the value as the laptop records it: %s", got)
	}
	a.touch = append(a.touch, ref)
	return wire.Applied, nil
}

// derivedIDOf is the id the derivation gives a conflict of this kind: an
// older conflict of the same kind (opened by the rules before the hub
// derived positions) has another and is settled the old way.
func derivedIDOf(kind, site, entityID, fact, detail string) string {
	switch kind {
	case kindSerialPlaces:
		return rules.ConflictID("handset", entityID)
	case kindDDIPlaces:
		return rules.ConflictID("number", entityID)
	}
	var d disputeDetail
	json.Unmarshal([]byte(detail), &d)
	return rules.ConflictID(site, strings.ToLower(entityID), fact, fmt.Sprint(d.Attempt))
}
