package runbook

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"cutover/internal/safetext"
	"cutover/site"
)

// WriteCSV writes the report for the central team: a header and a row per
// position. Every cell goes through safetext.CSVCell: control characters
// are escaped, and a cell a spreadsheet would run as a formula is quoted
// with a leading apostrophe.
func (r Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ReportColumns); err != nil {
		return err
	}
	for _, row := range r.Rows {
		rec := row.Record()
		for i, f := range rec {
			rec[i] = safetext.CSVCell(f)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the report for scripts.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// mdCell makes a stored value safe inside a Markdown table cell or line:
// control characters escaped, HTML shown as text, markdown's own
// characters escaped (safetext.Markdown).
func mdCell(s string) string {
	if s == "" {
		return "—"
	}
	return md(s)
}

// md is mdCell that leaves an empty value empty.
func md(s string) string { return safetext.Markdown(strings.ReplaceAll(s, "\n", " ")) }

// WriteMarkdown writes the site handover document: a summary at the top,
// then the numbers, stock and disposals, then a row per position, and the
// positions that still need attention.
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	s := r.Site
	fmt.Fprintf(&b, "# Cutover handover: %s (%s)\n\n", md(s.Name), md(s.Code))
	if s.Address != "" {
		fmt.Fprintf(&b, "%s  \n", md(s.Address))
	}
	fmt.Fprintf(&b, "Report generated %s. Legacy platform cease date %s.\n\n", md(r.GeneratedAt), md(s.CeaseDate))
	b.WriteString("## Summary\n\n")
	fmt.Fprintf(&b, "- **%d of %d** active positions done", r.Done, r.Active)
	if r.Active > 0 {
		fmt.Fprintf(&b, " (%d%%)", r.Done*100/r.Active)
	}
	b.WriteString("\n")
	for _, st := range site.Statuses {
		if n := r.ByStatus[st]; n > 0 && st != site.StatusDone {
			fmt.Fprintf(&b, "- %s %s: %d\n", st.Symbol(), st, n)
		}
	}
	b.WriteString("- Plans:")
	for _, p := range site.Plans {
		fmt.Fprintf(&b, " %s %d;", p, r.ByPlan[p])
	}
	b.WriteString("\n- DDIs:")
	for _, d := range DDIStates {
		fmt.Fprintf(&b, " %s %d;", d, r.DDIs[d])
	}
	fmt.Fprintf(&b, "\n- Legacy DDIs surrendered: %d; moved to Teams: %d", r.DDIsSurrendered, r.MovedToTeams)
	b.WriteString("\n- Legacy handsets:")
	for _, d := range []string{"returned_to_store", "weee_disposal", "lost"} {
		fmt.Fprintf(&b, " %s %d;", d, r.Dispositions[d])
	}
	b.WriteString("\n\n")
	if len(r.Stock) > 0 {
		b.WriteString("## Avaya stock\n\n| Model | Issued | Installed | On hand |\n|---|---:|---:|---:|\n")
		for _, l := range r.Stock {
			fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", mdCell(l.Model), l.Issued, l.Installed, l.OnHand)
		}
		b.WriteString("\n")
	}
	var open []ReportRow
	for _, row := range r.Rows {
		switch row.Status {
		case site.StatusFailed, site.StatusBlocked, site.StatusInProgress:
			open = append(open, row)
		}
	}
	if len(open) > 0 {
		b.WriteString("## Needs attention\n\n")
		for _, row := range open {
			fmt.Fprintf(&b, "- **%s** (%s) %s %s", md(row.Label), mdCell(row.Location), row.Status.Symbol(), row.Status)
			if row.StatusReason != "" && row.Status != site.StatusInProgress {
				fmt.Fprintf(&b, ": %s", mdCell(row.StatusReason))
			}
			if row.CurrentStep != "" {
				fmt.Fprintf(&b, "; next step %s (%d/%d done)", row.CurrentStep, row.StepsDone, row.StepsTotal) // a key of the runbook's
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	var retried []ReportRow
	for _, row := range r.Rows {
		if len(row.StepHistory) > 0 {
			retried = append(retried, row)
		}
	}
	if len(retried) > 0 {
		b.WriteString("## Steps failed, tried again or corrected\n\n")
		for _, row := range retried {
			for _, l := range row.StepHistory {
				fmt.Fprintf(&b, "- **%s** %s\n", mdCell(row.Label), mdCell(l))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("## Positions\n\n")
	b.WriteString("| Position | Location | Role | Plan | Status | Steps | Legacy MAC / serial | New phone (model, serial, MAC) | DDI | Disposition | Signed off | Engineers | Finished |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, row := range r.Rows {
		newPhone := ""
		if row.NewModel != "" || row.NewSerial != "" {
			newPhone = strings.TrimSpace(row.NewModel + " " + row.NewSerial + " " + row.NewMAC)
		}
		ddi := string(row.DDIState)
		if row.LegacyDDI != "" {
			ddi = site.FormatDDI(row.LegacyDDI) + " " + ddi
		}
		if row.NewDDI != "" {
			ddi += " → " + site.FormatDDI(row.NewDDI)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s %s | %d/%d | %s | %s | %s | %s | %s | %s | %s |\n",
			mdCell(row.Label), mdCell(row.Location), row.Role, row.Plan, row.Status.Symbol(), row.Status, // enums: the schema CHECKs them
			row.StepsDone, row.StepsTotal, mdCell(strings.TrimSpace(row.LegacyMAC+" "+row.LegacySerial)), mdCell(newPhone),
			mdCell(ddi), mdCell(row.Disposition), mdCell(row.SignedOffBy), mdCell(strings.Join(row.Engineers, ", ")), mdCell(row.FinishedAt))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
