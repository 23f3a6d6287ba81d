package wire

import (
	"fmt"
	"math"
	"time"
)

// The verdict on a site's schedule (issue 27): one rule, Judge, from which
// the hub's progress, the progress TUI, `cutover progress` (text, CSV,
// JSON) and the web page all take their words. The README's "Verdicts"
// section has its table of cases.

// Verdict kinds, most urgent first (VerdictRank).
const (
	VerdictLate        = "late"
	VerdictStalled     = "stalled"
	VerdictAtRisk      = "at_risk"
	VerdictDueToStart  = "due_to_start"
	VerdictOnTrack     = "on_track"
	VerdictNotStarted  = "not_started"
	VerdictDone        = "done"
	VerdictNoPositions = "no_positions"
)

var verdictOrder = []string{VerdictLate, VerdictStalled, VerdictAtRisk, VerdictDueToStart, VerdictOnTrack,
	VerdictNotStarted, VerdictDone, VerdictNoPositions}

// RateWindow is the most recent days a rate is taken over.
const RateWindow = 14

// StalledDays is how long a started site may go with nothing done before
// it is stalled.
const StalledDays = 14

// AtRiskShare: a site whose projected finish takes more than this share of
// the days left to its cease date is at risk (less than a fifth in hand).
const AtRiskShare = 0.8

// Verdict is where a site (or the force) stands against its schedule.
type Verdict struct {
	Kind string `json:"kind"`
	// Words say it for a person: "late by 12 days", "not started
	// (starts 3 Feb)"; Why says on what: "finish 12 Jul at 2.0 a day over
	// 9 days worked; cease date 30 Jun".
	Words string `json:"words"`
	Why   string `json:"why,omitempty"`
	// Short is Words for a table cell: "late 12 d", "starts 3 Feb".
	Short string `json:"short"`
	// DaysLate is the projected finish's days after the cease date (late
	// only); ProjectedFinish is today plus what remains at the rate.
	DaysLate        int     `json:"days_late,omitempty"`
	ProjectedFinish string  `json:"projected_finish,omitempty"`
	RatePerDay      float64 `json:"rate_per_day"`
	// RateDays is the days the rate is over: the days since the site's
	// first position was done, today included, at most RateWindow; never
	// days before it started. 0 before anything is done.
	RateDays int `json:"rate_days"`
}

// Attention reports whether the verdict needs someone: late, stalled or
// at risk.
func (v Verdict) Attention() bool {
	return v.Kind == VerdictLate || v.Kind == VerdictStalled || v.Kind == VerdictAtRisk
}

// VerdictRank orders kinds, most urgent first.
func VerdictRank(kind string) int {
	for i, k := range verdictOrder {
		if k == kind {
			return i
		}
	}
	return len(verdictOrder)
}

// VerdictLess is the triage order of two verdicts: most urgent kind first,
// then the latest first.
func VerdictLess(a, b Verdict) bool {
	if ra, rb := VerdictRank(a.Kind), VerdictRank(b.Kind); ra != rb {
		return ra < rb
	}
	return a.DaysLate > b.DaysLate
}

// Schedule is what Judge weighs: the dates (YYYY-MM-DD; StartDate "" when
// none was planned), the positions, and the work done.
type Schedule struct {
	Today, StartDate, CeaseDate string
	Positions, Remaining        int
	// FirstDone and LastDone are the first and latest days a position was
	// done ("" before); DonePerDay covers at least the last RateWindow days.
	FirstDone, LastDone string
	DonePerDay          []DayCount
}

// Judge is the verdict rule:
//   - every position done: done;
//   - nothing done yet: late by the days since the cease date once it has
//     passed; not started (starts …) before the planned start; at risk with
//     fewer than StalledDays days to the cease date; else not started with
//     no planned start, due to start on or after it;
//   - started, nothing done for StalledDays days: stalled;
//   - started: the rate is positions done over the days worked (since the
//     first done, today included, at most RateWindow); the projected finish
//     is today plus what remains at that rate; after the cease date: late by
//     the days between; using more than AtRiskShare of the days left: at
//     risk; else on track.
func Judge(s Schedule) Verdict {
	v := judge(s)
	v.Short = v.short(s)
	return v
}

// short is the verdict in a dozen characters.
func (v Verdict) short(s Schedule) string {
	switch {
	case v.Kind == VerdictLate:
		return fmt.Sprintf("late %d d", v.DaysLate)
	case v.Kind == VerdictNotStarted && s.StartDate != "":
		return "starts " + Day(s.StartDate, s.Today)
	case v.Kind == VerdictNoPositions:
		return "no positions"
	}
	return VerdictName(v.Kind)
}

// Mark is the verdict's sign, so that it is never told by colour alone:
// ⚠ late or stalled, ◐ at risk, ○ due to start, ✓ on track or done, ·
// not started.
func (v Verdict) Mark() string {
	switch v.Kind {
	case VerdictLate, VerdictStalled:
		return "⚠"
	case VerdictAtRisk:
		return "◐"
	case VerdictDueToStart:
		return "○"
	case VerdictOnTrack, VerdictDone:
		return "✓"
	}
	return "·"
}

func judge(s Schedule) Verdict {
	today, err := time.Parse(time.DateOnly, s.Today)
	if err != nil {
		return Verdict{Kind: VerdictNotStarted, Words: "no date to judge by"}
	}
	cease, cerr := time.Parse(time.DateOnly, s.CeaseDate)
	days := func(from, to time.Time) int { return int(math.Round(to.Sub(from).Hours() / 24)) }
	var v Verdict
	v.RatePerDay, v.RateDays = rateOver(s, today)
	switch {
	case s.Positions == 0:
		v.Kind, v.Words = VerdictNoPositions, "no positions planned"
		return v
	case s.Remaining == 0:
		v.Kind, v.Words = VerdictDone, "done"
		return v
	case cerr != nil:
		v.Kind, v.Words = VerdictAtRisk, "at risk: no cease date"
		return v
	}
	ceaseWords := "cease date " + Day(s.CeaseDate, s.Today)
	if s.FirstDone == "" {
		start, serr := time.Parse(time.DateOnly, s.StartDate)
		switch {
		case today.After(cease):
			v.Kind, v.DaysLate = VerdictLate, days(cease, today)
			v.Words = fmt.Sprintf("late by %d %s", v.DaysLate, plural(v.DaysLate, "day"))
			v.Why = "nothing done and the " + ceaseWords + " has passed"
		case (serr != nil || !today.Before(start)) && days(today, cease) < StalledDays:
			v.Kind, v.Words = VerdictAtRisk, fmt.Sprintf("at risk (nothing done, %d %s to the cease date)", days(today, cease), plural(days(today, cease), "day"))
			v.Why = ceaseWords
		case serr != nil:
			v.Kind, v.Words, v.Why = VerdictNotStarted, "not started (no start date)", ceaseWords
		case today.Before(start):
			v.Kind, v.Words = VerdictNotStarted, "not started (starts "+Day(s.StartDate, s.Today)+")"
			v.Why = ceaseWords
		default:
			v.Kind, v.Words = VerdictDueToStart, "due to start"
			v.Why = "planned to start " + Day(s.StartDate, s.Today) + ", nothing done yet; " + ceaseWords
		}
		return v
	}
	if last, err := time.Parse(time.DateOnly, s.LastDone); v.RatePerDay == 0 || (err == nil && days(last, today) >= StalledDays) {
		n := StalledDays
		if err == nil {
			n = days(last, today)
		}
		v.Kind, v.Words = VerdictStalled, fmt.Sprintf("stalled (nothing done for %d days)", n)
		v.Why = "last done " + Day(s.LastDone, s.Today) + "; " + ceaseWords
		if today.After(cease) {
			v.DaysLate = days(cease, today)
		}
		return v
	}
	need := int(math.Ceil(float64(s.Remaining) / v.RatePerDay))
	finish := today.AddDate(0, 0, need)
	v.ProjectedFinish = finish.Format(time.DateOnly)
	v.Why = fmt.Sprintf("finish %s at %.1f a day over %d %s worked; %s", Day(v.ProjectedFinish, s.Today),
		v.RatePerDay, v.RateDays, plural(v.RateDays, "day"), ceaseWords)
	left := days(today, cease)
	switch {
	case finish.After(cease):
		v.Kind, v.DaysLate = VerdictLate, days(cease, finish)
		v.Words = fmt.Sprintf("late by %d %s", v.DaysLate, plural(v.DaysLate, "day"))
	case float64(need) > AtRiskShare*float64(left):
		v.Kind = VerdictAtRisk
		v.Words = fmt.Sprintf("at risk (%d %s in hand)", left-need, plural(left-need, "day"))
	default:
		v.Kind, v.Words = VerdictOnTrack, "on track"
	}
	return v
}

// rateOver is positions done a day over the days the site has been worked:
// from its first done day (or RateWindow days ago, if later) to today.
func rateOver(s Schedule, today time.Time) (float64, int) {
	first, err := time.Parse(time.DateOnly, s.FirstDone)
	if err != nil || first.After(today) {
		return 0, 0
	}
	n := min(int(math.Round(today.Sub(first).Hours()/24))+1, RateWindow)
	from := today.AddDate(0, 0, -n+1).Format(time.DateOnly)
	done := 0
	for _, d := range s.DonePerDay {
		if d.Day >= from && d.Day <= s.Today {
			done += d.Done
		}
	}
	return float64(done) / float64(n), n
}

// Day writes a date for a person: "3 Feb", with the year when it is not
// today's year ("3 Feb 2028"); what it was given when it is not a date.
func Day(date, today string) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	if t, err := time.Parse(time.DateOnly, today); err == nil && t.Year() == d.Year() {
		return d.Format("2 Jan")
	}
	return d.Format("2 Jan 2006")
}

func plural(n int, word string) string {
	if n == 1 || n == -1 {
		return word
	}
	return word + "s"
}

// VerdictKinds lists the kinds, most urgent first.
func VerdictKinds() []string { return append([]string(nil), verdictOrder...) }

// VerdictName is a kind in words: "at risk", "due to start".
func VerdictName(kind string) string {
	switch kind {
	case VerdictAtRisk:
		return "at risk"
	case VerdictDueToStart:
		return "due to start"
	case VerdictOnTrack:
		return "on track"
	case VerdictNotStarted:
		return "not started"
	case VerdictNoPositions:
		return "with no positions"
	}
	return kind
}
