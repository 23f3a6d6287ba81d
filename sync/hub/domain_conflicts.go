package hub

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

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
		a.p.User, clip(p.Resolution+valueSuffix(value), 1000), a.ver, a.op.EntityID)
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
	case "identity_override":
		if value != "" {
			return "bad_value", "an identity_override conflict takes no value: resolving it accepts the engineer's override (a wrong identity is put right by a correction on the laptop)", nil
		}
		return "", "", nil
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
