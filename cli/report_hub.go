package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"cutover/internal/safetext"
	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/wire"
)

// hubReportColumns are the CSV columns of a report from the hub.
var hubReportColumns = []string{"label", "location", "role", "plan", "status", "reason", "attempt", "steps_done", "steps_total",
	"extension", "ddi", "ddi_state", "new_ddi", "teams_ddi", "legacy_mac", "legacy_serial", "legacy_state",
	"disposition", "wtn_ref", "target_model", "new_model", "new_serial", "new_mac", "new_asset_tag", "new_state",
	"open_conflicts", "engineer", "updated_at", "legacy_ddi_surrendered", "step_history", "disputed", "unproven"}

func hubReportRecord(r wire.ReportRow) []string {
	return []string{r.Label, r.Location, r.Role, r.Plan, r.Status, r.Reason, strconv.Itoa(r.Attempt),
		strconv.Itoa(r.StepsDone), strconv.Itoa(r.StepsTotal), r.Extension, r.DDI, r.DDIState, r.NewDDI, r.TeamsDDI, r.LegacyMAC, r.LegacySerial,
		r.LegacyState, r.Disposition, r.WTNRef, r.TargetModel, r.NewModel, r.NewSerial, r.NewMAC, r.NewAssetTag,
		r.NewState, strconv.Itoa(r.OpenConflicts), r.Engineer, r.UpdatedAt, strconv.FormatBool(r.LegacyDDISurrendered),
		strings.Join(r.StepHistory, "; "), strings.Join(r.Disputed, "; "), strings.Join(r.Unproven, "; ")}
}

// writeHubReport writes what the hub knows of a site as csv, json or a
// markdown table.
func writeHubReport(w io.Writer, rep wire.SiteReport, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(hubReportColumns)
		for _, r := range rep.Rows {
			rec := hubReportRecord(r)
			for i, f := range rec {
				rec[i] = safetext.CSVCell(f) // escaped, and never run as a formula
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	}
	tot := rep.Totals
	cell := func(s string) string { return safetext.Markdown(strings.ReplaceAll(s, "\n", " ")) }
	fmt.Fprintf(w, "# Cutover of %s (%s), as the hub knows it\n\n", cell(rep.Name), cell(rep.Site))
	fmt.Fprintf(w, "Cease date %s. **%d of %d** positions done.\n\n", cell(rep.CeaseDate), tot.Done, tot.Positions)
	fmt.Fprint(w, "- DDIs:")
	for _, d := range runbook.DDIStates {
		fmt.Fprintf(w, " %s %d;", d, tot.DDIs[string(d)])
	}
	fmt.Fprintf(w, "\n- Legacy DDIs surrendered: %d; moved to Teams: %d\n\n", tot.DDIsSurrendered, tot.MovedToTeams)
	var conflicted, retried []wire.ReportRow
	for _, r := range rep.Rows {
		if r.OpenConflicts > 0 {
			conflicted = append(conflicted, r)
		}
		if len(r.StepHistory) > 0 {
			retried = append(retried, r)
		}
	}
	if len(conflicted) > 0 {
		fmt.Fprint(w, "## Open conflicts\n\n")
		for _, r := range conflicted {
			fmt.Fprintf(w, "- **%s**: %d open (cutover hub conflicts --site %s)\n", cell(r.Label), r.OpenConflicts, cell(rep.Site))
			for _, d := range r.Disputed {
				fmt.Fprintf(w, "  - disputed %s\n", cell(runbook.ReadableTimes(d)))
			}
		}
		fmt.Fprintln(w)
	}
	var unproven []wire.ReportRow
	for _, r := range rep.Rows {
		if len(r.Unproven) > 0 {
			unproven = append(unproven, r)
		}
	}
	if len(unproven) > 0 {
		fmt.Fprint(w, "## Checks confirmed by eye, not proven\n\n")
		for _, r := range unproven {
			for _, l := range r.Unproven {
				fmt.Fprintf(w, "- **%s** %s\n", cell(r.Label), cell(runbook.ReadableTimes(l)))
			}
		}
		fmt.Fprintln(w)
	}
	if len(retried) > 0 {
		fmt.Fprint(w, "## Steps failed, tried again or corrected\n\n")
		for _, r := range retried {
			for _, l := range r.StepHistory {
				fmt.Fprintf(w, "- **%s** %s\n", cell(r.Label), cell(runbook.ReadableTimes(l)))
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "| Position | Role | Plan | Status | Steps | DDI | Teams DDI | Legacy handset | Where it went | New phone | Conflicts | Engineer |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rep.Rows {
		status := site.Status(r.Status).Words()
		if r.Reason != "" {
			status += ": " + r.Reason
		}
		legacy := strings.TrimSpace(r.LegacySerial + " " + r.LegacyMAC)
		went := ""
		switch r.Disposition {
		case "returned_to_store":
			went = "returned to store"
		case "weee_disposal":
			went = "WEEE disposal"
		default:
			went = strings.ReplaceAll(r.Disposition, "_", " ")
		}
		if r.WTNRef != "" {
			went += ", waste transfer note " + r.WTNRef
		}
		phone := strings.TrimSpace(strings.Join([]string{r.NewModel, r.NewSerial, r.NewMAC}, " "))
		if r.NewAssetTag != "" {
			phone += " tag " + r.NewAssetTag
		}
		steps := strconv.Itoa(r.StepsDone)
		if r.StepsTotal > 0 {
			steps += "/" + strconv.Itoa(r.StepsTotal)
		}
		conflicts := ""
		if r.OpenConflicts > 0 {
			conflicts = "⚠ " + strconv.Itoa(r.OpenConflicts) + " open"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", cell(r.Label), cell(site.Role(r.Role).Words()),
			cell(site.Plan(r.Plan).Words()), cell(status), steps, cell(hubDDI(r)), cell(site.FormatDDI(r.TeamsDDI)), cell(legacy), cell(went),
			cell(phone), conflicts, cell(r.Engineer))
	}
	return nil
}

// hubDDI is a row's numbers in words: the legacy DDI and what became of it.
func hubDDI(r wire.ReportRow) string {
	s := strings.TrimSpace(site.FormatDDI(r.DDI) + " " + r.DDIState)
	switch {
	case r.DDIState == "new" && r.NewDDI != "":
		s += " → " + site.FormatDDI(r.NewDDI)
	case r.DDIState == "teams" && r.TeamsDDI != "":
		s += " → " + site.FormatDDI(r.TeamsDDI)
	}
	if r.LegacyDDISurrendered {
		s += " (legacy surrendered)"
	}
	return s
}
