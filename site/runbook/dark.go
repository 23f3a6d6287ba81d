package runbook

// Continuity of critical positions: how long a custody suite, a front
// counter or a door goes without a working phone while it is swapped. One
// rule, computed from the recorded results alone (never set by an op of its
// own), so that the wizard, the reports, progress and the hub all give the
// same minutes.

import (
	"fmt"
	"sort"
	"time"

	"cutover/site"
)

// Dark-time targets by role: the most a critical position may stay out of
// service during its swap when its inventory does not say (site.RoleDarkTarget).
const (
	DarkTargetDefault = site.DarkTargetDefault // front counter, custody suite, reception
	DarkTargetShort   = site.DarkTargetShort   // door access, CT ops push-to-talk
)

// CriticalFor says whether a position is critical for continuity, and the
// longest it may stay dark: Criticality's Critical and Target.
func CriticalFor(p site.Position) (bool, time.Duration) {
	c := CriticalityOf(p)
	return c.Critical, c.Target
}

// DarkPeriod is one stretch without service: from the result that took
// the legacy handset out of service to the one that proved service again.
type DarkPeriod struct {
	Attempt int `json:"attempt"`
	// Episode is 0 for the swap, n for the position's nth reopen: each
	// visit that takes a phone out is judged against the target on its own.
	Episode int       `json:"episode,omitempty"`
	From    time.Time `json:"from"`
	To      time.Time `json:"to,omitzero"` // zero while still dark
	// Began and Ended say what started and ended it, in words.
	Began string `json:"began"`
	Ended string `json:"ended,omitempty"`
}

// Open reports whether the position is still dark in this period.
func (d DarkPeriod) Open() bool { return d.To.IsZero() }

// Continuity is a position's dark time as its results give it.
type Continuity struct {
	Critical bool          `json:"critical"`
	Target   time.Duration `json:"target"`
	Periods  []DarkPeriod  `json:"periods,omitempty"`
	// Dark is the time without service in the latest episode (the swap,
	// or the replacement since the latest reopen), an open period counted
	// to the time asked about: what the wizard's timer shows.
	Dark time.Duration `json:"dark"`
	// Earlier is the longest of the episodes before the latest (the swap,
	// once the position was reopened); 0 when there was none.
	Earlier time.Duration `json:"earlier,omitempty"`
}

// Visit is one visit's part of a position's continuity: the swap (episode
// 0) or a replacement after the nth reopen.
type Visit struct {
	Episode    int
	Continuity Continuity // its periods, and its own dark time in Dark
}

// Visits splits the continuity by visit, oldest first, each judged on its
// own (an open period is the latest visit's, counted as c counted it).
func (c Continuity) Visits() []Visit {
	var out []Visit
	for _, d := range c.Periods {
		if n := len(out); n == 0 || out[n-1].Episode != d.Episode {
			out = append(out, Visit{Episode: d.Episode, Continuity: Continuity{Critical: c.Critical, Target: c.Target}})
		}
		v := &out[len(out)-1].Continuity
		v.Periods = append(v.Periods, d)
		if !d.Open() && d.To.After(d.From) {
			v.Dark += d.To.Sub(d.From)
		}
	}
	if n := len(out); n > 0 {
		out[n-1].Continuity.Dark = c.Dark // the latest, open or not, as counted
	}
	return out
}

// Worst is the longest any one episode left the position dark: what the
// report, progress and the hub judge against the target.
func (c Continuity) Worst() time.Duration { return max(c.Dark, c.Earlier) }

// DarkNow reports whether the position is dark at the time asked about.
func (c Continuity) DarkNow() bool {
	return len(c.Periods) > 0 && c.Periods[len(c.Periods)-1].Open()
}

// Since is when the current dark period began (zero when not dark).
func (c Continuity) Since() time.Time {
	if !c.DarkNow() {
		return time.Time{}
	}
	return c.Periods[len(c.Periods)-1].From
}

// DarkLevel grades dark time against the target.
type DarkLevel int

const (
	DarkWithin DarkLevel = iota // within two thirds of the target
	DarkWarn                    // past two thirds of the target
	DarkOver                    // past the target
)

// Level grades the position's dark time against its target.
func (c Continuity) Level() DarkLevel {
	switch {
	case !c.Critical || c.Target <= 0:
		return DarkWithin
	case c.Dark > c.Target:
		return DarkOver
	case c.Dark*3 > c.Target*2:
		return DarkWarn
	}
	return DarkWithin
}

// Over reports whether a critical position was (or is) dark longer than
// its target in any one episode.
func (c Continuity) Over() bool { return c.Critical && c.Target > 0 && c.Worst() > c.Target }

// Minutes is the worst episode's dark time in whole minutes, rounded up: a
// position dark for 61 seconds was dark for 2 minutes as a custody
// sergeant counts.
func (c Continuity) Minutes() int {
	return int((c.Worst() + time.Minute - 1) / time.Minute)
}

// Clock writes a duration as minutes and seconds: "06:12", "75:03".
func Clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d / time.Second)
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// Words is the dark time in one line, with its grade in words (never in
// colour alone): "dark 06:12 of 15:00", "⚠ dark 11:02 of 15:00 (past two
// thirds)", "✗ dark 17:40 of 15:00 (over the target)"; "" when the
// position is not critical or was never dark.
func (c Continuity) Words() string {
	if !c.Critical || len(c.Periods) == 0 {
		return ""
	}
	verb := "dark"
	if !c.DarkNow() {
		verb = "was dark"
	}
	w := fmt.Sprintf("%s %s of %s", verb, Clock(c.Dark), Clock(c.Target))
	if c.Earlier > 0 {
		w += fmt.Sprintf(" this visit; %s at an earlier one", Clock(c.Earlier))
	}
	switch {
	case c.Level() == DarkOver:
		return "✗ " + w + " (over the target)"
	case c.Level() == DarkWarn && c.DarkNow():
		return "⚠ " + w + " (past two thirds)"
	case c.Earlier > c.Target:
		return "✗ " + w + " (the earlier one over the target)"
	}
	return w
}

// Steps that take a legacy handset out of service, and that prove service.
var (
	takesOut = map[string]string{"swap": "the handset swapped out", "remove": "the handset removed",
		StepReplace: "the phone replaced"}
)

// DarkTime computes a position's dark periods from every result recorded
// for it (from one laptop or many, in any order): a period begins when a
// passed swap or remove takes the legacy handset out of service, or a
// pre-check reads its port down; it ends when, in the same attempt, the new
// phone's verify and the first inbound test call have both passed (verify
// alone where the runbook has no inbound call), or a rollback's rb_verify
// has passed. A period still open is counted to now. Corrections change no
// time. Positions that are not critical have no periods.
func DarkTime(p site.Position, ev []Evidence, now time.Time) Continuity {
	c := Continuity{}
	c.Critical, c.Target = CriticalFor(p)
	if !c.Critical {
		return c
	}
	_, hasCallIn := RunbookFor(p).Step("call_in")
	reopened := reopenAttempts(p, ev)
	episode := func(attempt int) int { // the reopens at or before an attempt
		n := 0
		for a := range reopened {
			if a <= attempt {
				n++
			}
		}
		return n
	}
	type event struct {
		e  Evidence
		at time.Time
	}
	var evs []event
	for _, e := range ev {
		if e.Correction {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, e.At)
		if err != nil {
			continue // a time nobody can read proves nothing
		}
		evs = append(evs, event{e, at})
	}
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		if !a.at.Equal(b.at) {
			return a.at.Before(b.at)
		}
		if a.e.Laptop != b.e.Laptop {
			return a.e.Laptop < b.e.Laptop
		}
		return a.e.Seq < b.e.Seq
	})
	var cur *DarkPeriod
	var verified, called bool
	for _, x := range evs {
		e := x.e
		pass := e.Outcome == OutcomePass
		if cur == nil {
			why, out := takesOut[e.Step]
			if out && pass {
				cur = &DarkPeriod{Attempt: e.Attempt, Episode: episode(e.Attempt), From: x.at, Began: why + " by " + Who(e.By, e.Label)}
			} else if portDown(e) {
				cur = &DarkPeriod{Attempt: e.Attempt, Episode: episode(e.Attempt), From: x.at, Began: "its port read down at the " + e.Step}
			}
			verified, called = false, false
			continue
		}
		if e.Attempt != cur.Attempt && e.Attempt > 0 {
			// A new attempt while the handset is out: still dark, and only
			// that attempt's proof ends it.
			cur.Attempt, verified, called = e.Attempt, false, false
		}
		switch {
		case e.Step == "rb_verify" && pass:
			cur.To, cur.Ended = x.at, "rolled back: the legacy handset works again"
		case e.Step == "verify" && pass:
			verified = true
		case e.Step == "call_in" && (pass || e.Outcome == OutcomeSkip):
			called = true
		}
		if cur.To.IsZero() && verified && (called || !hasCallIn) {
			cur.To, cur.Ended = x.at, "the new phone verified and the inbound test call passed"
			if !hasCallIn {
				cur.Ended = "the new phone verified"
			}
		}
		if !cur.To.IsZero() {
			c.Periods = append(c.Periods, *cur)
			cur = nil
		}
	}
	if cur != nil {
		c.Periods = append(c.Periods, *cur)
	}
	return c.At(now)
}

// At is the continuity as it stands at now: an open period counted to now
// (not at all when now is zero, as the derivation stores it).
//
// The latest episode's periods add up to Dark; each earlier episode's to
// its own total, the longest of which is Earlier.
func (c Continuity) At(now time.Time) Continuity {
	c.Dark, c.Earlier = 0, 0
	totals := map[int]time.Duration{}
	latest := 0
	for _, d := range c.Periods {
		end := d.To
		if d.Open() {
			end = now
		}
		if end.After(d.From) {
			totals[d.Episode] += end.Sub(d.From)
		}
		latest = max(latest, d.Episode)
	}
	for ep, t := range totals {
		if ep == latest {
			c.Dark = t
		} else {
			c.Earlier = max(c.Earlier, t)
		}
	}
	return c
}

// portDown reports whether a result read the position's port down: the
// handset on it was not serving, whatever the result.
func portDown(e Evidence) bool {
	o := e.Evidence
	if o == nil || o.Check != CheckPortReady || o.Error != "" || o.Reading == nil {
		return false
	}
	return o.Reading.Reported(FactLink) && !o.Reading.LinkUp
}

// ContinuityOf is DarkTime for a position as this laptop holds it.
func ContinuityOf(pr Progress, now time.Time) Continuity {
	return DarkTime(pr.Position, pr.Results, now)
}
