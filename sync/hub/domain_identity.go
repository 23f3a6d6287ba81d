package hub

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"cutover/assets"
	"cutover/sync/wire"
)

// The rules for a handset's identity: a relabel (a mistyped serial or tag
// corrected on the laptop) moves the hub's binding and record from the old
// key to the new one, one handset one place; and an override (an engineer
// who recorded a serial, MAC or tag the laptop's register knew elsewhere)
// is applied and raised for the supervisor as a conflict of its own.

// relabel applies asset.relabel.v1 {kind, serial, mac, asset_tag, position,
// state, was, override}: the handset once known as was is now known by its
// new key. Its binding (the place it is installed), record, state and
// disposition move to the new key; the old key is released and its record
// names no place (relabelled_to says where it went). A new key bound at
// another place is a serial_in_two_places conflict and nothing moves; a new
// serial that is not the standing result of its serial step joins that
// step's conflict, as an install does.
func (a *applyCtx) relabel() (string, error) {
	var p struct {
		handset
		State string `json:"state"`
		Was   string `json:"was"`
	}
	if !a.decode(&p) || p.key() == "" || strings.TrimSpace(p.Was) == "" {
		return a.reject("bad_payload", "asset.relabel.v1 needs the new serial, MAC or asset tag and was, the handset's old key")
	}
	key, was, place := p.key(), strings.TrimSpace(p.Was), strings.TrimSpace(p.Position)
	oldSite, oldWhere, oldBound, err := a.binding(was)
	if err != nil {
		return "", err
	}
	if oldBound && oldSite == a.op.Site {
		place = oldWhere // the handset is where the hub has it
	}
	if step := map[string]string{"legacy": "legacy_serial", "new": "new_serial"}[p.Kind]; step != "" && p.Serial != "" && place != "" {
		won, ok, err := a.stepWinner(place, step)
		if err != nil {
			return "", err
		}
		if ok && assets.HandsetKey(won, "", "") != key {
			if err := a.openConflict("step_result_differs", "position", place, "step:"+step, map[string]any{
				"step": step, "claimed": key, "was": was, "record": json.RawMessage(compact(a.op.Payload)),
				"engineer": a.op.Engineer}); err != nil {
				return "", err
			}
			a.code, a.msg = "step_disputed", fmt.Sprintf("step %s stands at %s on the hub", step, won)
			return wire.Conflict, nil
		}
	}
	newSite, newWhere, newBound, err := a.binding(key)
	if err != nil {
		return "", err
	}
	here := newBound && newSite == a.op.Site && strings.EqualFold(newWhere, place)
	if key != was && newBound && !here {
		if err := a.openConflict("serial_in_two_places", "position", place, "serial:"+key, map[string]any{
			"serial": key, "was": was, "bound_to": newSite + "/" + newWhere, "claimed_by": a.op.Site + "/" + place,
			"engineer": a.op.Engineer, "record": json.RawMessage(compact(a.op.Payload))}); err != nil {
			return "", err
		}
		a.code, a.msg = "serial_already_bound", fmt.Sprintf("%s is installed at %s/%s on the hub", key, newSite, newWhere)
		return wire.Conflict, nil
	}
	bind := place != "" && (oldBound && oldSite == a.op.Site || p.State == "installed")
	attr := "installed:" + p.Kind
	if bind && !here {
		prev, found, _, err := a.fact("position", place, attr)
		if err != nil {
			return "", err
		}
		if found && prev != "" && prev != was && prev != key {
			if err := a.openConflict("position_has_other_handset", "position", place, attr, map[string]any{
				"kind": p.Kind, "installed": prev, "claimed": key, "was": was, "engineer": a.op.Engineer,
				"record": json.RawMessage(compact(a.op.Payload))}); err != nil {
				return "", err
			}
			return wire.Conflict, nil
		}
	}
	// The record: the old one's facts (model, vendor, condition…) with the
	// new identity.
	rec := map[string]any{}
	for _, k := range []string{was, key} {
		if cur, found, _, err := a.fact("asset", k, "record"); err != nil {
			return "", err
		} else if found {
			json.Unmarshal([]byte(cur), &rec)
		}
	}
	delete(rec, "relabelled_to")
	rec["kind"], rec["serial"], rec["mac"], rec["asset_tag"], rec["position"] = p.Kind, p.Serial, p.MAC, p.AssetTag, place
	if !bind {
		rec["position"] = p.Position
	}
	if key != was {
		if err := a.retire(was, key, oldBound && oldSite == a.op.Site); err != nil {
			return "", err
		}
	}
	b, _ := json.Marshal(rec)
	if err := a.setFact("asset", key, "record", string(b), false); err != nil {
		return "", err
	}
	if p.State != "" {
		if err := a.setFact("asset", key, "state", p.State, false); err != nil {
			return "", err
		}
	}
	if !bind || here {
		return wire.Applied, nil
	}
	if _, err := a.t.exec(`INSERT INTO bindings (serial, site, entity_id, op_id) VALUES (?, ?, ?, ?)`,
		key, a.op.Site, place, a.op.OpID); err != nil {
		return "", err
	}
	return wire.Applied, a.setFact("position", place, attr, key, false)
}

// binding says where a handset key is installed on the hub.
func (a *applyCtx) binding(key string) (site, where string, ok bool, err error) {
	err = a.t.row(`SELECT site, entity_id FROM bindings WHERE serial = ?`, key).Scan(&site, &where)
	if err == sql.ErrNoRows {
		return "", "", false, nil
	}
	return site, where, err == nil, err
}

// retire takes a handset's old key out of use after a relabel to key: its
// binding goes (unbound), its disposition and waste transfer note move to
// the new key, and its record names no place but the key it became.
func (a *applyCtx) retire(was, key string, unbind bool) error {
	if unbind {
		if _, err := a.t.exec(`DELETE FROM bindings WHERE serial = ?`, was); err != nil {
			return err
		}
		if _, err := a.t.exec(`UPDATE facts SET value = '', ver = ? WHERE site = ? AND entity = 'position'
			AND attr LIKE 'installed:%' AND value = ?`, a.ver, a.op.Site, was); err != nil {
			return err
		}
	}
	for _, attr := range []string{"disposition", "wtn_ref"} {
		v, found, _, err := a.fact("asset", was, attr)
		if err != nil {
			return err
		}
		if found && v != "" {
			if err := a.setFact("asset", key, attr, v, false); err != nil {
				return err
			}
			if err := a.setFact("asset", was, attr, "", false); err != nil {
				return err
			}
		}
	}
	cur, found, _, err := a.fact("asset", was, "record")
	if err != nil || !found {
		return err
	}
	var rec map[string]any
	if json.Unmarshal([]byte(cur), &rec) != nil {
		rec = map[string]any{}
	}
	rec["position"], rec["relabelled_to"] = "", key
	b, _ := json.Marshal(rec)
	if err := a.setFact("asset", was, "record", string(b), false); err != nil {
		return err
	}
	return a.setFact("asset", was, "state", "relabelled", false)
}

// overrideKinds are the op kinds that may carry "override": true.
var overrideKinds = map[string]bool{KindStep: true, KindCorrect: true, KindInstall: true, KindRelabel: true}

// identitySteps are the steps whose value names a handset: the register
// field and the kind of handset.
var identitySteps = map[string][2]string{"legacy_serial": {"serial", "legacy"}, "legacy_tag": {"asset_tag", "legacy"},
	"new_serial": {"serial", "new"}, "new_tag": {"asset_tag", "new"}}

// raiseOverride opens an identity_override conflict for an op the engineer
// recorded with an override: a serial, MAC or tag their laptop's register
// knew elsewhere, recorded anyway with a note. The op stands (it was
// applied by its own rule); the conflict names the handset, where else the
// hub knows it and the engineer's note, for a supervisor to settle. The
// ops one override writes (the step's result, the install or relabel that
// follows) share one conflict per handset kind and position.
func (a *applyCtx) raiseOverride() error {
	if !overrideKinds[a.op.Kind] {
		return nil
	}
	var p struct {
		Override bool   `json:"override"`
		Step     string `json:"step"`
		Value    string `json:"value"`
		Note     string `json:"note"`
		Reason   string `json:"reason"`
		Was      string `json:"was"`
		handset
	}
	if !a.decode(&p) || !p.Override {
		return nil
	}
	ids := map[string]string{}
	kind, place, note := p.Kind, strings.TrimSpace(p.Position), p.Note
	switch a.op.Kind {
	case KindStep, KindCorrect:
		f, ok := identitySteps[p.Step]
		if !ok || strings.TrimSpace(p.Value) == "" {
			return nil // no handset named: nothing to raise
		}
		ids[f[0]], kind, place = p.Value, f[1], a.op.EntityID
		if a.op.Kind == KindCorrect {
			note = p.Reason
		}
	default:
		ids["serial"], ids["mac"], ids["asset_tag"] = p.Serial, p.MAC, p.AssetTag
	}
	key := assets.HandsetKey(ids["serial"], ids["mac"], ids["asset_tag"])
	if key == "" || place == "" {
		return nil
	}
	elsewhere, err := a.knownElsewhere(kind, place, key, ids)
	if err != nil {
		return err
	}
	detail := map[string]any{"handset": key, "kind": kind, "known_elsewhere": elsewhere, "note": note,
		"engineer": a.op.Engineer, "op_kind": a.op.Kind}
	if p.Step != "" {
		detail["step"], detail["value"] = p.Step, p.Value
	}
	if p.Was != "" {
		detail["was"] = p.Was
	}
	prev := a.conflictID
	if err := a.openConflict("identity_override", "position", place, "identity:"+kind, detail); err != nil {
		return err
	}
	if prev != "" {
		a.conflictID = prev // the op's own rule's conflict names it
	}
	if a.code == "" {
		a.code, a.msg = "identity_override", "recorded with an override: raised for the supervisor"
	}
	return nil
}

// knownElsewhere lists where the hub knows a handset's serial, MAC or tag
// other than as this handset (kind at place), from what every derived
// position claims (claims.go), at most 20.
func (a *applyCtx) knownElsewhere(kind, place, key string, ids map[string]string) ([]string, error) {
	out := []string{}
	for _, field := range []string{"serial", "mac", "asset_tag"} {
		v := strings.TrimSpace(ids[field])
		if v == "" {
			continue
		}
		more, err := identifiedElsewhere(a.t, a.op.Site, place, kind, field, v)
		if err != nil {
			return nil, err
		}
		for _, m := range more {
			if len(out) < 20 {
				out = append(out, m)
			}
		}
	}
	return out, nil
}
