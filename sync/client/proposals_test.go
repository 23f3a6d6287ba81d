package client_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cutover/devices"
	"cutover/laptop"
	"cutover/site"
	"cutover/swap"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// TestDiscoveryProposalsReachTheSupervisor acts on a real discovery of the
// demo's simulated switches on an engineer's laptop: the moved PE-05 is
// proposed on its seen port, the unexpected phone is proposed as a new
// position, and (on a second pass) marked as not ours. The hub must keep
// each as a plan_discrepancy conflict without touching the plan; an admin
// accepting them changes the plan, and the engineer's next pull brings it.
func TestDiscoveryProposalsReachTheSupervisor(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "kx.json"))
	hubtest.Must(t, err)
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
		hubtest.Must(t, err)
		_, err = h.Store.ImportPlan(ctx, "ada", inv, data)
		hubtest.Must(t, err)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		ada := h.Laptop("ada", wire.RoleAdmin)
		_, err = alice.Syncer.Sync(ctx)
		hubtest.Must(t, err)

		sw, err := laptop.StartDemoSwitches(ctx, data)
		hubtest.Must(t, err)
		t.Cleanup(func() { sw.Close() })
		hubtest.Must(t, sw.Record(ctx, alice.Store, "alice", "KX"))
		opts := devices.DefaultOptions()
		opts.Timeout, opts.Retries = 2*time.Second, 1
		creds := devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}
		_, rec, err := swap.DiscoverSite(ctx, alice.Store, "alice", "KX", nil, creds, opts)
		hubtest.Must(t, err)
		if len(rec.Moved) != 1 || len(rec.Unexpected) != 1 {
			t.Fatalf("discovery: moved %d, unexpected %d; want 1 and 1", len(rec.Moved), len(rec.Unexpected))
		}
		mv, un := rec.Moved[0], rec.Unexpected[0]
		names := map[string]string{}
		for name, addr := range sw.Addrs() {
			names[addr] = name
		}
		propose := func(p site.Proposal) {
			t.Helper()
			hubtest.Must(t, laptop.Propose(ctx, alice.Store, "alice", "KX", p))
			rep, err := alice.Syncer.Sync(ctx)
			hubtest.Must(t, err)
			if rep.Rejected != 0 {
				t.Fatalf("alice's push: %+v", rep)
			}
		}
		// The admin settles every open proposal: accept or decline by kind.
		settle := func(decide map[string]string) {
			t.Helper()
			_, err := ada.Syncer.Sync(ctx, "KX")
			hubtest.Must(t, err)
			cs, err := laptop.Conflicts(ctx, ada.Store, "KX", false)
			hubtest.Must(t, err)
			n := 0
			for _, c := range cs {
				for kind, value := range decide {
					if c.Kind == "plan_discrepancy" && strings.Contains(string(c.Detail), `"proposal":"`+kind+`"`) {
						hubtest.Must(t, client.Resolve(ctx, ada.Store, "ada", c.ID, "checked on the floor plan", value))
						n++
					}
				}
			}
			if n != len(decide) {
				t.Fatalf("ada sees %d of the %d proposals", n, len(decide))
			}
			rep, err := ada.Syncer.Sync(ctx, "KX")
			hubtest.Must(t, err)
			if rep.Rejected != 0 {
				t.Fatalf("ada's push: %+v", rep)
			}
			_, err = alice.Syncer.Sync(ctx)
			hubtest.Must(t, err)
		}
		discover := func() devices.Reconciliation {
			t.Helper()
			_, rec, err := swap.DiscoverSite(ctx, alice.Store, "alice", "KX", nil, creds, opts)
			hubtest.Must(t, err)
			return rec
		}

		propose(site.Proposal{Kind: site.ProposeMove, Label: mv.Expected.Label, Switch: names[mv.Seen.Switch], Port: mv.Seen.Phone.Port,
			MAC: mv.Seen.Phone.MAC})
		propose(site.Proposal{Kind: site.ProposeNotOurs, Switch: names[un.Switch], Port: un.Phone.Port, MAC: un.Phone.MAC})
		// Kept for the supervisor; the plan is untouched.
		if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE kind = 'plan_discrepancy' AND fact LIKE 'proposal:%' AND status = 'open'`); n != 2 {
			t.Fatalf("hub holds %d open proposals; want 2", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE label_key = 'pe-05' AND port = ?`, mv.Seen.Phone.Port); n != 0 {
			t.Fatal("the hub moved PE-05 before anyone accepted it")
		}
		// Marked not ours, the phone is not flagged on this laptop at once.
		if r := discover(); len(r.Unexpected) != 0 {
			t.Fatalf("a phone proposed as not ours is still unexpected: %+v", r.Unexpected)
		}
		// An engineer cannot settle a proposal.
		hubtest.Must(t, client.Resolve(ctx, alice.Store, "alice", mustConflict(t, alice.Store, "move"), "it is right", "accept"))
		rep, err := alice.Syncer.Sync(ctx)
		hubtest.Must(t, err)
		if rep.Rejected != 1 {
			t.Fatalf("an engineer's acceptance of a proposal: %+v; want it refused", rep)
		}

		settle(map[string]string{"move": "accept", "not_ours": ""})
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE label_key = 'pe-05' AND switch = ? AND port = ?`, names[mv.Seen.Switch], mv.Seen.Phone.Port); n != 1 {
			t.Error("accepting the move did not change PE-05's planned port")
		}
		if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE entity_id = 'PE-05' AND status = 'open'`); n != 0 {
			t.Errorf("%d conflicts about PE-05 still open after the move was accepted", n)
		}
		_, pe, err := site.FindPosition(ctx, alice.Store.DB(), "KX", "PE-05")
		hubtest.Must(t, err)
		if pe.Port != mv.Seen.Phone.Port || pe.Switch != names[mv.Seen.Switch] {
			t.Errorf("alice's PE-05 is planned on %s %s after the pull", pe.Switch, pe.Port)
		}
		if r := discover(); len(r.Moved) != 0 || len(r.Unexpected) != 1 {
			t.Errorf("after the move accepted and not-ours declined: moved %d, unexpected %d; want 0 and 1", len(r.Moved), len(r.Unexpected))
		}

		// The phone is ours after all: a new position.
		propose(site.Proposal{Kind: site.ProposeAdd, Label: "UX-01", Role: "hot desk", Plan: "avaya_fixed", Switch: names[un.Switch],
			Port: un.Phone.Port, MAC: un.Phone.MAC, Vendor: un.Phone.Vendor, Model: un.Phone.Model})
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE site = 'KX' AND label_key = 'ux-01'`); n != 0 {
			t.Fatal("the hub added a position before anyone accepted it")
		}
		if err := laptop.Propose(ctx, alice.Store, "alice", "KX", site.Proposal{Kind: site.ProposeAdd, Label: "FC-01",
			Role: "hot_desk", Plan: "avaya_fixed", MAC: un.Phone.MAC}); err == nil || !strings.Contains(err.Error(), "already has") {
			t.Fatalf("a new position over an existing label: %v", err)
		}
		settle(map[string]string{"add": "accept"})
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE label_key = 'ux-01' AND role = 'hot_desk' AND plan = 'avaya_fixed' AND mac = ?`,
			un.Phone.MAC); n != 1 {
			t.Error("accepting the new position did not add UX-01")
		}
		ps, err := laptop.Proposals(ctx, alice.Store, "KX")
		hubtest.Must(t, err)
		states := map[string]string{}
		for _, p := range ps {
			states[p.Kind] = p.State
		}
		if states["move"] != site.ProposalAccepted || states["add"] != site.ProposalAccepted {
			t.Errorf("alice's proposals after the pull: %v", states)
		}
		r := discover()
		ux := false
		for _, m := range r.Matched {
			ux = ux || m.Expected.Label == "UX-01"
		}
		if len(r.Moved) != 0 || len(r.Unexpected) != 0 || !ux {
			t.Errorf("after every proposal settled: UX-01 matched %v, moved %d, unexpected %d; want true, 0, 0",
				ux, len(r.Moved), len(r.Unexpected))
		}
	})
}

// mustConflict is the id of the open proposal conflict of a kind on a laptop.
func mustConflict(t *testing.T, st *site.Store, kind string) string {
	t.Helper()
	cs, err := laptop.Conflicts(ctx, st, "KX", false)
	hubtest.Must(t, err)
	for _, c := range cs {
		if strings.Contains(string(c.Detail), `"proposal":"`+kind+`"`) {
			return c.ID
		}
	}
	t.Fatalf("no open %s proposal on this laptop", kind)
	return ""
}
