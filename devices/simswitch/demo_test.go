package simswitch

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"
)

const inventoryPath = "../../testdata/demo/kx.json"

func demoSpecs(t *testing.T) []Spec {
	t.Helper()
	data, err := os.ReadFile(inventoryPath)
	if err != nil {
		t.Fatal(err)
	}
	specs, err := DemoSpecs(data)
	if err != nil {
		t.Fatal(err)
	}
	return specs
}

// TestCommittedFixturesMatchGenerator fails when testdata/switches is stale:
// run `go run ./devices/simswitch/cmd/genfixtures` from the module root.
func TestCommittedFixturesMatchGenerator(t *testing.T) {
	data, err := os.ReadFile(inventoryPath)
	if err != nil {
		t.Fatal(err)
	}
	files, err := DemoFixtures(data)
	if err != nil {
		t.Fatal(err)
	}
	dir := "../../testdata/switches"
	onDisk, _ := filepath.Glob(filepath.Join(dir, "*.snmprec"))
	if len(onDisk) != len(files) {
		t.Errorf("%d fixture files on disk, generator makes %d", len(onDisk), len(files))
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%v (regenerate with go run ./devices/simswitch/cmd/genfixtures)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator's output (regenerate with go run ./devices/simswitch/cmd/genfixtures)", name)
		}
		// Every fixture loads back through the .snmprec parser.
		if _, err := LoadFile(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

func TestDemoSpecsShape(t *testing.T) {
	specs := demoSpecs(t)
	count := func(s Spec) (phones int) {
		for _, p := range s.Ports {
			if n := p.Neighbour; n != nil && (n.CDPCaps&CDPPhone != 0 || n.LLDPCaps&LLDPTelephone != 0) {
				phones++
			}
		}
		return
	}
	if len(specs) != 3 || specs[0].SysName != "kx-sw1" || specs[1].SysName != "kx-sw2" || specs[2].SysName != "kx-sw3" {
		t.Fatalf("specs: %d", len(specs))
	}
	// kx.json has 24, 25 and 9; the demo's drift unplugs HD-08 on kx-sw2 and
	// adds an unlisted phone on kx-sw3.
	for i, want := range []int{24, 24, 10} {
		if got := count(specs[i]); got != want {
			t.Errorf("%s has %d phones, want %d (from kx.json and the demo's drift)", specs[i].SysName, got, want)
		}
	}
	pe05, err := specs[0].port("Gi1/0/30")
	if err != nil || specs[0].Ports[pe05].Neighbour == nil || specs[0].Ports[pe05].Neighbour.MAC != "00:1e:13:8c:90:85" {
		t.Errorf("PE-05's handset should have moved to Gi1/0/30")
	}
	if len(specs[0].Ports) != 48 || len(specs[1].Ports) != 26 || len(specs[2].Ports) != 48 {
		t.Errorf("port counts %d %d %d", len(specs[0].Ports), len(specs[1].Ports), len(specs[2].Ports))
	}
	if _, err := DemoSpecs([]byte("{\n \"positions\": [\n  {\"mac\": 5}\n ]\n}")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("bad inventory error = %v, want a line number", err)
	}
	bad := `{"positions":[{"label":"X-1","switch":"kx-sw1","port":"Gi7/0/1","mac":"00:11:22:33:44:55"}]}`
	if _, err := DemoSpecs([]byte(bad)); err == nil || !strings.Contains(err.Error(), "X-1") || !strings.Contains(err.Error(), "Gi7/0/1") {
		t.Errorf("unknown port error = %v", err)
	}
}

// walkMap bulk-walks root and returns OID (without leading dot) → value.
func walkMap(t *testing.T, g *gosnmp.GoSNMP, root string) map[string]gosnmp.SnmpPDU {
	t.Helper()
	pdus, err := g.BulkWalkAll(root)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]gosnmp.SnmpPDU{}
	for _, p := range pdus {
		m[strings.TrimPrefix(p.Name, ".")] = p
	}
	return m
}

func str(p gosnmp.SnmpPDU) string {
	if b, ok := p.Value.([]byte); ok {
		return string(b)
	}
	return ""
}

// TestSwapToAvayaSeenBySNMP plays the demo: the Cisco phone on Gi1/0/1
// leaves, a J179 arrives, and a client sees exactly that.
func TestSwapToAvayaSeenBySNMP(t *testing.T) {
	sw1 := demoSpecs(t)[0]
	sw, err := Start(context.Background(), "127.0.0.1:0", "kx", sw1)
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	g := &gosnmp.GoSNMP{Target: "127.0.0.1", Port: uint16(sw.Addr().Port), Community: "kx", Version: gosnmp.Version2c,
		Timeout: 2e9, Retries: 1}
	if err := g.Connect(); err != nil {
		t.Fatal(err)
	}
	defer g.Conn.Close()
	cdpID := "1.3.6.1.4.1.9.9.23.1.2.1.1.6.10101.1"
	if v := str(walkMap(t, g, "1.3.6.1.4.1.9.9.23.1.2.1.1.6")[cdpID]); v != "SEP001E138C9007" {
		t.Fatalf("before swap CDP device on Gi1/0/1 = %q", v)
	}
	// PoE mapping: PSE 1.1 → entPhysical 1011 → ifIndex 10101.
	ent := walkMap(t, g, "1.3.6.1.4.1.9.9.402.1.2.1.11")["1.3.6.1.4.1.9.9.402.1.2.1.11.1.1"].Value
	alias := walkMap(t, g, "1.3.6.1.2.1.47.1.3.2.1.2")
	if ent != 1011 || alias["1.3.6.1.2.1.47.1.3.2.1.2.1011.0"].Value != ".1.3.6.1.2.1.2.2.1.1.10101" {
		t.Errorf("PoE entity mapping: ent %v alias %v", ent, alias["1.3.6.1.2.1.47.1.3.2.1.2.1011.0"].Value)
	}

	if err := sw.ClearNeighbour("Gi1/0/1"); err != nil {
		t.Fatal(err)
	}
	if _, ok := walkMap(t, g, "1.3.6.1.4.1.9.9.23.1.2.1.1.6")[cdpID]; ok {
		t.Error("old phone still in CDP after ClearNeighbour")
	}
	if walkMap(t, g, "1.3.6.1.2.1.105.1.1.1.6")["1.3.6.1.2.1.105.1.1.1.6.1.1"].Value != 2 {
		t.Error("PoE still delivering on an empty port")
	}

	j := AvayaPhone("Avaya J179", "22WZ51000101", "00:1B:4F:41:01:01")
	j.IP = "10.41.11.101"
	if j.Name != "AVB410101" {
		t.Errorf("Avaya host name %q", j.Name)
	}
	if err := sw.SetNeighbour("Gi1/0/1", &j); err != nil {
		t.Fatal(err)
	}
	inv := walkMap(t, g, "1.0.8802.1.1.2.1.5.4795.1.3.3")
	idx := ".0.10101.3" // third neighbour change on this port
	if str(inv["1.0.8802.1.1.2.1.5.4795.1.3.3.1.4"+idx]) != "22WZ51000101" ||
		str(inv["1.0.8802.1.1.2.1.5.4795.1.3.3.1.6"+idx]) != "J179" ||
		str(inv["1.0.8802.1.1.2.1.5.4795.1.3.3.1.5"+idx]) != "Avaya" {
		t.Errorf("LLDP-MED inventory after swap: %v", inv)
	}
	if v := str(walkMap(t, g, "1.0.8802.1.1.2.1.4.1.1.10")["1.0.8802.1.1.2.1.4.1.1.10"+idx]); !strings.HasPrefix(v, "Avaya J179") {
		t.Errorf("lldpRemSysDesc = %q", v)
	}
	// The FDB of the voice VLAN has the Avaya MAC, not the Cisco one.
	gv := &gosnmp.GoSNMP{Target: "127.0.0.1", Port: uint16(sw.Addr().Port), Community: "kx@120",
		Version: gosnmp.Version2c, Timeout: 2e9, Retries: 1}
	if err := gv.Connect(); err != nil {
		t.Fatal(err)
	}
	defer gv.Conn.Close()
	fdb := walkMap(t, gv, "1.3.6.1.2.1.17.4.3.1.2")
	if fdb["1.3.6.1.2.1.17.4.3.1.2.0.27.79.65.1.1"].Value != 1 {
		t.Error("Avaya MAC not in kx@120 FDB on bridge port 1")
	}
	if _, ok := fdb["1.3.6.1.2.1.17.4.3.1.2.0.30.19.140.144.7"]; ok {
		t.Error("old Cisco MAC still in the FDB")
	}
	if _, ok := walkMap(t, g, "1.3.6.1.2.1.17.4.3.1.2")["1.3.6.1.2.1.17.4.3.1.2.0.27.79.65.1.1"]; ok {
		t.Error("base community has a Cisco FDB (it must be per VLAN only)")
	}
}

// TestGenericSwitchLLDPPortIsBridgePort checks kx-sw2: LLDP local port
// numbers are bridge ports, which map to ifIndex 1000+n.
func TestGenericSwitchLLDPPortIsBridgePort(t *testing.T) {
	sw2 := demoSpecs(t)[1]
	views, err := sw2.Views("kx-sw2")
	if err != nil {
		t.Fatal(err)
	}
	m := views["kx-sw2"]
	if len(views) != 1 {
		t.Errorf("generic switch has %d views, want 1", len(views))
	}
	if v := m.Get(MustOID("1.0.8802.1.1.2.1.4.1.1.10.0.5.1")); !strings.HasPrefix(string(v.Bytes), "Mitel 6867i") {
		t.Errorf("lldpRemSysDesc on port 5 = %q", v.Bytes)
	}
	if v := m.Get(MustOID("1.3.6.1.2.1.17.1.4.1.2.5")); v.Int != 1005 {
		t.Errorf("dot1dBasePortIfIndex.5 = %d", v.Int)
	}
	if v := m.Get(MustOID("1.0.8802.1.1.2.1.5.4795.1.3.1.1.3.0.5.1")); v.Int != 3 {
		t.Errorf("LLDP-MED class = %d", v.Int)
	}
	if v := m.Get(MustOID("1.0.8802.1.1.2.1.5.4795.1.3.2.1.2.0.5.1.1.64")); v.Int != 220 {
		t.Errorf("voice policy VLAN = %d", v.Int)
	}
	if v := m.Get(MustOID("1.0.8802.1.1.2.1.5.4795.1.3.3.1.4.0.5.1")); v.Type != NoSuchInstance && v.Type != NoSuchObject {
		t.Errorf("Mitel has an inventory row: %+v", v)
	}
	// Q-BRIDGE FDB: the phone on VLAN 220, bridge port 5.
	if v := m.Get(MustOID("1.3.6.1.2.1.17.7.1.2.2.1.2.220.8.0.15.106.16.55")); v.Int != 5 {
		t.Errorf("dot1qTpFdbPort of PM-05 = %+v", v)
	}
	if v := m.Get(MustOID("1.3.6.1.2.1.105.1.1.1.6.1.1005")); v.Int != 3 {
		t.Errorf("PoE detection on 1.1005 = %d", v.Int)
	}
}

func TestSpecValidateErrors(t *testing.T) {
	s := demoSpecs(t)[0]
	s.Ports[3].Name = s.Ports[2].Name
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "Gi1/0/3") {
		t.Errorf("duplicate name: %v", err)
	}
	s = demoSpecs(t)[0]
	s.Ports[5].Neighbour.MAC = "zz"
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "Gi1/0/6") {
		t.Errorf("bad MAC: %v", err)
	}
	s = demoSpecs(t)[0]
	s.Style = "juniper"
	if _, err := s.Views("x"); err == nil {
		t.Error("unknown style accepted")
	}
}
