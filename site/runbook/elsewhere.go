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
	var state string
	err = s.DB().QueryRowContext(ctx, `SELECT value FROM sync_facts WHERE site = ? AND entity = 'position'
		AND entity_id = ? COLLATE NOCASE AND attr = 'state'`, strings.ToUpper(code), pr.Position.Label).Scan(&state)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var d Derived
	if json.Unmarshal([]byte(state), &d) != nil {
		return nil, nil
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
		who := st.By
		if st.Label != "" {
			who += " (laptop: " + st.Label + ")"
		}
		out = append(out, StepElsewhere{Step: st.Key, Attempt: d.Attempt, Outcome: st.Outcome, Value: st.Value, Note: st.Note,
			Engineer: who, At: st.At})
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
