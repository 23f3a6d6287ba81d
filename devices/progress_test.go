package devices_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"cutover/devices"
	"cutover/devices/simswitch"
)

// TestProgressFractions: while a switch is read, Discover reports how far
// it has got, rising from 0 towards 1, before the final report.
func TestProgressFractions(t *testing.T) {
	data, err := os.ReadFile("../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	specs, err := simswitch.DemoSpecs(data)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := simswitch.Start(context.Background(), "127.0.0.1:0", "p", specs[0], simswitch.WithLatency(2*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	var mu sync.Mutex
	var seen []devices.Progress
	o := devices.Options{Timeout: 2 * time.Second, Retries: 1, SwitchTimeout: time.Minute, Concurrency: 1,
		Progress: func(p devices.Progress) { mu.Lock(); seen = append(seen, p); mu.Unlock() }}
	res := devices.Discover(context.Background(), []devices.Target{{Address: sw.Addr().String(),
		Creds: devices.Credentials{Community: devices.NewSecret("p")}}}, o)
	if res[0].Error != "" {
		t.Fatal(res[0].Error)
	}
	if len(seen) < 4 || seen[0].Fraction != 0 || seen[0].Done || !seen[len(seen)-1].Done {
		t.Fatalf("progress reports %+v", seen)
	}
	last := 0.0
	for _, p := range seen[1 : len(seen)-1] {
		if p.Done || p.Fraction <= last || p.Fraction >= 1 {
			t.Fatalf("fractions do not rise below 1: %+v", seen)
		}
		last = p.Fraction
	}
}
