package site

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSaveDiscovery(t *testing.T) {
	st := openTestStore(t)
	path := filepath.Join("..", "testdata", "demo", "kx.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := ParseInventory(path, data, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := st.Import(ctx, "alice", inv, data, SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	class := 2
	d := Discovery{Site: "kx",
		Switches: []ObservedSwitch{{Switch: "127.0.0.1:16101", SysName: "kx-sw1"}, {Switch: "127.0.0.1:16102", Error: "switch 127.0.0.1:16102: no SNMP answer"}},
		Phones: []ObservedPhone{
			{Switch: "127.0.0.1:16101", Port: "Gi1/0/1", MAC: "00:1e:13:8c:90:07", PoEClass: &class, Sources: []string{"cdp", "fdb"}, Label: "FC-01", Outcome: OutcomeMatched},
			{Switch: "127.0.0.1:16101", Port: "Gi1/0/9", MAC: "00:1e:13:8c:90:0e", Label: "FC-02", Outcome: OutcomeMoved},
			{Switch: "127.0.0.1:16101", Port: "Gi1/0/20", MAC: "00:10:49:00:00:01", Outcome: OutcomeUnexpected},
		},
		Verdicts: []Verdict{
			{Label: "FC-01", Outcome: OutcomeMatched, Switch: "127.0.0.1:16101", Port: "Gi1/0/1", MAC: "00:1e:13:8c:90:07"},
			{Label: "FC-02", Outcome: OutcomeMoved, Switch: "127.0.0.1:16101", Port: "Gi1/0/9", MAC: "00:1e:13:8c:90:0e"},
		},
	}
	if _, err := st.SaveDiscovery(ctx, "alice", d); err != nil {
		t.Fatal(err)
	}
	v, err := st.LatestVerdicts(ctx, "KX")
	if err != nil {
		t.Fatal(err)
	}
	if v["FC-02"].Outcome != OutcomeMoved || v["FC-02"].Port != "Gi1/0/9" || v["FC-01"].Outcome != OutcomeMatched {
		t.Errorf("verdicts %+v", v)
	}
	p, err := st.Position(ctx, "KX", "FC-01")
	if err != nil || p.Status != StatusDiscovered || p.UpdatedBy != "alice" {
		t.Errorf("FC-01 after discovery: %+v %v", p, err)
	}
	seen, _, ok, err := st.LastSeen(ctx, "KX", "00:1E:13:8C:90:07")
	if err != nil || !ok || seen.Port != "Gi1/0/1" || seen.PoEClass == nil || *seen.PoEClass != 2 || strings.Join(seen.Sources, ",") != "cdp,fdb" {
		t.Errorf("last seen %+v %v %v", seen, ok, err)
	}
	var ops int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM oplog WHERE kind = 'discovery.v1'`).Scan(&ops); err != nil || ops != 1 {
		t.Errorf("op log entries %d %v", ops, err)
	}
	// A second run: the latest verdict wins; a discovered position stays so.
	d.Verdicts = []Verdict{{Label: "FC-02", Outcome: OutcomeMissing}}
	d.Phones = nil
	if _, err := st.SaveDiscovery(ctx, "bob", d); err != nil {
		t.Fatal(err)
	}
	if v, _ := st.LatestVerdicts(ctx, "KX"); v["FC-02"].Outcome != OutcomeMissing || v["FC-01"].Outcome != OutcomeMatched {
		t.Errorf("after second run: %+v", v)
	}
	if _, err := st.SaveDiscovery(ctx, "bob", Discovery{Site: "nope"}); err == nil {
		t.Error("unknown site accepted")
	}
	if _, err := st.SaveDiscovery(ctx, "bob", Discovery{Site: "KX", Verdicts: []Verdict{{Label: "ZZ-99", Outcome: OutcomeMissing}}}); err == nil {
		t.Error("unknown position accepted")
	}
}

// Issue 24 point 6: a discovery that could not read a switch keeps the
// findings of the latest one that could, marked older; a position
// finished since is never missing.
func TestFindingsStayTrue(t *testing.T) {
	st := openTestStore(t)
	path := filepath.Join("..", "testdata", "demo", "kx.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := ParseInventory(path, data, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := st.Import(ctx, "alice", inv, data, SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	save := func(d Discovery) {
		t.Helper()
		if _, err := st.SaveDiscovery(ctx, "alice", d); err != nil {
			t.Fatal(err)
		}
	}
	kinds := func() map[string]Finding {
		t.Helper()
		fs, err := st.Findings(ctx, "KX")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]Finding{}
		for _, f := range fs {
			out[f.Label] = f
		}
		return out
	}
	sw := "127.0.0.1:16101"
	save(Discovery{Site: "kx", Switches: []ObservedSwitch{{Switch: sw, SysName: "kx-sw1"}},
		Phones: []ObservedPhone{{Switch: sw, Port: "Gi1/0/9", MAC: "00:1e:13:8c:90:0e", Label: "FC-02", Outcome: OutcomeMoved},
			{Switch: sw, Port: "Gi1/0/20", MAC: "00:10:49:00:00:01", Outcome: OutcomeUnexpected}},
		Verdicts: []Verdict{{Label: "FC-02", Outcome: OutcomeMoved, Switch: sw, Port: "Gi1/0/9", MAC: "00:1e:13:8c:90:0e"},
			{Label: "CS-01", Outcome: OutcomeMissing}}})
	// Then a read with the wrong community: nothing checked.
	save(Discovery{Site: "kx", Switches: []ObservedSwitch{{Switch: sw, Error: "switch " + sw + ": no SNMP answer"}},
		Verdicts: []Verdict{{Label: "FC-02", Outcome: OutcomeUnchecked}, {Label: "CS-01", Outcome: OutcomeUnchecked}}})
	if u, err := st.LatestUnexpected(ctx, "KX"); err != nil || len(u) != 1 || u[0].MAC != "00:10:49:00:00:01" {
		t.Errorf("the unexpected phone after a failed read: %+v %v", u, err)
	}
	if fr, err := st.LatestFailedReads(ctx, "KX"); err != nil || len(fr) != 1 || fr[0].Switch != sw || !strings.Contains(fr[0].Error, "no SNMP answer") {
		t.Errorf("the failed read: %+v %v", fr, err)
	}
	f := kinds()
	if f[""].Kind != FindingUnexpected {
		t.Errorf("the unexpected phone is not among the findings after a failed read: %+v", f)
	}
	if f["FC-02"].Kind != FindingMoved || !f["FC-02"].Older || f["FC-02"].Port != "Gi1/0/9" || f["CS-01"].Kind != FindingMissing || !f["CS-01"].Older {
		t.Fatalf("after a failed read: %+v", f)
	}
	// CS-01 is finished since: never missing.
	if err := st.Write(ctx, "alice", func(tx *Tx) error {
		if err := tx.SetStatus(ctx, "KX", "CS-01", StatusInProgress, ""); err != nil {
			return err
		}
		return tx.SetStatus(ctx, "KX", "CS-01", StatusDone, "")
	}); err != nil {
		t.Fatal(err)
	}
	if f = kinds(); f["CS-01"].Kind != "" {
		t.Errorf("a finished position is listed: %+v", f["CS-01"])
	}
	// A later read that checks FC-02 replaces what the earlier one found.
	save(Discovery{Site: "kx", Switches: []ObservedSwitch{{Switch: sw, SysName: "kx-sw1"}},
		Verdicts: []Verdict{{Label: "FC-02", Outcome: OutcomeMatched, Switch: sw, Port: "Gi1/0/2", MAC: "00:1e:13:8c:90:0e"}}})
	v, err := st.LatestVerdicts(ctx, "KX")
	if err != nil || v["FC-02"].Outcome != OutcomeMatched || v["FC-02"].Older {
		t.Fatalf("after a good read: %+v %v", v["FC-02"], err)
	}
	if f = kinds(); f["FC-02"].Kind != "" || f[""].Kind != "" {
		t.Errorf("still listed after a good read: %+v", f)
	}
	if fr, err := st.LatestFailedReads(ctx, "KX"); err != nil || len(fr) != 0 {
		t.Errorf("failed reads after a good read: %+v %v", fr, err)
	}
}
