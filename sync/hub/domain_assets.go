package hub

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"cutover/assets"
	"cutover/site/runbook"
	"cutover/sync/wire"
)

// The rules for handsets and numbers: where a handset is installed, where a
// legacy one went, and where a position's numbers stand.

// numbers records where a position's extension and DDI stand (kept on the
// new phone, a new DDI, moved to Teams, surrendered). One rule decides a
// position's number: its step's (ddi or teams_ddi: the first completion of
// an attempt stands, a later attempt supersedes). A number.ddi.v1 that
// names another number than that step's standing result is part of the
// step's dispute (the same conflict) and changes nothing; every other
// change (a rollback, a surrender) applies in hub order.
func (a *applyCtx) numbers() (string, error) {
	var p struct {
		State    string `json:"ddi_state"`
		DDI      string `json:"ddi"`
		TeamsDDI string `json:"teams_ddi"`
	}
	if !a.decode(&p) {
		return a.reject("bad_payload", "number.ddi.v1 payload: want ddi_state")
	}
	if _, err := runbook.ParseDDIState(p.State); err != nil {
		return a.reject("bad_payload", "%v", err)
	}
	step, number := "", ""
	switch p.State {
	case "teams":
		step, number = "teams_ddi", p.TeamsDDI
	case "new", "kept":
		step, number = "ddi", p.DDI
	}
	if step != "" {
		won, ok, err := a.stepWinner(a.op.EntityID, step)
		if err != nil {
			return "", err
		}
		agrees := won == number || (won == "keep" && p.State == "kept")
		if ok && !agrees {
			if err := a.openConflict("step_result_differs", "position", a.op.EntityID, "step:"+step, map[string]any{
				"step": step, "numbers": json.RawMessage(compact(a.op.Payload)), "engineer": a.op.Engineer}); err != nil {
				return "", err
			}
			a.code, a.msg = "step_disputed", fmt.Sprintf("step %s stands at %s on the hub", step, won)
			return wire.Conflict, nil
		}
	}
	if err := a.setFact("position", a.op.EntityID, "numbers", compact(a.op.Payload), false); err != nil {
		return "", err
	}
	return wire.Applied, a.setFact("position", a.op.EntityID, "ddi_state", p.State, false)
}

// handset is the part of an asset op's payload the rules read.
type handset struct {
	Kind     string `json:"kind"`
	Serial   string `json:"serial"`
	MAC      string `json:"mac"`
	AssetTag string `json:"asset_tag"`
	Position string `json:"position"`
	To       string `json:"to"`
	WTNRef   string `json:"wtn_ref"`
}

// key names a handset across laptops (assets.HandsetKey): the laptop's own
// row id means nothing here.
func (h handset) key() string { return assets.HandsetKey(h.Serial, h.MAC, h.AssetTag) }

// install binds a handset to a position: one handset, one place. A second
// place for the same handset is a conflict for people to settle, never a
// silent overwrite.
func (a *applyCtx) install() (string, error) {
	var p handset
	if !a.decode(&p) || p.key() == "" || strings.TrimSpace(p.Position) == "" {
		return a.reject("bad_payload", "asset.install.v1 needs a serial, MAC or asset tag, and the position")
	}
	key, place := p.key(), strings.TrimSpace(p.Position)
	if step := map[string]string{"legacy": "legacy_serial", "new": "new_serial"}[p.Kind]; step != "" && p.Serial != "" {
		// The handset bound follows its serial step's standing result.
		won, ok, err := a.stepWinner(place, step)
		if err != nil {
			return "", err
		}
		if ok && assets.HandsetKey(won, "", "") != key {
			if err := a.openConflict("step_result_differs", "position", place, "step:"+step, map[string]any{
				"step": step, "claimed": key, "record": json.RawMessage(compact(a.op.Payload)), "engineer": a.op.Engineer}); err != nil {
				return "", err
			}
			a.code, a.msg = "step_disputed", fmt.Sprintf("step %s stands at %s on the hub", step, won)
			return wire.Conflict, nil
		}
	}
	var site, where string
	err := a.t.row(`SELECT site, entity_id FROM bindings WHERE serial = ?`, key).Scan(&site, &where)
	if err == nil {
		if site == a.op.Site && strings.EqualFold(where, place) {
			// The same handset recorded again (its tag scanned after its
			// serial): the record takes what the laptop now knows of it.
			a.code = codeMerged
			if cur, _, _, err := a.fact("asset", key, "record"); err != nil || jsonEqual(cur, compact(a.op.Payload)) {
				return wire.Applied, err
			}
			return wire.Applied, a.setFact("asset", key, "record", compact(a.op.Payload), false)
		}
		if err := a.openConflict("serial_in_two_places", "position", place, "serial:"+key, map[string]any{
			"serial": key, "bound_to": site + "/" + where, "claimed_by": a.op.Site + "/" + place,
			"engineer": a.op.Engineer, "record": json.RawMessage(compact(a.op.Payload))}); err != nil {
			return "", err
		}
		a.code = "serial_already_bound"
		return wire.Conflict, nil
	}
	if err != sql.ErrNoRows {
		return "", err
	}
	if gone, at, err := a.goneFrom(key); err != nil {
		return "", err
	} else if gone != "" && !strings.EqualFold(at, place) {
		// A handset the hub knows went to stores, WEEE or was lost from
		// another place is not installed again unasked.
		if err := a.openConflict("serial_in_two_places", "position", place, "serial:"+key, map[string]any{
			"serial": key, "bound_to": a.op.Site + "/" + at, "state": gone, "claimed_by": a.op.Site + "/" + place,
			"engineer": a.op.Engineer, "record": json.RawMessage(compact(a.op.Payload))}); err != nil {
			return "", err
		}
		a.code, a.msg = "serial_disposed", fmt.Sprintf("%s went %s from %s/%s on the hub", key, gone, a.op.Site, at)
		return wire.Conflict, nil
	}
	attr := "installed:" + p.Kind
	prev, found, _, err := a.fact("position", place, attr)
	if err != nil {
		return "", err
	}
	if found && prev != "" && prev != key {
		if err := a.openConflict("position_has_other_handset", "position", place, attr, map[string]any{
			"kind": p.Kind, "installed": prev, "claimed": key, "engineer": a.op.Engineer,
			"record": json.RawMessage(compact(a.op.Payload))}); err != nil {
			return "", err
		}
		return wire.Conflict, nil
	}
	if _, err := a.t.exec(`INSERT INTO bindings (serial, site, entity_id, op_id) VALUES (?, ?, ?, ?)`,
		key, a.op.Site, place, a.op.OpID); err != nil {
		return "", err
	}
	if err := a.setFact("asset", key, "record", compact(a.op.Payload), false); err != nil {
		return "", err
	}
	if err := a.setFact("asset", key, "state", "installed", false); err != nil {
		return "", err
	}
	return wire.Applied, a.setFact("position", place, attr, key, false)
}

// release frees a handset's place when it leaves it (removed, or disposed of).
func (a *applyCtx) release(p handset) error {
	key := p.key()
	var site, where string
	err := a.t.row(`SELECT site, entity_id FROM bindings WHERE serial = ?`, key).Scan(&site, &where)
	if err == sql.ErrNoRows || (err == nil && site != a.op.Site) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := a.t.exec(`DELETE FROM bindings WHERE serial = ?`, key); err != nil {
		return err
	}
	_, err = a.t.exec(`DELETE FROM facts WHERE site = ? AND entity = 'position' AND entity_id = ? AND attr LIKE 'installed:%' AND value = ?`,
		a.op.Site, where, key)
	return err
}

// assetState records a handset's move that is not a disposal: removed from
// its port (which frees the place), or back in stock.
func (a *applyCtx) assetState() (string, error) {
	var p handset
	if !a.decode(&p) || p.key() == "" || strings.TrimSpace(p.To) == "" {
		return a.reject("bad_payload", "asset.state.v1 needs to, and a serial, MAC or asset tag")
	}
	if p.To != "installed" {
		if err := a.release(p); err != nil {
			return "", err
		}
	}
	return wire.Applied, a.setFact("asset", p.key(), "state", p.To, false)
}

// dispose records where a legacy handset went: terminal; the same
// disposition twice merges, two different ones are a conflict.
func (a *applyCtx) dispose() (string, error) {
	var p handset
	if !a.decode(&p) || p.key() == "" {
		return a.reject("bad_payload", "asset.dispose.v1 needs to, and a serial, MAC or asset tag")
	}
	switch p.To {
	case "returned_to_store", "lost":
	case "weee_disposal":
		if strings.TrimSpace(p.WTNRef) == "" {
			return a.reject("bad_payload", "WEEE disposal of %s needs the waste transfer note reference", p.key())
		}
	default:
		return a.reject("bad_payload", "disposition %q: want returned_to_store, weee_disposal or lost", p.To)
	}
	key := p.key()
	cur, found, _, err := a.fact("asset", key, "disposition")
	if err != nil {
		return "", err
	}
	if found && cur == p.To {
		a.code = codeMerged
		return wire.Applied, nil
	}
	if found {
		if err := a.openConflict("disposition_differs", "asset", key, "disposition", map[string]any{
			"values": []string{cur, p.To}, "engineer": a.op.Engineer}); err != nil {
			return "", err
		}
		return wire.Conflict, a.setFact("asset", key, "disposition", cur, true)
	}
	if err := a.release(p); err != nil {
		return "", err
	}
	if p.WTNRef != "" {
		if err := a.setFact("asset", key, "wtn_ref", p.WTNRef, false); err != nil {
			return "", err
		}
	}
	if err := a.setFact("asset", key, "state", p.To, false); err != nil {
		return "", err
	}
	return wire.Applied, a.setFact("asset", key, "disposition", p.To, false)
}

// goneFrom says whether the hub knows a handset left the site for good
// (its disposition) and from which position.
func (a *applyCtx) goneFrom(key string) (disposition, position string, err error) {
	d, found, _, err := a.fact("asset", key, "disposition")
	if err != nil || !found || d == "" {
		return "", "", err
	}
	cur, _, _, err := a.fact("asset", key, "record")
	var rec handset
	json.Unmarshal([]byte(cur), &rec)
	return d, rec.Position, err
}
