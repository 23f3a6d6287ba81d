package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"cutover/devices"
	"cutover/site"
	"cutover/site/runbook"
	"cutover/swap"

	"github.com/spf13/pflag"
)

// stepSNMP are the SNMP flags of `cutover step`: the credentials exactly as
// `cutover discover` takes them, plus where each inventory switch answers.
type stepSNMP struct {
	creds   snmpCredFlags
	addrs   []string
	timeout float64
}

func (s *stepSNMP) flags(fs *pflag.FlagSet) {
	s.creds.add(fs)
	fs.StringArrayVar(&s.addrs, "switch-addr", nil, "`NAME=HOST[:PORT]`: where an inventory switch answers SNMP (repeatable; remembered for the site)")
	fs.Float64Var(&s.timeout, "snmp-timeout", 2, "SNMP request timeout in `SECONDS`")
}

// checker builds the SNMP checker, recording any --switch-addr in the
// site's table first.
func (s *stepSNMP) checker(ctx context.Context, env *Env, st *site.Store, code string) (*swap.SNMPChecker, error) {
	for _, v := range s.addrs {
		a, err := site.ParseSwitchAddr(v)
		if err != nil {
			return nil, usagef("--switch-addr: %v", err)
		}
		if err := st.SetSwitchAddr(ctx, env.Engineer, code, a); err != nil {
			return nil, err
		}
	}
	creds, err := s.creds.resolve(env)
	if err != nil {
		return nil, err
	}
	o := devices.DefaultOptions()
	if s.timeout > 0 {
		o.Timeout = secondsDuration(s.timeout)
	}
	return &swap.SNMPChecker{Creds: creds, Options: o, Store: st}, nil
}

func init() {
	var code, role, key, result, value, note string
	var labels []string
	var asJSON bool
	var snmp stepSNMP
	register(&Command{
		Name:    "step",
		Args:    "--site CODE (--position LABEL... | --role ROLE) --step KEY --result pass|fail|skip [--value V] [--note TEXT]",
		Summary: "record a runbook step for one position or many",
		Help: `Records one runbook step through exactly the rules of the TUI's swap wizard:
the step must be the one due, a skip is allowed only where the runbook allows it
and needs --note, a failure needs --note, and an input step's --value is checked
(serials, asset tags, DDIs, disposition). Each position is written in its own
transaction, so a bulk run that stops half way keeps what it recorded.

Automatic steps (precheck, verify, gone, rb_verify) read the switch over SNMP
and are recorded as pass or fail on what it shows, whatever --result says
(except skip). Give the credentials as for 'cutover discover', and where each
switch answers with --switch-addr (remembered for the site).

Bulk: give --position several times, or --role to take every position of a
role that is not done or withdrawn, e.g. forty meeting-room phones:
  cutover step --site KX --role meeting_room --step remove --result pass

Exit status: 0 every step recorded as pass or skip; 3 some step recorded as a
fail (a check that did not pass); 1 some position refused or not found.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&code, "site", "", "site `CODE`")
			fs.StringSliceVar(&labels, "position", nil, "position `LABEL` (repeatable, or comma-separated)")
			fs.StringVar(&role, "role", "", "every active position with this `ROLE` instead of --position")
			fs.StringVar(&key, "step", "", "step `KEY` (see 'cutover runbook')")
			fs.StringVar(&result, "result", "", "`RESULT`: pass, fail or skip")
			fs.StringVar(&value, "value", "", "the scanned or typed `VALUE` of an input step")
			fs.StringVar(&note, "note", "", "`TEXT`: why it failed or was skipped, or anything worth keeping")
			fs.BoolVar(&asJSON, "json", false, "print what was recorded as JSON lines")
			snmp.flags(fs)
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if code == "" || key == "" || result == "" {
				return usagef("--site, --step and --result are required")
			}
			if (len(labels) == 0) == (role == "") {
				return usagef("give --position LABEL (one or more) or --role ROLE, not both")
			}
			out, err := runbook.ParseOutcome(result)
			if err != nil {
				return usagef("--result: %v", err)
			}
			st, err := env.OpenStore()
			if err != nil {
				return err
			}
			defer st.Close()
			if role != "" {
				r, err := site.ParseRole(role)
				if err != nil {
					return usagef("--role: %v", err)
				}
				ps, err := st.Positions(ctx, code)
				if err != nil {
					return err
				}
				for _, p := range ps {
					if p.Role == r && p.Status != site.StatusDone && p.Status != site.StatusWithdrawn {
						labels = append(labels, p.Label)
					}
				}
				if len(labels) == 0 {
					return fmt.Errorf("site %s has no %s position left to do", strings.ToUpper(code), r)
				}
			} else if _, err := st.Site(ctx, code); err != nil {
				return err
			}
			run := &swap.Runner{Store: st}
			var chkErr error
			// Build the checker only if some position's step is automatic.
			needSNMP := false
			for _, l := range labels {
				if pr, err := runbook.Steps(ctx, st, code, l); err == nil {
					if s, ok := pr.Runbook.Step(key); ok && s.Kind == runbook.StepAuto && out != runbook.OutcomeSkip {
						needSNMP = true
					}
				}
			}
			if needSNMP {
				c, err := snmp.checker(ctx, env, st, code)
				var ue UsageError
				if errors.As(err, &ue) {
					return err
				}
				if err != nil {
					chkErr = err
				} else {
					run.Checker = c
				}
			}
			failed, refused := 0, 0
			for _, l := range labels {
				if chkErr != nil {
					if pr, err := runbook.Steps(ctx, st, code, l); err == nil {
						if s, ok := pr.Runbook.Step(key); ok && s.Kind == runbook.StepAuto {
							fmt.Fprintf(env.Stderr, "%s: step %s: %v\n", l, key, chkErr)
							refused++
							continue
						}
					}
				}
				rec, err := run.Record(ctx, env.Engineer, code, l, key, swap.Input{Outcome: out, Value: value, Note: note})
				if err != nil {
					fmt.Fprintf(env.Stderr, "%s: %v\n", l, err)
					refused++
					continue
				}
				if rec.Outcome == runbook.OutcomeFail {
					failed++
				}
				if asJSON {
					b, _ := json.Marshal(rec)
					fmt.Fprintln(env.Stdout, string(b))
					continue
				}
				printRecorded(env, rec)
			}
			if len(labels) > 1 {
				fmt.Fprintf(env.Stderr, "%d position(s): %d recorded, %d refused, %d failed\n",
					len(labels), len(labels)-refused, refused, failed)
			}
			switch {
			case refused > 0:
				return errQuiet{code: 1}
			case failed > 0:
				return errQuiet{code: 3}
			}
			return nil
		},
	})
}

func printRecorded(env *Env, rec swap.Recorded) {
	line := fmt.Sprintf("%s %s: %s", rec.Position, rec.Step, rec.Outcome)
	if rec.Value != "" {
		line += " (" + rec.Value + ")"
	}
	if rec.Check != nil {
		line += ": " + rec.Check.Summary
	}
	fmt.Fprintln(env.Stdout, line)
	if rec.HookErr != "" {
		fmt.Fprintf(env.Stderr, "%s: after the step: %s\n", rec.Position, rec.HookErr)
	}
	pr := rec.Progress
	switch {
	case pr.Current != nil:
		fmt.Fprintf(env.Stdout, "  next: %s — %s (%d/%d done)\n", pr.Current.Key, pr.Current.Title, pr.Done, pr.Total)
		if rec.Outcome == runbook.OutcomeFail && pr.CanRollback {
			fmt.Fprintf(env.Stdout, "  retry %s, or roll back with --step %s\n", rec.Step, firstRollback(pr))
		}
	default:
		fmt.Fprintf(env.Stdout, "  position %s %s", pr.Position.Status.Symbol(), pr.Position.Status)
		if pr.Position.StatusReason != "" {
			fmt.Fprintf(env.Stdout, ": %s", pr.Position.StatusReason)
		}
		fmt.Fprintln(env.Stdout)
	}
}

func firstRollback(pr runbook.Progress) string {
	if len(pr.Rollback) == 0 {
		return "rb_reason"
	}
	return pr.Rollback[0].Key
}

func secondsDuration(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
