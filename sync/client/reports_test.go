package client_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
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

var machineTime = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d`)

// TestBothReportsCountTheSameWork runs one day's field work on a laptop
// (swaps done, a step failed and tried again, a swap rolled back as
// blocked after the handset was unplugged, a handset lost, a discovery
// that finds a moved phone), syncs it, and compares the laptop's report
// with the hub's position by position: the same steps done of the same
// total (runbook.CountSteps; a rollback's steps are not the runbook's),
// the same status and where each legacy handset went; the hub's progress
// counts the lost handset.
func TestBothReportsCountTheSameWork(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "kx.json"))
	hubtest.Must(t, err)
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
		hubtest.Must(t, err)
		_, err = h.Store.ImportPlan(ctx, "ada", inv, data)
		hubtest.Must(t, err)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		sam := h.Laptop("sam", wire.RoleSupervisor)
		_, err = alice.Syncer.Sync(ctx)
		hubtest.Must(t, err)
		sw, err := laptop.StartDemoSwitches(ctx, data)
		hubtest.Must(t, err)
		t.Cleanup(func() { sw.Close() })
		hubtest.Must(t, sw.Record(ctx, alice.Store, "alice", "KX"))
		opts := devices.DefaultOptions()
		opts.Timeout, opts.Retries = 2*time.Second, 1
		creds := devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}
		run := &swap.Runner{Store: alice.Store, OnSwapConfirmed: sw.OnSwapConfirmed, OnReconnect: sw.OnReconnect,
			Checker: &swap.SNMPChecker{Creds: creds, Options: opts, Store: alice.Store}}
		record := func(label, key string, in swap.Input) {
			t.Helper()
			if _, err := run.Record(ctx, "alice", "KX", label, key, in); err != nil {
				t.Fatalf("%s step %s: %v", label, key, err)
			}
		}
		// walk records the happy path's answers until the runbook ends or
		// reaches stop.
		walk := func(label, stop string, answer func(label, key string) swap.Input) {
			t.Helper()
			for range 40 {
				pr, err := runbook.Steps(ctx, alice.Store, "KX", label)
				hubtest.Must(t, err)
				if pr.Current == nil || pr.Current.Key == stop {
					return
				}
				record(label, pr.Current.Key, answer(label, pr.Current.Key))
			}
			t.Fatalf("%s: the runbook did not finish", label)
		}
		_, _, err = swap.DiscoverSite(ctx, alice.Store, "alice", "KX", nil, creds, opts) // PE-05 is on another port
		hubtest.Must(t, err)
		walk("FC-01", "", fieldAnswer)
		walk("PE-01", "", fieldAnswer)
		walk("MR-01", "", fieldAnswer)
		// FC-02: the inbound test call fails, then passes once put right.
		walk("FC-02", "call_in", fieldAnswer)
		record("FC-02", "call_in", swap.Input{Outcome: runbook.OutcomeFail, Note: "rings but no audio"})
		walk("FC-02", "", fieldAnswer)
		// MR-02: the handset is gone when the engineer gets there.
		walk("MR-02", "", func(label, key string) swap.Input {
			if key == "disposition" {
				return swap.Input{Outcome: runbook.OutcomePass, Value: "lost", Note: "not in the room; the inspector knows nothing of it"}
			}
			return fieldAnswer(label, key)
		})
		// CS-01: the new phone will not power; rolled back as blocked after
		// the legacy handset was unplugged, so the rollback's steps run.
		walk("CS-01", "verify", fieldAnswer)
		record("CS-01", "rb_reconnect", swap.Input{Outcome: runbook.OutcomePass, RollbackReason: "blocked: no PoE budget left on kx-sw1"})
		walk("CS-01", "", fieldAnswer)
		rep, err := alice.Syncer.Sync(ctx)
		hubtest.Must(t, err)
		if rep.Rejected != 0 {
			t.Fatalf("sync: %+v", rep)
		}

		local, err := runbook.BuildReport(ctx, alice.Store, "KX", time.Now())
		hubtest.Must(t, err)
		p, err := h.Store.Authenticate(ctx, sam.Creds.AccessToken)
		hubtest.Must(t, err)
		central, err := h.Store.SiteReport(ctx, p, "KX")
		hubtest.Must(t, err)
		hubRows := map[string]wire.ReportRow{}
		for _, r := range central.Rows {
			hubRows[r.Label] = r
		}
		for _, l := range local.Rows {
			c, ok := hubRows[l.Label]
			if !ok {
				t.Errorf("%s: not in the hub's report", l.Label)
				continue
			}
			if l.StepsDone != c.StepsDone || l.StepsTotal != c.StepsTotal || string(l.Status) != c.Status {
				t.Errorf("%s: laptop %s %d/%d steps, hub %s %d/%d", l.Label, l.Status, l.StepsDone, l.StepsTotal, c.Status, c.StepsDone, c.StepsTotal)
			}
			state, _, _ := strings.Cut(l.Disposition, " ")
			if state != c.Disposition {
				t.Errorf("%s: laptop disposition %q, hub %q", l.Label, l.Disposition, c.Disposition)
			}
		}
		if local.Done != 5 || central.Totals.Done != local.Done {
			t.Errorf("done: laptop %d, hub %d; want 5 each", local.Done, central.Totals.Done)
		}
		cs := hubRows["CS-01"]
		if cs.Status != "blocked" || cs.StepsDone == cs.StepsTotal {
			t.Errorf("hub CS-01: %+v", cs)
		}
		pg, err := h.Store.Progress(ctx, p, time.Now())
		hubtest.Must(t, err)
		if kx := pg.Sites[0]; kx.HandsetsLost != 1 || kx.HandsetsReturned != 1 || kx.HandsetsWEEE != 3 || pg.Force.HandsetsLost != 1 {
			t.Errorf("progress: lost %d, returned %d, WEEE %d; want 1, 1, 3", kx.HandsetsLost, kx.HandsetsReturned, kx.HandsetsWEEE)
		}

		// The laptop's handover in words.
		var md bytes.Buffer
		hubtest.Must(t, local.WriteMarkdown(&md))
		doc := md.String()
		for _, want := range []string{"- ● done: 5\n", "| custody suite |", "| returned to store |",
			"| WEEE disposal, waste transfer note WTN-2026-0099 |", "| lost |", "tag MPS-NFC01", "tag MPS-LFC01 (good)",
			"## Discovery findings", "- **PE-05** moved: its phone was seen on kx-sw", "- unexpected phone on kx-sw3",
			"- **CS-01** (", "blocked: no PoE budget left on kx-sw1; the legacy handset is still in place",
			"call\\_in: fail (alice"} {
			if !strings.Contains(doc, want) {
				t.Errorf("the handover lacks %q", want)
			}
		}
		for _, line := range strings.Split(doc, "\n") {
			if strings.HasPrefix(line, "| CS-01 |") {
				cells := strings.Split(line, "|")
				if strings.Contains(line, "installed") || strings.TrimSpace(cells[len(cells)-2]) != "—" {
					t.Errorf("the blocked CS-01 shows a disposition or a finish: %s", line)
				}
			}
			if machineTime.MatchString(line) {
				t.Errorf("a machine time in the handover: %s", line)
			}
		}
		if t.Failed() {
			t.Logf("the handover:\n%s", doc)
		}
	})
}
