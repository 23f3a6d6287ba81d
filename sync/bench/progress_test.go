package bench

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"cutover/internal/invgen"
	"cutover/site"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// BenchmarkProgress is GET /v1/progress over 200 sites and 20,000
// positions with a year of completions (half the positions done, one
// done_log row each, spread over 365 days).
func BenchmarkProgress(b *testing.B) {
	stores(b, func(b *testing.B, spec func() string) {
		h := hubtest.Start(b, spec())
		var buf bytes.Buffer
		if err := invgen.WriteCSV(&buf, invgen.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
		inv, err := site.ParseInventory("force.csv", buf.Bytes(), site.ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.Store.ImportPlan(ctx, "admin", inv, buf.Bytes()); err != nil {
			b.Fatal(err)
		}
		must := func(err error) {
			if err != nil {
				b.Fatal(err)
			}
		}
		must(h.Store.ExecForTest(`UPDATE positions SET status = 'done' WHERE label_key LIKE '%0' OR label_key LIKE '%2'
			OR label_key LIKE '%4' OR label_key LIKE '%6' OR label_key LIKE '%8'`))
		must(h.Store.ExecForTest(`UPDATE positions SET status = 'failed', status_reason = 'no PoE' WHERE label_key LIKE '%11'`))
		start := time.Date(2025, 11, 26, 0, 0, 0, 0, time.UTC)
		rows, err := h.Store.QueryForTest(`SELECT site, label_key FROM positions WHERE status = 'done' ORDER BY site, label_key`)
		must(err)
		for i := 0; i < len(rows); i += 500 {
			q := `INSERT INTO done_log (site, label_key, day, engineer, ver) VALUES `
			var args []any
			for j, r := range rows[i:min(i+500, len(rows))] {
				if j > 0 {
					q += ", "
				}
				q += "(?, ?, ?, 'eng', 1)"
				args = append(args, r[0], r[1], start.AddDate(0, 0, (i+j)%365).Format(time.DateOnly))
			}
			must(h.Store.ExecForTest(q, args...))
		}
		sup := h.Laptop("sam", wire.RoleSupervisor)
		get := func() int {
			req, _ := http.NewRequest(http.MethodGet, h.URL+"/v1/progress", nil)
			req.Header.Set("Authorization", "Bearer "+sup.Creds.AccessToken)
			resp, err := http.DefaultClient.Do(req)
			must(err)
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("progress: %d", resp.StatusCode)
			}
			return int(n)
		}
		size := get()
		b.ResetTimer()
		var worst time.Duration
		for b.Loop() {
			t0 := time.Now()
			get()
			worst = max(worst, time.Since(t0))
		}
		b.ReportMetric(float64(size)/1024, "KiB")
		b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
	})
}
