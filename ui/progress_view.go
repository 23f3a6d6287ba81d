package ui

import (
	"fmt"
	"strings"
	"time"

	"cutover/site"
	"cutover/sync/wire"

	"github.com/charmbracelet/lipgloss"
)

// Rendering shared by the progress screens: the figures as text, the
// done-per-day chart and the verdict on a site's cease date.

// progressPlans are the plans in the order supervisors read them.
var progressPlans = []string{string(site.PlanAvayaFixed), string(site.PlanAvayaPTT), string(site.PlanAvayaSoft), string(site.PlanTeamsDDI), string(site.PlanRemove)}

// planLabel is a plan as the progress screens name it ("removed" is what
// happened to a removal position once done).
func planLabel(p string) string {
	if p == string(site.PlanRemove) {
		return "removed"
	}
	return planWord(site.Plan(p))
}

// thousands writes n with a comma every three digits: 20,000.
func thousands(n int) string {
	s := itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func percent(done, total int) int {
	if total <= 0 {
		return 0
	}
	return done * 100 / total
}

// flow packs parts into lines of at most w cells, breaking only between
// parts, each line starting with indent.
func flow(parts []string, w int, sep, indent string) []string {
	var lines []string
	cur := ""
	for _, p := range parts {
		switch {
		case cur == "":
			cur = indent + p
		case widthOf(cur)+widthOf(sep)+widthOf(p) <= w:
			cur += sep + p
		default:
			lines = append(lines, cur)
			cur = indent + p
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// doneLine is "████░░░░ 4 of 10 done (40%) · 6 to go · 0.2 a day over 14
// days" ("started today" until there is a rate).
func doneLine(st *styles, f wire.Figures, today string, barW int, lead string) []string {
	return []string{
		lead + st.bar(f.Done, f.Positions, barW) + " " + st.Bold.Render(fmt.Sprintf("%s of %s done (%d%%)", thousands(f.Done), thousands(f.Positions), percent(f.Done, f.Positions))),
		thousands(f.Remaining) + " to go",
		txt(f.RateWords(today)),
	}
}

// planParts are done/left per plan: "Avaya fixed 2/2".
func planParts(st *styles, f wire.Figures) []string {
	var parts []string
	for i, p := range progressPlans {
		c := f.ByPlan[p]
		part := fmt.Sprintf("%s %s/%s", planLabel(p), thousands(c.Done), thousands(c.Remaining))
		if i == 0 {
			part = st.Faint.Render("done/left by plan: ") + part
		}
		parts = append(parts, part)
	}
	return parts
}

// problemParts are the failed, blocked and conflict counts, each with its
// symbol and word.
func problemParts(st *styles, f wire.Figures) []string {
	style := func(n int, s string) string {
		if n > 0 {
			return st.Err.Render(s)
		}
		return s
	}
	return []string{
		style(f.Failed, fmt.Sprintf("%s %d failed", site.StatusFailed.Symbol(), f.Failed)),
		style(f.Blocked, fmt.Sprintf("%s %d blocked", site.StatusBlocked.Symbol(), f.Blocked)),
		style(f.OpenConflicts, fmt.Sprintf("⇄ %d open conflict%s", f.OpenConflicts, plural(f.OpenConflicts))),
	}
}

// businessParts are the numbers the business case tracks.
func businessParts(f wire.Figures, force bool) []string {
	phys := "physical extensions left " + thousands(f.PhysicalExtensionsRemaining)
	if force {
		phys += " (from c20,000 towards c5,000)"
	}
	return []string{phys,
		"moved to Teams " + thousands(f.MovedToTeams),
		"DDIs surrendered " + thousands(f.DDIsSurrendered),
		"handsets returned to store " + thousands(f.HandsetsReturned),
		"sent to WEEE " + thousands(f.HandsetsWEEE),
	}
}

// verdict is a site's projected finish against its cease date, in a symbol
// and words: "⚠ LATE 27 d", "✓ on time", "✓ done".
func verdict(st *styles, s wire.SiteProgress) string {
	return verdictStyle(st, s.Verdict).Render(s.Verdict.Mark() + " " + s.Verdict.Short)
}

// verdictStyle is how a verdict shows: its sign and words always, the
// colour only beside them.
func verdictStyle(st *styles, v wire.Verdict) lipgloss.Style {
	switch v.Kind {
	case wire.VerdictLate, wire.VerdictStalled:
		return st.Err
	case wire.VerdictAtRisk, wire.VerdictDueToStart:
		return st.Warn
	case wire.VerdictOnTrack, wire.VerdictDone:
		return st.OK
	}
	return st.Faint
}

// finishWords is the projected finish, or why there is none.
func finishWords(s wire.SiteProgress) string {
	if s.ProjectedFinish == "" {
		return "no pace"
	}
	return txt(s.ProjectedFinish)
}

// verdictParts say the same as verdict at length, for the site screen:
// the verdict, on what it rests, and the site's planned start and wave.
func verdictParts(st *styles, s wire.SiteProgress) []string {
	v := s.Verdict
	out := []string{verdictStyle(st, v).Render(v.Mark() + " " + v.Words)}
	if v.Why != "" {
		out = append(out, txt(v.Why))
	}
	if s.StartDate != "" {
		out = append(out, "planned start "+txt(s.StartDate))
	}
	if s.Wave != "" {
		out = append(out, txt("wave "+s.Wave))
	}
	return out
}

// chartDays is the most days a chart shows (what the hub sends).
const chartDays = 60

var eighths = []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// dayChart draws positions done per day as a bar chart height rows high
// (one row: a sparkline), one column a day, ending on today (YYYY-MM-DD),
// as many days as fit in width (at most chartDays). A day with nothing done
// shows "·" on the bottom row, so an empty day is never mistaken for a small
// one. Under it a line names the first and last day and the peak.
func dayChart(st *styles, days []wire.DayCount, today string, width, height int) []string {
	end, err := time.Parse(time.DateOnly, today)
	n := clamp(width, 1, chartDays)
	if err != nil || width < 1 || height < 1 {
		return nil
	}
	by := map[string]int{}
	for _, d := range days {
		by[d.Day] = d.Done
	}
	vals := make([]int, n)
	peak, total := 0, 0
	for i := range vals {
		vals[i] = by[end.AddDate(0, 0, i-n+1).Format(time.DateOnly)]
		peak = max(peak, vals[i])
		total += vals[i]
	}
	rows := make([]strings.Builder, height)
	for _, v := range vals {
		units := 0 // in eighths of a row
		if peak > 0 {
			units = (v*height*8 + peak - 1) / peak
		}
		for r := range rows {
			level := units - (height-1-r)*8
			switch {
			case v == 0 && r == height-1:
				rows[r].WriteString(st.Faint.Render("·"))
			case level <= 0:
				rows[r].WriteByte(' ')
			default:
				rows[r].WriteString(st.OK.Render(eighths[min(level, 8)-1]))
			}
		}
	}
	out := make([]string, 0, height+1)
	for i := range rows {
		out = append(out, rows[i].String())
	}
	from := end.AddDate(0, 0, -n+1).Format(time.DateOnly)
	legend := fmt.Sprintf("%s … %s · %d days · %d done · peak %d a day", from, today, n, total, peak)
	if widthOf(legend) > width {
		legend = fmt.Sprintf("%d done in %d days to %s, peak %d", total, n, today[5:], peak)
	}
	return append(out, st.Faint.Render(legend))
}

// sinceWords is how long ago t was before now, roughly: "3 min ago".
func sinceWords(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// verdictCounts counts the sites by verdict, most urgent first: "⚠ 3
// late", "⚠ 1 stalled", "◐ 2 at risk", … (kinds with no site left out).
func verdictCounts(st *styles, sites []wire.SiteProgress) []string {
	n := map[string]int{}
	for _, sp := range sites {
		n[sp.Verdict.Kind]++
	}
	var out []string
	for _, k := range wire.VerdictKinds() {
		if n[k] > 0 {
			v := wire.Verdict{Kind: k}
			out = append(out, verdictStyle(st, v).Render(fmt.Sprintf("%s %d %s", v.Mark(), n[k], wire.VerdictName(k))))
		}
	}
	return out
}

// continuityLine is how long critical positions went without a phone in
// their swaps (issue 29), marked ✗ when any was over its target or is dark
// now (in words too, never colour alone).
func continuityLine(st *styles, c *wire.Continuity, w int) string {
	line := cut("☎ "+txt(c.Words), w)
	if c.OverTarget > 0 || c.DarkNow > 0 {
		return st.Err.Render(cut("☎ ✗ "+txt(c.Words), w))
	}
	return line
}
