package client_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cutover/devices"
	"cutover/laptop"
	"cutover/site"
	"cutover/site/runbook"
	"cutover/swap"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// fieldAnswer is what an engineer gives for each step on the happy path.
func fieldAnswer(label, key string) swap.Input {
	n := strings.ReplaceAll(label, "-", "")
	pass := func(v string) swap.Input { return swap.Input{Outcome: runbook.OutcomePass, Value: v} }
	switch key {
	case "legacy_serial":
		return pass("FCH" + n + "Q7")
	case "legacy_tag":
		return pass("MPS-L" + n)
	case "legacy_condition":
		return pass("good")
	case "new_tag":
		return pass("MPS-N" + n)
	case "teams_ddi":
		return pass("020 7946 0" + fmt.Sprintf("%03d", len(n)*37))
	case "disposition":
		if strings.HasPrefix(label, "MR") {
			return pass("store")
		}
		return pass("weee WTN-2026-0099")
	case "signoff":
		return pass("Sgt Ada Okafor")
	case "told_before", "told_after": // a critical position: who was told
		return swap.Input{Outcome: runbook.OutcomePass, Value: "PS Morgan"}
	case "stage": // no spare port on the demo switch: the swap is done without staging
		return swap.Input{Outcome: runbook.OutcomeSkip, Note: "no spare port free"}
	}
	return swap.Input{Outcome: runbook.OutcomePass} // confirmations; Enter keeps the switch's serial and the DDI
}

// TestFieldWorkReachesTheHub walks real runbooks on a laptop, with the
// automatic steps proved over SNMP by the demo's simulated switches, then
// syncs: the hub must take every op the field engine wrote (none refused),
// know the steps, the handsets and where the legacy kit went, count it in
// the supervisors' progress, and pass it to a second engineer's laptop.
func TestFieldWorkReachesTheHub(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "kx.json"))
	hubtest.Must(t, err)
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
		hubtest.Must(t, err)
		_, err = h.Store.ImportPlan(ctx, "ada", inv, data)
		hubtest.Must(t, err)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		bob := h.Laptop("bob", wire.RoleEngineer, "KX")
		sam := h.Laptop("sam", wire.RoleSupervisor)
		for _, l := range []*hubtest.Laptop{alice, bob} {
			if _, err := l.Syncer.Sync(ctx); err != nil {
				t.Fatalf("%s's first sync: %v", l.Name, err)
			}
		}

		sw, err := laptop.StartDemoSwitches(ctx, data)
		hubtest.Must(t, err)
		t.Cleanup(func() { sw.Close() })
		hubtest.Must(t, sw.Record(ctx, alice.Store, "alice", "KX"))
		opts := devices.DefaultOptions()
		opts.Timeout, opts.Retries = 2*time.Second, 1
		run := &swap.Runner{Store: alice.Store, OnSwapConfirmed: sw.OnSwapConfirmed, OnReconnect: sw.OnReconnect,
			Checker: &swap.SNMPChecker{Creds: devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)},
				Options: opts, Store: alice.Store}}
		walk := func(label string) {
			for range 40 {
				pr, err := runbook.Steps(ctx, alice.Store, "KX", label)
				hubtest.Must(t, err)
				if pr.Current == nil {
					return
				}
				rec, err := run.Record(ctx, "alice", "KX", label, pr.Current.Key, fieldAnswer(label, pr.Current.Key))
				if err != nil || (rec.Outcome != runbook.OutcomePass && pr.Current.Key != "stage") || rec.HookErr != "" {
					t.Fatalf("%s step %s: %v %s %s %+v", label, pr.Current.Key, err, rec.Outcome, rec.HookErr, rec.Check)
				}
			}
			t.Fatalf("%s: the runbook did not finish", label)
		}
		// Discovery first: on the day the demo's PE-05 handset is on another
		// port, which the hub must take as an observation beating the plan.
		_, rec, err := swap.DiscoverSite(ctx, alice.Store, "alice", "KX", nil,
			devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}, opts)
		hubtest.Must(t, err)
		if len(rec.Moved) != 1 || rec.Moved[0].Expected.Label != "PE-05" {
			t.Fatalf("discovery moved %+v; want PE-05", rec.Moved)
		}
		walk("FC-01") // avaya_fixed: new J179 verified over SNMP, legacy handset to WEEE
		walk("PE-01") // teams_ddi
		walk("MR-01") // remove, handset back to stores

		// Discovery after the swaps: FC-01 is matched by its new phone, the
		// removed handsets are expected gone, and the only phone nobody
		// listed is still the demo's one on kx-sw3.
		_, rec, err = swap.DiscoverSite(ctx, alice.Store, "alice", "KX", nil,
			devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}, opts)
		hubtest.Must(t, err)
		matchedFC := false
		for _, m := range rec.Matched {
			if m.Expected.Label == "FC-01" && m.Seen.Phone.Vendor == "avaya" {
				matchedFC = true
			}
		}
		if !matchedFC || len(rec.Unexpected) != 1 || len(rec.Missing) != 1 {
			t.Errorf("discovery after the swaps: FC-01 matched by its Avaya %v, unexpected %d (want 1), missing %+v (want HD-08 only)",
				matchedFC, len(rec.Unexpected), rec.Missing)
		}

		rep, err := alice.Syncer.Sync(ctx)
		hubtest.Must(t, err)
		if rep.Pushed == 0 || rep.Rejected != 0 || rep.Conflicts != 0 {
			t.Fatalf("alice's push: %+v; want every op the field engine wrote taken", rep)
		}
		refused, err := alice.Store.DB().QueryContext(ctx, `SELECT kind, result FROM oplog WHERE state <> 'acked'`)
		hubtest.Must(t, err)
		for refused.Next() {
			var kind, res string
			refused.Scan(&kind, &res)
			t.Errorf("op %s not acked: %s", kind, res)
		}
		refused.Close()

		for _, l := range []string{"FC-01", "PE-01", "MR-01"} {
			if n := h.Count(`SELECT COUNT(*) FROM positions WHERE site = 'KX' AND label = ? AND status = 'done'`, l); n != 1 {
				t.Errorf("hub: %s is not done", l)
			}
		}
		{
			// What the hub derived from alice's steps.
			var state string
			hubtest.Must(t, h.Store.QueryRowForTest(`SELECT value FROM facts WHERE site = 'KX' AND entity = 'position' AND entity_id = 'FC-01'
			AND attr = 'state'`, nil, &state))
			var fc runbook.Derived
			hubtest.Must(t, json.Unmarshal([]byte(state), &fc))
			if fc.Done != fc.Total || len(fc.Steps) < 15 {
				t.Errorf("hub knows %d of FC-01's steps (%d/%d done); want all of them", len(fc.Steps), fc.Done, fc.Total)
			}
			if !strings.Contains(fc.SignedOffBy, "Okafor") {
				t.Error("hub does not know who signed FC-01 off")
			}
			if fc.New == nil || fc.New.Model != "J179" || fc.New.State != "installed" ||
				h.Count(`SELECT COUNT(*) FROM claims WHERE what = 'handset' AND key = ? AND label_key = 'fc-01' AND kind = 'new'`, fc.New.Key) != 1 {
				t.Errorf("hub does not hold the new J179 at FC-01: %+v", fc.New)
			}
			if fc.Legacy == nil || fc.Legacy.Key != "FCHFC01Q7" || fc.Legacy.State != "weee_disposal" {
				t.Errorf("hub does not know FC-01's legacy handset went to WEEE disposal: %+v", fc.Legacy)
			}
		}
		if n := h.Count(`SELECT COUNT(*) FROM facts WHERE entity_id = 'PE-05' AND attr = 'port' AND value = 'Gi1/0/30'`); n != 1 {
			t.Error("hub did not record PE-05's observed port")
		}
		if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE kind = 'plan_discrepancy' AND entity_id = 'PE-05' AND status = 'open'`); n != 1 {
			t.Error("hub opened no plan_discrepancy for PE-05's move")
		}

		p, err := h.Store.Authenticate(ctx, sam.Creds.AccessToken)
		hubtest.Must(t, err)
		pg, err := h.Store.Progress(ctx, p, time.Now())
		hubtest.Must(t, err)
		if len(pg.Sites) != 1 {
			t.Fatalf("progress sites %+v", pg.Sites)
		}
		kx := pg.Sites[0]
		if kx.Done != 3 || kx.MovedToTeams != 1 || kx.HandsetsWEEE != 2 || kx.HandsetsReturned != 1 || kx.DDIsSurrendered != 1 {
			t.Errorf("KX progress: done %d, Teams %d, WEEE %d, returned %d, DDIs surrendered %d; want 3, 1, 2, 1, 1",
				kx.Done, kx.MovedToTeams, kx.HandsetsWEEE, kx.HandsetsReturned, kx.DDIsSurrendered)
		}

		// The central inventory's report of the site, as a supervisor and
		// over the API as the site's other engineer.
		srep, err := h.Store.SiteReport(ctx, p, "KX")
		hubtest.Must(t, err)
		rows := map[string]wire.ReportRow{}
		for _, r := range srep.Rows {
			rows[r.Label] = r
		}
		fc, pe, mr := rows["FC-01"], rows["PE-01"], rows["MR-01"]
		if fc.Status != "done" || fc.StepsDone != 20 || fc.NewModel != "J179" || fc.NewSerial == "" || fc.NewMAC == "" ||
			fc.LegacySerial != "FCHFC01Q7" || fc.Disposition != "weee_disposal" || fc.WTNRef != "WTN-2026-0099" || fc.DDIState != "kept" {
			t.Errorf("hub report FC-01: %+v", fc)
		}
		if pe.DDIState != "teams" || pe.TeamsDDI == "" || pe.Disposition != "weee_disposal" || mr.Disposition != "returned_to_store" {
			t.Errorf("hub report PE-01 %+v, MR-01 %+v", pe, mr)
		}
		if len(srep.Rows) != 58 || rows["PE-05"].OpenConflicts != 1 {
			t.Errorf("hub report: %d rows, PE-05 conflicts %d", len(srep.Rows), rows["PE-05"].OpenConflicts)
		}
		if viaAPI, err := bob.Syncer.Client.SiteReport(ctx, "KX"); err != nil || len(viaAPI.Rows) != 58 {
			t.Errorf("bob's report over the API: %v rows, %v", len(viaAPI.Rows), err)
		}
		if _, err := alice.Syncer.Client.SiteReport(ctx, "ZZ"); err == nil {
			t.Error("a report of another site was not refused")
		}

		if _, err := bob.Syncer.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if p, err := bob.Store.Position(ctx, "KX", "FC-01"); err != nil || p.Status != site.StatusDone {
			t.Errorf("bob's laptop: FC-01 %v %v; want done", p.Status, err)
		}
		// Bob sees alice's step results for information; alice, who
		// recorded them, is not shown her own as coming from elsewhere.
		es, err := runbook.StepsElsewhere(ctx, bob.Store, "KX", "FC-01")
		hubtest.Must(t, err)
		if len(es) != 20 || es[0].Step != "precheck" || es[len(es)-1].Step != "signoff" || es[len(es)-1].Engineer != "alice" ||
			es[len(es)-1].Value != "Sgt Ada Okafor" {
			t.Errorf("bob's view of FC-01's steps from the hub: %d %+v", len(es), es)
		}
		if _, err := alice.Syncer.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if es, err := runbook.StepsElsewhere(ctx, alice.Store, "KX", "FC-01"); err != nil || len(es) != 0 {
			t.Errorf("alice's own steps shown as recorded elsewhere: %v %+v", err, es)
		}
	})
}
