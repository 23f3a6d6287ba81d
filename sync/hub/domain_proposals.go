package hub

import (
	"encoding/json"
	"fmt"
	"strings"

	"cutover/site"
	"cutover/sync/wire"
)

// Proposals (plan.proposal.v1): an engineer who acted on a discovery asks
// for a plan change (a moved handset's port planned, an unexpected phone
// added as a position, or marked as not ours). The plan is the hub's, so
// the op changes nothing in it: the hub keeps the proposal as a fact
// ("proposal" entity, state proposed) and opens a plan_discrepancy conflict
// holding it. An admin resolving that conflict with the value "accept"
// applies it; any other resolution declines it and the plan stands.

// KindProposal is the op kind of a proposal.
const KindProposal = site.ProposalKind

// valueAccept is the resolution value that applies a proposal.
const valueAccept = "accept"

func (a *applyCtx) propose() (string, error) {
	var p site.Proposal
	if !a.decode(&p) {
		return a.reject("bad_payload", "%s payload: want proposal, label, switch, port, mac…", KindProposal)
	}
	if err := p.Check(); err != nil {
		return a.reject("bad_payload", "%v", err)
	}
	if a.op.EntityID != p.Key() {
		return a.reject("bad_payload", "proposal entity id %q: want %q", clip(a.op.EntityID, 60), p.Key())
	}
	exists, err := a.positionExists(p.Label)
	if err != nil {
		return "", err
	}
	switch {
	case p.Kind == site.ProposeMove && !exists:
		return a.reject("unknown_position", "position %s is not in site %s's plan on the hub", p.Label, a.op.Site)
	case p.Kind == site.ProposeAdd && exists:
		return a.reject("label_taken", "site %s already has a position %s: choose another label", a.op.Site, p.Label)
	}
	p.State, p.By = site.ProposalProposed, a.op.Engineer
	b, _ := json.Marshal(p)
	if err := a.setFact("proposal", p.Key(), "proposal", string(b), false); err != nil {
		return "", err
	}
	entity, id := "phone", p.MAC
	if p.Kind == site.ProposeMove {
		entity, id = "position", p.Label
	}
	var asMap map[string]any
	json.Unmarshal(b, &asMap)
	if err := a.openConflict("plan_discrepancy", entity, id, "proposal:"+p.Kind, map[string]any{
		"proposal": asMap, "engineer": a.op.Engineer}); err != nil {
		return "", err
	}
	a.code, a.msg = "proposed", "kept for the supervisor: an admin accepts or declines it"
	return wire.Applied, nil
}

func (a *applyCtx) positionExists(label string) (bool, error) {
	if label == "" {
		return false, nil
	}
	var n int
	err := a.t.row(`SELECT COUNT(*) FROM positions WHERE site = ? AND label_key = ?`, a.op.Site, strings.ToLower(label)).Scan(&n)
	return n > 0, err
}

// settleProposal accepts (value "accept") or declines (value "") the
// proposal a plan_discrepancy conflict holds.
func (a *applyCtx) settleProposal(d map[string]any, value string) (code, msg string, err error) {
	raw, _ := json.Marshal(d["proposal"])
	var p site.Proposal
	if json.Unmarshal(raw, &p) != nil || p.Check() != nil {
		return "bad_value", "the conflict's proposal cannot be read", nil
	}
	switch strings.ToLower(value) {
	case "", "decline", "declined":
		p.State = site.ProposalDeclined
	case valueAccept, "accepted":
		p.State = site.ProposalAccepted
		if code, msg, err := a.applyProposal(p); err != nil || code != "" {
			return code, msg, err
		}
	default:
		return "bad_value", fmt.Sprintf("value %q: want accept (apply the proposal) or nothing (decline it)", clip(value, 40)), nil
	}
	b, _ := json.Marshal(p)
	return "", "", a.setFact("proposal", p.Key(), "proposal", string(b), false)
}

// applyProposal changes the plan as an accepted proposal says, stamping
// what it wrote with this push's version so every laptop pulls it.
func (a *applyCtx) applyProposal(p site.Proposal) (code, msg string, err error) {
	switch p.Kind {
	case site.ProposeMove:
		res, err := a.t.exec(`UPDATE positions SET switch = ?, port = ?, updated_at = ?, updated_by = ?, updated_label = '', ver = ?
			WHERE site = ? AND label_key = ?`, p.Switch, p.Port, a.now, a.op.Engineer, a.ver, a.op.Site, strings.ToLower(p.Label))
		if err != nil {
			return "", "", err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return "bad_value", fmt.Sprintf("position %s is no longer in site %s's plan", p.Label, a.op.Site), nil
		}
		// The plan now says where the handset is: the discrepancies the
		// discovery raised about it are settled with it.
		_, err = a.t.exec(`UPDATE conflicts SET status = 'resolved', resolved_by = ?, resolution = ?, ver = ?
			WHERE site = ? AND kind = 'plan_discrepancy' AND entity = 'position' AND lower(entity_id) = ?
			AND fact IN ('plan:port', 'plan:switch') AND status = 'open'`,
			a.op.Engineer, clip("the plan now says "+p.Switch+" "+p.Port+" (proposal accepted)", 1000), a.ver,
			a.op.Site, strings.ToLower(p.Label))
		return "", "", err
	case site.ProposeAdd:
		exists, err := a.positionExists(p.Label)
		if err != nil || exists {
			return "bad_value", fmt.Sprintf("site %s already has a position %s", a.op.Site, p.Label), err
		}
		_, err = a.t.exec(`INSERT INTO positions (site, label_key, label, role, plan, legacy_vendor, legacy_model, mac, switch, port,
			notes, status, updated_at, updated_by, ver) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?)`,
			a.op.Site, strings.ToLower(p.Label), p.Label, p.Role, p.Plan, site.LegacyVendorOf(p.Vendor), p.Model, p.MAC,
			p.Switch, p.Port, p.Note, a.now, a.op.Engineer, a.ver)
		return "", "", err
	case site.ProposeNotOurs:
		b, _ := json.Marshal(map[string]string{"switch": p.Switch, "port": p.Port, "note": p.Note, "by": p.By})
		return "", "", a.setFact("phone", p.MAC, "not_ours", string(b), false)
	}
	return "bad_value", "unknown proposal", nil
}
