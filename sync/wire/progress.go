package wire

import "fmt"

// PlanCount is done and remaining positions under one plan.
type PlanCount struct {
	Done      int `json:"done"`
	Remaining int `json:"remaining"`
}

// DayCount is positions done on one day.
type DayCount struct {
	Day  string `json:"day"` // YYYY-MM-DD
	Done int    `json:"done"`
}

// Problem is what needs a supervisor at a site: a failed or blocked
// position with its reason, or an open conflict (a discrepancy when the
// field saw other than the plan says).
type Problem struct {
	Label  string `json:"label"`  // the position ("" for a conflict about something else)
	Status string `json:"status"` // the position's status, for failed and blocked
	Reason string `json:"reason"`
	// Kind is failed, blocked, conflict or discrepancy.
	Kind string `json:"kind,omitempty"`
	// Conflict is the conflict's kind (plan_discrepancy, step_result_differs…)
	// and Fact what it is about, for a conflict.
	Conflict string `json:"conflict,omitempty"`
	Fact     string `json:"fact,omitempty"`
}

// Problem kinds.
const (
	ProblemFailed      = "failed"
	ProblemBlocked     = "blocked"
	ProblemConflict    = "conflict"
	ProblemDiscrepancy = "discrepancy"
	// ProblemUnproven is a position whose standing SNMP checks passed on
	// facts confirmed by eye, not proven by the switch.
	ProblemUnproven = "unproven"
)

// Figures are the counts the business case tracks, for one site or the
// whole force.
type Figures struct {
	Positions int                  `json:"positions"` // not withdrawn
	Done      int                  `json:"done"`
	Remaining int                  `json:"remaining"`
	ByPlan    map[string]PlanCount `json:"by_plan"`
	Failed    int                  `json:"failed"`
	// Unproven counts positions with a check confirmed by eye, not proven.
	Unproven      int `json:"unproven"`
	Blocked       int `json:"blocked"`
	OpenConflicts int `json:"open_conflicts"`
	// Discrepancies are the open conflicts where the field saw other than
	// the plan says (plan_discrepancy), counted in OpenConflicts too.
	Discrepancies int `json:"discrepancies"`
	// PhysicalExtensions is the physical phones there will be when the
	// remaining work is done plus the legacy ones still in place: from c20,000
	// towards c5,000.
	PhysicalExtensionsRemaining int     `json:"physical_extensions_remaining"`
	MovedToTeams                int     `json:"moved_to_teams"`
	DDIsSurrendered             int     `json:"ddis_surrendered"`
	HandsetsReturned            int     `json:"handsets_returned"`
	HandsetsWEEE                int     `json:"handsets_weee"`
	HandsetsLost                int     `json:"handsets_lost"` // recorded as lost (with a note why)
	RatePerDay                  float64 `json:"rate_per_day_14d"`
	// RateDays is the days RatePerDay is taken over: 14, or fewer for work
	// that started within them; 0 when there is no rate yet (nothing done,
	// or work started today).
	RateDays int `json:"rate_days"`
	// FirstDone is the first day a position was done (YYYY-MM-DD), "" before;
	// LastDone the latest.
	FirstDone  string     `json:"first_done,omitempty"`
	LastDone   string     `json:"last_done,omitempty"`
	DonePerDay []DayCount `json:"done_per_day"`
	// PhysicalGonePerDay is the physical extensions that went a day (a
	// position done whose plan keeps no physical phone), over the same days.
	PhysicalGonePerDay []DayCount `json:"physical_gone_per_day,omitempty"`
}

// SiteProgress is one site's progress and projection.
type SiteProgress struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	CeaseDate string `json:"cease_date"`
	// StartDate is the planned start ("" for none); Wave the site's wave.
	StartDate string `json:"start_date,omitempty"`
	Wave      string `json:"wave,omitempty"`
	// Verdict is where the site stands, by the one rule (Judge); WillMiss,
	// DaysLate and ProjectedFinish below repeat it for older readers.
	Verdict Verdict `json:"verdict"`
	Figures
	// ProjectedFinish is today plus remaining / rate; empty when nothing
	// was done in the last 14 days and work remains.
	ProjectedFinish string `json:"projected_finish,omitempty"`
	WillMiss        bool   `json:"will_miss_cease_date"`
	DaysLate        int    `json:"days_late,omitempty"`
	// DaysToCease is the days from today to the cease date (negative once
	// it has passed); NeededPerDay is the positions a day that would finish
	// by then (all that remain, once it has passed).
	DaysToCease  int       `json:"days_to_cease"`
	NeededPerDay float64   `json:"needed_per_day"`
	Problems     []Problem `json:"problems"`

	// Continuity is how long the site's critical positions went without a
	// phone during their swaps (runbook.FiguresOf); nil when none has.
	Continuity *Continuity `json:"continuity,omitempty"`
	// Further per-site figures go here: every view shows what it knows
	// of them and skips the rest.
}

// Continuity sums up the dark time of critical positions (custody suites,
// front counters, doors…) during their swaps: runbook.DarkFigures.
type Continuity struct {
	Positions     int    `json:"positions"`
	DarkNow       int    `json:"dark_now"`
	WorstMinutes  int    `json:"worst_minutes"`
	MedianMinutes int    `json:"median_minutes"`
	OverTarget    int    `json:"over_target"`
	WorstPosition string `json:"worst_position,omitempty"`
	// Words says it in one line, as every view shows it.
	Words string `json:"words"`
}

// EngineerSync is when an engineer's laptops last reached the hub: listed
// are the people who push (engineers, and anyone else who has pushed).
type EngineerSync struct {
	User     string `json:"user"`
	Role     string `json:"role"`
	LastSync string `json:"last_sync,omitempty"`
	// Unsent is the ops their laptops said they hold that the hub has not
	// acknowledged, as far as the hub knows (told when a laptop is refused).
	Unsent int64 `json:"unsent,omitempty"`
	// DonePerDay is the positions they finished a day, over the chart's days.
	DonePerDay []DayCount `json:"done_per_day"`
}

// Progress is the answer to GET /v1/progress.
type Progress struct {
	GeneratedAt string  `json:"generated_at"`
	Today       string  `json:"today"`
	Force       Figures `json:"force"`
	// ForceContinuity is Continuity over every site the reader may see.
	ForceContinuity *Continuity    `json:"force_continuity,omitempty"`
	Sites           []SiteProgress `json:"sites"` // in triage order: wire.VerdictLess
	Engineers       []EngineerSync `json:"engineers"`
}

// RateWords is the rate in words, as every progress view says it:
// "1.5 a day over 14 days", "2.0 a day over 3 days", "started today" while
// work began today, "nothing done yet" before.
func (f Figures) RateWords(today string) string {
	switch {
	case f.RateDays > 0:
		if f.RateDays == 1 {
			return fmt.Sprintf("%.1f a day over 1 day", f.RatePerDay)
		}
		return fmt.Sprintf("%.1f a day over %d days", f.RatePerDay, f.RateDays)
	case f.FirstDone != "" && f.FirstDone == today:
		return "started today"
	case f.FirstDone == "":
		return "nothing done yet"
	}
	return fmt.Sprintf("%.1f a day", f.RatePerDay)
}

// NeededWords is what it takes to meet the cease date: "0.9 a day needed
// to meet the cease date" (the cease date passed: "cease date passed").
func (s SiteProgress) NeededWords() string {
	switch {
	case s.Remaining == 0:
		return "nothing left to do"
	case s.DaysToCease < 0:
		return fmt.Sprintf("cease date passed %d days ago", -s.DaysToCease)
	case s.DaysToCease == 0:
		return fmt.Sprintf("all %d needed today, the cease date", s.Remaining)
	}
	if s.NeededPerDay < 1 {
		return fmt.Sprintf("%.2f a day needed to meet the cease date", s.NeededPerDay)
	}
	return fmt.Sprintf("%.1f a day needed to meet the cease date", s.NeededPerDay)
}
