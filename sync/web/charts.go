package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
	"time"

	"cutover/sync/wire"
)

// Charts drawn on the server as SVG: no script, nothing fetched. Each has a
// title and a sentence for a screen reader, and its lines differ by dash
// as well as colour, named in a legend in words.

// chartSchedule is what a burn-down is drawn from.
type chartSchedule struct {
	Positions, Remaining int
	StartDate, CeaseDate string // the plan line runs from the start (or first done) to the cease date
	FirstDone            string
	Finish               string // projected
	DonePerDay           []wire.DayCount
	PhysicalGone         []wire.DayCount // physical extensions that went, by day
	Physical             int             // physical extensions left now
	PhysicalPlanned      int             // physical phones there will be when all is done
	RatePerDay           float64
}

func siteSchedule(sp wire.SiteProgress) chartSchedule {
	return chartSchedule{Positions: sp.Positions, Remaining: sp.Remaining, StartDate: sp.StartDate, CeaseDate: sp.CeaseDate,
		FirstDone: sp.FirstDone, Finish: sp.ProjectedFinish, DonePerDay: sp.DonePerDay, PhysicalGone: sp.PhysicalGonePerDay,
		Physical: sp.PhysicalExtensionsRemaining, PhysicalPlanned: physicalPlanned(sp.Figures), RatePerDay: sp.RatePerDay}
}

func physicalPlanned(f wire.Figures) int {
	n := 0
	for _, p := range []string{"avaya_fixed", "avaya_ptt"} {
		n += f.ByPlan[p].Done + f.ByPlan[p].Remaining
	}
	return n
}

// forceSchedule is the force's: from the earliest planned start (or first
// done) to the latest cease date, at the force's rate.
func forceSchedule(p wire.Progress) chartSchedule {
	f := p.Force
	s := chartSchedule{Positions: f.Positions, Remaining: f.Remaining, FirstDone: f.FirstDone, DonePerDay: f.DonePerDay,
		PhysicalGone: f.PhysicalGonePerDay,
		Physical:     f.PhysicalExtensionsRemaining, PhysicalPlanned: physicalPlanned(f), RatePerDay: f.RatePerDay}
	for _, sp := range p.Sites {
		if sp.StartDate != "" && (s.StartDate == "" || sp.StartDate < s.StartDate) {
			s.StartDate = sp.StartDate
		}
		s.CeaseDate = max(s.CeaseDate, sp.CeaseDate)
	}
	if today, err := time.Parse(time.DateOnly, p.Today); err == nil && f.RatePerDay > 0 && f.Remaining > 0 {
		s.Finish = today.AddDate(0, 0, int(math.Ceil(float64(f.Remaining)/f.RatePerDay))).Format(time.DateOnly)
	}
	return s
}

func date(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

const maxChartDays = 3 * 366

// burnDown draws positions left by day: what was (from the done per day the
// hub holds), the plan's line from the start to zero at the cease date, and
// the projection from today at the current rate.
func burnDown(who string, s chartSchedule, todayS string) template.HTML {
	today, ok := date(todayS)
	if !ok || s.Positions == 0 {
		return ""
	}
	from := today.AddDate(0, 0, -len(s.DonePerDay))
	if len(s.DonePerDay) > 0 {
		if d, ok := date(s.DonePerDay[0].Day); ok {
			from = d.AddDate(0, 0, -1)
		}
	}
	planFrom, hasPlan := date(s.StartDate)
	if !hasPlan {
		planFrom, hasPlan = date(s.FirstDone)
	}
	cease, hasCease := date(s.CeaseDate)
	finish, hasFinish := date(s.Finish)
	to := today.AddDate(0, 0, 7)
	for _, d := range []struct {
		t  time.Time
		ok bool
	}{{planFrom, hasPlan}, {cease, hasCease}, {finish, hasFinish}} {
		if d.ok && d.t.Before(from) {
			from = d.t
		}
		if d.ok && d.t.After(to) {
			to = d.t
		}
	}
	if from.After(today.AddDate(0, 0, -7)) {
		from = today.AddDate(0, 0, -7)
	}
	if to.Sub(from).Hours()/24 > maxChartDays {
		to = from.AddDate(0, 0, maxChartDays)
	}
	const W, H, left, right, top, bottom = 640.0, 260.0, 48.0, 12.0, 12.0, 36.0
	span := to.Sub(from).Hours() / 24
	x := func(t time.Time) float64 {
		v := t.Sub(from).Hours() / 24 / span
		return left + math.Max(0, math.Min(1, v))*(W-left-right)
	}
	y := func(n float64) float64 { return top + (1-n/float64(s.Positions))*(H-top-bottom) }
	var b strings.Builder
	summary := fmt.Sprintf("%s: %d of %d positions left on %s", who, s.Remaining, s.Positions, wire.Day(todayS, todayS))
	if hasCease {
		summary += "; cease date " + wire.Day(s.CeaseDate, todayS)
	}
	if hasFinish {
		summary += "; projected finish " + wire.Day(s.Finish, todayS)
	}
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s"><title>%s</title>`,
		W, H, html.EscapeString("Burn-down. "+summary), html.EscapeString("Burn-down: "+summary))
	// axes and labels
	fmt.Fprintf(&b, `<line class="axis" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, left, top, left, H-bottom)
	fmt.Fprintf(&b, `<line class="axis" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, left, H-bottom, W-right, H-bottom)
	fmt.Fprintf(&b, `<text class="lbl" x="%.1f" y="%.1f" text-anchor="end">%d</text>`, left-4, top+10, s.Positions)
	fmt.Fprintf(&b, `<text class="lbl" x="%.1f" y="%.1f" text-anchor="end">0</text>`, left-4, H-bottom)
	label := func(t time.Time, anchor, what string) {
		fmt.Fprintf(&b, `<text class="lbl" x="%.1f" y="%.1f" text-anchor="%s">%s</text>`, x(t), H-bottom+16, anchor,
			html.EscapeString(what+wire.Day(t.Format(time.DateOnly), todayS)))
	}
	if x(today)-x(from) > 90 {
		label(from, "start", "")
	}
	fmt.Fprintf(&b, `<line class="today" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x(today), top, x(today), H-bottom)
	label(today, "middle", "today ")
	if hasCease {
		fmt.Fprintf(&b, `<line class="cease" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x(cease), top, x(cease), H-bottom)
		if math.Abs(x(cease)-x(today)) > 90 {
			label(cease, "end", "cease ")
		}
	}
	// the plan: all positions at the start, none at the cease date
	if hasPlan && hasCease && cease.After(planFrom) {
		fmt.Fprintf(&b, `<polyline class="plan" points="%.1f,%.1f %.1f,%.1f"/>`, x(planFrom), y(float64(s.Positions)), x(cease), y(0))
	}
	// what was: left at the end of each day the chart holds, counted back
	// from today's figure
	past := func(class string, now int, gone []wire.DayCount) {
		by := map[string]int{}
		for _, d := range gone {
			by[d.Day] = d.Done
		}
		var pts []string
		n := now
		for d := today; !d.Before(from); d = d.AddDate(0, 0, -1) {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(d), y(float64(n))))
			n = min(n+by[d.Format(time.DateOnly)], s.Positions)
		}
		fmt.Fprintf(&b, `<polyline class="%s" points="%s"/>`, class, strings.Join(pts, " "))
	}
	physical := s.PhysicalPlanned < s.Positions
	if physical {
		if hasPlan && hasCease && cease.After(planFrom) {
			fmt.Fprintf(&b, `<polyline class="physplan" points="%.1f,%.1f %.1f,%.1f"/>`, x(planFrom), y(float64(s.Positions)), x(cease), y(float64(s.PhysicalPlanned)))
		}
		past("phys", s.Physical, s.PhysicalGone)
	}
	past("actual", s.Remaining, s.DonePerDay)
	if hasFinish {
		fmt.Fprintf(&b, `<polyline class="proj" points="%.1f,%.1f %.1f,%.1f"/>`, x(today), y(float64(s.Remaining)), x(finish), y(0))
	}
	b.WriteString(`</svg><p class="legend"><span class="k actual">━ positions left</span> <span class="k plan">╌ plan to the cease date</span> <span class="k proj">┅ projection at the current rate</span> <span class="k cease">│ cease date</span>`)
	if physical {
		fmt.Fprintf(&b, ` <span class="k phys">═ physical extensions left (%d now)</span> <span class="k physplan">╍ their plan: down to %d</span>`, s.Physical, s.PhysicalPlanned)
	}
	b.WriteString(`</p>`)
	return template.HTML(b.String())
}

// forecast is the force's forecast by month against the business case.
type forecast struct {
	Months []forecastMonth
	Chart  template.HTML
	Rate   float64
	Start  int // physical extensions at the start: every position's legacy phone
	End    int // physical phones when all is done
}

type forecastMonth struct {
	Month             string
	Positions         int // forecast left at the month's end
	Physical          int // forecast physical extensions at the month's end
	Target            int // the plan's line for physical extensions
	Behind            bool
	PositionsPlanLeft int
}

// forecastOf forecasts, for each month to the latest cease date, the
// positions and the physical extensions left at the current rate, against
// the plan's line: from every position's legacy phone at the start down to
// the physical phones the plan keeps by the cease date (the business case:
// c20,000 down to c5,000).
func forecastOf(p wire.Progress, s chartSchedule) forecast {
	fc := forecast{Rate: s.RatePerDay, Start: s.Positions, End: s.PhysicalPlanned}
	today, ok := date(p.Today)
	cease, okC := date(s.CeaseDate)
	if !ok || !okC || s.Positions == 0 {
		return fc
	}
	start, okS := date(s.StartDate)
	if first, okF := date(s.FirstDone); okF && (!okS || first.Before(start)) {
		start, okS = first, true
	}
	if !okS || !start.Before(cease) {
		start = today
	}
	// the share of what remains that removes a physical phone when done
	removes := 0.0
	if s.Remaining > 0 {
		removes = float64(s.Physical-s.PhysicalPlanned) / float64(s.Remaining)
	}
	m := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 36; i++ {
		end := m.AddDate(0, 1, -1)
		days := math.Max(0, end.Sub(today).Hours()/24)
		doneBy := math.Min(float64(s.Remaining), s.RatePerDay*days)
		f := forecastMonth{Month: m.Format("Jan 2006"), Positions: s.Remaining - int(doneBy),
			Physical: s.Physical - int(math.Round(doneBy*removes))}
		share := 1.0
		if cease.After(start) {
			share = math.Max(0, math.Min(1, end.Sub(start).Hours()/cease.Sub(start).Hours()))
		}
		f.Target = s.Positions - int(math.Round(share*float64(s.Positions-s.PhysicalPlanned)))
		f.PositionsPlanLeft = int(math.Round((1 - share) * float64(s.Positions)))
		f.Behind = f.Physical > f.Target
		fc.Months = append(fc.Months, f)
		if !end.Before(cease) {
			break
		}
		m = m.AddDate(0, 1, 0)
	}
	fc.Chart = forecastChart(fc)
	return fc
}

func forecastChart(fc forecast) template.HTML {
	n := len(fc.Months)
	if n == 0 || fc.Start == 0 {
		return ""
	}
	const W, H, left, top, bottom = 640.0, 240.0, 48.0, 12.0, 40.0
	bw := (W - left - 8) / float64(n)
	y := func(v int) float64 { return top + (1-float64(v)/float64(fc.Start))*(H-top-bottom) }
	var b strings.Builder
	last := fc.Months[n-1]
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s"><title>Forecast by month</title>`, W, H,
		html.EscapeString(fmt.Sprintf("Forecast by month: %d physical extensions forecast for %s against a target of %d", last.Physical, last.Month, last.Target)))
	fmt.Fprintf(&b, `<line class="axis" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, left, H-bottom, W-8, H-bottom)
	fmt.Fprintf(&b, `<text class="lbl" x="%.1f" y="%.1f" text-anchor="end">%d</text>`, left-4, top+10, fc.Start)
	fmt.Fprintf(&b, `<text class="lbl" x="%.1f" y="%.1f" text-anchor="end">0</text>`, left-4, H-bottom)
	var target []string
	for i, m := range fc.Months {
		x0 := left + float64(i)*bw
		cls := "bar"
		if m.Behind {
			cls = "bar behind"
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s</title></rect>`, cls, x0+bw*0.15, y(m.Physical),
			bw*0.7, H-bottom-y(m.Physical), html.EscapeString(fmt.Sprintf("%s: %d forecast, target %d", m.Month, m.Physical, m.Target)))
		target = append(target, fmt.Sprintf("%.1f,%.1f", x0+bw/2, y(m.Target)))
		if n <= 12 || i%3 == 0 {
			fmt.Fprintf(&b, `<text class="lbl" x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x0+bw/2, H-bottom+14,
				html.EscapeString(m.Month[:3]))
		}
	}
	fmt.Fprintf(&b, `<polyline class="plan" points="%s"/>`, strings.Join(target, " "))
	b.WriteString(`</svg><p class="legend"><span class="k bar">▇ physical extensions forecast</span> <span class="k behind">▇ behind the target (marked ⚠ in the table)</span> <span class="k plan">╌ target</span></p>`)
	return template.HTML(b.String())
}

// dayBars draws positions done per day for the last n days.
func dayBars(who string, days []wire.DayCount, todayS string, n int) template.HTML {
	today, ok := date(todayS)
	if !ok {
		return ""
	}
	by := map[string]int{}
	peak, total := 0, 0
	for _, d := range days {
		by[d.Day] = d.Done
	}
	for i := 0; i < n; i++ {
		v := by[today.AddDate(0, 0, i-n+1).Format(time.DateOnly)]
		peak, total = max(peak, v), total+v
	}
	const W, H = 240.0, 40.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spark" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, W, H,
		html.EscapeString(fmt.Sprintf("%s: %d done in the last %d days, at most %d a day", safeLine(who), total, n, peak)))
	bw := W / float64(n)
	for i := 0; i < n; i++ {
		d := today.AddDate(0, 0, i-n+1).Format(time.DateOnly)
		v := by[d]
		h := 1.0
		cls := "none"
		if v > 0 {
			h, cls = math.Max(2, float64(v)/float64(peak)*(H-2)), "bar"
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d</title></rect>`, cls, float64(i)*bw+1, H-h,
			bw-2, h, d, v)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
