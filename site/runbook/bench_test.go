package runbook

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"cutover/site"
)

// benchStore is the demo site in a fresh store, with PE-01 (Teams DDI) at
// its surrender step.
func benchStore(b *testing.B) *site.Store {
	b.Helper()
	st, err := site.Open(filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	data, err := os.ReadFile("../../testdata/demo/kx.json")
	if err != nil {
		b.Fatal(err)
	}
	inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := st.Import(ctx, "bench", inv, data, site.SiteOverrides{}); err != nil {
		b.Fatal(err)
	}
	if _, err := Record(ctx, st, "bench", "KX", "PE-01", "teams_ddi", Result{Outcome: OutcomePass, Value: "020 7946 0001"}); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkRecordStep is one step result recorded the way the wizard does
// it: checked against the runbook's rules and the step's history, written
// with its op in one transaction (synchronous=FULL), and the progress
// after it read back. The step's history grows by one each time.
func BenchmarkRecordStep(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Record(ctx, st, "bench", "KX", "PE-01", "surrender", Result{Outcome: OutcomeFail, Note: "not routed yet"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStepsWith100Results loads a position's runbook whose step has
// 100 results in its history: what every wizard refresh reads.
func BenchmarkStepsWith100Results(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		if _, err := Record(ctx, st, "bench", "KX", "PE-01", "surrender", Result{Outcome: OutcomeFail, Note: "not routed yet"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pr, err := Steps(ctx, st, "KX", "PE-01")
		if err != nil || len(pr.Steps[1].History) != 100 {
			b.Fatalf("%v %d", err, len(pr.Steps[1].History))
		}
	}
}

// BenchmarkSiteReport builds the demo site's report (58 positions, each
// with its runbook, numbers and history).
func BenchmarkSiteReport(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := BuildReport(ctx, st, "KX", st.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSiteExpectations is what discovery now reads before it judges a
// site: every position's runbook, for what its port should show.
func BenchmarkSiteExpectations(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := SiteExpectations(ctx, st, "KX"); err != nil {
			b.Fatal(err)
		}
	}
}
