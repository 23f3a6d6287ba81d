package runbook_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"cutover/internal/fieldtest"
	"cutover/site"
	"cutover/site/runbook"
)

// A correction re-derives only what follows from the corrected step, by the
// one numbers rule (issue 25, point 3): for every correctable step of every
// plan, on a finished position, the numbers move only for the number steps,
// and a corrected Teams DDI keeps the surrender already confirmed.
func TestACorrectionMovesOnlyWhatFollowsFromIt(t *testing.T) {
	ctx := context.Background()
	data, err := os.ReadFile("../../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	corrected := map[runbook.Field]string{runbook.FieldLegacySerial: "FCHCORR1", runbook.FieldLegacyTag: "MPS-CORR1",
		runbook.FieldCondition: "damaged", runbook.FieldNewSerial: "AVXCORR1", runbook.FieldNewTag: "AVT-CORR1",
		runbook.FieldDDI: "020 7230 1999", runbook.FieldTeamsDDI: "020 3000 4020", runbook.FieldDisposition: "weee WTN-9"}
	for _, label := range []string{"FC-01", "PT-01", "PE-01", "MR-01", "CS-01"} {
		st0, err := site.Open(filepath.Join(t.TempDir(), "probe.db"))
		if err != nil {
			t.Fatal(err)
		}
		inv, _ := site.ParseInventory("kx.json", data, site.ParseOptions{})
		if _, err := st0.Import(ctx, "t", inv, data, site.SiteOverrides{}); err != nil {
			t.Fatal(err)
		}
		pr, err := runbook.Steps(ctx, st0, "KX", label)
		st0.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range pr.Runbook.Steps {
			value, ok := corrected[step.Field]
			if !ok || step.Kind != runbook.StepInput {
				continue
			}
			t.Run(label+"/"+step.Key, func(t *testing.T) {
				st, err := site.Open(filepath.Join(t.TempDir(), "c.db"))
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				inv, _ := site.ParseInventory("kx.json", data, site.ParseOptions{})
				if _, err := st.Import(ctx, "t", inv, data, site.SiteOverrides{}); err != nil {
					t.Fatal(err)
				}
				if _, err := fieldtest.Do(st, "alice", "KX", label, "", nil); err != nil {
					t.Fatal(err)
				}
				before, err := runbook.PositionNumbers(ctx, st, "KX", label)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := runbook.Correct(ctx, st, "alice", "KX", label, step.Key, value, "mistyped", false); err != nil {
					t.Fatal(err)
				}
				after, err := runbook.PositionNumbers(ctx, st, "KX", label)
				if err != nil {
					t.Fatal(err)
				}
				p, _ := st.Position(ctx, "KX", label)
				want := before
				switch step.Field {
				case runbook.FieldDDI:
					want.State, want.DDI = runbook.DDINew, "+442072301999"
				case runbook.FieldTeamsDDI:
					want.TeamsDDI = "+442030004020"
				}
				if after.State != want.State || after.DDI != want.DDI || after.TeamsDDI != want.TeamsDDI || after.ExtState != want.ExtState {
					t.Errorf("numbers after correcting %s: %+v; want %+v (before %+v)", step.Key, after, want, before)
				}
				if runbook.SurrendersLegacyDDI(p.DDI, before.State, before.ExtState) != runbook.SurrendersLegacyDDI(p.DDI, after.State, after.ExtState) &&
					step.Field != runbook.FieldDDI {
					t.Errorf("correcting %s changed whether the legacy DDI is surrendered", step.Key)
				}
			})
		}
	}
}
