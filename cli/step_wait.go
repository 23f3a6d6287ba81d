package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cutover/site/runbook"
	"cutover/swap"
)

// goneRecheckEvery is how often `cutover step` checks a gone port again
// while the switch may still be keeping the old handset's LLDP entry.
const goneRecheckEvery = 5 * time.Second

// recordWaiting records one step. On a gone check that still sees a
// phone known only from LLDP or CDP, it records nothing while the switch's
// entry may only be waiting for its time to live to run out: it checks
// again every few seconds, saying so on standard error, and records what it
// sees once the entry has gone or the time is over. A cancelled context
// (Ctrl+C) stops it with nothing recorded.
func recordWaiting(ctx context.Context, env *Env, run *swap.Runner, code, label, key string, in swap.Input, wait bool) (swap.Recorded, error) {
	var until time.Time
	for {
		in.Wait = wait && (until.IsZero() || env.now().Before(until))
		rec, err := run.Record(ctx, env.Engineer, code, label, key, in)
		if !errors.Is(err, runbook.ErrMayLinger) || rec.Check == nil {
			return rec, err
		}
		if until.IsZero() {
			ttl, _ := rec.Check.MayLinger()
			until = env.now().Add(ttl)
			fmt.Fprintf(env.Stderr, "%s: gone: %s\n%s: the switch keeps a neighbour it no longer hears until its time to live runs out; checking again every %s until %s (Ctrl+C stops, nothing recorded)\n",
				label, rec.Check.Summary, label, goneRecheckEvery, until.Format("15:04:05"))
		} else {
			fmt.Fprintf(env.Stderr, "%s: gone: still listed; %s left, checking again\n", label, until.Sub(env.now()).Round(time.Second))
		}
		select {
		case <-ctx.Done():
			return rec, fmt.Errorf("position %s step %s: stopped while waiting for the switch to forget the old handset; nothing was recorded", label, key)
		case <-time.After(goneRecheckEvery):
		}
	}
}

// now is the command's clock: Env.Now in tests, else the wall clock.
func (env *Env) now() time.Time {
	if env.Now != nil {
		return env.Now()
	}
	return time.Now()
}
