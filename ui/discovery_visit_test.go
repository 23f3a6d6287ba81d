package ui

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutover/config"
	"cutover/devices"
	"cutover/laptop"
	"cutover/site"
	"cutover/swap"
)

// storingDiscoverer is the command line's discoverer: swap.DiscoverSite,
// which reads the switches at their recorded addresses, reconciles and
// stores the discovery.
func storingDiscoverer(st *site.Store) Discoverer {
	return func(ctx context.Context, code string, switches []string, creds devices.Credentials, progress func(devices.Progress)) ([]devices.SwitchResult, devices.Reconciliation, error) {
		o := devices.DefaultOptions()
		o.Progress = progress
		return swap.DiscoverSite(ctx, st, testEngineer, code, switches, creds, o)
	}
}

// opsOf lists the payloads of the op log's ops of one kind.
func opsOf(t *testing.T, st *site.Store, kind string) []map[string]any {
	t.Helper()
	rows, err := st.DB().Query(`SELECT entity_id, payload FROM oplog WHERE kind = ? ORDER BY client_seq`, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		var id, p string
		if err := rows.Scan(&id, &p); err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		json.Unmarshal([]byte(p), &m)
		m["entity_id"] = id
		out = append(out, m)
	}
	return out
}

// TestDiscoveryAsksForCredentialsAndAddresses is a laptop that pulled its
// site from the hub: no SNMP credentials and no switch addresses. Enter
// asks for the credentials (masked; saved to the 0600 settings file as
// asked), then for the address of the chosen switch (recorded for the site
// as an op for the hub), then reads it.
func TestDiscoveryAsksForCredentialsAndAddresses(t *testing.T) {
	st := demoStore(t)
	data, err := os.ReadFile("../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	sw, err := laptop.StartDemoSwitches(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close() })
	cfgPath := filepath.Join(t.TempDir(), "cutover", "config.json")

	m := newTestRoot(t, st, "KX", 80, 24)
	m.sh.discover, m.sh.cfgPath = storingDiscoverer(st), cfgPath
	press(t, m, "d")
	mustContain(t, m.View(), "! SNMP: no credentials yet", "kx-sw1           ! no address (e)")
	press(t, m, "j", " ", "j", " ") // kx-sw1 only
	press(t, m, "enter")
	mustContain(t, m.View(), "SNMP credentials", "version", "‹ v2c ›", "community")
	mustNotContain(t, m.View(), "v3 user") // v3 fields only for v3
	// A wrong answer keeps the form open and names the field.
	press(t, m, "enter", "enter", "enter")
	mustContain(t, m.View(), "✗ community: type the switches' v2c community")
	press(t, m, "up", laptop.DemoCommunity)
	if strings.Contains(m.View(), laptop.DemoCommunity) {
		t.Fatalf("the community shows as typed:\n%s", m.View())
	}
	mustContain(t, m.View(), "••••••")
	press(t, m, "enter", "lab", "enter")

	// Then the address of the switch chosen.
	mustContain(t, m.View(), "Address of kx-sw1", "HOST[:PORT]")
	press(t, m, "nope:0", "enter")
	mustContain(t, m.View(), "✗ address:", "bad UDP port")
	for range len("nope:0") {
		press(t, m, "backspace")
	}
	press(t, m, sw.Addrs()["kx-sw1"], "enter")

	d, ok := m.top().(*discovery)
	if !ok || d.phase != phaseResults {
		t.Fatalf("after the answers: %T\n%s", m.top(), m.View())
	}
	mustContain(t, m.View(), "matched 23")
	// The address is the site's, and an op for the hub.
	if a, err := st.SwitchAddrOf(context.Background(), "KX", "kx-sw1"); err != nil || a != sw.Addrs()["kx-sw1"] {
		t.Fatalf("kx-sw1's address in the store: %q %v", a, err)
	}
	if ops := opsOf(t, st, "switch.addr.v1"); len(ops) != 1 || ops[0]["addr"] != sw.Addrs()["kx-sw1"] {
		t.Fatalf("switch.addr.v1 ops: %v", ops)
	}
	// The profile was saved as asked, private.
	fi, err := os.Stat(cfgPath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("settings file: %v %v", fi, err)
	}
	raw, _ := os.ReadFile(cfgPath)
	if !strings.Contains(string(raw), `"lab"`) || !strings.Contains(string(raw), `"community": "public"`) {
		t.Fatalf("settings file:\n%s", raw)
	}
	// The session keeps them: a second run asks nothing.
	press(t, m, "a")
	mustContain(t, m.View(), "SNMP: v2c community *** from profile lab")
	press(t, m, "enter")
	if d.phase != phaseResults {
		t.Fatalf("second run: phase %d\n%s", d.phase, m.View())
	}
}

// TestDiscoveryOffersProfiles picks a profile from the settings file.
func TestDiscoveryOffersProfiles(t *testing.T) {
	st, _, _ := demoRig(t)
	m := newTestRoot(t, st, "KX", 100, 30)
	m.sh.discover = storingDiscoverer(st)
	m.sh.cfg.SNMP = map[string]config.SNMPProfile{"kx": {Community: laptop.DemoCommunity}, "other": {V3User: "ops"}}
	press(t, m, "d", "c")
	mustContain(t, m.View(), "profile", "‹ type them in below ›")
	press(t, m, " ")
	mustContain(t, m.View(), "‹ kx ›")
	mustNotContain(t, m.View(), "community ") // a profile needs nothing typed
	press(t, m, "enter")
	mustContain(t, m.View(), "SNMP: v2c community *** from profile kx")
	press(t, m, "enter")
	mustContain(t, m.View(), "matched 56")
}

// TestDiscoveryProposals acts on the demo's discovery: the moved PE-05 is
// proposed on the port it was seen on (named by its switch, not the
// address), the unexpected phone as a new position, then as not ours. Each
// is an op for the hub; the laptop's plan does not change.
func TestDiscoveryProposals(t *testing.T) {
	st, _, sw := demoRig(t)
	m := newTestRoot(t, st, "KX", 120, 40)
	m.sh.discover = storingDiscoverer(st)
	m.sh.creds = devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}
	press(t, m, "d", "enter", "tab")
	frame := m.View()
	mustContain(t, frame, "[moved 1]", "PE-05", "seen on kx-sw1 Gi1/0/30", "m propose this port as planned")
	mustNotContain(t, frame, sw.Addrs()["kx-sw1"])
	press(t, m, "m")
	mustContain(t, m.View(), "⧗ port proposed", "kept for the supervisor")
	ops := opsOf(t, st, site.ProposalKind)
	if len(ops) != 1 || ops[0]["entity_id"] != "position:pe-05" || ops[0]["proposal"] != "move" || ops[0]["switch"] != "kx-sw1" ||
		ops[0]["port"] != "Gi1/0/30" {
		t.Fatalf("proposal ops: %v", ops)
	}
	press(t, m, "m") // again, by mistake: refused, nothing queued
	if n := len(opsOf(t, st, site.ProposalKind)); n != 1 {
		t.Fatalf("the same proposal twice queued %d ops", n)
	}
	if p, _ := st.Position(context.Background(), "KX", "PE-05"); p.Port != "Gi1/0/19" {
		t.Fatalf("the laptop re-planned PE-05 on its own: %s", p.Port)
	}

	press(t, m, "tab")
	mustContain(t, m.View(), "[unexpected 1]", "not in the inventory: kx-sw3", "n propose as a new position", "x propose as not ours")
	press(t, m, "n")
	mustContain(t, m.View(), "New position for", "label", "‹ other ›", "‹ Avaya fixed ›")
	press(t, m, "ctrl+s")
	mustContain(t, m.View(), "✗ label: give the new position a label")
	press(t, m, "HD-20", "enter")
	for range 6 { // other → … → hot desk
		press(t, m, " ")
	}
	mustContain(t, m.View(), "‹ hot desk ›")
	press(t, m, "enter", "enter", "by the lifts", "enter")
	mustContain(t, m.View(), "⧗ new position HD-20 proposed")
	ops = opsOf(t, st, site.ProposalKind)
	if len(ops) != 2 || ops[1]["proposal"] != "add" || ops[1]["label"] != "HD-20" || ops[1]["role"] != "hot_desk" ||
		ops[1]["plan"] != "avaya_fixed" || ops[1]["switch"] != "kx-sw3" || ops[1]["note"] != "by the lifts" {
		t.Fatalf("proposal ops: %v", ops)
	}
	if _, err := st.Position(context.Background(), "KX", "HD-20"); err == nil {
		t.Fatal("the laptop added HD-20 to the plan on its own")
	}
	// Changing one's mind: not ours replaces the proposal for that phone.
	press(t, m, "enter") // the evidence; the same keys work there
	mustContain(t, m.View(), "Seen on the switch", "kx-sw3 (")
	press(t, m, "x") // asked first: nothing is proposed on one key
	mustContain(t, m.View(), "Enter proposes it as not ours")
	press(t, m, "esc")
	if ops = opsOf(t, st, site.ProposalKind); len(ops) != 2 {
		t.Fatalf("x then esc proposed: %v", ops)
	}
	press(t, m, "x", "enter", "esc")
	mustContain(t, m.View(), "⧗ not ours proposed")
	if ops = opsOf(t, st, site.ProposalKind); len(ops) != 3 || ops[2]["proposal"] != "not_ours" {
		t.Fatalf("proposal ops: %v", ops)
	}
	// Marked not ours, the next discovery does not flag it.
	press(t, m, "a", "enter")
	mustContain(t, m.View(), "unexpected 0")
}
