package swap

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cutover/assets"
	"cutover/devices"
	"cutover/laptop"
	"cutover/site"
	"cutover/site/runbook"
)

// rig is a store holding the demo site with its simulated switches running
// on loopback and a Runner wired to them, as `cutover demo` does.
type rig struct {
	st  *site.Store
	sw  *laptop.DemoSwitches
	run *Runner
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "demo", "kx.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := site.Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, "setup", inv, data, site.SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	sw, err := laptop.StartDemoSwitches(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close() })
	if err := sw.Record(ctx, st, "setup", "KX"); err != nil {
		t.Fatal(err)
	}
	opts := devices.DefaultOptions()
	opts.Timeout, opts.Retries = 2*time.Second, 1
	chk := &SNMPChecker{Creds: devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}, Options: opts, Store: st}
	return &rig{st: st, sw: sw, run: &Runner{Store: st, Checker: chk, OnSwapConfirmed: sw.OnSwapConfirmed, OnReplaced: sw.OnReplaced, OnReconnect: sw.OnReconnect}}
}

// answer is what an engineer gives for each step on the happy path.
func answer(label, key string) Input {
	n := strings.NewReplacer("-", "").Replace(label)
	switch key {
	case "legacy_serial":
		return Input{Outcome: runbook.OutcomePass, Value: "FCH" + n + "X1\r\n"} // a scanner's Enter
	case "legacy_tag":
		return Input{Outcome: runbook.OutcomePass, Value: "  mps-l" + n}
	case "legacy_condition":
		return Input{Outcome: runbook.OutcomePass, Value: "Good"}
	case "new_serial", "ddi":
		return Input{Outcome: runbook.OutcomePass} // Enter takes the switch's serial / keeps the DDI
	case "new_tag":
		return Input{Outcome: runbook.OutcomePass, Value: "MPS-N" + n}
	case "teams_ddi":
		return Input{Outcome: runbook.OutcomePass, Value: "020 7946 0" + fmt.Sprintf("%03d", len(label)*7+int(label[len(label)-1]))}
	case "disposition", "faulty_disposition":
		return Input{Outcome: runbook.OutcomePass, Value: "weee WTN-2026-0042"}
	case "signoff":
		return Input{Outcome: runbook.OutcomePass, Value: "Sgt Ada Okafor"}
	case "told_before", "told_after": // a critical position: who was told
		return Input{Outcome: runbook.OutcomePass, Value: "PS Morgan"}
	case "stage": // no spare port on the demo switch: the swap is done without staging
		return Input{Outcome: runbook.OutcomeSkip, Note: "no spare port free"}
	case "ptt_group":
		return Input{Outcome: runbook.OutcomePass, Value: "CT OPS 1"}
	}
	return Input{Outcome: runbook.OutcomePass}
}

// walk records every step of a position's runbook in order, as the
// wizard would, and fails the test on any refusal or failed check.
func (r *rig) walk(t *testing.T, label string) runbook.Progress {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < 40; i++ {
		pr, err := runbook.Steps(ctx, r.st, "KX", label)
		if err != nil {
			t.Fatal(err)
		}
		key := ""
		switch {
		case pr.Current != nil:
			key = pr.Current.Key
		case pr.Restartable:
			key = pr.Steps[0].Key
		default:
			return pr
		}
		rec, err := r.run.Record(ctx, "eng-a", "KX", label, key, answer(label, key))
		if err != nil {
			t.Fatalf("%s step %s: %v", label, key, err)
		}
		if rec.Outcome != runbook.OutcomePass && !(key == "stage" && rec.Outcome == runbook.OutcomeSkip) {
			t.Fatalf("%s step %s: %s: %+v", label, rec.Step, rec.Outcome, rec.Check)
		}
		if rec.HookErr != "" {
			t.Fatalf("%s step %s: hook: %s", label, rec.Step, rec.HookErr)
		}
	}
	t.Fatalf("%s: runbook did not finish", label)
	return runbook.Progress{}
}

func TestEachRunbookPassPathAgainstSimulatedSwitch(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	cases := []struct {
		label string
		plan  site.Plan
		must  []string // steps this role's runbook must have
	}{
		{"FC-01", site.PlanAvayaFixed, []string{"recording", "call_logging"}},
		{"RC-01", site.PlanAvayaFixed, nil},
		{"PT-01", site.PlanAvayaPTT, []string{"ptt_group", "recording"}},
		{"DA-03", site.PlanAvayaFixed, []string{"door_release"}}, // on the generic switch, Mitel legacy
		{"PE-01", site.PlanTeamsDDI, []string{"teams_ddi", "surrender", "gone"}},
		{"MR-01", site.PlanRemove, []string{"remove", "gone"}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			pr := r.walk(t, c.label)
			if pr.Position.Plan != c.plan || pr.Position.Status != site.StatusDone || pr.Done != pr.Total {
				t.Fatalf("plan %s status %s done %d/%d", pr.Position.Plan, pr.Position.Status, pr.Done, pr.Total)
			}
			for _, k := range c.must {
				if st, ok := pr.Step(k); !ok || st.Outcome != runbook.OutcomePass || st.Engineer != "eng-a" || st.At == "" {
					t.Errorf("step %s: %+v", k, st)
				}
			}
			as, err := assets.ForSite(ctx, r.st.DB(), "KX")
			if err != nil {
				t.Fatal(err)
			}
			var legacy, newer *assets.Asset
			for i := range as {
				if as[i].Position == c.label && as[i].Kind == assets.KindLegacy {
					legacy = &as[i]
				}
				if as[i].Position == c.label && as[i].Kind == assets.KindNew {
					newer = &as[i]
				}
			}
			if legacy == nil || legacy.State != assets.StateWEEE || legacy.WTNRef != "WTN-2026-0042" ||
				legacy.Serial != "FCH"+strings.ReplaceAll(c.label, "-", "")+"X1" || legacy.MAC != pr.Position.MAC {
				t.Fatalf("legacy asset: %+v", legacy)
			}
			if c.plan == site.PlanAvayaFixed || c.plan == site.PlanAvayaPTT {
				want := laptop.DemoPhone(pr.Position)
				if newer == nil || newer.State != assets.StateInstalled || newer.Serial != want.Serial ||
					newer.MAC != want.MAC || newer.Model != want.Model || newer.Vendor != "avaya" {
					t.Fatalf("new asset %+v, want serial %s mac %s model %s", newer, want.Serial, want.MAC, want.Model)
				}
				v, _ := pr.Step("verify")
				if v.Evidence == nil || v.Evidence.Phone == nil || v.Evidence.Phone.Serial != want.Serial {
					t.Fatalf("verify evidence: %+v", v.Evidence)
				}
				sign, _ := pr.Step("signoff")
				if sign.Value != "Sgt Ada Okafor" || !strings.Contains(pr.Position.StatusReason, "Sgt Ada Okafor") {
					t.Fatalf("signoff %+v, reason %q", sign, pr.Position.StatusReason)
				}
			} else if newer != nil {
				t.Fatalf("a %s position got a new phone: %+v", c.plan, newer)
			}
			nums, err := runbook.PositionNumbers(ctx, r.st, "KX", c.label)
			if err != nil {
				t.Fatal(err)
			}
			switch c.plan {
			case site.PlanTeamsDDI:
				if nums.State != runbook.DDITeams || !strings.HasPrefix(nums.TeamsDDI, "+44207946") || nums.ExtState != "surrendered" {
					t.Fatalf("numbers: %+v", nums)
				}
			case site.PlanAvayaFixed, site.PlanAvayaPTT:
				if pr.Position.DDI != "" && (nums.State != runbook.DDIKept || nums.DDI != pr.Position.DDI) {
					t.Fatalf("numbers: %+v", nums)
				}
			}
		})
	}
	counts, err := runbook.DDICounts(ctx, r.st, "KX")
	if err != nil {
		t.Fatal(err)
	}
	if counts[runbook.DDIKept] != 3 || counts[runbook.DDITeams] != 1 {
		t.Fatalf("DDI counts: %v", counts)
	}
}

func TestFailedVerificationThenRollback(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	const label = "CS-01"
	for _, k := range []string{"precheck", "legacy_serial", "legacy_tag", "legacy_condition", "told_before", "stage"} {
		if _, err := r.run.Record(ctx, "eng-a", "KX", label, k, answer(label, k)); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	// The engineer confirms the swap, but the new phone never comes up:
	// the port stays empty (no demo hook this time).
	noHook := *r.run
	noHook.OnSwapConfirmed = func(ctx context.Context, p site.Position) error {
		return r.sw.Switch(p.Switch).ClearNeighbour(p.Port)
	}
	if _, err := noHook.Record(ctx, "eng-a", "KX", label, "swap", Input{Outcome: runbook.OutcomePass}); err != nil {
		t.Fatal(err)
	}
	rec, err := r.run.Record(ctx, "eng-a", "KX", label, "verify", Input{Outcome: runbook.OutcomePass})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Outcome != runbook.OutcomeFail || rec.Check == nil || !strings.Contains(rec.Check.Summary, "no phone seen") {
		t.Fatalf("verify: %s %+v", rec.Outcome, rec.Check)
	}
	pr := rec.Progress
	if pr.Current == nil || pr.Current.Key != "verify" || !pr.CanRollback || pr.Current.Tries != 1 {
		t.Fatalf("after a failed verify the current step must stay verify with rollback offered: %+v", pr.Current)
	}
	// Moving on past a failed step is refused.
	if _, err := r.run.Record(ctx, "eng-a", "KX", label, "new_serial", Input{Outcome: runbook.OutcomePass}); !errors.Is(err, runbook.ErrStepOrder) {
		t.Fatalf("out of order: %v", err)
	}
	// Retry fails again (still nothing there), then roll back.
	if rec, err = r.run.Record(ctx, "eng-a", "KX", label, "verify", Input{}); err != nil || rec.Progress.Current.Tries != 2 {
		t.Fatalf("retry: %v %+v", err, rec.Progress.Current)
	}
	// A rollback starts with its reason: neither the reconnect nor the
	// verify comes first.
	for _, k := range []string{"rb_reconnect", "rb_verify"} {
		if _, err := r.run.Record(ctx, "eng-a", "KX", label, k, Input{Outcome: runbook.OutcomePass}); !errors.Is(err, runbook.ErrStepOrder) {
			t.Fatalf("rollback must start with rb_reason, not %s: %v", k, err)
		}
	}
	if rec, err = r.run.Record(ctx, "eng-b", "KX", label, "rb_reason", Input{Outcome: runbook.OutcomePass,
		Value: "blocked: J179 does not register, MCVP station not built"}); err != nil {
		t.Fatal(err)
	}
	if rec.Progress.Mode != runbook.ModeRollback || rec.Progress.Current.Key != "rb_reconnect" || rec.Progress.Position.Status != site.StatusInProgress {
		t.Fatalf("after the reason: mode %s current %+v status %s", rec.Progress.Mode, rec.Progress.Current, rec.Progress.Position.Status)
	}
	if rec, err = r.run.Record(ctx, "eng-b", "KX", label, "rb_reconnect", Input{Outcome: runbook.OutcomePass}); err != nil {
		t.Fatal(err)
	}
	if rec.Progress.Mode != runbook.ModeRollback || rec.Progress.Current.Key != "rb_verify" {
		t.Fatalf("mode %s current %+v", rec.Progress.Mode, rec.Progress.Current)
	}
	if rec, err = r.run.Record(ctx, "eng-b", "KX", label, "rb_verify", Input{}); err != nil || rec.Outcome != runbook.OutcomePass {
		t.Fatalf("legacy back: %v %s %+v", err, rec.Outcome, rec.Check)
	}
	if !strings.Contains(rec.Check.Summary, "00:1e:13:8c:90:15") {
		t.Fatalf("evidence should name the legacy MAC: %s", rec.Check.Summary)
	}
	p := rec.Progress.Position
	if p.Status != site.StatusBlocked || p.StatusReason != "J179 does not register, MCVP station not built" || rec.Progress.Mode != runbook.ModeFinished {
		t.Fatalf("after rollback: %s %q %s", p.Status, p.StatusReason, rec.Progress.Mode)
	}
	legacy, ok, err := assets.AtPosition(ctx, r.st.DB(), mustID(t, r.st, label), assets.KindLegacy)
	if err != nil || !ok || legacy.State != assets.StateInstalled {
		t.Fatalf("legacy handset should be installed again: %+v %v", legacy, err)
	}
	// It can be started again later: a new attempt, from the first step.
	if _, err := r.run.Record(ctx, "eng-a", "KX", label, "legacy_serial", answer(label, "legacy_serial")); !errors.Is(err, runbook.ErrStepOrder) {
		t.Fatalf("restart must begin at the first step: %v", err)
	}
	pr = r.walk(t, label)
	if pr.Attempt != 2 || len(pr.Attempts) != 2 || pr.Attempts[0].Outcome != "blocked" || pr.Position.Status != site.StatusDone {
		t.Fatalf("second attempt: %d %+v %s", pr.Attempt, pr.Attempts, pr.Position.Status)
	}
}

func mustID(t *testing.T, st *site.Store, label string) int64 {
	t.Helper()
	var id int64
	if err := st.DB().QueryRow(`SELECT id FROM positions WHERE site='KX' AND label=?`, label).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
