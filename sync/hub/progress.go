package hub

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"

	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/wire"
)

// ChartDays is how many days of done-per-day the progress carries.
const ChartDays = 60

// rateDays is the window the projection's rate is taken over.
const rateDays = 14

var physicalPlans = map[string]bool{"avaya_fixed": true, "avaya_ptt": true}

// Progress computes supervisors' figures with grouped queries in the store
// (never row by row): per site and for the force, done and remaining by
// plan, failed and blocked positions with reasons, open conflicts, the
// business case's counts, done per day, and a projection from the last 14
// days' rate against each site's cease date. An engineer sees only their
// own sites.
func (s *Store) Progress(ctx context.Context, p Principal, now time.Time) (wire.Progress, error) {
	today := now.UTC().Format(time.DateOnly)
	out := wire.Progress{GeneratedAt: now.UTC().Format(time.RFC3339), Today: today, Sites: []wire.SiteProgress{}}
	out.Force = newFigures()
	idx := map[string]*wire.SiteProgress{}
	var sites []*wire.SiteProgress
	darkBySite := map[string][]runbook.DarkItem{}
	var forceDark []runbook.DarkItem
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(`SELECT code, name, cease_date, start_date, wave FROM sites ORDER BY code`)
		if err != nil {
			return err
		}
		for rows.Next() {
			sp := &wire.SiteProgress{Figures: newFigures(), Problems: []wire.Problem{}}
			if err := rows.Scan(&sp.Code, &sp.Name, &sp.CeaseDate, &sp.StartDate, &sp.Wave); err != nil {
				rows.Close()
				return err
			}
			if p.CanRead(sp.Code) {
				idx[sp.Code] = sp
				sites = append(sites, sp)
			}
		}
		rows.Close()
		// each runs a query whose first column is a site code, scans the
		// rest into dest, and calls fn for the sites this user may read.
		each := func(q string, args []any, dest []any, fn func(sp *wire.SiteProgress)) error {
			rows, err := t.query(q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			var code string
			for rows.Next() {
				if err := rows.Scan(append([]any{&code}, dest...)...); err != nil {
					return err
				}
				if sp := idx[code]; sp != nil {
					fn(sp)
				}
			}
			return rows.Err()
		}
		var plan, status string
		var n, withDDI int
		if err := each(`SELECT site, plan, status, COUNT(*), SUM(CASE WHEN ddi <> '' THEN 1 ELSE 0 END)
			FROM positions GROUP BY site, plan, status`, nil, []any{&plan, &status, &n, &withDDI}, func(sp *wire.SiteProgress) {
			addPositions(&sp.Figures, plan, status, n, withDDI)
			addPositions(&out.Force, plan, status, n, withDDI)
		}); err != nil {
			return err
		}
		var label, reason, day0, dayN string
		if err := each(`SELECT site, label, status, status_reason FROM positions WHERE status IN ('failed', 'blocked')
			ORDER BY site, label_key`, nil, []any{&label, &status, &reason}, func(sp *wire.SiteProgress) {
			sp.Problems = append(sp.Problems, wire.Problem{Label: label, Status: status, Reason: reason, Kind: status})
		}); err != nil {
			return err
		}
		if err := each(`SELECT site, label FROM positions WHERE unproven = 1 AND status <> 'withdrawn' ORDER BY site, label_key`, nil,
			[]any{&label}, func(sp *wire.SiteProgress) {
				sp.Unproven++
				out.Force.Unproven++
				sp.Problems = append(sp.Problems, wire.Problem{Label: label, Kind: wire.ProblemUnproven,
					Reason: "an SNMP check passed on facts the switch does not report, confirmed by eye: not proven"})
			}); err != nil {
			return err
		}
		var kind, entity, entityID, fact, detail string
		if err := each(`SELECT site, kind, entity, entity_id, fact, detail FROM conflicts WHERE status = 'open' ORDER BY site, opened_at, id`, nil,
			[]any{&kind, &entity, &entityID, &fact, &detail}, func(sp *wire.SiteProgress) {
				pr := wire.Problem{Kind: wire.ProblemConflict, Conflict: kind, Fact: fact, Reason: conflictWords(kind, entity, entityID, fact, detail)}
				if entity == "position" {
					pr.Label = entityID
				}
				sp.OpenConflicts++
				out.Force.OpenConflicts++
				if kind == "plan_discrepancy" {
					pr.Kind = wire.ProblemDiscrepancy
					sp.Discrepancies++
					out.Force.Discrepancies++
				}
				sp.Problems = append(sp.Problems, pr)
			}); err != nil {
			return err
		}
		// Continuity: the derivation keeps each critical position's closed
		// dark seconds and the start of a period still open.
		var darkLabel, darkSince string
		var darkSecs, darkTarget, darkEarlier int64
		if err := each(`SELECT site, label, dark_seconds, dark_target, dark_since, dark_earlier FROM positions
			WHERE critical = 1 AND status <> 'withdrawn' AND (dark_seconds > 0 OR dark_since <> '' OR dark_earlier > 0) ORDER BY site, label_key`, nil,
			[]any{&darkLabel, &darkSecs, &darkTarget, &darkSince, &darkEarlier}, func(sp *wire.SiteProgress) {
				it := runbook.DarkItem{Label: darkLabel, Dark: time.Duration(darkSecs) * time.Second, Target: time.Duration(darkTarget) * time.Second}
				if t, err := time.Parse(time.RFC3339, darkSince); err == nil && darkSince != "" {
					it.Now = true
					if now.After(t) {
						it.Dark += now.Sub(t)
					}
				}
				// The worst visit, as runbook.Continuity.Worst judges it.
				it.Dark = max(it.Dark, time.Duration(darkEarlier)*time.Second)
				darkBySite[sp.Code] = append(darkBySite[sp.Code], it)
				forceDark = append(forceDark, runbook.DarkItem{Label: sp.Code + "/" + it.Label, Dark: it.Dark, Target: it.Target, Now: it.Now})
			}); err != nil {
			return err
		}
		if err := each(`SELECT site, MIN(day), MAX(day) FROM done_log GROUP BY site`, nil, []any{&day0, &dayN}, func(sp *wire.SiteProgress) {
			sp.FirstDone, sp.LastDone = day0, dayN
			if out.Force.FirstDone == "" || day0 < out.Force.FirstDone {
				out.Force.FirstDone = day0
			}
			out.Force.LastDone = max(out.Force.LastDone, dayN)
		}); err != nil {
			return err
		}
		// A legacy DDI is surrendered by the one rule the laptops use
		// (runbook.SurrendersLegacyDDI), and a legacy handset went where
		// its disposition says, both from each position's derived state
		// (derive.go keeps them beside the position).
		var value string
		if err := each(`SELECT site, SUM(ddi_surrendered), legacy_fate, COUNT(*) FROM positions WHERE status <> 'withdrawn'
			GROUP BY site, legacy_fate`, nil, []any{&withDDI, &value, &n}, func(sp *wire.SiteProgress) {
			for _, f := range []*wire.Figures{&sp.Figures, &out.Force} {
				f.DDIsSurrendered += withDDI
				switch value {
				case "returned_to_store":
					f.HandsetsReturned += n
				case "weee_disposal":
					f.HandsetsWEEE += n
				case "lost":
					f.HandsetsLost += n
				}
			}
		}); err != nil {
			return err
		}
		from := now.UTC().AddDate(0, 0, -ChartDays+1).Format(time.DateOnly)
		var day string
		force := map[string]int{}
		if err := each(`SELECT site, day, COUNT(*) FROM done_log WHERE day >= ? AND day <= ? GROUP BY site, day ORDER BY site, day`,
			[]any{from, today}, []any{&day, &n}, func(sp *wire.SiteProgress) {
				sp.DonePerDay = append(sp.DonePerDay, wire.DayCount{Day: day, Done: n})
				force[day] += n
			}); err != nil {
			return err
		}
		out.Force.DonePerDay = byDay(force)
		// Physical extensions go when a position whose plan keeps no
		// physical phone is done (physicalPlans): the burn-down of them.
		force = map[string]int{}
		if err := each(`SELECT d.site, d.day, COUNT(*) FROM done_log d JOIN positions p ON p.site = d.site AND p.label_key = d.label_key
			WHERE d.day >= ? AND d.day <= ? AND p.plan NOT IN ('avaya_fixed', 'avaya_ptt') GROUP BY d.site, d.day ORDER BY d.site, d.day`,
			[]any{from, today}, []any{&day, &n}, func(sp *wire.SiteProgress) {
				sp.PhysicalGonePerDay = append(sp.PhysicalGonePerDay, wire.DayCount{Day: day, Done: n})
				force[day] += n
			}); err != nil {
			return err
		}
		out.Force.PhysicalGonePerDay = byDay(force)
		// The people who push: engineers (one who never synced is listed,
		// to be chased), and anyone else whose laptop has pushed.
		perEngineer := map[string][]wire.DayCount{}
		var who string
		rows, err = t.query(`SELECT engineer, day, COUNT(*) FROM done_log WHERE day >= ? AND day <= ? GROUP BY engineer, day ORDER BY engineer, day`, from, today)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := rows.Scan(&who, &day, &n); err != nil {
				rows.Close()
				return err
			}
			perEngineer[who] = append(perEngineer[who], wire.DayCount{Day: day, Done: n})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = t.query(`SELECT u.name, u.role, MAX(c.last_seen), MAX(c.last_seq),
			SUM(CASE WHEN c.local_seq > c.last_seq THEN c.local_seq - c.last_seq ELSE 0 END)
			FROM users u LEFT JOIN clients c ON c.user_name = u.name
			WHERE u.revoked_at IS NULL GROUP BY u.name, u.role ORDER BY u.name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e wire.EngineerSync
			var seen, pushed, unsent *int64
			if err := rows.Scan(&e.User, &e.Role, &seen, &pushed, &unsent); err != nil {
				return err
			}
			if unsent != nil {
				e.Unsent = *unsent
			}
			e.DonePerDay = perEngineer[e.User]
			if e.DonePerDay == nil {
				e.DonePerDay = []wire.DayCount{}
			}
			if e.Role != wire.RoleEngineer && (pushed == nil || *pushed == 0) {
				continue
			}
			if seen != nil {
				e.LastSync = time.Unix(*seen, 0).UTC().Format(time.RFC3339)
			}
			if p.Role != wire.RoleEngineer || e.User == p.User {
				out.Engineers = append(out.Engineers, e)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return out, err
	}
	for _, sp := range sites {
		sp.Continuity = continuityOf(darkBySite[sp.Code])
		judge(sp, today)
		out.Sites = append(out.Sites, *sp)
	}
	out.Force.RatePerDay, out.Force.RateDays = forceRate(out.Force, today)
	out.ForceContinuity = continuityOf(forceDark)
	sort.SliceStable(out.Sites, func(i, j int) bool { return wire.VerdictLess(out.Sites[i].Verdict, out.Sites[j].Verdict) })
	if out.Engineers == nil {
		out.Engineers = []wire.EngineerSync{}
	}
	return out, nil
}

// byDay is counts by day, oldest first.
func byDay(m map[string]int) []wire.DayCount {
	out := make([]wire.DayCount, 0, len(m))
	for d, c := range m {
		out = append(out, wire.DayCount{Day: d, Done: c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out
}

// conflictWords says what an open conflict is about, for a supervisor.
func conflictWords(kind, entity, id, fact, detail string) string {
	what := strings.ReplaceAll(kind, "_", " ")
	if w := derivedWords(kind, detail); w != "" {
		return what + ": " + w
	}
	about := fact
	if entity != "position" {
		about = strings.TrimSpace(entity + " " + id + " " + fact)
	}
	if about == "" {
		return what
	}
	return what + " (" + about + ")"
}

func newFigures() wire.Figures {
	f := wire.Figures{ByPlan: map[string]wire.PlanCount{}, DonePerDay: []wire.DayCount{}}
	for _, p := range []string{"avaya_fixed", "avaya_ptt", "avaya_soft", "teams_ddi", "remove"} {
		f.ByPlan[p] = wire.PlanCount{}
	}
	return f
}

func addPositions(f *wire.Figures, plan, status string, n, withDDI int) {
	if status == "withdrawn" {
		return
	}
	f.Positions += n
	pc := f.ByPlan[plan]
	switch status {
	case "done":
		f.Done += n
		pc.Done += n
		if physicalPlans[plan] {
			f.PhysicalExtensionsRemaining += n
		}
		if runbook.MovedToTeams(site.Plan(plan), site.Status(status)) {
			f.MovedToTeams += n
		}
	default:
		f.Remaining += n
		pc.Remaining += n
		f.PhysicalExtensionsRemaining += n // the legacy phone is still there
		if status == "failed" {
			f.Failed += n
		}
		if status == "blocked" {
			f.Blocked += n
		}
	}
	f.ByPlan[plan] = pc
}

// judge gives a site its verdict by the one rule (wire.Judge) and the
// figures that follow from it.
func judge(sp *wire.SiteProgress, today string) {
	sp.Verdict = wire.Judge(wire.Schedule{Today: today, StartDate: sp.StartDate, CeaseDate: sp.CeaseDate,
		Positions: sp.Positions, Remaining: sp.Remaining, FirstDone: sp.FirstDone, LastDone: sp.LastDone, DonePerDay: sp.DonePerDay})
	v := sp.Verdict
	sp.RatePerDay, sp.RateDays = v.RatePerDay, v.RateDays
	sp.ProjectedFinish, sp.WillMiss, sp.DaysLate = v.ProjectedFinish, v.Kind == wire.VerdictLate, v.DaysLate
	if sp.Remaining == 0 {
		sp.ProjectedFinish = today
	}
	cease, err := time.Parse(time.DateOnly, sp.CeaseDate)
	t, _ := time.Parse(time.DateOnly, today)
	if err == nil {
		sp.DaysToCease = int(math.Round(cease.Sub(t).Hours() / 24))
		if sp.Remaining > 0 {
			sp.NeededPerDay = float64(sp.Remaining) / float64(max(sp.DaysToCease, 1))
		}
	}
}

// forceRate is the force's rate by the same rule as a site's.
func forceRate(f wire.Figures, today string) (float64, int) {
	v := wire.Judge(wire.Schedule{Today: today, Positions: f.Positions, Remaining: f.Remaining, FirstDone: f.FirstDone,
		LastDone: f.LastDone, DonePerDay: f.DonePerDay})
	return v.RatePerDay, v.RateDays
}

// continuityOf sums up dark times by the one rule (runbook.FiguresOf) in
// the API's shape; nil when no critical position has been dark.
func continuityOf(items []runbook.DarkItem) *wire.Continuity {
	if len(items) == 0 {
		return nil
	}
	f := runbook.FiguresOf(items)
	return &wire.Continuity{Positions: f.Positions, DarkNow: f.DarkNow, WorstMinutes: f.Worst, MedianMinutes: f.Median,
		OverTarget: f.Over, WorstPosition: f.WorstAt, Words: f.Words()}
}
