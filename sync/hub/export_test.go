package hub_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"cutover/devices"
	"cutover/laptop"
	"cutover/site"
	"cutover/site/export"
	"cutover/site/runbook"
	"cutover/swap"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden checks data against the golden file at path (-update rewrites
// it).
func golden(t *testing.T, path string, data []byte) {
	t.Helper()
	if *update {
		hubtest.Must(t, os.MkdirAll(filepath.Dir(path), 0o755))
		hubtest.Must(t, os.WriteFile(path, data, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	hubtest.Must(t, err)
	if !bytes.Equal(data, want) {
		t.Errorf("%s differs from its golden file (go test ./sync/hub -run TestHubExportsAgree -update):\n%s", path, data)
	}
}

func exportAnswer(label, key string) swap.Input {
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
		return swap.Input{Outcome: runbook.OutcomePass, Value: "CT ops talk group 3"}
	}
	return swap.Input{Outcome: runbook.OutcomePass}
}

// TestHubExportsAgreeWithTheLaptop: a day's field work (discovery, swaps of
// each Avaya plan, one with a new DDI, two Teams moves, removals, a lost
// handset, a rollback) synced to the hub on SQLite and PostgreSQL gives
// the same retire, install, numbers and teams-lis exports from the hub's
// store and over HTTP as from the laptop; an engineer of another site is
// refused; a DDI recorded at two sites is a duplicate in the hub's ledger.
func TestHubExportsAgreeWithTheLaptop(t *testing.T) {
	ctx := context.Background()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "kx.json"))
	hubtest.Must(t, err)
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
		hubtest.Must(t, err)
		// The plan was loaded before the visit (the hub believes a laptop's
		// clock only from a day before a site's first import).
		hubNow := h.Store.Now
		h.Store.Now = func() time.Time { return time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC) }
		_, err = h.Store.ImportPlan(ctx, "ada", inv, data)
		h.Store.Now = hubNow
		hubtest.Must(t, err)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		sam := h.Laptop("sam", wire.RoleSupervisor)
		_, err = alice.Syncer.Sync(ctx)
		hubtest.Must(t, err)
		var mu gosync.Mutex
		clock := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
		alice.Store.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); clock = clock.Add(time.Minute); return clock }
		sw, err := laptop.StartDemoSwitches(ctx, data)
		hubtest.Must(t, err)
		t.Cleanup(func() { sw.Close() })
		hubtest.Must(t, sw.Record(ctx, alice.Store, "alice", "KX"))
		opts := devices.DefaultOptions()
		opts.Timeout, opts.Retries = 2*time.Second, 1
		creds := devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}
		run := &swap.Runner{Store: alice.Store, OnSwapConfirmed: sw.OnSwapConfirmed, OnReplaced: sw.OnReplaced, OnReconnect: sw.OnReconnect,
			Checker: &swap.SNMPChecker{Creds: creds, Options: opts, Store: alice.Store}}
		record := func(label, key string, in swap.Input) {
			t.Helper()
			if _, err := run.Record(ctx, "alice", "KX", label, key, in); err != nil {
				t.Fatalf("%s step %s: %v", label, key, err)
			}
		}
		walk := func(label, stop string, ans func(label, key string) swap.Input) {
			t.Helper()
			for range 40 {
				pr, err := runbook.Steps(ctx, alice.Store, "KX", label)
				hubtest.Must(t, err)
				if pr.Current == nil || pr.Current.Key == stop {
					return
				}
				record(label, pr.Current.Key, ans(label, pr.Current.Key))
			}
			t.Fatalf("%s: the runbook did not finish", label)
		}
		_, _, err = swap.DiscoverSite(ctx, alice.Store, "alice", "KX", nil, creds, opts)
		hubtest.Must(t, err)
		walk("FC-01", "", exportAnswer)
		walk("FC-02", "", func(label, key string) swap.Input {
			if key == "ddi" {
				return swap.Input{Outcome: runbook.OutcomePass, Value: "020 7230 1999"}
			}
			return exportAnswer(label, key)
		})
		walk("PT-01", "", exportAnswer)
		// PT-01's phone fails the next day: reopened, the phone replaced.
		record("PT-01", "reopen", swap.Input{Outcome: runbook.OutcomePass, Value: "PTT button stuck"})
		walk("PT-01", "", func(label, key string) swap.Input {
			switch key {
			case "new_tag":
				return swap.Input{Outcome: runbook.OutcomePass, Value: "MPS-RPT01"}
			case "faulty_disposition":
				return swap.Input{Outcome: runbook.OutcomePass, Value: "store"}
			}
			return exportAnswer(label, key)
		})
		walk("PE-01", "", exportAnswer)
		walk("PM-01", "", exportAnswer)
		walk("MR-01", "", exportAnswer)
		walk("MR-02", "", func(label, key string) swap.Input {
			if key == "disposition" {
				return swap.Input{Outcome: runbook.OutcomePass, Value: "lost", Note: "not in the room"}
			}
			return exportAnswer(label, key)
		})
		walk("CS-01", "verify", exportAnswer)
		record("CS-01", "rb_reconnect", swap.Input{Outcome: runbook.OutcomePass, RollbackReason: "blocked: no PoE budget left on kx-sw1"})
		walk("CS-01", "", exportAnswer)
		rep, err := alice.Syncer.Sync(ctx)
		hubtest.Must(t, err)
		if rep.Rejected != 0 {
			t.Fatalf("sync: %+v", rep)
		}

		laptop := func(kind export.Kind) []byte {
			var b bytes.Buffer
			switch kind {
			case export.KindRetire:
				rows, err := runbook.ExportRetire(ctx, alice.Store, "KX")
				hubtest.Must(t, err)
				hubtest.Must(t, export.WriteRetire(&b, "csv", []string{"KX"}, rows, nil))
			case export.KindInstall:
				rows, err := runbook.ExportInstall(ctx, alice.Store, "KX")
				hubtest.Must(t, err)
				hubtest.Must(t, export.WriteInstall(&b, "csv", []string{"KX"}, rows, nil))
			case export.KindNumbers:
				n, err := runbook.ExportNumbers(ctx, alice.Store, "KX")
				hubtest.Must(t, err)
				hubtest.Must(t, export.WriteNumbers(&b, "csv", []string{"KX"}, n, nil))
			case export.KindTeamsLIS:
				l, err := runbook.ExportLIS(ctx, alice.Store, "KX", false)
				hubtest.Must(t, err)
				hubtest.Must(t, export.WriteLIS(&b, "csv", []string{"KX"}, l))
			}
			return b.Bytes()
		}
		get := func(l *hubtest.Laptop, path string) (int, []byte) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.URL+path, nil)
			hubtest.Must(t, err)
			req.Header.Set("Authorization", "Bearer "+l.Creds.AccessToken)
			resp, err := l.HTTP.Do(req)
			hubtest.Must(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			hubtest.Must(t, err)
			return resp.StatusCode, body
		}
		admin := hub.Principal{User: "ada", Role: wire.RoleAdmin}
		for _, kind := range export.Kinds {
			want := laptop(kind)
			e, err := h.Store.Export(ctx, admin, kind, []string{"KX"}, false)
			hubtest.Must(t, err)
			var got bytes.Buffer
			hubtest.Must(t, e.Write(&got, "csv"))
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s: the hub's export differs from the laptop's:\nhub:\n%s\nlaptop:\n%s", kind, got.Bytes(), want)
			}
			code, body := get(sam, "/v1/sites/KX/export/"+string(kind)+"?format=csv")
			if code != http.StatusOK || !bytes.Equal(body, want) {
				t.Errorf("%s over HTTP: %d\n%s", kind, code, body)
			}
		}
		// One report, two places: the laptop's report of the visit and the
		// hub's (from its derived state, in the store and over HTTP) are
		// the same bytes, CSV and markdown; the laptop-only sections
		// (stock, discovery findings) aside.
		at := time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)
		lrep, err := runbook.BuildReport(ctx, alice.Store, "KX", at)
		hubtest.Must(t, err)
		lrep.Stock, lrep.Findings, lrep.FailedReads = nil, nil, nil
		hrep, err := h.Store.HandoverReport(ctx, admin, "KX", at)
		hubtest.Must(t, err)
		wrep, err := alice.Syncer.Client.HandoverReport(ctx, "KX")
		hubtest.Must(t, err)
		wrep.GeneratedAt = hrep.GeneratedAt
		for _, form := range []string{"csv", "markdown"} {
			write := func(r runbook.Report) []byte {
				var b bytes.Buffer
				if form == "csv" {
					hubtest.Must(t, r.WriteCSV(&b))
				} else {
					hubtest.Must(t, r.WriteMarkdown(&b))
				}
				return b.Bytes()
			}
			want := write(lrep)
			if got := write(hrep); !bytes.Equal(got, want) {
				t.Errorf("report %s: the hub's differs from the laptop's:\nhub:\n%s\nlaptop:\n%s", form, got, want)
			}
			if got := write(wrep); !bytes.Equal(got, want) {
				t.Errorf("report %s over HTTP differs from the laptop's:\n%s", form, got)
			}
			golden(t, filepath.Join("testdata", "handover-report."+map[string]string{"csv": "csv", "markdown": "md"}[form]), want)
		}

		if code, body := get(sam, "/v1/export/retire?format=cisco-bat"); code != http.StatusOK ||
			string(body) != "SEP001E138C9007\r\nSEP001E138C900E\r\nSEP001E138C9069\r\nSEP001E138C904D\r\n" {
			t.Errorf("--all cisco-bat: %d %q", code, body)
		}
		// Every teams-lis load file, and the script, the same from both;
		// the civic address the plan gave in both.
		ll, err := runbook.ExportLIS(ctx, alice.Store, "KX", false)
		hubtest.Must(t, err)
		files, err := export.WriteLISFiles(ll)
		hubtest.Must(t, err)
		if !bytes.Contains(files[0].Data, []byte("Kestrel Cross Police Station,GB,1,Kestrel Cross Road,London,N1 9ZZ")) {
			t.Errorf("the laptop's civic address:\n%s", files[0].Data)
		}
		for _, f := range files {
			code, body := get(sam, "/v1/sites/KX/export/teams-lis?format=csv&file="+f.Name)
			if code != http.StatusOK || !bytes.Equal(body, f.Data) {
				t.Errorf("teams-lis %s over HTTP: %d\n%s\nlaptop:\n%s", f.Name, code, body, f.Data)
			}
		}
		var ps1 bytes.Buffer
		hubtest.Must(t, export.WriteLIS(&ps1, "ps1", []string{"KX"}, ll))
		if code, body := get(sam, "/v1/sites/KX/export/teams-lis?format=ps1"); code != http.StatusOK || !bytes.Equal(body, ps1.Bytes()) {
			t.Errorf("ps1 over HTTP: %d\n%s", code, body)
		}
		if code, _ := get(sam, "/v1/sites/KX/export/teams-lis?format=csv&file=nosuch.csv"); code != http.StatusBadRequest {
			t.Errorf("an unknown load file: %d; want 400", code)
		}
		if code, _ := get(sam, "/v1/sites/KX/export/numbers?format=ps1"); code != http.StatusBadRequest {
			t.Errorf("numbers as ps1: %d; want 400", code)
		}
		bob := h.Laptop("bob", wire.RoleEngineer, "ZZ")
		if code, _ := get(bob, "/v1/sites/KX/export/retire"); code != http.StatusForbidden {
			t.Errorf("an engineer of another site: %d; want 403", code)
		}

		// A second site whose plan gives FC-01's DDI to another position.
		dup := &site.Inventory{Sites: []site.SiteInventory{{Site: site.Site{Code: "KY", Name: "Kestrel Yard", CeaseDate: "2027-03-31"},
			Positions: []site.Position{{Site: "KY", Label: "FC-01", Role: site.RoleFrontCounter, Plan: site.PlanAvayaFixed,
				LegacyVendor: site.VendorCisco, Extension: "41006", DDI: "+442072301003"}}}}}
		_, err = h.Store.ImportPlan(ctx, "ada", dup, []byte("ky"))
		hubtest.Must(t, err)
		e, err := h.Store.Export(ctx, admin, export.KindNumbers, []string{"KX"}, false)
		hubtest.Must(t, err)
		if len(e.Numbers.Duplicates) != 1 || e.Numbers.Duplicates[0].DDI != "+442072301003" ||
			strings.Join(e.Numbers.Duplicates[0].Places, ";") != "KX/FC-01 (legacy DDI);KY/FC-01 (legacy DDI)" {
			t.Errorf("duplicates: %+v", e.Numbers.Duplicates)
		}
		if e.Numbers.Totals[export.FateReplaced] != 1 || len(e.Numbers.Cease) != 3 {
			t.Errorf("totals %v, cease %v", e.Numbers.Totals, e.Numbers.Cease)
		}
	})
}
