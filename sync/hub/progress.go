package hub

import (
	"context"
	"encoding/json"
	"math"
	"sort"
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
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(`SELECT code, name, cease_date FROM sites ORDER BY code`)
		if err != nil {
			return err
		}
		for rows.Next() {
			sp := &wire.SiteProgress{Figures: newFigures(), Problems: []wire.Problem{}}
			if err := rows.Scan(&sp.Code, &sp.Name, &sp.CeaseDate); err != nil {
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
		var label, reason string
		if err := each(`SELECT site, label, status, status_reason FROM positions WHERE status IN ('failed', 'blocked')
			ORDER BY site, label_key`, nil, []any{&label, &status, &reason}, func(sp *wire.SiteProgress) {
			sp.Problems = append(sp.Problems, wire.Problem{Label: label, Status: status, Reason: reason})
		}); err != nil {
			return err
		}
		if err := each(`SELECT site, COUNT(*) FROM conflicts WHERE status = 'open' GROUP BY site`, nil, []any{&n},
			func(sp *wire.SiteProgress) {
				sp.OpenConflicts += n
				out.Force.OpenConflicts += n
			}); err != nil {
			return err
		}
		// A legacy DDI is surrendered by the one rule the laptops use
		// (runbook.SurrendersLegacyDDI), applied to where each position's
		// numbers stand as the engineers recorded them (number.ddi.v1).
		var legacyDDI, numbers string
		if err := each(`SELECT f.site, p.ddi, f.value FROM facts f JOIN positions p ON p.site = f.site AND p.label_key = lower(f.entity_id)
			WHERE f.entity = 'position' AND f.attr = 'numbers' AND p.status <> 'withdrawn'`, nil, []any{&legacyDDI, &numbers},
			func(sp *wire.SiteProgress) {
				var nf struct {
					State    string `json:"ddi_state"`
					ExtState string `json:"extension_state"`
				}
				if json.Unmarshal([]byte(numbers), &nf) == nil && runbook.SurrendersLegacyDDI(legacyDDI, runbook.DDIState(nf.State), nf.ExtState) {
					sp.DDIsSurrendered++
					out.Force.DDIsSurrendered++
				}
			}); err != nil {
			return err
		}
		var value string
		if err := each(`SELECT site, value, COUNT(*) FROM facts WHERE attr = 'disposition' GROUP BY site, value`, nil,
			[]any{&value, &n}, func(sp *wire.SiteProgress) {
				for _, f := range []*wire.Figures{&sp.Figures, &out.Force} {
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
		for d, c := range force {
			out.Force.DonePerDay = append(out.Force.DonePerDay, wire.DayCount{Day: d, Done: c})
		}
		sort.Slice(out.Force.DonePerDay, func(i, j int) bool { return out.Force.DonePerDay[i].Day < out.Force.DonePerDay[j].Day })
		rows, err = t.query(`SELECT u.name, u.role, MAX(c.last_seen) FROM users u LEFT JOIN clients c ON c.user_name = u.name
			WHERE u.revoked_at IS NULL GROUP BY u.name, u.role ORDER BY u.name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e wire.EngineerSync
			var seen *int64
			if err := rows.Scan(&e.User, &e.Role, &seen); err != nil {
				return err
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
		project(sp, now)
		out.Sites = append(out.Sites, *sp)
	}
	out.Force.RatePerDay = rate(out.Force.DonePerDay, now)
	sort.SliceStable(out.Sites, func(i, j int) bool {
		a, b := out.Sites[i], out.Sites[j]
		if a.WillMiss != b.WillMiss {
			return a.WillMiss
		}
		return a.DaysLate > b.DaysLate
	})
	if out.Engineers == nil {
		out.Engineers = []wire.EngineerSync{}
	}
	return out, nil
}

func newFigures() wire.Figures {
	f := wire.Figures{ByPlan: map[string]wire.PlanCount{}, DonePerDay: []wire.DayCount{}}
	for _, p := range []string{"avaya_fixed", "avaya_ptt", "teams_ddi", "remove"} {
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

// rate is positions done per day over the last rateDays days.
func rate(days []wire.DayCount, now time.Time) float64 {
	from := now.UTC().AddDate(0, 0, -rateDays+1).Format(time.DateOnly)
	done := 0
	for _, d := range days {
		if d.Day >= from {
			done += d.Done
		}
	}
	return float64(done) / rateDays
}

func project(sp *wire.SiteProgress, now time.Time) {
	sp.RatePerDay = rate(sp.DonePerDay, now)
	cease, err := time.Parse(time.DateOnly, sp.CeaseDate)
	today, _ := time.Parse(time.DateOnly, now.UTC().Format(time.DateOnly))
	switch {
	case sp.Remaining == 0:
		sp.ProjectedFinish = today.Format(time.DateOnly)
	case sp.RatePerDay > 0:
		days := int(math.Ceil(float64(sp.Remaining) / sp.RatePerDay))
		sp.ProjectedFinish = today.AddDate(0, 0, days).Format(time.DateOnly)
	}
	if err != nil || sp.Remaining == 0 {
		return
	}
	finish, ferr := time.Parse(time.DateOnly, sp.ProjectedFinish)
	switch {
	case ferr != nil: // no rate: it will not finish at all at this pace
		sp.WillMiss = true
		sp.DaysLate = int(math.Max(0, today.Sub(cease).Hours()/24))
	case finish.After(cease):
		sp.WillMiss = true
		sp.DaysLate = int(finish.Sub(cease).Hours() / 24)
	}
}
