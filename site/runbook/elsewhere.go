package runbook

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"cutover/site"
)

// StepElsewhere is a runbook step result another laptop recorded for a
// position, as the hub passed it on (the sync mirror). It is shown for the
// engineer's information only: this laptop's runbook goes by its own
// results.
type StepElsewhere struct {
	Step     string  `json:"step"`
	Attempt  int     `json:"attempt"`
	Outcome  Outcome `json:"outcome"`
	Value    string  `json:"value,omitempty"`
	Note     string  `json:"note,omitempty"`
	Engineer string  `json:"engineer"`
	At       string  `json:"at"`
}

// StepsElsewhere lists the step results the hub holds for a position that
// this laptop did not record itself, in runbook order.
func StepsElsewhere(ctx context.Context, s *site.Store, code, label string) ([]StepElsewhere, error) {
	pr, err := Steps(ctx, s, code, label)
	if err != nil {
		return nil, err
	}
	// The hub's derived state of the position: the results that stand.
	d, ok, err := hubState(ctx, s.DB(), code, pr.Position.Label)
	if err != nil || !ok {
		return nil, err
	}
	// This laptop's own results come back from the hub too: leave out
	// every step and attempt it recorded itself.
	mine := map[string]bool{}
	local, err := s.DB().QueryContext(ctx, `SELECT r.step_key, r.attempt FROM step_results r JOIN positions p ON p.id = r.position_id
		WHERE p.site = ? AND p.label = ? COLLATE NOCASE`, strings.ToUpper(code), pr.Position.Label)
	if err != nil {
		return nil, err
	}
	for local.Next() {
		var key string
		var attempt int
		if err := local.Scan(&key, &attempt); err != nil {
			local.Close()
			return nil, err
		}
		mine[fmt.Sprint(key, "/", attempt)] = true
	}
	local.Close()
	if err := local.Err(); err != nil {
		return nil, err
	}
	var out []StepElsewhere
	for _, st := range d.Steps {
		if st.Outcome == "" || mine[fmt.Sprint(st.Key, "/", d.Attempt)] {
			continue
		}
		out = append(out, StepElsewhere{Step: st.Key, Attempt: d.Attempt, Outcome: st.Outcome, Value: st.Value, Note: st.Note,
			Engineer: Who(st.By, st.Label), At: st.At})
	}
	order := map[string]int{}
	for i, k := range append(pr.Runbook.Keys(), rollbackKeys(pr)...) {
		order[k] = i + 1
	}
	sort.SliceStable(out, func(i, j int) bool { return order[out[i].Step] < order[out[j].Step] })
	return out, nil
}

func rollbackKeys(pr Progress) []string {
	var keys []string
	for _, st := range pr.Rollback {
		keys = append(keys, st.Key)
	}
	return keys
}

// HubView is where the hub's record of a position stands, beside this
// laptop's own: what a laptop shows after a pull so that it never keeps a
// value the hub overruled without saying so.
type HubView struct {
	Known     bool        `json:"known"` // the hub has derived the position (after a pull)
	Status    site.Status `json:"status,omitempty"`
	Reason    string      `json:"reason,omitempty"`
	Attempt   int         `json:"attempt,omitempty"`
	Disputes  []Dispute   `json:"disputes,omitempty"`
	Overruled []Overruled `json:"overruled,omitempty"`
}

// Overruled is one of this laptop's values that the hub's record does not
// hold: another laptop's value stands (an admin chose it), or the value is
// disputed and nothing stands yet.
type Overruled struct {
	Step string `json:"step"`
	Mine string `json:"mine"`
	Hub  string `json:"hub"` // the standing value; "" while disputed
	Why  string `json:"why"`
}

// HubStanding compares this laptop's results for a position with the
// hub's derived state (as last pulled).
func HubStanding(ctx context.Context, s *site.Store, code, label string) (HubView, error) {
	var v HubView
	pr, err := Steps(ctx, s, code, label)
	if err != nil {
		return v, err
	}
	d, ok, err := hubState(ctx, s.DB(), code, pr.Position.Label)
	if err != nil || !ok {
		return v, err
	}
	v.Known, v.Status, v.Reason, v.Attempt = true, d.Status, d.Reason, d.Attempt
	for _, x := range d.Disputes {
		if x.Open() {
			v.Disputes = append(v.Disputes, x)
		}
	}
	if pr.Attempt != d.Attempt {
		return v, nil // this laptop worked another attempt: nothing to set against
	}
	for _, st := range append(append([]StepState{}, pr.Steps...), pr.Rollback...) {
		if !st.Passed() || st.Value == "" {
			continue
		}
		hub := d.Step(st.Key)
		switch {
		case hub.Disputed:
			v.Overruled = append(v.Overruled, Overruled{Step: st.Key, Mine: st.Value, Why: "disputed: another laptop recorded another value; nothing stands until an admin decides"})
		case hub.Outcome != "" && !strings.EqualFold(hub.Value, st.Value):
			v.Overruled = append(v.Overruled, Overruled{Step: st.Key, Mine: st.Value, Hub: hub.Value,
				Why: "overruled: the hub's record holds " + hub.Value + " (" + hub.By + ")"})
		}
	}
	local := pr.Position.Status
	if n := len(pr.Attempts); n > 0 && pr.Attempts[n-1].Outcome != "" {
		local = site.Status(pr.Attempts[n-1].Outcome)
	}
	if d.Status != "" && local.HasFieldWork() && local != d.Status && pr.Mode == ModeFinished {
		why := "overruled: the hub holds this position as " + string(d.Status)
		if d.OutcomeDisputed() {
			why = "disputed: another laptop ended this attempt differently; the hub holds it as " + string(d.Status) + " until an admin decides"
		}
		v.Overruled = append(v.Overruled, Overruled{Step: "outcome", Mine: string(local), Hub: string(d.Status), Why: why})
	}
	return v, nil
}

// hubState is the hub's derived state of one position as this laptop last
// pulled it (the "state" fact); ok is false when the hub has derived none.
func hubState(ctx context.Context, q site.Querier, code, label string) (Derived, bool, error) {
	var value string
	err := q.QueryRowContext(ctx, `SELECT value FROM sync_facts WHERE site = ? AND entity = 'position'
		AND entity_id = ? COLLATE NOCASE AND attr = 'state'`, strings.ToUpper(code), label).Scan(&value)
	if err == sql.ErrNoRows {
		return Derived{}, false, nil
	}
	if err != nil {
		return Derived{}, false, err
	}
	d, ok := parseHubState(value)
	return d, ok, nil
}

// parseHubState reads a pulled "state" fact; ok is false for one this
// laptop cannot read or that holds no work.
func parseHubState(value string) (Derived, bool) {
	var d Derived
	if json.Unmarshal([]byte(value), &d) != nil || d.Status == "" {
		return Derived{}, false
	}
	return d, true
}
