package runbook

import (
	"context"
	"fmt"
	"strings"

	"cutover/site"
)

// Outcome is a step's result.
type Outcome string

// The outcomes.
const (
	OutcomePass Outcome = "pass"
	OutcomeFail Outcome = "fail"
	OutcomeSkip Outcome = "skip"
)

// ParseOutcome checks an outcome word.
func ParseOutcome(v string) (Outcome, error) {
	return site.ParseWord(strings.ToLower(strings.TrimSpace(v)), []Outcome{OutcomePass, OutcomeFail, OutcomeSkip}, "result")
}

// Result is what an engineer (or an automatic check) gives for a step.
type Result struct {
	Outcome Outcome
	Value   string // input steps: the scanned or typed value
	Note    string // why it failed or was skipped; anything worth keeping
	// Observation is what an automatic step's check saw; required for
	// automatic steps, whose outcome must agree with it.
	Observation *Observation
	// Override records a serial, MAC or asset tag that the register
	// already knows elsewhere: only with a note saying why (a relabelled
	// handset); the hub raises it for the supervisor.
	Override bool
}

// Try is one result recorded for a step: every one is kept, in the order
// recorded, across attempts, with corrections among them.
type Try struct {
	Attempt  int          `json:"attempt"`
	Outcome  Outcome      `json:"outcome"`
	Value    string       `json:"value,omitempty"`
	Note     string       `json:"note,omitempty"`
	Engineer string       `json:"engineer"`
	At       string       `json:"at"`
	Evidence *Observation `json:"evidence,omitempty"`
	// Correction is set when the result corrects an earlier one (the
	// value it replaced is in Was; the reason is the note).
	Correction bool   `json:"correction,omitempty"`
	Was        string `json:"was,omitempty"`
	Override   bool   `json:"override,omitempty"`
}

// StepState is a step, its latest result in the current attempt, and every
// result recorded for it.
type StepState struct {
	Step
	Outcome  Outcome      `json:"outcome,omitempty"` // "" when not recorded yet
	Value    string       `json:"value,omitempty"`
	Note     string       `json:"note,omitempty"`
	Evidence *Observation `json:"evidence,omitempty"`
	Engineer string       `json:"engineer,omitempty"`
	At       string       `json:"at,omitempty"`
	Tries    int          `json:"tries,omitempty"` // results recorded for it in this attempt (corrections aside)
	// Suggested is the value Enter takes on an input step (the serial the
	// switch showed; "keep" for the DDI).
	Suggested string `json:"suggested,omitempty"`
	// History is every result recorded for the step, oldest first, in
	// this attempt and earlier ones.
	History []Try `json:"history,omitempty"`
}

// Passed reports whether the step is out of the way (passed or skipped).
func (s StepState) Passed() bool { return s.Outcome == OutcomePass || s.Outcome == OutcomeSkip }

// Unreadable reports whether the step's latest result is a failed SNMP
// check because the switch could not be read (not because it showed the
// wrong thing): only then may an automatic step be skipped.
func (s StepState) Unreadable() bool {
	return s.Kind == StepAuto && s.Outcome == OutcomeFail && s.Evidence != nil && s.Evidence.Error != ""
}

// CanSkip says whether the step may be skipped now, and if not, why.
func (s StepState) CanSkip() error {
	if !s.Skippable {
		return fmt.Errorf("%w: this step cannot be skipped", ErrStepRule)
	}
	if s.Kind != StepAuto || s.Unreadable() || s.Check == CheckStaged {
		return nil // staging is offered, never required: skipped with a reason
	}
	if s.Outcome == OutcomeFail && s.Evidence != nil {
		return fmt.Errorf("%w: the switch answered and the check failed (%s): retry the check once it is put right, or roll back; a check is skipped only when the switch cannot be read", ErrStepRule, s.Evidence.Summary)
	}
	return fmt.Errorf("%w: run the check first: an SNMP check is skipped only when the switch cannot be read", ErrStepRule)
}

// Correctable says whether a recorded result of the step can be corrected
// (a mistyped serial or tag, the wrong condition or number): an input step
// that passed, before the position is done.
func (s StepState) Correctable() bool {
	return s.Kind == StepInput && s.Outcome == OutcomePass && !s.RollbackOnly && s.Field != FieldContact
}

// Mode is where a position's runbook is.
type Mode string

// The modes.
const (
	ModeNotStarted Mode = "not_started"
	ModeSwap       Mode = "swap"     // working through the runbook
	ModeRollback   Mode = "rollback" // running the rollback steps
	ModeFinished   Mode = "finished" // done, failed or blocked: nothing current
)

// Attempt summarises one attempt at a position's runbook.
type Attempt struct {
	N         int    `json:"attempt"`
	StartedAt string `json:"started_at"`
	StartedBy string `json:"started_by"`
	EndedAt   string `json:"ended_at,omitempty"`
	Outcome   string `json:"outcome,omitempty"` // done, failed, blocked; "" while open
	Reason    string `json:"reason,omitempty"`
}

// Progress is a position's runbook with the state of every step: what the
// wizard and `cutover runbook` show, and where a resumed session starts.
type Progress struct {
	Position site.Position `json:"position"`
	Runbook  Runbook       `json:"-"`
	Attempt  int           `json:"attempt"` // 0 before the first step
	Attempts []Attempt     `json:"attempts,omitempty"`
	Mode     Mode          `json:"mode"`
	Steps    []StepState   `json:"steps"`
	// Rollback holds the rollback steps this attempt needs (reconnect and
	// verify only after the handset was unplugged).
	Rollback []StepState `json:"rollback"`
	// Current is the step to do next; nil when finished.
	Current *StepState `json:"current,omitempty"`
	// Restartable is set when the position failed or was blocked: its
	// runbook can be started again from the first step (a new attempt).
	Restartable bool `json:"restartable"`
	// Reopenable is set when the position is done and has a phone on its
	// jack: it can be reopened as a new attempt that replaces the phone
	// (the step reopen, with why).
	Reopenable bool `json:"reopenable,omitempty"`
	// Replacing is the phone a reopened attempt replaces: its verify must
	// not find that one on the port.
	Replacing   PhoneID `json:"replacing,omitzero"`
	Done        int     `json:"done"` // runbook steps passed or skipped
	Total       int     `json:"total"`
	CanRollback bool    `json:"can_rollback"`
	// Numbers is where the position's numbers stand now: every later step
	// and every report uses them, not the planned ones.
	Numbers Numbers `json:"numbers"`
	// Number is the position's number now in words, with the old one.
	Number NumberNow `json:"number"`
	// Results is every result recorded at the position, in every attempt,
	// in the order recorded: this laptop's evidence, as the hub's
	// derivations take it (DarkTime).
	Results []Evidence `json:"-"`
}

// Step returns the state of a step by key, from the runbook or rollback.
func (p Progress) Step(key string) (StepState, bool) {
	for _, s := range append(append([]StepState{}, p.Steps...), p.Rollback...) {
		if strings.EqualFold(s.Key, key) {
			return s, true
		}
	}
	return StepState{}, false
}

// Steps returns a position's runbook progress.
func Steps(ctx context.Context, s *site.Store, code, label string) (Progress, error) {
	return loadProgress(ctx, s.DB(), code, label)
}

func loadProgress(ctx context.Context, q site.Querier, code, label string) (Progress, error) {
	id, p, err := site.FindPosition(ctx, q, code, label)
	if err != nil {
		return Progress{}, err
	}
	return progressOf(ctx, q, id, p)
}

func progressOf(ctx context.Context, q site.Querier, id int64, p site.Position) (Progress, error) {
	nums, err := numbersOf(ctx, q, id, p)
	if err != nil {
		return Progress{}, err
	}
	now := NumberOf(p, nums)
	pr := Progress{Position: p, Runbook: runbookFor(p, now), Numbers: nums, Number: now}
	rows, err := q.QueryContext(ctx, `SELECT attempt, started_at, started_by, ended_at, outcome, reason
		FROM swap_attempts WHERE position_id = ? ORDER BY attempt`, id)
	if err != nil {
		return pr, err
	}
	for rows.Next() {
		var a Attempt
		if err := rows.Scan(&a.N, &a.StartedAt, &a.StartedBy, &a.EndedAt, &a.Outcome, &a.Reason); err != nil {
			rows.Close()
			return pr, err
		}
		pr.Attempts = append(pr.Attempts, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return pr, err
	}
	if n := len(pr.Attempts); n > 0 {
		pr.Attempt = pr.Attempts[n-1].N
	}
	latest, history, all, err := stepResults(ctx, q, id, pr.Attempt)
	if err != nil {
		return pr, err
	}
	pr.Results = all
	if reopenAttempts(p, all)[pr.Attempt] { // this attempt replaces the phone of a done position
		pr.Runbook = replaceRunbook(p, now)
		// The phone it replaces is the one the attempts before it left on
		// the jack, by the one rule (Derive).
		if h := Derive(p, attemptsBefore(all, pr.Attempt), nil).New; h != nil {
			pr.Replacing = PhoneID{Serial: h.Serial, MAC: h.MAC}
		}
	}
	fill := func(s Step) StepState {
		st := StepState{Step: s, History: history[s.Key]}
		if l := latest[s.Key]; l != nil {
			st.Outcome, st.Value, st.Note, st.Evidence, st.Engineer, st.At, st.Tries =
				l.Outcome, l.Value, l.Note, l.Evidence, l.Engineer, l.At, l.Tries
		}
		return st
	}
	physicalDone, rollingBack, disposed := false, false, false
	for _, s := range pr.Runbook.Steps {
		st := fill(s)
		if s.Physical && st.Passed() {
			physicalDone = true
		}
		if s.Field == FieldDisposition && st.Passed() {
			disposed = true
		}
		pr.Steps = append(pr.Steps, st)
	}
	pr.Done, pr.Total = pr.Runbook.CountSteps(func(key string) Outcome {
		if l := latest[key]; l != nil {
			return l.Outcome
		}
		return ""
	})
	for _, s := range pr.Runbook.Rollback {
		if latest[s.Key] != nil {
			rollingBack = true
		}
		if s.Field == FieldReason || physicalDone {
			pr.Rollback = append(pr.Rollback, fill(s))
		}
	}
	// Suggestions for input steps.
	for i := range pr.Steps {
		switch pr.Steps[i].Field {
		case FieldNewSerial:
			for _, v := range pr.Steps {
				if v.Check == CheckNewPhone && v.Evidence != nil && v.Evidence.Phone != nil {
					pr.Steps[i].Suggested = v.Evidence.Phone.Serial
				}
			}
		case FieldDDI:
			if p.DDI != "" {
				pr.Steps[i].Suggested = "keep"
			}
		}
	}
	open := len(pr.Attempts) > 0 && pr.Attempts[len(pr.Attempts)-1].Outcome == ""
	switch {
	case !open && len(pr.Attempts) == 0:
		pr.Mode = ModeNotStarted
		pr.Current = &pr.Steps[0]
	case !open:
		pr.Mode = ModeFinished
		pr.Restartable = p.Status == site.StatusFailed || p.Status == site.StatusBlocked
		pr.Reopenable = CanReopen(p) == nil
	case rollingBack:
		pr.Mode = ModeRollback
		for i := range pr.Rollback {
			if !pr.Rollback[i].Passed() {
				pr.Current = &pr.Rollback[i]
				break
			}
		}
	default:
		pr.Mode = ModeSwap
		for i := range pr.Steps {
			if !pr.Steps[i].Passed() {
				pr.Current = &pr.Steps[i]
				break
			}
		}
		pr.CanRollback = !disposed
	}
	return pr, nil
}

// stepResults reads every result recorded at a position, oldest first: the
// latest per step in the current attempt, and each step's whole history.
func stepResults(ctx context.Context, q site.Querier, id int64, attempt int) (map[string]*StepState, map[string][]Try, []Evidence, error) {
	latest := map[string]*StepState{}
	ev, history, err := localEvidence(ctx, q, id)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, t := range ev {
		if t.Attempt != attempt {
			continue
		}
		st := &StepState{Outcome: t.Outcome, Value: t.Value, Note: t.Note, Evidence: t.Evidence, Engineer: t.By, At: t.At}
		if prev := latest[t.Step]; prev != nil {
			st.Tries = prev.Tries
			if t.Correction { // a correction changes the value, not the try
				st.Outcome, st.Evidence = prev.Outcome, prev.Evidence
			}
		}
		if !t.Correction {
			st.Tries++
		}
		latest[t.Step] = st
	}
	return latest, history, ev, nil
}

// Due checks whether a step may be recorded now, without recording it:
// nil when it is the step due (or starts or continues a rollback).
func (p Progress) Due(key string) error {
	step, ok := p.Runbook.Step(key)
	if !ok {
		return fmt.Errorf("no step %q in the runbook", key)
	}
	return checkTurn(p, step)
}

// LastUsed is what the site's engineers typed last for the values that
// repeat from position to position: the waste transfer note reference and
// the name of who signed off. The wizard offers them (tab takes one); it
// never records one unless it is taken.
type LastUsed struct {
	WTNRef  string `json:"wtn_ref,omitempty"`
	Contact string `json:"contact,omitempty"`
}

// LastUsedAt reads a site's last waste transfer note reference and sign-off
// name, "" for each when none was recorded yet.
func LastUsedAt(ctx context.Context, s *site.Store, code string) (LastUsed, error) {
	var out LastUsed
	rows, err := s.DB().QueryContext(ctx, `SELECT r.step_key, r.value FROM step_results r JOIN positions p ON p.id = r.position_id
		WHERE p.site = ? AND r.outcome = 'pass' AND r.step_key IN ('signoff', 'disposition') ORDER BY r.id DESC LIMIT 200`, strings.ToUpper(code))
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var key, v string
		if err := rows.Scan(&key, &v); err != nil {
			return out, err
		}
		switch {
		case key == "signoff" && out.Contact == "":
			out.Contact = v
		case key == "disposition" && out.WTNRef == "":
			if d, err := ParseDisposition(v); err == nil && d.WTNRef != "" {
				out.WTNRef = d.WTNRef
			}
		}
	}
	return out, rows.Err()
}
