package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"cutover/internal/safetext"
	"cutover/site/runbook"

	"github.com/spf13/pflag"
)

func init() {
	var code, label string
	var asJSON bool
	register(&Command{
		Name:    "runbook",
		Args:    "--site CODE --position LABEL [--json]",
		Summary: "show a position's runbook with the state of every step",
		Help: `Prints the position's runbook in order: each step's kind, and its result in
the current attempt with the engineer, time, value and evidence (what an SNMP
check saw). The step marked ▶ is the one due: 'cutover step' or the TUI
resumes there, whoever recorded the last one.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&code, "site", "", "site `CODE`")
			fs.StringVar(&label, "position", "", "position `LABEL`")
			fs.BoolVar(&asJSON, "json", false, "print as JSON")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if code == "" || label == "" {
				return usagef("--site and --position are required")
			}
			st, err := env.OpenExisting()
			if err != nil {
				return err
			}
			defer st.Close()
			pr, err := runbook.Steps(ctx, st, code, label)
			if err != nil {
				return err
			}
			elsewhere, err := runbook.StepsElsewhere(ctx, st, code, label)
			if err != nil {
				return err
			}
			hubView, err := runbook.HubStanding(ctx, st, code, label)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					runbook.Progress
					Elsewhere []runbook.StepElsewhere `json:"recorded_elsewhere"`
					Hub       runbook.HubView         `json:"hub"`
				}{pr, elsewhere, hubView})
			}
			writeRunbook(env.Stdout, pr)
			writeContinuity(env.Stdout, runbook.ContinuityOf(pr, env.now()))
			writeElsewhere(env.Stdout, elsewhere)
			writeHubView(env.Stdout, hubView)
			return nil
		},
	})
}

func outcomeMark(s runbook.StepState, current bool) string {
	switch {
	case current:
		return "▶"
	case s.Outcome == runbook.OutcomePass:
		return "✓"
	case s.Outcome == runbook.OutcomeFail:
		return "✗"
	case s.Outcome == runbook.OutcomeSkip:
		return "↷"
	}
	return "·"
}

func writeRunbook(w io.Writer, pr runbook.Progress) {
	p := pr.Position
	fmt.Fprintf(w, "%s %s — %s\n", p.Site, p.Label, p.Location())
	fmt.Fprintf(w, "%s → %s, legacy %s %s on %s %s, extension %s", p.Role, p.Plan, p.LegacyVendor, dash(p.MAC),
		dash(p.Switch), dash(p.Port), dash(p.Extension))
	if n := pr.Number.String(); n != "" {
		fmt.Fprintf(w, ", DDI %s", n)
	}
	if p.TargetModel != "" {
		fmt.Fprintf(w, ", target %s", p.TargetModel)
	}
	fmt.Fprintf(w, "\nStatus: %s %s", p.Status.Symbol(), p.Status)
	if p.StatusReason != "" {
		fmt.Fprintf(w, " (%s)", p.StatusReason)
	}
	fmt.Fprintf(w, "; %d/%d steps done", pr.Done, pr.Total)
	if pr.Attempt > 0 {
		fmt.Fprintf(w, "; attempt %d", pr.Attempt)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, safetext.Line(runbook.CriticalityOf(p).Words()))
	for _, a := range pr.Attempts[:max(0, len(pr.Attempts)-1)] {
		fmt.Fprintf(w, "  earlier attempt %d by %s at %s: %s %s\n", a.N, a.StartedBy, runbook.ReadableTimes(a.StartedAt), a.Outcome, a.Reason)
	}
	// A reopened position: its steps below are the replacement's; what the
	// swap left (the legacy handset, the phones since) is said here, by the
	// one rule (Derive), and only this replacement's results are listed
	// under its steps.
	since := 0
	if pr.Runbook.Reopened {
		since = pr.Attempt
		d := runbook.Derive(p, pr.Results, nil)
		if h := d.Legacy; h != nil {
			fmt.Fprintf(w, "  swapped: legacy handset %s, %s\n", safetext.Line(strings.Join(strings.Fields(h.Serial+" "+h.Tag+" "+h.Condition), " ")),
				strings.ReplaceAll(h.State, "_", " "))
		}
		for _, l := range runbook.ReplacedLines(d) {
			fmt.Fprintf(w, "  %s\n", safetext.Line(runbook.ReadableTimes(l)))
		}
	}
	fmt.Fprintln(w)
	list := func(states []runbook.StepState) {
		for i, s := range states {
			cur := pr.Current != nil && pr.Current.Key == s.Key
			opt := ""
			if s.Skippable {
				opt = ", may be skipped"
			}
			fmt.Fprintf(w, "%s %2d. %-18s %-7s %s%s\n", outcomeMark(s, cur), i+1, s.Key, s.Kind, s.Title, opt)
			for _, t := range s.History {
				if t.Attempt >= since {
					writeTry(w, t, pr.Attempt)
				}
			}
			if cur {
				fmt.Fprintf(w, "       %s\n", s.Instructions)
				if s.Dial != "" {
					fmt.Fprintf(w, "       %s: --result pass if it %s, fail --note WHAT if not\n", s.Dial, s.Yes)
				}
				if s.Hint != "" {
					fmt.Fprintf(w, "       value: %s", s.Hint)
					if s.Suggested != "" {
						fmt.Fprintf(w, " (Enter takes %s)", s.Suggested)
					}
					fmt.Fprintln(w)
				}
			}
		}
	}
	list(pr.Steps)
	if pr.Mode == runbook.ModeRollback || (len(pr.Rollback) > 0 && pr.Rollback[len(pr.Rollback)-1].Outcome != "") {
		fmt.Fprintln(w, "\nRollback:")
		list(pr.Rollback)
	} else if pr.CanRollback && pr.Current != nil && pr.Current.Outcome == runbook.OutcomeFail {
		fmt.Fprintf(w, "\n%s failed: retry it, or roll back starting with %s.\n", pr.Current.Key, firstRollback(pr))
	}
	if pr.Restartable {
		fmt.Fprintf(w, "\nThe position can be started again with step %s.\n", pr.Steps[0].Key)
	}
}

// writeTry prints one recorded result of a step, with its note, value and
// what SNMP saw; results of earlier attempts say which.
func writeTry(w io.Writer, t runbook.Try, attempt int) {
	what := string(t.Outcome)
	if t.Correction {
		what = "corrected"
	}
	line := fmt.Sprintf("       %s by %s at %s", what, t.Engineer, runbook.ReadableTimes(t.At))
	if t.Attempt != attempt {
		line += fmt.Sprintf(" (attempt %d)", t.Attempt)
	}
	if t.Value != "" {
		line += ": " + t.Value
	}
	if t.Correction && t.Was != "" {
		line += " (was " + t.Was + ")"
	}
	if t.Override {
		line += " [override: recorded although the register knows it elsewhere]"
	}
	fmt.Fprintln(w, line)
	if t.Note != "" {
		fmt.Fprintf(w, "         note: %s\n", t.Note)
	}
	if t.Evidence != nil {
		fmt.Fprintf(w, "         saw: %s\n", t.Evidence.Summary)
	}
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// writeElsewhere lists the step results other laptops recorded, as the hub
// passed them on; this laptop's runbook goes by its own.
func writeElsewhere(w io.Writer, es []runbook.StepElsewhere) {
	if len(es) == 0 {
		return
	}
	fmt.Fprintf(w, "\nRecorded on other laptops (from the hub; for information, not part of this laptop's runbook):\n")
	for _, e := range es {
		line := fmt.Sprintf("  %-16s attempt %d  %-4s  %s  %s", e.Step, e.Attempt, e.Outcome, e.Engineer, e.At)
		if e.Value != "" {
			line += "  " + e.Value
		}
		fmt.Fprintln(w, line)
	}
}

// writeHubView says where the hub's record stands when it differs from this
// laptop's: open disputes, and this laptop's values it does not hold.
func writeHubView(w io.Writer, v runbook.HubView) {
	if !v.Known || len(v.Disputes) == 0 && len(v.Overruled) == 0 {
		return
	}
	fmt.Fprintf(w, "\nOn the hub (as of the last sync): %s", strings.ReplaceAll(string(v.Status), "_", " "))
	if v.Reason != "" {
		fmt.Fprintf(w, " (%s)", v.Reason)
	}
	fmt.Fprintln(w)
	for _, x := range v.Disputes {
		fmt.Fprintf(w, "  ⇄ disputed %s\n", x.Words())
	}
	for _, o := range v.Overruled {
		fmt.Fprintf(w, "  ✗ %s: this laptop recorded %s; %s\n", o.Step, o.Mine, o.Why)
	}
}

// writeContinuity says, for a critical position, how long it has been
// without a working phone against its target (runbook.DarkTime).
func writeContinuity(w io.Writer, c runbook.Continuity) {
	if !c.Critical {
		return
	}
	fmt.Fprintf(w, "\nContinuity: critical, at most %s dark", runbook.Clock(c.Target))
	if len(c.Periods) == 0 {
		fmt.Fprintln(w, "; not dark so far")
		return
	}
	fmt.Fprintf(w, "; %s\n", c.Words())
	for _, d := range c.Periods {
		to, ended := "now", "still dark"
		if !d.Open() {
			to, ended = d.To.Local().Format("15:04:05"), d.Ended
		}
		fmt.Fprintf(w, "  attempt %d: from %s (%s) to %s (%s)\n", d.Attempt, d.From.Local().Format("2006-01-02 15:04:05"), safetext.Line(d.Began), to, ended)
	}
}
