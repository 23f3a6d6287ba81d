package hub

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/hub/rules"
	"cutover/sync/wire"
)

// The hub derives each position's state from its evidence (runbook.Derive,
// the laptop's own rule): after a push's ops are journaled, every position
// an op touched is derived again from every step result and correction the
// journal holds for it and every resolution of its disputes. What follows
// is written from that one state: the position's status, the "state" fact
// laptops pull, the done log progress counts, the disputes as conflicts, and
// the handsets and numbers each position claims. Laptops' derived ops
// (status, numbers, handset moves) are kept in the journal and set nothing.

// posRef names a position: its site and label in lower case.
type posRef struct{ site, label string }

// Conflict kinds the derivation owns: opened, detailed and settled from the
// evidence alone, so the same work gives the same conflicts in any order.
const (
	kindStepDiffers    = "step_result_differs"
	kindOutcomeDiffers = "outcome_differs"
	kindSerialPlaces   = "serial_in_two_places"
	kindDDIPlaces      = "ddi_in_two_places"
	factState          = "state"
)

// derivedKinds are the conflict kinds written by the derivation.
var derivedKinds = map[string]bool{kindStepDiffers: true, kindOutcomeDiffers: true, kindSerialPlaces: true, kindDDIPlaces: true}

// touches says which position an op of this kind makes the hub derive again.
func touches(op wire.Op) (posRef, bool) {
	switch op.Kind {
	case KindStep, KindCorrect:
		if op.Entity == "position" {
			return posRef{op.Site, strings.ToLower(op.EntityID)}, true
		}
	}
	return posRef{}, false
}

// rederive derives every position in refs again and writes what follows.
func (s *Store) rederive(t *tx, refs map[posRef]bool, vers map[string]int64) error {
	list := make([]posRef, 0, len(refs))
	for r := range refs {
		list = append(list, r)
	}
	sort.Slice(list, func(i, j int) bool {
		return list[i].site < list[j].site || (list[i].site == list[j].site && list[i].label < list[j].label)
	})
	keys := map[claimKey]bool{}
	for _, r := range list {
		ver := vers[r.site]
		if ver == 0 {
			if err := t.row(`SELECT ver FROM sites WHERE code = ?`, r.site).Scan(&ver); err != nil {
				continue
			}
		}
		if err := s.deriveOne(t, r, ver, keys); err != nil {
			return fmt.Errorf("deriving %s/%s: %w", r.site, r.label, err)
		}
	}
	return s.settleClaims(t, keys, vers)
}

// planOf reads a position's plan and current status.
func planOf(t *tx, r posRef) (site.Position, string, error) {
	var p site.Position
	var status string
	err := t.row(`SELECT label, building, floor, room, role, plan, legacy_vendor, legacy_model, mac, extension, ddi, switch, port,
		target_model, status, planned_critical, max_dark_minutes FROM positions WHERE site = ? AND label_key = ?`, r.site, r.label).Scan(&p.Label,
		&p.Building, &p.Floor, &p.Room, &p.Role, &p.Plan, &p.LegacyVendor, &p.LegacyModel, &p.MAC, &p.Extension, &p.DDI, &p.Switch, &p.Port,
		&p.TargetModel, &status, &p.Critical, &p.MaxDarkMinutes)
	p.Site = r.site
	p.Status = site.Status(status)
	return p, status, err
}

// evidenceOf reads a position's evidence from the journal.
func evidenceOf(t *tx, r posRef) ([]runbook.Evidence, error) {
	var start string
	t.row(`SELECT first_import FROM sites WHERE code = ?`, r.site).Scan(&start)
	rows, err := t.query(`SELECT client_id, client_seq, kind, user_name, engineer, observed_at, received_at, payload FROM op_journal
		WHERE site = ? AND entity = 'position' AND lower(entity_id) = ? AND kind IN (?, ?) AND outcome <> ?`,
		r.site, r.label, KindStep, KindCorrect, wire.Rejected)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []runbook.Evidence
	for rows.Next() {
		var e runbook.Evidence
		var kind, engineer, observed, payload string
		var received int64
		if err := rows.Scan(&e.Laptop, &e.Seq, &kind, &e.By, &engineer, &observed, &received, &payload); err != nil {
			return nil, err
		}
		var ok bool
		if e, ok = evidenceFrom(kind, payload, e); !ok {
			continue
		}
		if engineer != e.By {
			e.Label = engineer
		}
		e.At, _ = rules.Believed(observed, received, start)
		out = append(out, e)
	}
	return out, rows.Err()
}

// resolutionsOf reads the resolutions of a position's derived conflicts.
func resolutionsOf(t *tx, r posRef) ([]runbook.Resolution, error) {
	rows, err := t.query(`SELECT c.fact, c.detail, j.op_id, j.user_name, j.received_at, j.payload FROM conflicts c
		JOIN op_journal j ON j.entity_id = c.id AND j.kind = ? AND j.outcome = ?
		WHERE c.site = ? AND c.entity = 'position' AND lower(c.entity_id) = ? AND c.kind IN (?, ?)`,
		KindResolve, wire.Applied, r.site, r.label, kindStepDiffers, kindOutcomeDiffers)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []runbook.Resolution
	for rows.Next() {
		var fact, detail, id, by, payload string
		var at int64
		if err := rows.Scan(&fact, &detail, &id, &by, &at, &payload); err != nil {
			return nil, err
		}
		var d struct {
			Attempt int `json:"attempt"`
		}
		var p struct{ Value, Resolution string }
		json.Unmarshal([]byte(detail), &d)
		json.Unmarshal([]byte(payload), &p)
		out = append(out, runbook.Resolution{ID: id, Fact: fact, Attempt: d.Attempt, Value: strings.TrimSpace(p.Value), By: by,
			At: time.Unix(at, 0).UTC().Format(time.RFC3339), Note: p.Resolution})
	}
	return out, rows.Err()
}

// deriveOne derives one position and writes what follows from it.
func (s *Store) deriveOne(t *tx, r posRef, ver int64, keys map[claimKey]bool) error {
	p, status, err := planOf(t, r)
	if err != nil {
		return nil // not in the plan: the op was journaled, nothing to derive
	}
	ev, err := evidenceOf(t, r)
	if err != nil {
		return err
	}
	res, err := resolutionsOf(t, r)
	if err != nil {
		return err
	}
	d := runbook.Derive(p, ev, res)
	b, _ := json.Marshal(d)
	var old string
	t.row(`SELECT value FROM facts WHERE site = ? AND entity = 'position' AND entity_id = ? AND attr = ?`, r.site, p.Label, factState).Scan(&old)
	if old != string(b) {
		last := lastStep(d)
		if _, err := t.exec(`INSERT INTO facts (site, entity, entity_id, attr, value, disputed, updated_by, updated_at, ver)
			VALUES (?, 'position', ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (site, entity, entity_id, attr) DO UPDATE SET value = excluded.value, disputed = excluded.disputed,
				updated_by = excluded.updated_by, updated_at = excluded.updated_at, ver = excluded.ver`,
			r.site, p.Label, factState, string(b), boolInt(d.Disputed()), last.By, last.At, ver); err != nil {
			return err
		}
	}
	if d.Status != "" && status != string(site.StatusWithdrawn) {
		last := lastStep(d)
		if _, err := t.exec(`UPDATE positions SET status = ?, status_reason = ?, updated_at = ?, updated_by = ?, updated_label = ?, ver = ?
			WHERE site = ? AND label_key = ? AND NOT (status = ? AND status_reason = ? AND updated_at = ? AND updated_by = ?)`,
			d.Status, d.Reason, last.At, last.By, last.Label, ver, r.site, r.label, d.Status, d.Reason, last.At, last.By); err != nil {
			return err
		}
	}
	surrendered, fate := 0, ""
	if runbook.SurrendersLegacyDDI(p.DDI, d.Numbers.State, d.Numbers.ExtState) && !d.Numbers.Disputed {
		surrendered = 1
	}
	if h := d.Legacy; h != nil && !h.Disputed {
		switch h.State {
		case "returned_to_store", "weee_disposal", "lost":
			fate = h.State
		}
	}
	unproven := 0
	if len(d.Unproven) > 0 {
		unproven = 1
	}
	if _, err := t.exec(`UPDATE positions SET ddi_surrendered = ?, legacy_fate = ?, unproven = ? WHERE site = ? AND label_key = ?
		AND (ddi_surrendered <> ? OR legacy_fate <> ? OR unproven <> ?)`, surrendered, fate, unproven, r.site, r.label, surrendered, fate,
		unproven); err != nil {
		return err
	}
	critical, target, darkSecs, darkEarlier, darkSince := 0, 0, 0, 0, ""
	if c, tgt := runbook.CriticalFor(p); c {
		critical, target = 1, int(tgt/time.Second)
	}
	if c := d.Continuity; c != nil {
		darkSecs = int(c.Dark / time.Second) // the latest visit's closed periods: Derive counts no open one
		darkEarlier = int(c.Earlier / time.Second)
		if c.DarkNow() {
			darkSince = c.Since().UTC().Format(time.RFC3339)
		}
	}
	if _, err := t.exec(`UPDATE positions SET critical = ?, dark_target = ?, dark_seconds = ?, dark_since = ?, dark_earlier = ? WHERE site = ? AND label_key = ?
		AND (critical <> ? OR dark_target <> ? OR dark_seconds <> ? OR dark_since <> ? OR dark_earlier <> ?)`, critical, target, darkSecs, darkSince,
		darkEarlier, r.site, r.label, critical, target, darkSecs, darkSince, darkEarlier); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM done_log WHERE site = ? AND label_key = ?`, r.site, r.label); err != nil {
		return err
	}
	if d.Status == site.StatusDone {
		if _, err := t.exec(`INSERT INTO done_log (site, label_key, day, engineer, ver) VALUES (?, ?, ?, ?, ?)`,
			r.site, r.label, dayOf(d.FinishedAt), d.FinishedBy, ver); err != nil {
			return err
		}
	}
	if err := s.writeDisputes(t, r, p, d, ver); err != nil {
		return err
	}
	return writeClaims(t, r, d, keys)
}

// lastStep is the latest standing step: who last worked the position.
func lastStep(d runbook.Derived) runbook.DerivedStep {
	var last runbook.DerivedStep
	for _, s := range d.Steps {
		if s.At > last.At || (s.At == last.At && s.By > last.By) {
			last = s
		}
	}
	return last
}

// disputeDetail is a derived conflict's detail: the same words the laptop's
// `cutover conflicts` and the hub's show (values, who, when, branches).
type disputeDetail struct {
	Fact     string           `json:"fact"`
	Step     string           `json:"step,omitempty"`
	Attempt  int              `json:"attempt"`
	Position string           `json:"position"`
	Branches []runbook.Branch `json:"branches"`
	Choices  []string         `json:"choices,omitempty"`
}

// writeDisputes opens, updates and settles the position's derived
// conflicts so that they are exactly the disputes its evidence gives.
func (s *Store) writeDisputes(t *tx, r posRef, p site.Position, d runbook.Derived, ver int64) error {
	want := map[string]bool{}
	for _, x := range d.Disputes {
		kind := kindStepDiffers
		if x.Fact == runbook.FactOutcome {
			kind = kindOutcomeDiffers
		}
		id := rules.ConflictID(r.site, r.label, x.Fact, fmt.Sprint(x.Attempt))
		want[id] = true
		det := disputeDetail{Fact: x.Fact, Step: strings.TrimPrefix(x.Fact, "step:"), Attempt: x.Attempt, Position: p.Label, Branches: x.Branches}
		if kind == kindOutcomeDiffers {
			det.Step = ""
			det.Choices = append(det.Choices, runbook.OutcomeChoices...)
		} else {
			for _, b := range x.Branches {
				det.Choices = append(det.Choices, b.Value)
			}
		}
		b, _ := json.Marshal(det)
		opened := ""
		for _, br := range x.Branches {
			if opened == "" || br.At < opened {
				opened = br.At
			}
		}
		var status, detail string
		err := t.row(`SELECT status, detail FROM conflicts WHERE id = ?`, id).Scan(&status, &detail)
		switch {
		case err != nil:
			st := "open"
			if x.Resolved {
				st = "resolved"
			}
			if _, err := t.exec(`INSERT INTO conflicts (id, site, kind, entity, entity_id, fact, status, detail, opened_at, resolved_by, resolution, ver)
				VALUES (?, ?, ?, 'position', ?, ?, ?, ?, ?, ?, ?, ?)`, id, r.site, kind, p.Label, x.Fact, st, string(b), opened,
				x.ResolvedBy, resolutionText(x), ver); err != nil {
				return err
			}
		case (status == "open") != x.Open():
			st := "open"
			if x.Resolved {
				st = "resolved"
			}
			if _, err := t.exec(`UPDATE conflicts SET status = ?, detail = ?, resolved_by = ?, resolution = ?, ver = ? WHERE id = ?`,
				st, string(b), x.ResolvedBy, resolutionText(x), ver, id); err != nil {
				return err
			}
		case detail != string(b):
			if _, err := t.exec(`UPDATE conflicts SET detail = ?, ver = ? WHERE id = ?`, string(b), ver, id); err != nil {
				return err
			}
		}
	}
	// A dispute the evidence no longer gives (a correction made the values
	// agree) is settled by that work.
	rows, err := t.query(`SELECT id FROM conflicts WHERE site = ? AND entity = 'position' AND lower(entity_id) = ? AND kind IN (?, ?)
		AND status = 'open'`, r.site, r.label, kindStepDiffers, kindOutcomeDiffers)
	if err != nil {
		return err
	}
	var stale []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		if !want[id] {
			stale = append(stale, id)
		}
	}
	rows.Close()
	for _, id := range stale {
		if _, err := t.exec(`UPDATE conflicts SET status = 'resolved', resolution = ?, ver = ? WHERE id = ?`,
			"settled by later work: the laptops' results no longer differ (a correction, or a later attempt)", ver, id); err != nil {
			return err
		}
	}
	return rows.Err()
}

func resolutionText(x runbook.Dispute) string {
	if !x.Resolved {
		return ""
	}
	return clip(strings.TrimSpace(x.Resolution+valueSuffix(x.Value)), 1000)
}

// derivePending derives the positions a migration left to derive (work
// journaled before the hub derived positions), once.
func (s *Store) derivePending(t *tx) error {
	rows, err := t.query(`SELECT site, label_key FROM derive_pending`)
	if err != nil {
		return err
	}
	refs := map[posRef]bool{}
	for rows.Next() {
		var r posRef
		if err := rows.Scan(&r.site, &r.label); err != nil {
			rows.Close()
			return err
		}
		refs[r] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(refs) == 0 {
		return err
	}
	vers := map[string]int64{}
	for r := range refs {
		if _, ok := vers[r.site]; ok {
			continue
		}
		var v int64
		if err := t.row(`UPDATE sites SET ver = ver + 1 WHERE code = ? RETURNING ver`, r.site).Scan(&v); err == nil {
			vers[r.site] = v // laptops pull what the derivation wrote
		}
	}
	if err := s.rederive(t, refs, vers); err != nil {
		return err
	}
	_, err = t.exec(`DELETE FROM derive_pending`)
	return err
}

// derivedSite reads the derived state of every position of a site that
// has one, by lower-case label.
func derivedSite(t *tx, code string) (map[string]runbook.Derived, error) {
	rows, err := t.query(`SELECT entity_id, value FROM facts WHERE site = ? AND entity = 'position' AND attr = ?`, code, factState)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]runbook.Derived{}
	for rows.Next() {
		var label, value string
		if err := rows.Scan(&label, &value); err != nil {
			return nil, err
		}
		var d runbook.Derived
		if json.Unmarshal([]byte(value), &d) == nil {
			out[strings.ToLower(label)] = d
		}
	}
	return out, rows.Err()
}

// evidenceFrom reads a journaled step.result.v1 or step.correction.v1
// payload into e (whose laptop, order and people the caller fills): the one
// reader of step payloads, for the derivation and the report's history.
func evidenceFrom(kind, payload string, e runbook.Evidence) (runbook.Evidence, bool) {
	var p struct {
		Step     string               `json:"step"`
		Attempt  int                  `json:"attempt"`
		Outcome  string               `json:"outcome"`
		Value    string               `json:"value"`
		Note     string               `json:"note"`
		Reason   string               `json:"reason"`
		Was      string               `json:"was"`
		Override bool                 `json:"override"`
		Evidence *runbook.Observation `json:"evidence"`
	}
	if json.Unmarshal([]byte(payload), &p) != nil || p.Step == "" {
		return e, false
	}
	e.Attempt, e.Step, e.Outcome, e.Value, e.Note, e.Override, e.Evidence = p.Attempt, p.Step, runbook.Outcome(p.Outcome), p.Value,
		p.Note, p.Override, p.Evidence
	if kind == KindCorrect {
		// A correction is a pass of its own that names the value it
		// replaced, with its reason (as the laptop keeps it).
		e.Correction, e.Was, e.Note, e.Outcome = true, p.Was, p.Reason, runbook.OutcomePass
	}
	return e, true
}
