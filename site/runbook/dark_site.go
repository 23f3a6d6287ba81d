package runbook

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"cutover/internal/safetext"
	"cutover/site"
	"cutover/site/oplog"
)

// LeftDarkPrefix begins the note that says why a critical position was
// left dark: the reason an engineer gives on leaving its wizard.
const LeftDarkPrefix = "left dark: "

// LeaveDark records why a critical position is being left without service
// (a note on the position, carried to the hub). It is refused, before
// anything is written, when the reason is empty or unsafe, or when the
// position is not dark now.
func LeaveDark(ctx context.Context, s *site.Store, engineer, code, label, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return errors.New("say why the position is left without a phone")
	}
	if n := utf8.RuneCountInString(reason); n > oplog.MaxText-len(LeftDarkPrefix) {
		return fmt.Errorf("the reason is %d characters; at most %d", n, oplog.MaxText-len(LeftDarkPrefix))
	}
	if err := safetext.Check(reason, true); err != nil {
		return fmt.Errorf("the reason: %w", err)
	}
	pr, err := Steps(ctx, s, code, label)
	if err != nil {
		return err
	}
	if !ContinuityOf(pr, s.Now()).DarkNow() {
		return fmt.Errorf("position %s is not dark now: nothing to explain", label)
	}
	return s.Write(ctx, engineer, func(tx *site.Tx) error {
		return site.AddNote(ctx, tx, code, "position", pr.Position.Label, LeftDarkPrefix+reason)
	})
}

// DarkReasons are the reasons given on this laptop for leaving a site's
// critical positions dark, by label, oldest first.
func DarkReasons(ctx context.Context, s *site.Store, code string) (map[string][]string, error) {
	notes, err := s.Notes(ctx, code, LeftDarkPrefix)
	for _, ns := range notes {
		for i, n := range ns {
			ns[i] = strings.TrimPrefix(n, LeftDarkPrefix)
		}
	}
	return notes, err
}

// PositionContinuity is a critical position's dark time at a site, with
// the reasons given for leaving it dark.
type PositionContinuity struct {
	Position   site.Position `json:"position"`
	Continuity Continuity    `json:"continuity"`
	Reasons    []string      `json:"reasons,omitempty"`
}

// SiteContinuity lists the site's critical positions that have been dark
// (or are), darkest now first, then by label, each as DarkTime gives it at
// now.
func SiteContinuity(ctx context.Context, s *site.Store, code string, now time.Time) ([]PositionContinuity, error) {
	ps, err := s.Positions(ctx, code)
	if err != nil {
		return nil, err
	}
	reasons, err := DarkReasons(ctx, s, code)
	if err != nil {
		return nil, err
	}
	var out []PositionContinuity
	for _, p := range ps {
		if crit, _ := CriticalFor(p); !crit || p.Status == site.StatusPlanned || p.Status == site.StatusWithdrawn {
			continue
		}
		pr, err := Steps(ctx, s, code, p.Label)
		if err != nil {
			return nil, err
		}
		c := ContinuityOf(pr, now)
		if len(c.Periods) == 0 {
			continue
		}
		out = append(out, PositionContinuity{Position: p, Continuity: c, Reasons: reasons[p.Label]})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Continuity, out[j].Continuity
		if a.DarkNow() != b.DarkNow() {
			return a.DarkNow()
		}
		if a.DarkNow() && a.Dark != b.Dark {
			return a.Dark > b.Dark
		}
		return out[i].Position.Label < out[j].Position.Label
	})
	return out, nil
}

// DarkFigures sums up dark minutes over positions: the worst, the median,
// and how many were over their target.
type DarkFigures struct {
	Positions int    `json:"positions"`      // critical positions that have been dark
	DarkNow   int    `json:"dark_now"`       // of which dark now
	Worst     int    `json:"worst_minutes"`  // the longest, in minutes
	Median    int    `json:"median_minutes"` // the median, in minutes
	Over      int    `json:"over_target"`    // positions dark longer than their target
	Target    int    `json:"target_minutes"` // the shortest target among them
	WorstAt   string `json:"worst_position,omitempty"`
}

// DarkItem is one critical position's dark time, as Figures sums it.
type DarkItem struct {
	Label  string
	Dark   time.Duration
	Target time.Duration
	Now    bool // dark now
}

// Figures sums up a list of continuities (one rule for the report,
// progress and the hub).
func Figures(cs []PositionContinuity) DarkFigures {
	items := make([]DarkItem, 0, len(cs))
	for _, pc := range cs {
		items = append(items, DarkItem{Label: pc.Position.Label, Dark: pc.Continuity.Worst(), Target: pc.Continuity.Target, Now: pc.Continuity.DarkNow()})
	}
	return FiguresOf(items)
}

// FiguresOf sums up dark times: the one rule behind Figures, for callers
// that hold the minutes rather than the periods (the hub's progress).
func FiguresOf(items []DarkItem) DarkFigures {
	var f DarkFigures
	var mins []int
	for _, it := range items {
		c := Continuity{Critical: true, Target: it.Target, Dark: it.Dark}
		f.Positions++
		if it.Now {
			f.DarkNow++
		}
		if c.Over() {
			f.Over++
		}
		m := c.Minutes()
		mins = append(mins, m)
		if m > f.Worst || f.WorstAt == "" {
			f.Worst, f.WorstAt = m, it.Label
		}
		if t := int(it.Target / time.Minute); f.Target == 0 || t < f.Target {
			f.Target = t
		}
	}
	if len(mins) > 0 {
		sort.Ints(mins)
		f.Median = mins[len(mins)/2]
		if len(mins)%2 == 0 {
			f.Median = (mins[len(mins)/2-1] + mins[len(mins)/2] + 1) / 2
		}
	}
	return f
}

// Words is the figures in one line: "3 critical positions dark during
// their swap: worst 21 min (FC-01), median 8 min, 1 over target, 1 dark
// now"; "" when none was.
func (f DarkFigures) Words() string {
	if f.Positions == 0 {
		return ""
	}
	w := fmt.Sprintf("%d critical dark in swaps: worst %d min (%s), median %d min, %d over target", f.Positions, f.Worst, f.WorstAt, f.Median, f.Over)
	if f.DarkNow > 0 {
		w += fmt.Sprintf(", %d dark now", f.DarkNow)
	}
	return w
}
