package cli

import (
	"context"
	"cutover/internal/safetext"
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

// remember records every --switch-addr in the site's table, whatever step
// is due (an op with who and when, sent to the hub).
func (s *stepSNMP) remember(ctx context.Context, env *Env, st *site.Store, code string) error {
	for _, v := range s.addrs {
		a, err := site.ParseSwitchAddr(v)
		if err != nil {
			return usagef("--switch-addr: %v", err)
		}
		if err := st.SetSwitchAddr(ctx, env.Engineer, code, a); err != nil {
			return err
		}
	}
	return nil
}

func init() {
	var code, role, key, result, value, note string
	var labels []string
	var asJSON, override, correct, byEye, noWait bool
	var snmp stepSNMP
	register(&Command{
		Name:    "step",
		Args:    "--site CODE (--position LABEL... | --role ROLE) --step KEY (--result pass|fail|skip | --correct) [--value V] [--note TEXT] [--override]",
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

Only what the switch reports can fail a check. A fact the switch does not report
at all (a switch without POWER-ETHERNET-MIB or a voice VLAN MIB, when the phone
does not say it over LLDP-MED either) is "not reported by this switch": the
check records nothing until you look and confirm it with --confirm-by-eye
--note WHAT-YOU-SAW, and it is then recorded as confirmed by eye, not proven.

Without SNMP credentials a check asks for them and records nothing. An SNMP
check may be skipped only when the switch could not be read: a check that
cannot reach the switch is recorded as such (with the address tried), and then
--result skip --note WHY is accepted (the skip keeps that address and error);
a check the switch answered and failed can only be run again or rolled back.

A serial or asset tag the register already holds for another handset (in any
state, anywhere) is refused, naming where it is. If you are sure (a relabelled
handset), --override with --note records it anyway, and the hub tells the
supervisor.

--correct records a correction of a scanned or typed value already recorded
(a mistyped serial, the wrong tag, condition or number): --value is the right
value and --note the reason. The old value stays in the step's history; the
rest of the swap stands.

A gone check that still sees the old handset known only from LLDP or CDP (the
port stayed up: a phone behind a PC's bridge or a desk switch) records nothing
yet: the switch keeps such an entry until its time to live runs out (120 s for
LLDP by default, 180 s for CDP). It checks again every 5 s, counting down on
standard error, until the entry has gone or the time to live has run out, and
records what it then sees; Ctrl+C stops it with nothing recorded. --no-wait
records what the switch shows at once.

A done position whose phone fails afterwards (dead the next day) is reopened
as a new attempt that replaces the phone: --step reopen --result pass --value
WHAT-IS-WRONG. The replacement's steps follow (swap the phone on the jack,
verify it is not the old one, its serial and tag, the test calls, where the
phone taken out goes, the sign-off); the legacy handset and the numbers stay
as the swap left them. Only a done position with a phone on its jack (an
Avaya fixed or push-to-talk plan) can be reopened; a Teams move, a soft phone
or a removal is refused, saying who handles it.
    cutover step --site KX --position FC-01 --step reopen --result pass --value "phone dead since Monday"

Bulk: give --position several times, or --role to take every position of a
role that is not done or withdrawn. Each position must be at the step given,
so a bulk run goes step by step; e.g. the meeting-room phones, removed for
collection without reading their labels:
  cutover step --site KX --role meeting_room --step legacy_serial --result skip --note "bulk removal: read at stores"
  cutover step --site KX --role meeting_room --step legacy_tag --result skip --note "bulk removal"
  cutover step --site KX --role meeting_room --step legacy_condition --result skip --note "bulk removal"
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
			fs.BoolVar(&override, "override", false, "record a serial or tag the register knows elsewhere (needs --note)")
			fs.BoolVar(&correct, "correct", false, "correct the value already recorded for --step (needs --value and --note)")
			fs.BoolVar(&byEye, "confirm-by-eye", false, "with --note: confirm by eye what the switch does not report (PoE, voice VLAN…); recorded as not proven")
			fs.BoolVar(&noWait, "no-wait", false, "gone: record what the switch shows at once, even an LLDP entry that may only be waiting for its TTL to run out")
			snmp.flags(fs)
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if code == "" || key == "" || (result == "") == !correct {
				return usagef("--site, --step and one of --result or --correct are required")
			}
			if (len(labels) == 0) == (role == "") {
				return usagef("give --position LABEL (one or more) or --role ROLE, not both")
			}
			for _, f := range []struct{ name, v string }{{"--value", value}, {"--note", note}} {
				if err := safetext.Check(strings.TrimSpace(f.v), f.name == "--note"); err != nil {
					return usagef("%s: %v", f.name, err)
				}
			}
			out := runbook.OutcomePass
			if !correct {
				var err error
				if out, err = runbook.ParseOutcome(result); err != nil {
					return usagef("--result: %v", err)
				}
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
			if err := snmp.remember(ctx, env, st, code); err != nil {
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
				if errors.As(err, &ue) && !errors.Is(err, devices.ErrNoCredentials) {
					return err
				}
				if err != nil {
					chkErr = err
					// The check is recorded as one that could not read the
					// switch, which a skip may then follow.
					run.Checker = swap.Unreadable(err)
				} else {
					run.Checker = c
				}
			}
			failed, refused := 0, 0
			for _, l := range labels {
				if chkErr != nil && !errors.Is(chkErr, devices.ErrNoCredentials) {
					fmt.Fprintf(env.Stderr, "%s: step %s: the switch cannot be read: %v\n", l, key, chkErr)
				}
				var rec swap.Recorded
				var err error
				if correct {
					rec, err = run.Correct(ctx, env.Engineer, code, l, key, value, note, override)
				} else {
					in := swap.Input{Outcome: out, Value: value, Note: note, Override: override, ByEye: byEye}
					rec, err = recordWaiting(ctx, env, run, code, l, key, in, !noWait)
				}
				if err != nil {
					fmt.Fprintf(env.Stderr, "%s: %v\n", l, err)
					if errors.Is(err, swap.ErrNoSwitchAddr) {
						fmt.Fprintf(env.Stderr, "%s: give where the switch answers with --switch-addr NAME=HOST[:PORT] (remembered for the site), or run 'cutover discover' for it\n", l)
					}
					if errors.Is(err, runbook.ErrNotReported) {
						fmt.Fprintf(env.Stderr, "%s: look at the port and the phone, then run it again with --confirm-by-eye --note \"what you saw\" (recorded as confirmed by eye, not proven)\n", l)
					}
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
	if rec.Corrected {
		line = fmt.Sprintf("%s %s: corrected to %s", rec.Position, rec.Step, rec.Value)
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
		if rec.Outcome == runbook.OutcomeFail {
			var ways []string
			ways = append(ways, "retry "+rec.Step)
			if pr.Current.Unreadable() && pr.Current.Skippable {
				ways = append(ways, "skip it with --result skip --note WHY (the switch could not be read)")
			}
			if pr.CanRollback {
				ways = append(ways, "roll back with --step "+firstRollback(pr)+" --value \"failed|blocked: WHY\"")
			}
			fmt.Fprintf(env.Stdout, "  %s\n", strings.Join(ways, ", or "))
		}
	default:
		fmt.Fprintf(env.Stdout, "  position %s %s", pr.Position.Status.Symbol(), pr.Position.Status)
		if pr.Position.StatusReason != "" {
			fmt.Fprintf(env.Stdout, ": %s", pr.Position.StatusReason)
		}
		fmt.Fprintln(env.Stdout)
		if pr.Reopenable {
			fmt.Fprintf(env.Stdout, "  if its phone fails later: --step %s --result pass --value \"what is wrong\" reopens it to replace the phone\n", runbook.StepReopen)
		}
	}
}

func firstRollback(pr runbook.Progress) string {
	if len(pr.Rollback) == 0 {
		return "rb_reason"
	}
	return pr.Rollback[0].Key
}

func secondsDuration(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
