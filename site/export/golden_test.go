package export_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cutover/devices"
	"cutover/laptop"
	"cutover/site"
	"cutover/site/export"
	"cutover/site/runbook"
	"cutover/swap"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// answer is the happy path's answer to a step.
func answer(label, key string) swap.Input {
	n := strings.ReplaceAll(label, "-", "")
	pass := func(v string) swap.Input { return swap.Input{Outcome: runbook.OutcomePass, Value: v} }
	switch key {
	case "legacy_serial":
		return pass("FCH" + n + "Q7")
	case "legacy_tag":
		return pass("MPS-L" + n)
	case "legacy_condition":
		return pass("good")
	case "new_tag":
		return pass("MPS-N" + n)
	case "teams_ddi":
		sum := 0
		for _, c := range label {
			sum += int(c)
		}
		return pass(fmt.Sprintf("020 7946 0%03d", sum))
	case "disposition":
		if strings.HasPrefix(label, "MR") {
			return pass("store")
		}
		return pass("weee WTN-2026-0099")
	case "signoff":
		return pass("Sgt Ada Okafor")
	case "told_before", "told_after": // a critical position: who was told
		return swap.Input{Outcome: runbook.OutcomePass, Value: "PS Morgan"}
	case "stage": // no spare port on the demo switch: the swap is done without staging
		return swap.Input{Outcome: runbook.OutcomeSkip, Note: "no spare port free"}
	case "ptt_group":
		return pass("CT ops talk group 3")
	}
	return swap.Input{Outcome: runbook.OutcomePass}
}

// visit is the demo site after a scripted day on site, on a clock that
// ticks a minute a change: discovery, a swap of each Avaya plan (one
// keeping its DDI, one given a new one), two Teams moves, removals (one
// handset lost), a swap rolled back as blocked after the handset was
// unplugged, and discovery again.
func visit(t testing.TB) (*site.Store, func()) {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "kx.json"))
	must(t, err)
	st, err := site.Open(filepath.Join(t.TempDir(), "t.db"))
	must(t, err)
	var mu sync.Mutex
	clock := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	st.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Minute)
		return clock
	}
	inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
	must(t, err)
	_, err = st.Import(ctx, "setup", inv, data, site.SiteOverrides{})
	must(t, err)
	sw, err := laptop.StartDemoSwitches(ctx, data)
	must(t, err)
	must(t, sw.Record(ctx, st, "alice", "KX"))
	opts := devices.DefaultOptions()
	opts.Timeout, opts.Retries = 2*time.Second, 1
	creds := devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}
	run := &swap.Runner{Store: st, OnSwapConfirmed: sw.OnSwapConfirmed, OnReconnect: sw.OnReconnect,
		Checker: &swap.SNMPChecker{Creds: creds, Options: opts, Store: st}}
	record := func(label, key string, in swap.Input) {
		t.Helper()
		if _, err := run.Record(ctx, "alice", "KX", label, key, in); err != nil {
			t.Fatalf("%s step %s: %v", label, key, err)
		}
	}
	walk := func(label, stop string, ans func(label, key string) swap.Input) {
		t.Helper()
		for range 40 {
			pr, err := runbook.Steps(ctx, st, "KX", label)
			must(t, err)
			if pr.Current == nil || pr.Current.Key == stop {
				return
			}
			record(label, pr.Current.Key, ans(label, pr.Current.Key))
		}
		t.Fatalf("%s: the runbook did not finish", label)
	}
	_, _, err = swap.DiscoverSite(ctx, st, "alice", "KX", nil, creds, opts)
	must(t, err)
	walk("FC-01", "", answer)
	walk("FC-02", "", func(label, key string) swap.Input {
		if key == "ddi" {
			return swap.Input{Outcome: runbook.OutcomePass, Value: "020 7230 1999"}
		}
		return answer(label, key)
	})
	walk("PT-01", "", answer)
	walk("PE-01", "", answer)
	walk("PM-01", "", answer)
	walk("MR-01", "", answer)
	walk("HD-01", "", answer)
	walk("MR-02", "", func(label, key string) swap.Input {
		if key == "disposition" {
			return swap.Input{Outcome: runbook.OutcomePass, Value: "lost", Note: "not in the room"}
		}
		return answer(label, key)
	})
	walk("CS-01", "verify", answer)
	record("CS-01", "rb_reconnect", swap.Input{Outcome: runbook.OutcomePass, RollbackReason: "blocked: no PoE budget left on kx-sw1"})
	walk("CS-01", "", answer)
	_, _, err = swap.DiscoverSite(ctx, st, "bob", "KX", nil, creds, opts)
	must(t, err)
	return st, func() { sw.Close(); st.Close() }
}

func write(t testing.TB, st *site.Store, kind export.Kind, format string, allPorts bool) []byte {
	t.Helper()
	ctx := context.Background()
	var b bytes.Buffer
	sites := []string{"KX"}
	switch kind {
	case export.KindRetire:
		rows, gaps, err := runbook.ExportRetireGaps(ctx, st, "KX")
		must(t, err)
		must(t, export.WriteRetire(&b, format, sites, rows, gaps))
	case export.KindInstall:
		rows, err := runbook.ExportInstall(ctx, st, "KX")
		must(t, err)
		must(t, export.WriteInstall(&b, format, sites, rows, nil))
	case export.KindNumbers:
		n, err := runbook.ExportNumbers(ctx, st, "KX")
		must(t, err)
		must(t, export.WriteNumbers(&b, format, sites, n, nil))
	case export.KindTeamsLIS:
		l, err := runbook.ExportLIS(ctx, st, "KX", allPorts)
		must(t, err)
		if format == "csv" {
			// The load files, one after another, each under its name.
			files, err := export.WriteLISFiles(l)
			must(t, err)
			for _, f := range files {
				fmt.Fprintf(&b, "==> %s <==\n%s", f.Name, f.Data)
			}
			break
		}
		must(t, export.WriteLIS(&b, format, sites, l))
	}
	return b.Bytes()
}

// TestGoldenExports: each export of the demo site after the scripted visit
// is byte for byte its golden file (go test ./site/export -update rewrites
// them), and writing it twice gives the same bytes.
func TestGoldenExports(t *testing.T) {
	st, done := visit(t)
	defer done()
	cases := []struct {
		kind     export.Kind
		format   string
		allPorts bool
		file     string
	}{
		{export.KindRetire, "csv", false, "retire.csv"},
		{export.KindRetire, "json", false, "retire.json"},
		{export.KindRetire, "cisco-bat", false, "retire-cisco-bat.txt"},
		{export.KindInstall, "csv", false, "install.csv"},
		{export.KindInstall, "json", false, "install.json"},
		{export.KindNumbers, "csv", false, "numbers.csv"},
		{export.KindNumbers, "json", false, "numbers.json"},
		{export.KindTeamsLIS, "csv", false, "teams-lis.csv"},
		{export.KindTeamsLIS, "ps1", false, "teams-lis.ps1"},
		{export.KindTeamsLIS, "csv", true, "teams-lis-all-ports.csv"},
		{export.KindTeamsLIS, "json", false, "teams-lis.json"},
	}
	for _, c := range cases {
		got := write(t, st, c.kind, c.format, c.allPorts)
		if again := write(t, st, c.kind, c.format, c.allPorts); !bytes.Equal(got, again) {
			t.Errorf("%s: two writes differ", c.file)
		}
		path := filepath.Join("testdata", c.file)
		if *update {
			must(t, os.MkdirAll("testdata", 0o755))
			must(t, os.WriteFile(path, got, 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		must(t, err)
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from its golden file (go test ./site/export -run TestGolden -update):\n%s", c.file, got)
		}
	}
}
