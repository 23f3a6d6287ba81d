package runbook

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

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
// then the numbers, stock and disposals, what needs attention, what the
// latest discovery found, the steps with a history, and a row per
// position. Times are local and readable ("1 Dec 2026 10:48"); roles,
// plans, statuses and dispositions are in words.
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	s := r.Site
	fmt.Fprintf(&b, "# Cutover handover: %s (%s)\n\n", md(s.Name), md(s.Code))
	if s.Address != "" {
		fmt.Fprintf(&b, "%s  \n", md(s.Address))
	}
	by := ""
	if r.GeneratedBy != "" {
		by = " by " + md(r.GeneratedBy)
	}
	fmt.Fprintf(&b, "Report generated %s%s. Legacy platform cease date %s.\n\n", md(readableTime(r.GeneratedAt)), by, md(readableDate(s.CeaseDate)))
	b.WriteString("## Summary\n\n")
	fmt.Fprintf(&b, "- **%d of %d** active positions done", r.Done, r.Active)
	if r.Active > 0 {
		fmt.Fprintf(&b, " (%d%%)", r.Done*100/r.Active)
	}
	b.WriteString("\n")
	for _, st := range site.Statuses {
		if n := r.ByStatus[st]; n > 0 || st == site.StatusDone {
			fmt.Fprintf(&b, "- %s %s: %d\n", st.Symbol(), st.Words(), n)
		}
	}
	b.WriteString("- Plans:")
	for i, p := range site.Plans {
		fmt.Fprintf(&b, "%s %s %d", sep(i), p.Words(), r.ByPlan[p])
	}
	b.WriteString("\n- DDIs:")
	for i, d := range DDIStates {
		fmt.Fprintf(&b, "%s %s %d", sep(i), d, r.DDIs[d])
	}
	if n := r.DDIs[DDIDisputed]; n > 0 {
		fmt.Fprintf(&b, "; disputed %d", n)
	}
	fmt.Fprintf(&b, "\n- Legacy DDIs surrendered: %d; moved to Teams: %d", r.DDIsSurrendered, r.MovedToTeams)
	if r.MovedToTeams != r.MovedToTeamsWithDDI {
		fmt.Fprintf(&b, " (%d with their Teams DDI recorded)", r.MovedToTeamsWithDDI)
	}
	b.WriteString("\n- Legacy handsets:")
	for i, d := range []string{"returned_to_store", "weee_disposal", "lost"} {
		fmt.Fprintf(&b, "%s %s %d", sep(i), dispositionWords(d), r.Dispositions[d])
	}
	b.WriteString("\n\n")
	if len(r.Stock) > 0 {
		b.WriteString("## Avaya stock\n\n| Model | Issued | Installed | Taken out and sent back | On hand |\n|---|---:|---:|---:|---:|\n")
		for _, l := range r.Stock {
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", mdCell(l.Model), l.Issued, l.Installed, l.Returned, l.OnHand)
		}
		b.WriteString("\n")
	}
	r.writeAttention(&b)
	r.writeFindings(&b)
	var retried []ReportRow
	for _, row := range r.Rows {
		if len(row.StepHistory) > 0 {
			retried = append(retried, row)
		}
	}
	unproven := false
	for _, row := range r.Rows {
		unproven = unproven || len(row.Unproven) > 0
	}
	if unproven {
		b.WriteString("## Checks confirmed by eye, not proven\n\n")
		for _, row := range r.Rows {
			for _, l := range row.Unproven {
				fmt.Fprintf(&b, "- **%s** %s\n", mdCell(row.Label), mdCell(ReadableTimes(l)))
			}
		}
		b.WriteString("\n")
	}
	if len(retried) > 0 {
		b.WriteString("## Steps failed, tried again or corrected\n\n")
		for _, row := range retried {
			for _, l := range row.StepHistory {
				fmt.Fprintf(&b, "- **%s** %s\n", mdCell(row.Label), mdCell(ReadableTimes(l)))
			}
		}
		b.WriteString("\n")
	}
	r.writeDisputes(&b)
	var differs []ReportRow
	for _, row := range r.Rows {
		if len(row.Hub) > 0 {
			differs = append(differs, row)
		}
	}
	if len(differs) > 0 {
		b.WriteString("## Where the hub's record differs (as of the last sync)\n\n")
		b.WriteString("The hub's record stands for the platform teams; this laptop's values below were disputed or overruled there.\n\n")
		for _, row := range differs {
			for _, l := range row.Hub {
				fmt.Fprintf(&b, "- **%s** %s\n", mdCell(row.Label), mdCell(ReadableTimes(l)))
			}
		}
		b.WriteString("\n")
	}
	r.writeContinuity(&b)
	r.writeReplaced(&b)
	b.WriteString("## Positions\n\n")
	b.WriteString("| Position | Location | Role | Plan | Status | Steps | Legacy handset (MAC, serial, tag, condition) | New phone (model, serial, MAC, tag) | DDI | Disposition | Signed off | Engineers | Finished |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, row := range r.Rows {
		newPhone := ""
		if row.NewModel != "" || row.NewSerial != "" {
			newPhone = joinSp(row.NewModel, row.NewSerial, row.NewMAC, tagged(row.NewTag))
		}
		legacy := joinSp(row.LegacyMAC, row.LegacySerial, tagged(row.LegacyTag))
		if row.LegacyCondition != "" {
			legacy = joinSp(legacy, "("+row.LegacyCondition+")")
		}
		ddi := string(row.DDIState)
		if row.LegacyDDI != "" {
			ddi = site.FormatDDI(row.LegacyDDI) + " " + ddi
		}
		if row.NewDDI != "" {
			ddi += " → " + site.FormatDDI(row.NewDDI)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s %s | %d/%d | %s | %s | %s | %s | %s | %s | %s |\n",
			mdCell(row.Label), mdCell(row.Location), mdCell(row.Role.Words()), mdCell(row.Plan.Words()), row.Status.Symbol(), mdCell(row.Status.Words()),
			row.StepsDone, row.StepsTotal, mdCell(legacy), mdCell(newPhone),
			mdCell(ddi), mdCell(row.dispositionText()), mdCell(row.SignedOffBy), mdCell(strings.Join(row.Engineers, ", ")), mdCell(readableTime(row.FinishedAt)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeDisputes lists the open disputes and conflicts, and the disputes
// settled with every engineer's value and who resolved it.
func (r Report) writeDisputes(b *strings.Builder) {
	var open, settled []ReportRow
	for _, row := range r.Rows {
		if len(row.Disputed) > 0 || row.OpenConflicts > 0 {
			open = append(open, row)
		}
		if len(row.Resolved) > 0 {
			settled = append(settled, row)
		}
	}
	if len(open) > 0 {
		b.WriteString("## Open disputes\n\n")
		for _, row := range open {
			fmt.Fprintf(b, "- **%s**: %d open conflict(s) (cutover hub conflicts --site %s)\n", md(row.Label), row.OpenConflicts, md(r.Site.Code))
			for _, l := range row.Disputed {
				fmt.Fprintf(b, "  - %s\n", mdCell(ReadableTimes(l)))
			}
		}
		b.WriteString("\n")
	}
	if len(settled) > 0 {
		b.WriteString("## Disputes resolved\n\n")
		for _, row := range settled {
			for _, l := range row.Resolved {
				fmt.Fprintf(b, "- **%s** %s\n", md(row.Label), mdCell(ReadableTimes(l)))
			}
		}
		b.WriteString("\n")
	}
}

// writeAttention lists the failed, blocked and unfinished positions.
func (r Report) writeAttention(b *strings.Builder) {
	var open []ReportRow
	for _, row := range r.Rows {
		switch row.Status {
		case site.StatusFailed, site.StatusBlocked, site.StatusInProgress:
			open = append(open, row)
		}
	}
	if len(open) == 0 {
		return
	}
	b.WriteString("## Needs attention\n\n")
	for _, row := range open {
		fmt.Fprintf(b, "- **%s** (%s) %s %s", md(row.Label), mdCell(row.Location), row.Status.Symbol(), row.Status.Words())
		if row.StatusReason != "" && row.Status != site.StatusInProgress {
			fmt.Fprintf(b, ": %s", mdCell(row.StatusReason))
		}
		if row.CurrentStep != "" {
			fmt.Fprintf(b, "; next step %s (%d/%d done)", md(row.CurrentStep), row.StepsDone, row.StepsTotal)
		}
		if row.LegacyState != "" && row.Status != site.StatusInProgress {
			b.WriteString("; the legacy handset is still in place")
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// writeFindings lists what the latest discovery found out of line with the
// inventory, each in words.
func (r Report) writeFindings(b *strings.Builder) {
	if len(r.Findings) == 0 && len(r.FailedReads) == 0 {
		return
	}
	last := ""
	for _, f := range r.Findings {
		last = max(last, f.At)
	}
	for _, f := range r.FailedReads {
		last = max(last, f.At)
	}
	fmt.Fprintf(b, "## Discovery findings\n\nFrom the latest discovery (%s).\n\n", md(readableTime(last)))
	for _, f := range r.FailedReads {
		fmt.Fprintf(b, "- the latest discovery (%s) could not read **%s**: %s; what it found there is from an earlier read\n",
			md(readableTime(f.At)), md(f.Switch), mdCell(f.Error))
	}
	for _, f := range r.Findings {
		where := joinSp(f.SysName, f.Port)
		if f.SysName == "" {
			where = joinSp(f.Switch, f.Port)
		}
		switch f.Kind {
		case site.FindingMoved:
			fmt.Fprintf(b, "- **%s** moved: its phone was seen on %s", md(f.Label), mdCell(where))
		case site.FindingMissing:
			fmt.Fprintf(b, "- **%s** missing: its phone was not seen on any switch read", md(f.Label))
		case site.FindingLeftover:
			fmt.Fprintf(b, "- **%s** leftover: its legacy handset is recorded as taken out but was seen on %s", md(f.Label), mdCell(where))
		default:
			fmt.Fprintf(b, "- unexpected phone on %s, not in the inventory", mdCell(where))
		}
		if phone := joinSp(f.Vendor, f.Model, f.MAC); phone != "" && f.Kind != site.FindingMissing {
			fmt.Fprintf(b, " (%s)", md(phone))
		}
		if f.Older {
			fmt.Fprintf(b, " — from an earlier discovery (%s): the latest could not read its switch", md(readableTime(f.At)))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// dispositionText is where the legacy handset went, in words, with its
// waste transfer note; "" while it is still in place.
func (row ReportRow) dispositionText() string {
	if row.Disposition == "" {
		return ""
	}
	state, _, _ := strings.Cut(row.Disposition, " ")
	s := dispositionWords(state)
	if row.WTNRef != "" {
		s += ", waste transfer note " + row.WTNRef
	}
	return s
}

func dispositionWords(state string) string {
	switch state {
	case "returned_to_store":
		return "returned to store"
	case "weee_disposal":
		return "WEEE disposal"
	}
	return strings.ReplaceAll(state, "_", " ")
}

// readableTime is an RFC 3339 time in the local zone as people read it:
// "1 Dec 2026 10:48"; a value that is not a time is kept as it is.
func readableTime(ts string) string {
	if ts == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ts
	}
	return ReadableTime(t)
}

// ReadableTime is the one way a time is written for people, on screens
// and in documents: "25 Nov 2026 09:30", in the local time zone.
func ReadableTime(t time.Time) string { return t.Local().Format("2 Jan 2006 15:04") }

// machineTime is an RFC 3339 UTC time as the step history lines carry it.
var machineTime = regexp.MustCompile(`\b\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z\b`)

// ReadableTimes rewrites every RFC 3339 UTC time in s (a step history
// line) as readableTime does, for the documents people read; the CSV and
// JSON keep the times as they are.
func ReadableTimes(s string) string {
	return machineTime.ReplaceAllStringFunc(s, func(ts string) string {
		if t, err := time.Parse("2006-01-02T15:04Z", ts); err == nil {
			return t.Local().Format("2 Jan 2006 15:04")
		}
		return readableTime(ts)
	})
}

// CSVTime is an RFC 3339 time as the CSV report writes it: whole seconds,
// the local offset (2026-12-07T16:55:33Z in UTC, 2026-06-01T10:48:00+01:00
// in summer in London), which spreadsheets read; a value that is not a
// time is kept as it is.
func CSVTime(ts string) string {
	if ts == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		if t, err = time.Parse("2006-01-02T15:04Z", ts); err != nil {
			return ts
		}
	}
	return t.Local().Truncate(time.Second).Format(time.RFC3339)
}

// CSVTimes rewrites every RFC 3339 UTC time in s (a step history line) as
// CSVTime does.
func CSVTimes(s string) string { return machineTime.ReplaceAllStringFunc(s, CSVTime) }

// ExcelBOM is the byte-order mark `report --excel` writes before the CSV,
// so that a spreadsheet reads it as UTF-8.
const ExcelBOM = "\ufeff"

// readableDate is a YYYY-MM-DD date as "31 Mar 2027".
func readableDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2 Jan 2006")
}

func tagged(tag string) string {
	if tag == "" {
		return ""
	}
	return "tag " + tag
}

func joinSp(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

func sep(i int) string {
	if i == 0 {
		return ""
	}
	return ";"
}

// writeContinuity is the handover's Continuity section: each critical
// position that went without a phone, from when to when, its minutes
// against its target and the reasons given for leaving it dark; then the
// site's worst and median minutes (Figures).
func (r Report) writeContinuity(b *strings.Builder) {
	var cs []PositionContinuity
	for _, row := range r.Rows {
		if row.Continuity != nil && len(row.Continuity.Periods) > 0 {
			cs = append(cs, PositionContinuity{Position: site.Position{Label: row.Label}, Continuity: *row.Continuity, Reasons: row.DarkReasons})
		}
	}
	if len(cs) == 0 {
		return
	}
	f := Figures(cs)
	b.WriteString("## Continuity of critical positions\n\n")
	fmt.Fprintf(b, "%d critical position(s) went without a phone during their swap: worst %d min (%s), median %d min, %d over target, %d dark now.\n\n",
		f.Positions, f.Worst, md(f.WorstAt), f.Median, f.Over, f.DarkNow)
	b.WriteString("| Position | Dark from | Until | Minutes | Target | Within target | Reasons |\n|---|---|---|---:|---:|---|---|\n")
	for _, pc := range cs {
		for _, v := range pc.Continuity.Visits() {
			c := v.Continuity
			first, last := c.Periods[0], c.Periods[len(c.Periods)-1]
			until := "still dark"
			if !last.Open() {
				until = readableTime(last.To.UTC().Format(time.RFC3339)) + " (" + last.Ended + ")"
			}
			if len(c.Periods) > 1 {
				until += fmt.Sprintf("; %d periods", len(c.Periods))
			}
			within := "yes"
			if c.Over() {
				within = "✗ no, over by " + Clock(c.Dark-c.Target)
			}
			label := pc.Position.Label
			if v.Episode > 0 {
				label += fmt.Sprintf(" (reopened, attempt %d)", first.Attempt)
			}
			fmt.Fprintf(b, "| %s | %s | %s | %d | %d | %s | %s |\n", mdCell(label),
				mdCell(readableTime(first.From.UTC().Format(time.RFC3339))+" ("+first.Began+")"), mdCell(until), c.Minutes(),
				int(c.Target/time.Minute), within, mdCell(strings.Join(pc.Reasons, "; ")))
		}
	}
	b.WriteString("\n")
}

// writeReplaced is the handover's section on positions reopened after
// their swap: why, and each phone taken off the jack and where it went.
func (r Report) writeReplaced(b *strings.Builder) {
	any := false
	for _, row := range r.Rows {
		if len(row.Replaced) == 0 {
			continue
		}
		if !any {
			b.WriteString("## Phones replaced after the swap\n\n")
			any = true
		}
		for _, l := range row.Replaced {
			fmt.Fprintf(b, "- **%s** %s\n", mdCell(row.Label), mdCell(ReadableTimes(l)))
		}
	}
	if any {
		b.WriteString("\n")
	}
}
