package hub

import (
	"cutover/sync/hub/rules"
	"sort"
	"strings"
	"time"

	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/wire"
)

// The step history the hub knows of a site's positions: every step result
// and correction a laptop pushed and the hub did not reject (the journal
// keeps each one, whether it stood, was superseded or was disputed), in
// the order the engineers recorded them. A step failed, tried again,
// corrected or overridden gets a line in the words of the laptop's report
// (runbook.HistoryLine: one rule and one format for both reports).

// journaledTry is a step.result.v1 or step.correction.v1 as the journal
// holds it.
type journaledTry struct {
	label, step string
	at          time.Time
	client      string
	seq         int64
	try         runbook.Try
}

// reportHistory fills the rows' StepHistory and History from the journal.
func reportHistory(t *tx, code string, byLabel map[string]*wire.ReportRow) error {
	var start string
	t.row(`SELECT first_import FROM sites WHERE code = ?`, code).Scan(&start)
	rows, err := t.query(`SELECT entity_id, kind, user_name, engineer, observed_at, received_at, client_id, client_seq, payload FROM op_journal
		WHERE site = ? AND entity = 'position' AND kind IN (?, ?) AND outcome <> ?`, code, KindStep, KindCorrect, wire.Rejected)
	if err != nil {
		return err
	}
	defer rows.Close()
	var all []journaledTry
	for rows.Next() {
		var label, kind, user, engineer, observed, client, payload string
		var received, seq int64
		if err := rows.Scan(&label, &kind, &user, &engineer, &observed, &received, &client, &seq, &payload); err != nil {
			return err
		}
		at, _ := rules.Believed(observed, received, start)
		if byLabel[strings.ToLower(label)] == nil {
			continue
		}
		j, ok := tryOf(kind, payload)
		if !ok {
			continue
		}
		// Who did it is the person the token was issued to, the laptop's
		// label beside it.
		j.label, j.try.Engineer, j.try.At = strings.ToLower(label), DisplayName(user, engineer), at
		j.at, _ = time.Parse(time.RFC3339Nano, at)
		j.client, j.seq = client, seq
		all = append(all, j)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// In the engineers' order: one laptop's ops are in its own order, and
	// ops recorded offline on two laptops interleave by when they were done.
	// The same journal gives the same history, whatever order it arrived in.
	sort.Slice(all, func(i, k int) bool {
		a, b := all[i], all[k]
		if !a.at.Equal(b.at) {
			return a.at.Before(b.at)
		}
		if a.client != b.client {
			return a.client < b.client
		}
		return a.seq < b.seq
	})
	byPos := map[string]map[string][]runbook.Try{}
	for _, j := range all {
		if byPos[j.label] == nil {
			byPos[j.label] = map[string][]runbook.Try{}
		}
		byPos[j.label][j.step] = append(byPos[j.label][j.step], j.try)
	}
	for label, steps := range byPos {
		r := byLabel[label]
		for _, key := range stepOrder(*r, steps) {
			line := runbook.HistoryLine(key, steps[key])
			if line == "" {
				continue
			}
			r.StepHistory = append(r.StepHistory, line)
			for _, tr := range steps[key] {
				r.History = append(r.History, wire.StepTry{Step: key, Attempt: tr.Attempt, Outcome: string(tr.Outcome),
					Value: tr.Value, Note: tr.Note, Engineer: tr.Engineer, At: tr.At, Correction: tr.Correction,
					Was: tr.Was, Override: tr.Override})
			}
		}
	}
	return nil
}

// tryOf reads one journaled op's payload as a step's result.
func tryOf(kind, payload string) (journaledTry, bool) {
	e, ok := evidenceFrom(kind, payload, runbook.Evidence{})
	return journaledTry{step: e.Step, try: runbook.Try{Attempt: e.Attempt, Outcome: e.Outcome, Value: e.Value, Note: e.Note,
		Override: e.Override, Correction: e.Correction, Was: e.Was}}, ok
}

// stepOrder lists the steps of a position that have results in the order
// of its runbook (rollback steps last), then any the runbook does not name.
func stepOrder(r wire.ReportRow, steps map[string][]runbook.Try) []string {
	rb := runbookOf(r)
	var out []string
	seen := map[string]bool{}
	for _, k := range rb.Keys() {
		if steps[k] != nil && !seen[k] {
			out, seen[k] = append(out, k), true
		}
	}
	var rest []string
	for k := range steps {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// runbookOf is the runbook the plan gives a report's position.
func runbookOf(r wire.ReportRow) runbook.Runbook { return runbook.RunbookFor(positionOfRow(r)) }

// reportTotals sums a report's rows by the rules the laptop's report and
// progress use (a position with no DDI has none to be pending).
func reportTotals(rows []wire.ReportRow) wire.ReportTotals {
	t := wire.ReportTotals{ByStatus: map[string]int{}, DDIs: map[string]int{}}
	for _, st := range runbook.DDIStates {
		t.DDIs[string(st)] = 0
	}
	for _, r := range rows {
		if r.Status == string(site.StatusWithdrawn) {
			continue
		}
		t.Positions++
		t.ByStatus[r.Status]++
		if r.Status == string(site.StatusDone) {
			t.Done++
		}
		state := r.DDIState
		if state == "" || state == string(runbook.DDIPending) {
			state = string(runbook.DDIPending)
			if r.DDI == "" {
				state = string(runbook.DDINone)
			}
		}
		t.DDIs[state]++
		if r.LegacyDDISurrendered {
			t.DDIsSurrendered++
		}
		if runbook.MovedToTeams(site.Plan(r.Plan), site.Status(r.Status)) {
			t.MovedToTeams++
		}
	}
	return t
}
