package cli

import (
	"context"
	"fmt"
	"io/fs"

	"cutover/devices"
	"cutover/laptop"
	"cutover/site"
	"cutover/swap"
)

// startDemoSwitches starts the demo site's simulated switches on loopback
// and records their addresses for the site, so that the runbook's
// automatic steps read them (community "public").
func startDemoSwitches(ctx context.Context, env *Env, st *site.Store, code string) (*laptop.DemoSwitches, error) {
	data, err := fs.ReadFile(env.DemoFS, DemoFile)
	if err != nil {
		return nil, fmt.Errorf("demo site: %w", err)
	}
	sw, err := laptop.StartDemoSwitches(ctx, data)
	if err != nil {
		return nil, err
	}
	if err := sw.Record(ctx, st, env.Engineer, code); err != nil {
		sw.Close()
		return nil, err
	}
	// A restarted demo shows the swaps already recorded.
	if err := sw.Restore(ctx, st, code); err != nil {
		sw.Close()
		return nil, err
	}
	return sw, nil
}

// demoRunner is the swap runner of the demo: SNMP checks against the
// simulated switches, and the hooks that put the new Avaya phone on the
// port when the swap is confirmed and the legacy handset back on rollback.
func demoRunner(st *site.Store, sw *laptop.DemoSwitches) *swap.Runner {
	chk := &swap.SNMPChecker{Store: st}
	chk.Creds.Community = devices.NewSecret(laptop.DemoCommunity)
	return &swap.Runner{Store: st, Checker: chk, OnSwapConfirmed: sw.OnSwapConfirmed, OnReplaced: sw.OnReplaced, OnStage: sw.OnStage,
		OnReconnect: sw.OnReconnect}
}
