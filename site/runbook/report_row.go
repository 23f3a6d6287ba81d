package runbook

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"cutover/site"
)

// DDIDisputed is a report row's DDI state while the hub holds its numbers
// disputed: nothing is given up until an admin settles it.
const DDIDisputed DDIState = "disputed"

// ReportRowOf is the one rule by which a position's report row follows
// from its plan and its derived state (Derive), on the laptop (from its
// own step results, localDerived) and on the hub (from every laptop's,
// the hub's state fact): the same field work gives the same row in both
// places. history is the position's step history lines (HistoryLine).
func ReportRowOf(p site.Position, d Derived, history []string) ReportRow {
	row := ReportRow{Label: p.Label, Location: p.Location(), Role: p.Role, Plan: p.Plan, Status: p.Status,
		StatusReason: p.StatusReason, StepsDone: d.Done, StepsTotal: d.Total, Attempts: d.Attempt,
		Switch: p.Switch, Port: p.Port, Extension: p.Extension, LegacyModel: p.LegacyModel, LegacyMAC: p.MAC,
		LegacyDDI: p.DDI, StepHistory: history, Unproven: d.Unproven, Engineers: append([]string{}, d.Engineers...)}
	if row.Status == "" {
		row.Status = site.StatusPlanned
	}
	if d.Continuity != nil {
		c := *d.Continuity
		row.Continuity = &c
	} else if c := CriticalityOf(p); c.Critical {
		// Critical and never dark yet: its target is known all the same.
		row.Continuity = &Continuity{Critical: true, Target: c.Target}
	}
	n := d.Numbers
	row.DDIState = n.State
	switch n.State {
	case DDINew:
		row.NewDDI = n.DDI
	case DDITeams:
		row.NewDDI = n.TeamsDDI
	}
	if n.Disputed {
		row.DDIState, row.NewDDI = DDIDisputed, ""
	}
	row.LegacyDDISurrendered = SurrendersLegacyDDI(p.DDI, n.State, n.ExtState) && !n.Disputed
	if h := d.Legacy; h != nil {
		row.LegacySerial, row.LegacyTag, row.LegacyCondition = h.Serial, h.Tag, h.Condition
		if h.Model != "" {
			row.LegacyModel = h.Model
		}
		if h.MAC != "" {
			row.LegacyMAC = h.MAC
		}
		switch {
		case h.Disputed:
			row.LegacyState = string(DDIDisputed)
		case h.State == "returned_to_store" || h.State == "weee_disposal" || h.State == "lost":
			row.Disposition, row.WTNRef = h.State, h.WTNRef
			if h.WTNRef != "" {
				row.Disposition += " " + h.WTNRef
			}
		default:
			row.LegacyState = h.State // still at the desk, or taken out awaiting its disposition
		}
	}
	if h := d.New; h != nil && h.State == "installed" {
		row.NewModel, row.NewSerial, row.NewMAC, row.NewTag = h.Model, h.Serial, h.MAC, h.Tag
		if h.Disputed {
			row.NewState = string(DDIDisputed)
		}
	}
	if p.Status == site.StatusDone {
		row.FinishedAt = d.FinishedAt
	}
	row.Replaced, row.Reopened = ReplacedLines(d), d.Reopened
	rb := AttemptRunbook(p, d.Reopened)
	if p.Status == site.StatusInProgress {
		row.CurrentStep = currentStep(rb, d)
	}
	for _, st := range d.Steps {
		if row.StartedAt == "" || st.At < row.StartedAt {
			row.StartedAt = st.At
		}
		if st.At > row.LastAt {
			row.LastAt = st.At
		}
		s, ok := rb.Step(st.Key)
		if ok && s.Field == FieldContact && st.Outcome == OutcomePass {
			row.SignedOffBy = st.Value
		}
		// The legacy handset's MAC, when the inventory has none: what the
		// port check saw on the port before the swap.
		if ok && s.Check == CheckPortReady && row.LegacyMAC == "" && st.Evidence != nil && st.Evidence.Phone != nil {
			row.LegacyMAC = st.Evidence.Phone.MAC
		}
	}
	if row.SignedOffBy == "" {
		row.SignedOffBy = d.SignedOffBy
	}
	for _, x := range d.Disputes {
		if x.Open() {
			row.Disputed = append(row.Disputed, x.Words())
		} else {
			// Every engineer's value as recorded stays; the admin who
			// settled it is beside them.
			l := x.Words() + "; resolved by " + x.ResolvedBy
			if x.Value != "" {
				l += ": " + x.Value
			}
			if x.Resolution != "" {
				l += " (" + x.Resolution + ")"
			}
			row.Resolved = append(row.Resolved, l)
		}
	}
	return row
}

// currentStep is the step due next in an unfinished attempt: the first
// rollback step not passed once the rollback began, else the first step
// of the runbook not passed.
func currentStep(rb Runbook, d Derived) string {
	passedKey := map[string]bool{}
	rolling := false
	for _, st := range d.Steps {
		if st.Outcome == OutcomePass || st.Outcome == OutcomeSkip {
			passedKey[st.Key] = true
		}
		for _, s := range rb.Rollback {
			rolling = rolling || s.Key == st.Key
		}
	}
	steps := rb.Steps
	if rolling {
		steps = rb.Rollback
	}
	for _, s := range steps {
		if !passedKey[s.Key] {
			return s.Key
		}
	}
	return ""
}

// Count sums the report's rows by the rules both places use: withdrawn
// positions are listed but not counted; DDIs by the row's state;
// MovedToTeams by the plan and status; a legacy DDI surrendered by
// SurrendersLegacyDDI (ReportRowOf).
func (r *Report) Count() {
	r.ByStatus, r.ByPlan, r.Dispositions = map[site.Status]int{}, map[site.Plan]int{}, map[string]int{}
	r.DDIs = map[DDIState]int{}
	for _, st := range DDIStates {
		r.DDIs[st] = 0
	}
	r.Active, r.Done, r.DDIsSurrendered, r.MovedToTeams, r.MovedToTeamsWithDDI = 0, 0, 0, 0, 0
	for _, row := range r.Rows {
		r.ByStatus[row.Status]++
		if row.Status == site.StatusWithdrawn {
			continue
		}
		r.Active++
		r.ByPlan[row.Plan]++
		r.DDIs[row.DDIState]++
		if row.Status == site.StatusDone {
			r.Done++
		}
		if MovedToTeams(row.Plan, row.Status) {
			r.MovedToTeams++
			if row.DDIState == DDITeams {
				r.MovedToTeamsWithDDI++
			}
		}
		if row.LegacyDDISurrendered {
			r.DDIsSurrendered++
		}
		if state, _, _ := strings.Cut(row.Disposition, " "); state != "" {
			r.Dispositions[state]++
		}
	}
}

// localDerived is a position's state derived from this laptop's own step
// results (one branch, in the order recorded) by the one rule the hub
// uses, with its step history lines; resolutions are the hub's, so none.
func localDerived(ctx context.Context, q site.Querier, id int64, p site.Position) (Derived, []string, error) {
	ev, history, err := localEvidence(ctx, q, id)
	if err != nil {
		return Derived{}, nil, err
	}
	return Derive(p, ev, nil), HistoryLines(p, history), nil
}

// HistoryLines are a position's step history lines (HistoryLine) from
// each step's tries, oldest first, in HistoryKeys order. The laptop reads
// the tries from its step results, the hub from its journal.
//
// A position reopened after its swap does its steps again to replace the
// phone: that is no retry. Each reopen starts a new era of attempts, and
// a step's tries are summed up within each era.
func HistoryLines(p site.Position, tries map[string][]Try) []string {
	var reopened []int // the attempts that reopened the position, in order
	for _, t := range tries[StepReopen] {
		if t.Outcome == OutcomePass && !t.Correction && reopens(p) && !slices.Contains(reopened, t.Attempt) {
			reopened = append(reopened, t.Attempt)
		}
	}
	slices.Sort(reopened)
	era := func(attempt int) int {
		n := 0
		for _, a := range reopened {
			if attempt >= a {
				n++
			}
		}
		return n
	}
	var lines []string
	for _, k := range HistoryKeys(p, tries) {
		byEra := map[int][]Try{}
		var eras []int
		for _, t := range tries[k] {
			e := era(t.Attempt)
			if byEra[e] == nil {
				eras = append(eras, e)
			}
			byEra[e] = append(byEra[e], t)
		}
		for _, e := range eras {
			if l := HistoryLine(k, byEra[e]); l != "" {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

// HistoryKeys lists the steps that have tries in the order of the
// position's runbook (rollback steps last), then any the runbook does not
// name, by key.
func HistoryKeys(p site.Position, tries map[string][]Try) []string {
	var keys []string
	seen := map[string]bool{}
	for _, k := range append(RunbookFor(p).Keys(), AttemptRunbook(p, true).Keys()...) { // a reopened position's steps after the swap's
		if tries[k] != nil && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range tries {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

// localEvidence reads every step result and correction recorded at a
// position on this laptop, oldest first, as evidence for Derive and as
// each step's tries.
func localEvidence(ctx context.Context, q site.Querier, id int64) ([]Evidence, map[string][]Try, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, attempt, step_key, outcome, value, note, evidence, engineer, at, corrects, override
		FROM step_results WHERE position_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ev []Evidence
	history := map[string][]Try{}
	for rows.Next() {
		var t Try
		var seq int64
		var key, obs string
		var corrects sql.NullString
		if err := rows.Scan(&seq, &t.Attempt, &key, &t.Outcome, &t.Value, &t.Note, &obs, &t.Engineer, &t.At, &corrects, &t.Override); err != nil {
			return nil, nil, err
		}
		if obs != "" {
			var o Observation
			if json.Unmarshal([]byte(obs), &o) == nil {
				t.Evidence = &o
			}
		}
		t.Correction, t.Was = corrects.Valid, corrects.String
		history[key] = append(history[key], t)
		ev = append(ev, Evidence{Laptop: "this laptop", Seq: seq, Attempt: t.Attempt, Step: key, Outcome: t.Outcome, Value: t.Value,
			Note: t.Note, Correction: t.Correction, Was: t.Was, Override: t.Override, By: t.Engineer, At: t.At, Evidence: t.Evidence})
	}
	return ev, history, rows.Err()
}
