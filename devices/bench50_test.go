package devices_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cutover/devices"
	"cutover/devices/simswitch"
)

// BenchmarkDiscover50 is performance item (b): 50 simulated 48-port Cisco
// access switches (the demo kx-sw1 layout: 24 phones, PCs on voice ports,
// an uplink with 72 MACs behind it) read at once, each agent answering
// after 10 ms, the low end of the 10-40 ms real access switches show
// (../shared/research/domain.md §2.3). The agents run in this process, so
// their CPU is shared with the discovery's; a slower agent would only make
// the ratio better. It reports the total wall time against one switch
// read alone and against the slowest switch of the run (target ≤ 1.5×),
// and the peak Go heap.
func BenchmarkDiscover50(b *testing.B) {
	const agentLatency = 10 * time.Millisecond
	data, err := os.ReadFile("../testdata/demo/kx.json")
	if err != nil {
		b.Skip("demo inventory not found: " + err.Error())
	}
	specs, err := simswitch.DemoSpecs(data)
	if err != nil {
		b.Fatal(err)
	}
	var targets []devices.Target
	for i := 0; i < 50; i++ {
		sp := specs[0].Clone()
		sp.SysName = fmt.Sprintf("bench-sw%02d", i)
		sw, err := simswitch.Start(context.Background(), "127.0.0.1:0", "bench", sp, simswitch.WithLatency(agentLatency))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { sw.Close() })
		targets = append(targets, devices.Target{Address: sw.Addr().String(), Creds: devices.Credentials{Community: devices.NewSecret("bench")}})
	}
	o := devices.Options{Timeout: 3 * time.Second, Retries: 1, SwitchTimeout: time.Minute, Concurrency: 50}
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	// One switch alone, for the honest comparison: the others' elapsed
	// times below include waiting for the shared CPU.
	var alone time.Duration
	for _, t := range targets[:5] {
		r := devices.Discover(context.Background(), []devices.Target{t}, o)[0]
		alone = max(alone, time.Duration(r.ElapsedMS)*time.Millisecond)
	}
	var wall, slowest time.Duration
	phones := 0
	for b.Loop() {
		start := time.Now()
		res := devices.Discover(context.Background(), targets, o)
		wall = time.Since(start)
		slowest, phones = 0, 0
		for _, r := range res {
			if r.Error != "" {
				b.Fatalf("%s: %s", r.Switch, r.Error)
			}
			phones += len(r.Phones)
			slowest = max(slowest, time.Duration(r.ElapsedMS)*time.Millisecond)
		}
	}
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(wall.Milliseconds()), "wall-ms")
	b.ReportMetric(float64(slowest.Milliseconds()), "slowest-switch-ms")
	b.ReportMetric(float64(alone.Milliseconds()), "one-switch-alone-ms")
	b.ReportMetric(float64(wall)/float64(max(alone, time.Millisecond)), "wall/alone")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(phones), "phones")
}
