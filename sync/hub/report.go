package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"cutover/site/runbook"
	"cutover/sync/wire"
)

// SiteReport is what the central inventory knows of a site's cutover, a row
// per position, assembled from the plan and the facts the laptops' ops set:
// the counterpart on the hub of a laptop's `cutover report`.
func (s *Store) SiteReport(ctx context.Context, p Principal, code string) (wire.SiteReport, error) {
	rep := wire.SiteReport{Site: code, Rows: []wire.ReportRow{}}
	if !p.CanRead(code) {
		return rep, fmt.Errorf("%w: user %s is not assigned to site %s", ErrForbidden, p.User, code)
	}
	err := s.read(ctx, func(t *tx) error {
		err := t.row(`SELECT name, cease_date FROM sites WHERE code = ?`, code).Scan(&rep.Name, &rep.CeaseDate)
		if err != nil {
			return fmt.Errorf("site %s: %w on the hub", code, ErrNotFound)
		}
		rows, err := t.query(`SELECT label, building, floor, room, role, plan, status, status_reason, mac, extension, ddi,
			target_model, updated_by, updated_label, updated_at FROM positions WHERE site = ? AND status <> 'withdrawn'`, code)
		if err != nil {
			return err
		}
		byLabel := map[string]*wire.ReportRow{}
		for rows.Next() {
			var r wire.ReportRow
			var b, f, room string
			if err := rows.Scan(&r.Label, &b, &f, &room, &r.Role, &r.Plan, &r.Status, &r.Reason, &r.LegacyMAC,
				&r.Extension, &r.DDI, &r.TargetModel, &r.User, &r.LaptopLabel, &r.UpdatedAt); err != nil {
				rows.Close()
				return err
			}
			r.Engineer = DisplayName(r.User, r.LaptopLabel)
			r.Location = joinNonEmpty(" / ", b, f, room)
			rep.Rows = append(rep.Rows, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range rep.Rows {
			byLabel[strings.ToLower(rep.Rows[i].Label)] = &rep.Rows[i]
		}
		if err := reportFacts(t, code, byLabel); err != nil {
			return err
		}
		return reportHistory(t, code, byLabel)
	})
	sort.Slice(rep.Rows, func(i, j int) bool { return labelLess(rep.Rows[i].Label, rep.Rows[j].Label) })
	rep.Totals = reportTotals(rep.Rows)
	return rep, err
}

// reportFacts fills the rows from the site's facts and open conflicts.
func reportFacts(t *tx, code string, byLabel map[string]*wire.ReportRow) error {
	rows, err := t.query(`SELECT entity, entity_id, attr, value FROM facts WHERE site = ? AND attr NOT LIKE 'note:%'`, code)
	if err != nil {
		return err
	}
	defer rows.Close()
	type step struct {
		attempt  int
		outcomes map[string]runbook.Outcome // of the latest attempt, by step key
	}
	steps := map[string]*step{}
	handsets := map[string]map[string]string{} // key → attr → value
	for rows.Next() {
		var entity, id, attr, value string
		if err := rows.Scan(&entity, &id, &attr, &value); err != nil {
			return err
		}
		switch {
		case entity == "asset":
			if handsets[id] == nil {
				handsets[id] = map[string]string{}
			}
			handsets[id][attr] = value
		case entity != "position" || byLabel[strings.ToLower(id)] == nil:
		case strings.HasPrefix(attr, "step:"):
			var r stepResult
			json.Unmarshal([]byte(value), &r)
			st := steps[strings.ToLower(id)]
			if st == nil {
				st = &step{}
				steps[strings.ToLower(id)] = st
			}
			if r.Attempt > st.attempt || st.outcomes == nil { // only the latest attempt counts
				st.attempt, st.outcomes = r.Attempt, map[string]runbook.Outcome{}
			}
			if r.Attempt == st.attempt {
				st.outcomes[strings.TrimPrefix(attr, "step:")] = runbook.Outcome(r.Outcome)
			}
		case attr == "ddi_state":
			byLabel[strings.ToLower(id)].DDIState = value
		case attr == "numbers":
			var n struct {
				State    string `json:"ddi_state"`
				TeamsDDI string `json:"teams_ddi"`
				DDI      string `json:"ddi"`
				ExtState string `json:"extension_state"`
			}
			json.Unmarshal([]byte(value), &n)
			r := byLabel[strings.ToLower(id)]
			r.TeamsDDI, r.NewDDI = n.TeamsDDI, n.DDI
			// The one rule the laptops and progress use.
			r.LegacyDDISurrendered = runbook.SurrendersLegacyDDI(r.DDI, runbook.DDIState(n.State), n.ExtState)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// The laptops' rule (runbook.CountSteps) over the runbook the position's
	// plan gives it: rollback steps and keys it does not name never count.
	for _, r := range byLabel {
		st := steps[strings.ToLower(r.Label)]
		if st == nil {
			st = &step{}
		}
		r.StepsDone, r.StepsTotal = runbookOf(*r).CountSteps(func(key string) runbook.Outcome { return st.outcomes[key] })
		r.Attempt = st.attempt
	}
	for key, h := range handsets {
		var rec handset
		var model struct{ Model string }
		if json.Unmarshal([]byte(h["record"]), &rec) != nil {
			continue
		}
		json.Unmarshal([]byte(h["record"]), &model)
		r := byLabel[strings.ToLower(rec.Position)]
		if r == nil {
			continue
		}
		switch rec.Kind {
		case "legacy":
			r.LegacySerial, r.LegacyState, r.Disposition, r.WTNRef = key, h["state"], h["disposition"], h["wtn_ref"]
		case "new":
			if h["state"] == "installed" || r.NewSerial == "" {
				r.NewSerial, r.NewModel, r.NewMAC, r.NewAssetTag, r.NewState = key, model.Model, rec.MAC, rec.AssetTag, h["state"]
			}
		}
	}
	crows, err := t.query(`SELECT entity_id, COUNT(*) FROM conflicts WHERE site = ? AND status = 'open' AND entity = 'position' GROUP BY entity_id`, code)
	if err != nil {
		return err
	}
	defer crows.Close()
	for crows.Next() {
		var id string
		var n int
		if err := crows.Scan(&id, &n); err != nil {
			return err
		}
		if r := byLabel[strings.ToLower(id)]; r != nil {
			r.OpenConflicts = n
		}
	}
	return crows.Err()
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// labelLess orders labels as people read them: P2 before P10.
func labelLess(a, b string) bool {
	i := strings.IndexAny(a, "0123456789")
	j := strings.IndexAny(b, "0123456789")
	if i > 0 && j > 0 && strings.EqualFold(a[:i], b[:j]) {
		if len(a[i:]) != len(b[j:]) {
			return len(a[i:]) < len(b[j:])
		}
	}
	return strings.ToLower(a) < strings.ToLower(b)
}
