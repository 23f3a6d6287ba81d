package swap

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutover/devices"
	"cutover/devices/simswitch"
	"cutover/laptop"
	"cutover/site"
	"cutover/site/runbook"
)

func discover(t *testing.T, r *rig) devices.Reconciliation {
	t.Helper()
	o := devices.DefaultOptions()
	_, rec, err := DiscoverSite(context.Background(), r.st, "eng-a", "KX", nil,
		devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}, o)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func verdict(rec devices.Reconciliation, label string) string {
	for _, m := range rec.Matched {
		if m.Expected.Label == label {
			return "matched " + m.Seen.Phone.Vendor
		}
	}
	for _, m := range rec.Moved {
		if m.Expected.Label == label {
			return "moved"
		}
	}
	for _, e := range rec.Missing {
		if e.Label == label {
			return "missing"
		}
	}
	for _, l := range rec.Leftover {
		if l.Label == label {
			return "leftover"
		}
	}
	return "none"
}

// Issue 10 point 10: from the moment the swap is recorded, discovery
// expects the new phone and not the legacy handset.
func TestDiscoveryKnowsWhatTheSwapDid(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	const label = "CS-02"
	if v := verdict(discover(t, r), label); v != "matched cisco" {
		t.Fatalf("before the swap: %s", v)
	}
	for _, k := range []string{"precheck", "legacy_serial", "legacy_tag", "legacy_condition", "told_before", "stage", "swap"} {
		if _, err := r.run.Record(ctx, "eng-a", "KX", label, k, answer(label, k)); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	// Swapped, not verified yet: any Avaya phone on the port is the one.
	rec := discover(t, r)
	if v := verdict(rec, label); v != "matched avaya" {
		t.Fatalf("after the swap step: %s", v)
	}
	for _, s := range rec.Unexpected {
		if s.Phone.Vendor == "avaya" {
			t.Fatalf("the new phone is listed as unexpected: %+v", s)
		}
	}
	if _, err := r.run.Record(ctx, "eng-a", "KX", label, "verify", Input{Outcome: runbook.OutcomePass}); err != nil {
		t.Fatal(err)
	}
	if v := verdict(discover(t, r), label); v != "matched avaya" {
		t.Fatalf("verified, still in progress: %s", v)
	}
	// A removal done whose handset is plugged back in somewhere: a
	// leftover of that position, not a phone the inventory lacks.
	pr := r.walk(t, "MR-01")
	if pr.Position.Status != site.StatusDone {
		t.Fatalf("MR-01 %s", pr.Position.Status)
	}
	back := simswitch.MitelPhone("6873i", pr.Position.MAC, "")
	if err := r.sw.Switch("kx-sw2").SetNeighbour("22", &back); err != nil {
		t.Fatal(err)
	}
	rec = discover(t, r)
	if v := verdict(rec, "MR-01"); v != "leftover" {
		t.Fatalf("MR-01's handset seen again: %s (unexpected %+v)", v, rec.Unexpected)
	}
	for _, s := range rec.Unexpected {
		if s.Phone.MAC == pr.Position.MAC {
			t.Fatalf("an inventory handset called not in the inventory: %+v", s)
		}
	}
}

// A demo restarted after a swap shows the new phone, as recorded, and
// discovery agrees with the runbook.
func TestDemoRestartShowsTheSwapsRecorded(t *testing.T) {
	r := newRig(t)
	r.walk(t, "CS-02")
	r.walk(t, "MR-01")
	ctx := context.Background()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "demo", "kx.json"))
	if err != nil {
		t.Fatal(err)
	}
	r.sw.Close()
	sw, err := laptop.StartDemoSwitches(ctx, data) // the demo restarted: switches as first planned
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close() })
	if err := sw.Record(ctx, r.st, "eng-a", "KX"); err != nil {
		t.Fatal(err)
	}
	if err := sw.Restore(ctx, r.st, "KX"); err != nil {
		t.Fatal(err)
	}
	r.sw = sw
	rec := discover(t, r)
	if v := verdict(rec, "CS-02"); v != "matched avaya" {
		t.Fatalf("CS-02 after the restart: %s", v)
	}
	if len(rec.Leftover) != 0 {
		t.Fatalf("leftovers after a restart: %+v", rec.Leftover)
	}
}

// The avaya_soft plan (business case item 15): the handset goes, the user
// keeps the extension and DDI on the soft-phone client, proved by a test
// call in and out; the report counts it with its plan and the kept number.
func TestAvayaSoftRunbook(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	if err := r.st.Write(ctx, "setup", func(tx *site.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE positions SET plan = 'avaya_soft' WHERE site = 'KX' AND label = 'PE-03'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	pr := r.walk(t, "PE-03")
	var keys []string
	for _, s := range pr.Steps {
		keys = append(keys, s.Key)
	}
	if got := strings.Join(keys, " "); got != "soft_client legacy_serial legacy_tag legacy_condition remove gone ddi call_in call_out disposition signoff" {
		t.Fatalf("steps: %s", got)
	}
	if pr.Position.Status != site.StatusDone || pr.Numbers.State != runbook.DDIKept || pr.Number.LegacySurrendered {
		t.Fatalf("after the walk: %s %s surrendered %v", pr.Position.Status, pr.Numbers.State, pr.Number.LegacySurrendered)
	}
	rep, err := runbook.BuildReport(ctx, r.st, "KX", r.st.Now())
	if err != nil {
		t.Fatal(err)
	}
	if rep.ByPlan[site.PlanAvayaSoft] != 1 || rep.DDIs[runbook.DDIKept] != 1 {
		t.Fatalf("report: plans %v DDIs %v", rep.ByPlan, rep.DDIs)
	}
	if v := verdict(discover(t, r), "PE-03"); v == "missing" {
		t.Fatalf("a soft-phone position is missing its handset after the removal")
	}
}
