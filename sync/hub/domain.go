package hub

import (
	"cutover/assets"
	"cutover/sync/hub/rules"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"cutover/site"
	"cutover/sync/wire"
)

// Op kinds the hub knows (sync.md §6), with the payloads the laptop's field
// engine (site, assets) writes. Any other well-formed kind is kept in the
// journal only ("journal_only"), so a newer laptop never has its work
// refused by an older hub.
//
// Evidence, from which each position is derived (derive.go, runbook.Derive):
//
//	step.result.v1       {"step","attempt","outcome","value","note","evidence"}
//	step.correction.v1   {"step","attempt","value","was","reason"}
//	conflict.resolve.v1  {"resolution","value"}       entity id = conflict id
//
// Derived on the laptop, kept in the journal and set nothing ("derived"):
//
//	position.status.v1   {"from","to","reason"}       in_progress, done, failed, blocked
//	number.ddi.v1        {"ddi_state","ddi","teams_ddi","extension",…}
//	asset.install.v1, asset.relabel.v1, asset.state.v1, asset.dispose.v1
//
// Facts of their own:
//
//	position.status.v1   discovered; withdrawn or back to planned (an admin's)
//	position.observe.v1  {"attr","value"}             an observation on site
//	step.reopen.v1       {"step","reason"}
//	note.add.v1          {"text"}                     append-only
//	plan.proposal.v1     {"proposal","label","switch","port","mac","role","plan",…}
//	                     kept for the supervisor as a plan_discrepancy conflict;
//	                     an admin's "accept" applies it (domain_proposals.go)
//
// A step.result.v1, step.correction.v1, asset.install.v1 or asset.relabel.v1
// with "override": true also raises an identity_override conflict for the
// supervisor (domain_identity.go).
const (
	KindStatus   = "position.status.v1"
	KindObserve  = "position.observe.v1"
	KindStep     = "step.result.v1"
	KindReopen   = "step.reopen.v1"
	KindCorrect  = "step.correction.v1"
	KindInstall  = "asset.install.v1"
	KindRelabel  = "asset.relabel.v1"
	KindDispose  = "asset.dispose.v1"
	KindAsset    = "asset.state.v1"
	KindNumbers  = "number.ddi.v1"
	KindNote     = "note.add.v1"
	KindResolve  = "conflict.resolve.v1"
	codeJournal  = "journal_only"
	codeMerged   = "merged"
	codeOutdated = "superseded"
)

type applyCtx struct {
	s   *Store
	t   *tx       // the transaction, for rules that run direct (rulestore.go); nil when batched
	db  ruleStore // positions, facts, open conflicts (rulestore.go)
	op  wire.Op
	p   Principal
	ver int64
	now string

	code, msg, conflictID string

	label string // the laptop's engineer name, when not the person's (push_edge.go)

	touch []posRef // positions to derive again beyond the op's own (a resolution's)
}

func (a *applyCtx) reject(code, format string, args ...any) (string, error) {
	a.code, a.msg = code, fmt.Sprintf(format, args...)
	return wire.Rejected, nil
}

func (a *applyCtx) decode(v any) bool {
	return json.Unmarshal(a.op.Payload, v) == nil
}

// apply runs the op's domain rule. When the rule left the entity as it was
// (merged, superseded, or a conflict that kept the first value), its rows
// are re-stamped with this version anyway: a laptop that kept its own view
// of that entity while the op was pending gets the hub's rows again on its
// next pull.
func (a *applyCtx) apply() (string, error) {
	outcome, err := a.rule()
	if err == nil && outcome != wire.Rejected {
		err = a.raiseOverride()
	}
	if err != nil || outcome == wire.Rejected || (outcome == wire.Applied && a.code != codeMerged && a.code != codeOutdated && a.code != codeDerived) {
		return outcome, err
	}
	return outcome, a.restamp()
}

// restamp gives the rows of the op's entity (its position, its facts other
// than notes) this push's version, so the next pull carries them.
func (a *applyCtx) restamp() error {
	return a.rows().restamp(a.op.Site, a.op.Entity, a.op.EntityID, a.ver)
}

// isPlanKind says whether an op kind changes the plan (rules.KindClass):
// the hub's, changed by an admin with 'cutover hub import'. An engineer's
// laptop may record them for its own sites, never for the hub.
func isPlanKind(kind string) bool { return rules.KindClass(kind) == rules.Plan }

// refusePlan rejects a plan change from anyone but an admin.
func (a *applyCtx) refusePlan(what string) (string, error) {
	return a.reject("plan_owned_by_hub", "%s changes site %s's plan, which is the hub's: ask an admin to run 'cutover hub import'",
		what, a.op.Site)
}

func (a *applyCtx) rule() (string, error) {
	if isPlanKind(a.op.Kind) {
		if a.p.Role != wire.RoleAdmin {
			return a.refusePlan(a.op.Kind)
		}
		a.code = codeJournal
		return wire.Applied, nil
	}
	if rules.KindClass(a.op.Kind) == rules.Derived {
		return a.derived()
	}
	switch a.op.Kind {
	case KindStatus:
		return a.status()
	case KindObserve:
		return a.observe()
	case KindStep:
		return a.step()
	case KindReopen:
		return a.reopen()
	case KindCorrect:
		return a.correct()
	case KindNote:
		var p struct{ Text string }
		if !a.decode(&p) || strings.TrimSpace(p.Text) == "" {
			return a.reject("bad_payload", "note.add.v1 needs a non-empty text")
		}
		return wire.Applied, a.setFact(a.op.Entity, a.op.EntityID, "note:"+a.op.OpID, p.Text, false)
	case KindResolve:
		return a.resolve()
	case KindProposal:
		return a.propose()
	}
	a.code = codeJournal
	return wire.Applied, nil
}

// statusRank orders field statuses: a later push cannot move a position
// back unless its engineer saw the current status (op's from).
var statusRank = map[string]int{"planned": 0, "discovered": 1, "in_progress": 2, "failed": 2, "blocked": 2, "done": 3}

func (a *applyCtx) status() (string, error) {
	var p struct{ From, To, Reason string }
	if !a.decode(&p) {
		return a.reject("bad_payload", "position.status.v1 payload: want from, to, reason")
	}
	to, err := site.ParseStatus(p.To)
	if err != nil {
		return a.reject("bad_payload", "%v", err)
	}
	cur, err := a.rows().positionField(a.op.Site, a.op.EntityID, "status")
	if err == sql.ErrNoRows {
		return a.reject("unknown_position", "position %s is not in site %s's plan on the hub", a.op.EntityID, a.op.Site)
	}
	if err != nil {
		return "", err
	}
	if (to == site.StatusWithdrawn || (cur == string(site.StatusWithdrawn) && to == site.StatusPlanned)) && a.p.Role != wire.RoleAdmin {
		// Withdrawing a position or putting it back in the plan is a
		// plan change, not field work.
		return a.refusePlan(fmt.Sprintf("moving position %s to %s", a.op.EntityID, to))
	}
	if rules.StatusClass(string(to)) == rules.Derived && cur != string(site.StatusWithdrawn) {
		return a.derived()
	}
	switch {
	case cur == string(to):
		a.code = codeMerged
		return wire.Applied, nil
	case cur == string(site.StatusWithdrawn) && to.HasFieldWork():
		// Work on a withdrawn position is kept (its steps are evidence and
		// its derived state shows them); the plan stays the admin's, and
		// the supervisor is told.
		if err := a.openConflict("withdrawn_after_work", "position", a.op.EntityID, "status", map[string]any{
			"status": to, "engineer": a.op.Engineer, "op_id": a.op.OpID}); err != nil {
			return "", err
		}
		return wire.Conflict, nil
	case p.From != cur && statusRank[string(to)] < statusRank[cur]:
		a.code, a.msg = codeOutdated, fmt.Sprintf("position is already %s", cur)
		return wire.Applied, nil
	}
	err = a.rows().setStatus(a.op.Site, a.op.EntityID, statusWrite{Status: string(to), Reason: p.Reason, At: a.op.ObservedAt,
		By: a.op.Engineer, Label: a.label, Ver: a.ver})
	if err == nil && to == site.StatusDone {
		err = a.rows().doneLog(a.op.Site, a.op.EntityID, dayOf(a.op.ObservedAt), a.op.Engineer, a.ver)
	}
	if a.conflictID != "" {
		return wire.Conflict, err
	}
	return wire.Applied, err
}

// planned maps observable attributes to the plan column they may contradict.
var planned = map[string]string{"building": "building", "floor": "floor", "room": "room", "mac": "mac",
	"extension": "extension", "ddi": "ddi", "switch": "switch", "port": "port", "legacy_model": "legacy_model"}

func (a *applyCtx) observe() (string, error) {
	var p struct{ Attr, Value string }
	if !a.decode(&p) || p.Attr == "" || len(p.Attr) > 64 {
		return a.reject("bad_payload", "position.observe.v1 payload: want attr and value")
	}
	cur, ok, disputed, err := a.fact(a.op.Entity, a.op.EntityID, p.Attr)
	if err != nil {
		return "", err
	}
	if ok && !strings.EqualFold(cur, p.Value) {
		// Two engineers saw different things: keep both, let people decide.
		if err := a.openConflict("disputed_observation", a.op.Entity, a.op.EntityID, p.Attr, map[string]any{
			"attr": p.Attr, "values": []string{cur, p.Value}, "engineer": a.op.Engineer, "op_id": a.op.OpID}); err != nil {
			return "", err
		}
		return wire.Conflict, a.setFact(a.op.Entity, a.op.EntityID, p.Attr, cur, true)
	}
	if ok {
		a.code = codeMerged
		return wire.Applied, nil
	}
	_ = disputed
	if err := a.setFact(a.op.Entity, a.op.EntityID, p.Attr, p.Value, false); err != nil {
		return "", err
	}
	if col, isPlan := planned[p.Attr]; isPlan && a.op.Entity == "position" {
		plan, err := a.rows().positionField(a.op.Site, a.op.EntityID, col)
		if err != nil && err != sql.ErrNoRows {
			return "", err
		}
		if err == nil && plan != "" && !strings.EqualFold(plan, p.Value) {
			// The observation stands; the plan is the supervisor's to fix.
			if err := a.openConflict("plan_discrepancy", "position", a.op.EntityID, "plan:"+p.Attr, map[string]any{
				"attr": p.Attr, "plan": plan, "observed": p.Value, "engineer": a.op.Engineer}); err != nil {
				return "", err
			}
			a.conflictID = ""
		}
	}
	return wire.Applied, nil
}

// outcomeRank says which outcomes a step result may have.
var outcomeRank = map[string]int{"fail": 1, "pass": 2, "skip": 2}

// stepResult is the part of a step.result.v1 payload the rule reads.
type stepResult struct {
	Step    string `json:"step"`
	Attempt int    `json:"attempt"`
	Outcome string `json:"outcome"`
	Value   string `json:"value"`
}

// codeEvidence marks a step result or correction: kept in the journal as
// evidence, from which the hub derives the position (derive.go).
const codeEvidence = ""

// step checks a runbook step result. It sets nothing: the journal keeps it
// as evidence and the position is derived again from all of it once the
// push's ops are journaled (derive.go), so the order in which laptops sync
// changes nothing.
func (a *applyCtx) step() (string, error) {
	var p stepResult
	if !a.decode(&p) || strings.TrimSpace(p.Step) == "" || len(p.Step) > 64 {
		return a.reject("bad_payload", "step.result.v1 payload: want step, attempt, outcome")
	}
	if _, ok := outcomeRank[p.Outcome]; !ok {
		return a.reject("bad_payload", "step %s outcome %q: want pass, fail or skip", p.Step, p.Outcome)
	}
	if p.Attempt < 1 || p.Attempt > 10000 {
		return a.reject("bad_payload", "step %s attempt %d: want 1 to 10000", p.Step, p.Attempt)
	}
	return a.evidence()
}

// evidence accepts a step result or correction for a position on the plan.
func (a *applyCtx) evidence() (string, error) {
	if a.op.Entity != "position" {
		return a.reject("bad_payload", "%s is about a position, not a %s", a.op.Kind, clip(a.op.Entity, 40))
	}
	if _, err := a.rows().positionField(a.op.Site, a.op.EntityID, "status"); err == sql.ErrNoRows {
		return a.reject("unknown_position", "position %s is not in site %s's plan on the hub", a.op.EntityID, a.op.Site)
	} else if err != nil {
		return "", err
	}
	if code, msg, err := a.elsewhereSite(); err != nil || code != "" {
		if err != nil {
			return "", err
		}
		return a.reject(code, "%s", msg)
	}
	a.code = codeEvidence
	return wire.Applied, nil
}

// elsewhereSite refuses a serial that names a handset the hub holds at a
// site this person is not assigned to: it would dispute that site's record
// from outside, so nothing is recorded, and where it is is not said.
func (a *applyCtx) elsewhereSite() (code, msg string, err error) {
	var p struct {
		Step  string `json:"step"`
		Value string `json:"value"`
	}
	if !a.decode(&p) || (p.Step != "legacy_serial" && p.Step != "new_serial") || strings.TrimSpace(p.Value) == "" {
		return "", "", nil
	}
	t := a.t
	if b, ok := a.db.(*batchStore); ok && t == nil {
		t = b.t
	}
	places, err := claimsOn(t, claimKey{What: "handset", Key: assets.HandsetKey(p.Value, "", "")})
	if err != nil {
		return "", "", err
	}
	for _, c := range places {
		if !a.p.CanWrite(c.Site) {
			return "forbidden_site", fmt.Sprintf("serial %s names a handset the hub holds at a site you are not assigned to: nothing was recorded; check the label, or ask an admin",
				clip(p.Value, 64)), nil
		}
	}
	return "", "", nil
}

// correct checks a correction of a step's value (a mistyped scan put right
// by the engineer who recorded it). Like a step result it is evidence: the
// derivation gives the step the corrected value in that laptop's branch.
func (a *applyCtx) correct() (string, error) {
	var p struct {
		Step    string `json:"step"`
		Attempt int    `json:"attempt"`
		Value   string `json:"value"`
		Was     string `json:"was"`
	}
	if !a.decode(&p) || strings.TrimSpace(p.Step) == "" || p.Value == "" {
		return a.reject("bad_payload", "step.correction.v1 payload: want step, attempt and value")
	}
	return a.evidence()
}

// derived keeps a laptop's derived op (its status, numbers or handset
// move) in the journal without letting it set anything: the hub derives
// those facts from the steps.
func (a *applyCtx) derived() (string, error) {
	a.code, a.msg = codeDerived, "kept in the journal: the hub derives this from the position's steps"
	return wire.Applied, nil
}

// codeDerived answers a derived op.
const codeDerived = "derived"

func (a *applyCtx) reopen() (string, error) {
	var p struct{ Step, Reason string }
	if !a.decode(&p) || strings.TrimSpace(p.Step) == "" {
		return a.reject("bad_payload", "step.reopen.v1 payload: want step and reason")
	}
	b, _ := json.Marshal(map[string]any{"step": p.Step, "outcome": "", "reopened": true, "reason": p.Reason})
	return wire.Applied, a.setFact(a.op.Entity, a.op.EntityID, "step:"+p.Step, string(b), false)
}

func (a *applyCtx) fact(entity, id, attr string) (value string, found, disputed bool, err error) {
	return a.rows().fact(a.op.Site, entity, id, attr)
}

func (a *applyCtx) setFact(entity, id, attr, value string, disputed bool) error {
	return a.rows().setFact(a.op.Site, entity, id, attr, factWrite{Value: value, Disputed: disputed, By: a.op.Engineer,
		At: a.op.ObservedAt, Ver: a.ver})
}

// dayOf is the UTC date of an RFC 3339 time.
func dayOf(ts string) string {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ts[:min(len(ts), 10)]
	}
	return t.UTC().Format(time.DateOnly)
}
