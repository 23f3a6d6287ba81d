package export_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"cutover/internal/invgen"
	"cutover/site"
	"cutover/site/export"
	"cutover/site/runbook"
	"cutover/swap"
)

// BenchmarkExport2000 writes each export of a generated 2,000-position
// site where every fourth Teams or removal position has its runbook walked
// to the end (the switch unreadable, so automatic steps are skipped with
// the reason): time per export.
func BenchmarkExport2000(b *testing.B) {
	ctx := context.Background()
	var csv bytes.Buffer
	must(b, invgen.WriteCSV(&csv, invgen.Options{Sites: 1, PerSite: 2000, Seed: 1}))
	inv, err := site.ParseInventory("bench.csv", csv.Bytes(), site.ParseOptions{})
	must(b, err)
	st, err := site.Open(filepath.Join(b.TempDir(), "bench.db"))
	must(b, err)
	defer st.Close()
	_, err = st.Import(ctx, "bench", inv, csv.Bytes(), site.SiteOverrides{})
	must(b, err)
	code := inv.Sites[0].Site.Code
	run := &swap.Runner{Store: st, Checker: swap.Unreadable(errors.New("no route to the switch"))}
	ps, err := st.Positions(ctx, code)
	must(b, err)
	for i, p := range ps {
		if i%4 != 0 || p.Plan == site.PlanAvayaFixed || p.Plan == site.PlanAvayaPTT {
			continue // an Avaya swap needs its verify step read from a switch
		}
		for range 40 {
			pr, err := runbook.Steps(ctx, st, code, p.Label)
			must(b, err)
			if pr.Current == nil {
				break
			}
			in := answer(p.Label, pr.Current.Key)
			switch {
			case pr.Current.Kind == runbook.StepAuto && pr.Current.Unreadable():
				in = swap.Input{Outcome: runbook.OutcomeSkip, Note: "switch unreadable"}
			case pr.Current.Field == runbook.FieldTeamsDDI:
				in.Value = fmt.Sprintf("020 7946 %04d", i)
			}
			if _, err := run.Record(ctx, "bench", code, p.Label, pr.Current.Key, in); err != nil {
				b.Fatalf("%s %s: %v", p.Label, pr.Current.Key, err)
			}
		}
	}
	for _, kind := range export.Kinds {
		b.Run(string(kind), func(b *testing.B) {
			rows := 0
			for b.Loop() {
				var err error
				switch kind {
				case export.KindRetire:
					var r []export.Retire
					if r, err = runbook.ExportRetire(ctx, st, code); err == nil {
						err, rows = export.WriteRetire(io.Discard, "csv", nil, r, nil), len(r)
					}
				case export.KindInstall:
					var r []export.Install
					if r, err = runbook.ExportInstall(ctx, st, code); err == nil {
						err, rows = export.WriteInstall(io.Discard, "csv", nil, r, nil), len(r)
					}
				case export.KindNumbers:
					var n export.Numbers
					if n, err = runbook.ExportNumbers(ctx, st, code); err == nil {
						err, rows = export.WriteNumbers(io.Discard, "csv", nil, n, nil), len(n.Rows)
					}
				case export.KindTeamsLIS:
					var l export.LIS
					if l, err = runbook.ExportLIS(ctx, st, code, true); err == nil {
						err, rows = export.WriteLIS(io.Discard, "ps1", nil, l), len(l.Ports)+len(l.Gaps)
					}
				}
				must(b, err)
			}
			b.ReportMetric(float64(rows), "rows")
		})
	}
}
