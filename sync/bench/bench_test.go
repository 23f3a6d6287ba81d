// Package bench measures sync end to end on a real hub (SQLite, and
// PostgreSQL when CUTOVER_TEST_PG is set) over real HTTP on 127.0.0.1:
// one laptop pushing 20,000 ops, 100 laptops syncing at once, and the
// snapshot of a 2,000-position site. scripts/bench.sh runs it.
package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

var ctx = context.Background()

func stores(b *testing.B, fn func(b *testing.B, spec func() string)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, func() string { return hubtest.SQLiteSpec(b) }) })
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(hubtest.PGEnv) == "" {
			b.Skipf("set %s to measure the hub on PostgreSQL", hubtest.PGEnv)
		}
		fn(b, func() string { return hubtest.PostgresSpec(b) })
	})
}

func notes(b *testing.B, l *hubtest.Laptop, code string, inv *site.Inventory, n int) {
	err := l.Store.Write(ctx, l.Name, func(tx *site.Tx) error {
		for i := 0; i < n; i++ {
			p := inv.Sites[0].Positions[i%len(inv.Sites[0].Positions)].Label
			if err := client.AddNote(ctx, tx, code, "position", p, fmt.Sprint("checked cabling ", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPush20000 is one laptop pushing 20,000 ops (40 batches of 500).
func BenchmarkPush20000(b *testing.B) {
	stores(b, func(b *testing.B, spec func() string) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			h := hubtest.Start(b, spec())
			inv := h.Plan("KX", 200)
			l := h.Laptop("alice", wire.RoleEngineer, "KX")
			if _, err := l.Syncer.Sync(ctx, "KX"); err != nil {
				b.Fatal(err)
			}
			notes(b, l, "KX", inv, 20000)
			b.StartTimer()
			start := time.Now()
			rep, err := l.Syncer.Sync(ctx)
			el := time.Since(start)
			if err != nil || rep.Applied != 20000 {
				b.Fatalf("%v %+v", err, rep)
			}
			b.ReportMetric(el.Seconds(), "wall-s")
			b.ReportMetric(20000/el.Seconds(), "ops/s")
			h.Stop()
		}
	})
}

type timed struct {
	next http.RoundTripper
	mu   *sync.Mutex
	lat  *[]time.Duration
}

func (t timed) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	if r.URL.Path == "/v1/sync/push" {
		d := time.Since(start)
		t.mu.Lock()
		*t.lat = append(*t.lat, d)
		t.mu.Unlock()
	}
	return resp, err
}

// BenchmarkFleet100 is 100 laptops (10 sites, 10 engineers each) each
// syncing 200 ops in pushes of 50 at the same moment.
func BenchmarkFleet100(b *testing.B) {
	const laptops, perLaptop, batch = 100, 200, 50
	stores(b, func(b *testing.B, spec func() string) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			// 100 laptops at once: more than the default in-flight bound
			// (64), which the laptops do not retry past.
			h := hubtest.StartWith(b, spec(), func(s *hub.Server) { s.Limits.MaxInFlight = 256 })
			var mu sync.Mutex
			var lat []time.Duration
			var ls []*hubtest.Laptop
			for s := 0; s < 10; s++ {
				code := fmt.Sprintf("S%02d", s)
				inv := h.Plan(code, 100)
				for e := 0; e < laptops/10; e++ {
					l := h.Laptop(fmt.Sprintf("eng%02d%02d", s, e), wire.RoleEngineer, code)
					if _, err := l.Syncer.Sync(ctx, code); err != nil {
						b.Fatal(err)
					}
					notes(b, l, code, inv, perLaptop)
					l.Syncer.Batch = batch
					l.Transport = timed{next: l.Transport, mu: &mu, lat: &lat}
					ls = append(ls, l)
				}
			}
			b.StartTimer()
			start := time.Now()
			var wg sync.WaitGroup
			errs := make(chan error, len(ls))
			for _, l := range ls {
				wg.Go(func() {
					if _, err := l.Syncer.Sync(ctx); err != nil {
						errs <- err
					}
				})
			}
			wg.Wait()
			el := time.Since(start)
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			slices.Sort(lat)
			total := laptops * perLaptop
			if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != total {
				b.Fatalf("journal has %d ops, want %d", n, total)
			}
			b.ReportMetric(float64(total)/el.Seconds(), "ops/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-push-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-push-ms")
			b.ReportMetric(el.Seconds(), "wall-s")
			h.Stop()
		}
	})
}

// BenchmarkSnapshot2000 builds and downloads the snapshot of a site with
// 2,000 positions (each with a fact), as a laptop's first pull does.
func BenchmarkSnapshot2000(b *testing.B) {
	stores(b, func(b *testing.B, spec func() string) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			h := hubtest.Start(b, spec())
			h.Plan("BIG", 2000)
			l := h.Laptop("alice", wire.RoleEngineer, "BIG")
			b.StartTimer()
			start := time.Now()
			info, err := l.Syncer.Client.Snapshot(ctx, "BIG")
			if err != nil {
				b.Fatal(err)
			}
			built := time.Since(start)
			body, err := l.Syncer.Client.Download(ctx, info, b.TempDir()+"/snap.part")
			if err != nil || int64(len(body)) != info.Size {
				b.Fatal(err)
			}
			el := time.Since(start)
			b.StopTimer()
			start = time.Now()
			rep, err := l.Syncer.Sync(ctx, "BIG")
			if err != nil || rep.Pulled < 2001 {
				b.Fatalf("%v %+v", err, rep)
			}
			applied := time.Since(start)
			b.ReportMetric(float64(info.Size)/1024, "gzip-KiB")
			b.ReportMetric(float64(built.Microseconds())/1000, "build-ms")
			b.ReportMetric(float64(el.Microseconds())/1000, "build+download-ms")
			b.ReportMetric(float64(applied.Microseconds())/1000, "laptop-sync-ms")
			h.Stop()
		}
	})
}
