package bench

import (
	"testing"
	"time"

	"cutover/internal/fieldtest"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// BenchmarkPushFieldWork is one laptop pushing a day of field work: 100
// positions' whole runbooks, step by step as recorded (each step result,
// and the status, numbers and register ops the laptop writes beside it),
// in pushes of 50 ops. The hub derives every position each push touches.
func BenchmarkPushFieldWork(b *testing.B) {
	stores(b, func(b *testing.B, spec func() string) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			h := hubtest.Start(b, spec())
			inv := h.Plan("KX", 100)
			l := h.Laptop("alice", wire.RoleEngineer, "KX")
			if _, err := l.Syncer.Sync(ctx, "KX"); err != nil {
				b.Fatal(err)
			}
			for _, p := range inv.Sites[0].Positions {
				if _, err := fieldtest.Do(l.Store, "alice", "KX", p.Label, "", nil); err != nil {
					b.Fatal(err)
				}
			}
			l.Syncer.Batch = 50
			b.StartTimer()
			start := time.Now()
			rep, err := l.Syncer.Sync(ctx)
			el := time.Since(start)
			if err != nil || rep.Rejected != 0 {
				b.Fatalf("%v %+v", err, rep)
			}
			b.ReportMetric(el.Seconds(), "wall-s")
			b.ReportMetric(float64(rep.Pushed)/el.Seconds(), "ops/s")
			b.ReportMetric(float64(rep.Pushed), "ops")
			h.Stop()
		}
	})
}
