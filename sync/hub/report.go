package hub

import (
	"context"
	"fmt"
	"strings"

	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/wire"
)

// SiteReport is what the central inventory knows of a site's cutover, a row
// per active position, for the supervisors' screens and the API: the rows
// of HandoverReport (one rule, runbook.ReportRowOf, from each position's
// derived state), with who last changed each status and every result of
// the steps with a history.
func (s *Store) SiteReport(ctx context.Context, p Principal, code string) (wire.SiteReport, error) {
	rep := wire.SiteReport{Site: code, Rows: []wire.ReportRow{}}
	if !p.CanRead(code) {
		return rep, fmt.Errorf("%w: user %s is not assigned to site %s", ErrForbidden, p.User, code)
	}
	err := s.read(ctx, func(t *tx) error {
		var h runbook.Report
		if err := handover(t, code, &h); err != nil {
			return err
		}
		h.Finish()
		rep.Name, rep.CeaseDate = h.Site.Name, h.Site.CeaseDate
		rep.Totals = wire.ReportTotals{Positions: h.Active, Done: h.Done, ByStatus: map[string]int{}, DDIs: map[string]int{},
			DDIsSurrendered: h.DDIsSurrendered, MovedToTeams: h.MovedToTeams}
		for st, n := range h.ByStatus {
			if st != site.StatusWithdrawn {
				rep.Totals.ByStatus[string(st)] = n
			}
		}
		for d, n := range h.DDIs {
			rep.Totals.DDIs[string(d)] = n
		}
		who := map[string][4]string{}
		crit := map[string]site.Position{} // the inventory's criticality, for the row's runbook
		rows, err := t.query(`SELECT label, updated_by, updated_label, updated_at, target_model, planned_critical, max_dark_minutes
			FROM positions WHERE site = ?`, code)
		if err != nil {
			return err
		}
		for rows.Next() {
			var label string
			var w [4]string
			var c site.Position
			if err := rows.Scan(&label, &w[0], &w[1], &w[2], &w[3], &c.Critical, &c.MaxDarkMinutes); err != nil {
				rows.Close()
				return err
			}
			who[strings.ToLower(label)] = w
			crit[strings.ToLower(label)] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range h.Rows {
			if r.Status == site.StatusWithdrawn {
				continue
			}
			w := who[strings.ToLower(r.Label)]
			row := wireRow(r, w[0], w[1], w[2])
			row.TargetModel = w[3]
			c := crit[strings.ToLower(r.Label)]
			row.Critical, row.MaxDarkMinutes = c.Critical, c.MaxDarkMinutes
			rep.Rows = append(rep.Rows, row)
		}
		byLabel := map[string]*wire.ReportRow{}
		for i := range rep.Rows {
			byLabel[strings.ToLower(rep.Rows[i].Label)] = &rep.Rows[i]
		}
		return reportHistory(t, code, byLabel)
	})
	return rep, err
}

// wireRow is a report row in the API's shape: the Teams DDI apart from an
// Avaya phone's new one, where the legacy handset went apart from its
// waste transfer note.
func wireRow(r runbook.ReportRow, user, label, at string) wire.ReportRow {
	w := wire.ReportRow{Label: r.Label, Location: r.Location, Role: string(r.Role), Plan: string(r.Plan), Status: string(r.Status),
		Reason: r.StatusReason, Attempt: r.Attempts, StepsDone: r.StepsDone, StepsTotal: r.StepsTotal, Extension: r.Extension,
		DDI: r.LegacyDDI, DDIState: string(r.DDIState), LegacyMAC: r.LegacyMAC, LegacySerial: r.LegacySerial, LegacyState: r.LegacyState,
		WTNRef: r.WTNRef, NewModel: r.NewModel, NewSerial: r.NewSerial, NewMAC: r.NewMAC, NewAssetTag: r.NewTag, NewState: r.NewState,
		OpenConflicts: r.OpenConflicts, Engineer: DisplayName(user, label), User: user, LaptopLabel: label, UpdatedAt: at,
		LegacyDDISurrendered: r.LegacyDDISurrendered, Disputed: r.Disputed, Unproven: r.Unproven, Reopened: r.Reopened, Replaced: r.Replaced}
	if r.DDIState == runbook.DDITeams {
		w.TeamsDDI = r.NewDDI
	} else {
		w.NewDDI = r.NewDDI
	}
	if state, _, _ := strings.Cut(r.Disposition, " "); state != "" {
		w.Disposition = state
		if w.LegacyState == "" {
			w.LegacyState = state
		}
	}
	if w.NewModel != "" || w.NewSerial != "" {
		w.NewState = firstNonBlank(r.NewState, "installed")
	}
	return w
}

// disputedWord is how a report or an informational export shows a value
// whose standing is disputed.
const disputedWord = "disputed"

// DisputeLine says a dispute in the words every view uses (runbook.Dispute.Words).
func DisputeLine(x runbook.Dispute) string { return x.Words() }

// positionOfRow is the plan of a report's position.
func positionOfRow(r wire.ReportRow) site.Position {
	return site.Position{Label: r.Label, Plan: site.Plan(r.Plan), Role: site.Role(r.Role), DDI: r.DDI, Extension: r.Extension,
		TargetModel: r.TargetModel, MAC: r.LegacyMAC, Critical: r.Critical, MaxDarkMinutes: r.MaxDarkMinutes}
}
