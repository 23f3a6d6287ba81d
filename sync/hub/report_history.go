package hub

import (
	"cutover/sync/hub/rules"
	"sort"
	"strings"
	"time"

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
	tries, err := journalTries(t, code)
	if err != nil {
		return err
	}
	for label, steps := range tries {
		r := byLabel[label]
		if r == nil {
			continue
		}
		p := positionOfRow(*r)
		r.StepHistory = runbook.HistoryLines(p, steps)
		for _, key := range runbook.HistoryKeys(p, steps) {
			if runbook.HistoryLine(key, steps[key]) == "" {
				continue
			}
			for _, tr := range steps[key] {
				r.History = append(r.History, wire.StepTry{Step: key, Attempt: tr.Attempt, Outcome: string(tr.Outcome),
					Value: tr.Value, Note: tr.Note, Engineer: tr.Engineer, At: tr.At, Correction: tr.Correction,
					Was: tr.Was, Override: tr.Override})
			}
		}
	}
	return nil
}

// journalTries reads every step result and correction laptops pushed for
// a site's positions and the hub did not reject, by lower-case label and
// step, in the engineers' order: one laptop's ops in its own order, ops
// recorded offline on two laptops interleaved by when they were done. The
// same journal gives the same tries, whatever order it arrived in. Who did
// each is the person the token was issued to, the laptop's label beside it.
func journalTries(t *tx, code string) (map[string]map[string][]runbook.Try, error) {
	var start string
	t.row(`SELECT first_import FROM sites WHERE code = ?`, code).Scan(&start)
	rows, err := t.query(`SELECT entity_id, kind, user_name, engineer, observed_at, received_at, client_id, client_seq, payload FROM op_journal
		WHERE site = ? AND entity = 'position' AND kind IN (?, ?) AND outcome <> ?`, code, KindStep, KindCorrect, wire.Rejected)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []journaledTry
	for rows.Next() {
		var label, kind, user, engineer, observed, client, payload string
		var received, seq int64
		if err := rows.Scan(&label, &kind, &user, &engineer, &observed, &received, &client, &seq, &payload); err != nil {
			return nil, err
		}
		at, _ := rules.Believed(observed, received, start)
		j, ok := tryOf(kind, payload)
		if !ok {
			continue
		}
		j.label, j.try.Engineer, j.try.At = strings.ToLower(label), DisplayName(user, engineer), at
		j.at, _ = time.Parse(time.RFC3339Nano, at)
		j.client, j.seq = client, seq
		all = append(all, j)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
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
	return byPos, nil
}

// tryOf reads one journaled op's payload as a step's result.
func tryOf(kind, payload string) (journaledTry, bool) {
	e, ok := evidenceFrom(kind, payload, runbook.Evidence{})
	return journaledTry{step: e.Step, try: runbook.Try{Attempt: e.Attempt, Outcome: e.Outcome, Value: e.Value, Note: e.Note,
		Override: e.Override, Correction: e.Correction, Was: e.Was}}, ok
}
