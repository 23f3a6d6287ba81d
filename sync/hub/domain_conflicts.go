package hub

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"cutover/assets"
	"cutover/site"
	"cutover/sync/wire"

	"github.com/google/uuid"
)

// Conflicts: one per disputed fact of an entity (its "fact": step:KEY,
// installed:KIND, disposition, an observed attribute, status, plan…). Ops
// that dispute the same fact later are added to that conflict's detail
// (at most maxLater of them, counted beyond that); a dispute of another
// fact of the same entity is a conflict of its own. Resolving one applies
// the chosen value to every fact the dispute touched.

// maxLater is the most later disputes one conflict's detail lists.
const maxLater = 20

// openConflict records a conflict about one fact of an entity, or adds to
// the open one about the same fact, and remembers its id for the op's
// result.
func (a *applyCtx) openConflict(kind, entity, id, fact string, detail map[string]any) error {
	detail["op_id"] = a.op.OpID
	if fact != "" {
		detail["fact"] = fact
	}
	if a.label != "" {
		detail["laptop_label"] = a.label // who did it is "engineer", from the token
	}
	cid, old, err := a.rows().openConflict(a.op.Site, kind, entity, id, fact)
	switch {
	case err == sql.ErrNoRows:
		u, _ := uuid.NewV7()
		cid = u.String()
		b, _ := json.Marshal(detail)
		err = a.rows().insertConflict(conflictRow{ID: cid, Site: a.op.Site, Kind: kind, Entity: entity, EntityID: id, Fact: fact,
			Detail: string(b), OpenedAt: a.now, Ver: a.ver})
	case err == nil:
		var prev map[string]any
		json.Unmarshal([]byte(old), &prev)
		if prev == nil {
			prev = map[string]any{}
		}
		later, _ := prev["later"].([]any)
		if len(later) < maxLater {
			prev["later"] = append(later, detail)
		} else {
			n, _ := prev["later_not_listed"].(float64)
			prev["later_not_listed"] = n + 1
		}
		b, _ := json.Marshal(prev)
		err = a.rows().updateConflict(cid, string(b), a.ver)
	}
	a.conflictID = cid
	return err
}

// stepSummary is a step result as a conflict's detail lists it: without
// its evidence, which stays in the journal.
func stepSummary(raw string) map[string]any {
	var r struct {
		Step    string `json:"step"`
		Attempt int    `json:"attempt"`
		Outcome string `json:"outcome"`
		Value   string `json:"value"`
		Note    string `json:"note"`
	}
	json.Unmarshal([]byte(raw), &r)
	return map[string]any{"step": r.Step, "attempt": r.Attempt, "outcome": r.Outcome, "value": r.Value, "note": r.Note}
}

// stepWinner is the value of the step result standing on the hub for a
// position's step, when it is a pass with a value: what the follow-on
// facts (the numbers, the handset bound) must agree with.
func (a *applyCtx) stepWinner(label, key string) (string, bool, error) {
	cur, found, _, err := a.fact("position", label, "step:"+key)
	if err != nil || !found {
		return "", false, err
	}
	var r stepResult
	json.Unmarshal([]byte(cur), &r)
	if r.Outcome != "pass" || r.Value == "" {
		return "", false, nil
	}
	return r.Value, true, nil
}

func (a *applyCtx) resolve() (string, error) {
	var p struct{ Resolution, Value string }
	if !a.decode(&p) || strings.TrimSpace(p.Resolution) == "" {
		return a.reject("bad_payload", "conflict.resolve.v1 needs a resolution")
	}
	var kind, status, entity, entityID, fact, detail string
	err := a.t.row(`SELECT kind, status, entity, entity_id, fact, detail FROM conflicts WHERE id = ? AND site = ?`,
		a.op.EntityID, a.op.Site).Scan(&kind, &status, &entity, &entityID, &fact, &detail)
	if err == sql.ErrNoRows {
		return a.reject("unknown_conflict", "no conflict %s at site %s", a.op.EntityID, a.op.Site)
	}
	if err != nil {
		return "", err
	}
	if derivedKinds[kind] && a.op.EntityID == derivedIDOf(kind, a.op.Site, entityID, fact, detail) {
		return a.resolveDerived(kind, entity, entityID, status, detail, p.Resolution, strings.TrimSpace(p.Value))
	}
	if err := wire.MayResolve(a.p.Role, kind); err != nil {
		return a.reject("forbidden", "%v", err)
	}
	if status == "resolved" {
		a.code = codeMerged
		return wire.Applied, nil
	}
	var d map[string]any
	json.Unmarshal([]byte(detail), &d)
	value := strings.TrimSpace(p.Value)
	if code, msg, err := a.settle(kind, entity, entityID, fact, d, value); err != nil || code != "" {
		if err != nil {
			return "", err
		}
		return a.reject(code, "%s", msg)
	}
	_, err = a.t.exec(`UPDATE conflicts SET status = 'resolved', resolved_by = ?, resolution = ?, ver = ? WHERE id = ?`,
		a.op.Engineer, clip(p.Resolution+valueSuffix(value), 1000), a.ver, a.op.EntityID)
	return wire.Applied, err
}

func valueSuffix(v string) string {
	if v == "" {
		return ""
	}
	return " (value: " + v + ")"
}

// settle applies a resolution's value to the facts the conflict is about;
// a value this kind of conflict cannot take is refused (code, msg).
func (a *applyCtx) settle(kind, entity, id, fact string, d map[string]any, value string) (code, msg string, err error) {
	str := func(k string) string { s, _ := d[k].(string); return s }
	if kind == "plan_discrepancy" && d["proposal"] != nil {
		return a.settleProposal(d, value)
	}
	switch kind {
	case "disputed_observation":
		attr := str("attr")
		if value == "" {
			return "", "", a.undispute(entity, id, attr)
		}
		return "", "", a.setFact(entity, id, attr, value, false)
	case "disposition_differs":
		if value == "" {
			return "", "", a.undispute(entity, id, "disposition")
		}
		switch value {
		case "returned_to_store", "weee_disposal", "lost":
		default:
			return "bad_value", fmt.Sprintf("disposition %q: want returned_to_store, weee_disposal or lost", clip(value, 40)), nil
		}
		if err := a.setFact(entity, id, "disposition", value, false); err != nil {
			return "", "", err
		}
		return "", "", a.setFact(entity, id, "state", value, false)
	case "step_result_differs":
		key := strings.TrimPrefix(fact, "step:")
		if key == "" {
			key = str("step")
		}
		if value == "" {
			return "", "", nil // the first result stands
		}
		return a.settleStep(id, key, value, d)
	case "identity_override":
		if value != "" {
			return "bad_value", "an identity_override conflict takes no value: resolving it accepts the engineer's override (a wrong identity is put right by a correction on the laptop)", nil
		}
		return "", "", nil
	case "position_has_other_handset", "serial_in_two_places":
		if value == "" {
			return "", "", nil // the first binding stands
		}
		hkind, handset, place := strings.TrimPrefix(fact, "installed:"), value, id
		if kind == "serial_in_two_places" {
			// The value is the place the serial belongs: where it is bound
			// or where it was claimed.
			handset, hkind = str("serial"), ""
			bound, claimed := str("bound_to"), str("claimed_by")
			switch {
			case strings.EqualFold(value, bound) || strings.EqualFold(a.op.Site+"/"+value, bound):
				return "", "", nil
			case strings.EqualFold(value, claimed) || strings.EqualFold(a.op.Site+"/"+value, claimed):
			default:
				return "bad_value", fmt.Sprintf("value %q: want %s or %s", clip(value, 40), bound, claimed), nil
			}
		} else {
			handset = assets.HandsetKey(value, "", "")
		}
		return a.rebind(hkind, place, handset, d)
	}
	if value != "" {
		return "bad_value", fmt.Sprintf("a %s conflict takes no value: the plan is changed with 'cutover hub import'", kind), nil
	}
	return "", "", nil
}

// undispute keeps a fact's standing value and clears its dispute flag.
func (a *applyCtx) undispute(entity, id, attr string) error {
	_, err := a.t.exec(`UPDATE facts SET disputed = 0, ver = ? WHERE site = ? AND entity = ? AND entity_id = ? AND attr = ?`,
		a.ver, a.op.Site, entity, id, attr)
	return err
}

// settleStep makes value the result of a position's step, and makes the
// facts that follow from that step agree: the numbers for the DDI steps,
// the handset bound for the serial steps.
func (a *applyCtx) settleStep(label, key, value string, d map[string]any) (code, msg string, err error) {
	if key == "ddi" || key == "teams_ddi" {
		if value != "keep" && value != "none" || key == "teams_ddi" {
			n, err := site.NormaliseDDI(value)
			if err != nil {
				return "bad_value", fmt.Sprintf("step %s: %v", key, err), nil
			}
			value = n
		}
	}
	cur, _, _, err := a.fact("position", label, "step:"+key)
	if err != nil {
		return "", "", err
	}
	var m map[string]any
	json.Unmarshal([]byte(cur), &m)
	if m == nil {
		m = map[string]any{"step": key}
	}
	m["value"], m["outcome"] = value, "pass"
	b, _ := json.Marshal(m)
	if err := a.setFact("position", label, "step:"+key, string(b), false); err != nil {
		return "", "", err
	}
	switch key {
	case "teams_ddi":
		return "", "", a.settleNumbers(label, func(n map[string]any) { n["ddi_state"], n["teams_ddi"] = "teams", value })
	case "ddi":
		var planned string
		if err := a.t.row(`SELECT ddi FROM positions WHERE site = ? AND label_key = ?`, a.op.Site, strings.ToLower(label)).
			Scan(&planned); err != nil && err != sql.ErrNoRows {
			return "", "", err
		}
		return "", "", a.settleNumbers(label, func(n map[string]any) {
			switch {
			case value == "none":
				n["ddi_state"], n["ddi"] = "none", ""
			case value == "keep" || value == planned:
				n["ddi_state"], n["ddi"] = "kept", planned
			default:
				n["ddi_state"], n["ddi"] = "new", value
			}
		})
	case "legacy_serial", "new_serial":
		kind := map[string]string{"legacy_serial": "legacy", "new_serial": "new"}[key]
		if rec, _ := a.handsetRecord(assets.HandsetKey(value, "", ""), d); rec != nil {
			return a.rebind(kind, label, assets.HandsetKey(value, "", ""), d)
		}
	}
	return "", "", nil
}

// settleNumbers rewrites the numbers fact of a position (and its ddi_state)
// with set applied.
func (a *applyCtx) settleNumbers(label string, set func(map[string]any)) error {
	cur, _, _, err := a.fact("position", label, "numbers")
	if err != nil {
		return err
	}
	var n map[string]any
	json.Unmarshal([]byte(cur), &n)
	if n == nil {
		n = map[string]any{}
	}
	set(n)
	b, _ := json.Marshal(n)
	if err := a.setFact("position", label, "numbers", string(b), false); err != nil {
		return err
	}
	st, _ := n["ddi_state"].(string)
	return a.setFact("position", label, "ddi_state", st, false)
}

// handsetRecord finds the install record of a handset: the hub's own, or
// one a disputing op claimed (kept in the conflict's detail).
func (a *applyCtx) handsetRecord(key string, d map[string]any) (map[string]any, error) {
	cur, found, _, err := a.fact("asset", key, "record")
	if err != nil {
		return nil, err
	}
	var rec map[string]any
	if found && json.Unmarshal([]byte(cur), &rec) == nil {
		return rec, nil
	}
	claims := []any{d}
	if later, ok := d["later"].([]any); ok {
		claims = append(claims, later...)
	}
	for _, c := range claims {
		m, _ := c.(map[string]any)
		r, _ := m["record"].(map[string]any)
		s := func(k string) string { v, _ := r[k].(string); return v }
		if r != nil && assets.HandsetKey(s("serial"), s("mac"), s("asset_tag")) == key {
			return r, nil
		}
	}
	return nil, nil
}

// rebind makes handset key the one of its kind installed at place: the
// handset there before is unbound (its record no longer names the place),
// and key leaves any other place it was bound to.
func (a *applyCtx) rebind(kind, place, key string, d map[string]any) (code, msg string, err error) {
	rec, err := a.handsetRecord(key, d)
	if err != nil {
		return "", "", err
	}
	if rec == nil {
		return "bad_value", fmt.Sprintf("no handset %s was recorded or claimed: give one of the serials in the conflict", clip(key, 40)), nil
	}
	if kind == "" {
		kind, _ = rec["kind"].(string)
	}
	attr := "installed:" + kind
	if prev, found, _, err := a.fact("position", place, attr); err != nil {
		return "", "", err
	} else if found && prev != key && prev != "" {
		if err := a.unbind(prev); err != nil {
			return "", "", err
		}
	}
	if err := a.unbind(key); err != nil {
		return "", "", err
	}
	if _, err := a.t.exec(`INSERT INTO bindings (serial, site, entity_id, op_id) VALUES (?, ?, ?, ?)`,
		key, a.op.Site, place, a.op.OpID); err != nil {
		return "", "", err
	}
	rec["position"] = place
	b, _ := json.Marshal(rec)
	for _, f := range [][3]string{{"asset", key, "record"}, {"asset", key, "state"}, {"position", place, attr}} {
		v := key
		switch f[2] {
		case "record":
			v = string(b)
		case "state":
			v = "installed"
		}
		if err := a.setFact(f[0], f[1], f[2], v, false); err != nil {
			return "", "", err
		}
	}
	return "", "", nil
}

// unbind takes a handset off the place it is bound to: the binding goes,
// the place's installed fact is emptied and the record names no place, so
// laptops pulling the change see it too.
func (a *applyCtx) unbind(key string) error {
	var where string
	err := a.t.row(`SELECT entity_id FROM bindings WHERE serial = ? AND site = ?`, key, a.op.Site).Scan(&where)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	if err == nil {
		if _, err := a.t.exec(`DELETE FROM bindings WHERE serial = ?`, key); err != nil {
			return err
		}
		if _, err := a.t.exec(`UPDATE facts SET value = '', ver = ? WHERE site = ? AND entity = 'position' AND entity_id = ?
			AND attr LIKE 'installed:%' AND value = ?`, a.ver, a.op.Site, where, key); err != nil {
			return err
		}
	}
	cur, found, _, err := a.fact("asset", key, "record")
	if err != nil || !found {
		return err
	}
	var rec map[string]any
	if json.Unmarshal([]byte(cur), &rec) != nil {
		return nil
	}
	rec["position"] = ""
	b, _ := json.Marshal(rec)
	if err := a.setFact("asset", key, "record", string(b), false); err != nil {
		return err
	}
	return a.setFact("asset", key, "state", "unbound", false)
}
