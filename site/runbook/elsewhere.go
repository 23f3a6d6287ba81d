package runbook

import (
	"context"
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
	rows, err := s.DB().QueryContext(ctx, `SELECT value, updated_by, updated_at FROM sync_facts
		WHERE site = ? AND entity = 'position' AND entity_id = ? COLLATE NOCASE AND attr LIKE 'step:%'`,
		strings.ToUpper(code), pr.Position.Label)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
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
	var out []StepElsewhere
	for rows.Next() {
		var value, by, at string
		if err := rows.Scan(&value, &by, &at); err != nil {
			return nil, err
		}
		var e StepElsewhere
		if json.Unmarshal([]byte(value), &e) != nil || e.Step == "" || e.Outcome == "" || mine[fmt.Sprint(e.Step, "/", e.Attempt)] {
			continue
		}
		e.Engineer, e.At = by, at
		out = append(out, e)
	}
	order := map[string]int{}
	for i, k := range append(pr.Runbook.Keys(), rollbackKeys(pr)...) {
		order[k] = i + 1
	}
	sort.SliceStable(out, func(i, j int) bool { return order[out[i].Step] < order[out[j].Step] })
	return out, rows.Err()
}

func rollbackKeys(pr Progress) []string {
	var keys []string
	for _, st := range pr.Rollback {
		keys = append(keys, st.Key)
	}
	return keys
}
