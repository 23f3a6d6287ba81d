package hub

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"cutover/site"
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

// reportFacts fills the rows from each position's derived state
// (derive.go) and the site's open conflicts.
func reportFacts(t *tx, code string, byLabel map[string]*wire.ReportRow) error {
	states, err := derivedSite(t, code)
	if err != nil {
		return err
	}
	verdicts, err := claimVerdicts(t, code)
	if err != nil {
		return err
	}
	for key, r := range byLabel {
		d, ok := states[key]
		if !ok {
			d = runbook.Derive(positionOfRow(*r), nil, nil)
		}
		r.StepsDone, r.StepsTotal, r.Attempt = d.Done, d.Total, d.Attempt
		n := d.Numbers
		r.DDIState, r.TeamsDDI = string(n.State), n.TeamsDDI
		if n.State == runbook.DDINew {
			r.NewDDI = n.DDI
		}
		if verdicts.numbersDisputed(n, key) {
			r.DDIState = disputedWord
		}
		// The one rule the laptops and progress use.
		r.LegacyDDISurrendered = runbook.SurrendersLegacyDDI(r.DDI, n.State, n.ExtState) && r.DDIState != disputedWord
		if h := d.Legacy; h != nil {
			r.LegacySerial, r.LegacyState = h.Serial, h.State
			switch h.State {
			case "returned_to_store", "weee_disposal", "lost":
				r.Disposition, r.WTNRef = h.State, h.WTNRef
			}
			if v := verdicts.handset(h, key); v != "" {
				r.LegacyState, r.Disposition = v, ""
			}
		}
		if h := d.New; h != nil {
			r.NewSerial, r.NewModel, r.NewMAC, r.NewAssetTag, r.NewState = h.Serial, h.Model, h.MAC, h.Tag, h.State
			if v := verdicts.handset(h, key); v != "" {
				r.NewState = v
			}
		}
		r.Disputed, r.Unproven = disputeWords(d), d.Unproven
		for _, labels := range verdicts {
			if labels[key] == disputedWord {
				r.OpenConflicts++ // a handset or number it claims is claimed elsewhere too
			}
		}
	}
	conflicts, err := openConflicts(t, code)
	if err != nil {
		return err
	}
	for key, n := range conflicts {
		if r := byLabel[key]; r != nil {
			r.OpenConflicts += n
		}
	}
	return nil
}

// disputedWord is how a report or an informational export shows a value
// whose standing is disputed.
const disputedWord = "disputed"

// disputeWords says each open dispute of a position in words, with the
// values, who and when.
func disputeWords(d runbook.Derived) []string {
	var out []string
	for _, x := range d.Disputes {
		if x.Open() {
			out = append(out, DisputeLine(x))
		}
	}
	return out
}

// DisputeLine says a dispute in the words every view uses (runbook.Dispute.Words).
func DisputeLine(x runbook.Dispute) string { return x.Words() }

// positionOfRow is the plan of a report's position.
func positionOfRow(r wire.ReportRow) site.Position {
	return site.Position{Label: r.Label, Plan: site.Plan(r.Plan), Role: site.Role(r.Role), DDI: r.DDI, Extension: r.Extension,
		TargetModel: r.TargetModel, MAC: r.LegacyMAC}
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
