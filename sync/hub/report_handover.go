package hub

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"cutover/site"
	"cutover/site/runbook"
)

// HandoverReport is a site's report as the hub knows it, in the laptop's
// report's rows, columns and words: each row by runbook.ReportRowOf from
// the position's derived state (the hub's state fact, from every laptop's
// work and the admins' resolutions), its step history from the journal,
// the claims other positions make on its handsets and numbers, and its
// open conflicts. The laptop's `cutover report` and this write the same
// bytes for the same field work (runbook.Report's writers).
func (s *Store) HandoverReport(ctx context.Context, p Principal, code string, now time.Time) (runbook.Report, error) {
	rep := runbook.Report{GeneratedAt: now.UTC().Format(time.RFC3339)}
	if !p.CanRead(code) {
		return rep, fmt.Errorf("%w: user %s is not assigned to site %s", ErrForbidden, p.User, code)
	}
	err := s.read(ctx, func(t *tx) error { return handover(t, code, &rep) })
	rep.Finish()
	return rep, err
}

// handover fills a report's site and rows from the hub's store, in one
// read: the rule of HandoverReport, also behind SiteReport.
func handover(t *tx, code string, rep *runbook.Report) error {
	st := &rep.Site
	if err := t.row(`SELECT code, name, address, cease_date FROM sites WHERE code = ?`, code).Scan(&st.Code, &st.Name,
		&st.Address, &st.CeaseDate); err != nil {
		return fmt.Errorf("site %s: %w on the hub", code, ErrNotFound)
	}
	rows, err := t.query(`SELECT label, building, floor, room, role, plan, legacy_vendor, legacy_model, mac, extension, ddi,
		switch, port, target_model, status, status_reason, planned_critical, max_dark_minutes FROM positions WHERE site = ?`, code)
	if err != nil {
		return err
	}
	var ps []site.Position
	for rows.Next() {
		var q site.Position
		if err := rows.Scan(&q.Label, &q.Building, &q.Floor, &q.Room, &q.Role, &q.Plan, &q.LegacyVendor, &q.LegacyModel, &q.MAC,
			&q.Extension, &q.DDI, &q.Switch, &q.Port, &q.TargetModel, &q.Status, &q.StatusReason, &q.Critical, &q.MaxDarkMinutes); err != nil {
			rows.Close()
			return err
		}
		q.Site = code
		ps = append(ps, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	states, err := derivedSite(t, code)
	if err != nil {
		return err
	}
	verdict, err := claimVerdicts(t, code)
	if err != nil {
		return err
	}
	tries, err := journalTries(t, code)
	if err != nil {
		return err
	}
	conflicts, err := openConflicts(t, code)
	if err != nil {
		return err
	}
	darkReasons, err := leftDarkReasons(t, code)
	if err != nil {
		return err
	}
	for _, q := range ps {
		key := strings.ToLower(q.Label)
		d, ok := states[key]
		if !ok {
			d = runbook.Derive(q, nil, nil)
		}
		if verdict.numbersDisputed(d.Numbers, key) {
			d.Numbers.Disputed = true // a number it was given is claimed elsewhere too
		}
		row := runbook.ReportRowOf(q, d, runbook.HistoryLines(q, tries[key]))
		if h := d.Legacy; h != nil {
			if v := verdict.handset(h, key); v != "" {
				row.LegacyState, row.Disposition, row.WTNRef = v, "", ""
			}
		}
		if h := d.New; h != nil && h.State == "installed" {
			if v := verdict.handset(h, key); v != "" {
				row.NewState = v
			}
		}
		row.OpenConflicts = conflicts[key]
		row.DarkReasons = darkReasons[key]
		for _, labels := range verdict {
			if labels[key] == disputedWord {
				row.OpenConflicts++ // a handset or number it claims is claimed elsewhere too
			}
		}
		rep.Rows = append(rep.Rows, row)
	}
	return nil
}

// openConflicts counts a site's open conflicts by lower-case label.
func openConflicts(t *tx, code string) (map[string]int, error) {
	rows, err := t.query(`SELECT entity_id, COUNT(*) FROM conflicts WHERE site = ? AND status = 'open' AND entity = 'position' GROUP BY entity_id`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[strings.ToLower(id)] += n
	}
	return out, rows.Err()
}

// handoverReport answers GET /v1/sites/{site}/report?form=handover: the
// site's report in the laptop report's rows (HandoverReport), as JSON, for
// `cutover report --from-hub` to write with the one writer.
func (s *Server) handoverReport(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Store.HandoverReport(r.Context(), principal(r), strings.ToUpper(r.PathValue("site")), s.Store.Now())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, rep)
}

// leftDarkReasons are the reasons given for leaving a site's critical
// positions dark (notes beginning runbook.LeftDarkPrefix), by lower-case
// label, oldest first.
func leftDarkReasons(t *tx, code string) (map[string][]string, error) {
	rows, err := t.query(`SELECT entity_id, value FROM facts WHERE site = ? AND entity = 'position' AND attr LIKE 'note:%'
		AND substr(value, 1, ?) = ? ORDER BY updated_at, attr`, code, len(runbook.LeftDarkPrefix), runbook.LeftDarkPrefix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var label, text string
		if err := rows.Scan(&label, &text); err != nil {
			return nil, err
		}
		key := strings.ToLower(label)
		out[key] = append(out[key], strings.TrimPrefix(text, runbook.LeftDarkPrefix))
	}
	return out, rows.Err()
}
