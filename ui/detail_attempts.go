package ui

// A position's attempts on its detail: a position reopened after its swap
// runs a second runbook (the phone replaced), so every result is shown
// under the attempt it was recorded in, titled by that attempt's runbook,
// never under the current attempt's step names.

import (
	"fmt"
	"sort"

	"cutover/site/runbook"
)

// attemptNumbers is every attempt at the position, oldest first: those
// started here, and any a result was recorded in.
func (d *detail) attemptNumbers() []int {
	seen := map[int]bool{}
	var out []int
	note := func(n int) {
		if n > 0 && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, a := range d.pr.Attempts {
		note(a.N)
	}
	for _, e := range d.pr.Results {
		note(e.Attempt)
	}
	sort.Ints(out)
	return out
}

// reopenedWhy is why attempt n reopened the done position ("" when it
// did not: a swap, or the swap started again).
func (d *detail) reopenedWhy(n int) string {
	why := ""
	for _, e := range d.pr.Results {
		if e.Attempt == n && e.Step == runbook.StepReopen && e.Outcome == runbook.OutcomePass {
			why = e.Value // a correction says it better
		}
	}
	return why
}

// attemptName is an attempt in words: "Attempt 1 · the swap · done",
// "Attempt 2 · reopened: phone dead since Monday · in progress".
func (d *detail) attemptName(n int) string {
	what := "the swap"
	if n > 1 {
		what = "the swap again"
	}
	if why := d.reopenedWhy(n); why != "" {
		what = "reopened: " + txt(why)
	}
	outcome := "in progress"
	for _, a := range d.pr.Attempts {
		if a.N == n && a.Outcome != "" {
			outcome = a.Outcome
		}
	}
	return fmt.Sprintf("Attempt %d · %s · %s", n, what, outcome)
}

// attemptLines summarises every attempt when there was more than one:
// what it was, how it ended, who started it and when, how many results.
func (d *detail) attemptLines() []string {
	ns := d.attemptNumbers()
	if len(ns) < 2 {
		return nil
	}
	var out []string
	for _, n := range ns {
		line := "  " + d.attemptName(n)
		for _, a := range d.pr.Attempts {
			if a.N == n {
				line += " · started " + shortTime(a.StartedAt) + " by " + txt(a.StartedBy)
				if a.EndedAt != "" {
					line += ", ended " + shortTime(a.EndedAt)
				}
				if a.Reason != "" {
					line += " · " + txt(runbook.ReadableTimes(a.Reason))
				}
			}
		}
		results := 0
		for _, e := range d.pr.Results {
			if e.Attempt == n {
				results++
			}
		}
		out = append(out, line+fmt.Sprintf(" · %d result(s)", results))
	}
	return out
}

// stepHistory lists, for each step that was failed, retried or corrected
// within an attempt, every result recorded for it in that attempt: what the
// wizard's look-back shows. With more than one attempt, each attempt's
// steps come under its name, titled by its own runbook.
func (d *detail) stepHistory() []string {
	ns := d.attemptNumbers()
	var out []string
	for _, n := range ns {
		rb := runbook.AttemptRunbook(d.pr.Position, d.reopenedWhy(n) != "")
		tries := map[string][]runbook.Try{}
		var order []string
		for _, e := range d.pr.Results {
			if e.Attempt != n {
				continue
			}
			if _, ok := tries[e.Step]; !ok {
				order = append(order, e.Step)
			}
			tries[e.Step] = append(tries[e.Step], runbook.Try{Attempt: e.Attempt, Outcome: e.Outcome, Value: e.Value,
				Note: e.Note, Engineer: e.By, At: e.At, Evidence: e.Evidence, Correction: e.Correction, Was: e.Was, Override: e.Override})
		}
		var lines []string
		for _, key := range stepOrder(rb, order) {
			ts := tries[key]
			if len(ts) < 2 && (len(ts) == 0 || ts[0].Outcome != runbook.OutcomeFail) {
				continue
			}
			title := key
			if s, ok := rb.Step(key); ok {
				title = s.Title
			}
			lines = append(lines, "  "+txt(title))
			for _, t := range ts {
				lines = append(lines, "    "+tryLine(d.sh.st, t))
			}
		}
		if len(lines) == 0 {
			continue
		}
		if len(ns) > 1 {
			out = append(out, "  "+d.sh.st.Bold.Render(d.attemptName(n)))
			for i := range lines {
				lines[i] = "  " + lines[i]
			}
		}
		out = append(out, lines...)
	}
	return out
}

// stepOrder is the keys recorded, in their runbook's order (its steps,
// then its rollback), then any the runbook does not know, as recorded.
func stepOrder(rb runbook.Runbook, recorded []string) []string {
	has := map[string]bool{}
	for _, k := range recorded {
		has[k] = true
	}
	var out []string
	for _, s := range append(append([]runbook.Step{}, rb.Steps...), rb.Rollback...) {
		if has[s.Key] {
			out = append(out, s.Key)
			delete(has, s.Key)
		}
	}
	for _, k := range recorded {
		if has[k] {
			out = append(out, k)
			delete(has, k)
		}
	}
	return out
}
