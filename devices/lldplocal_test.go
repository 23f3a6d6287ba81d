package devices_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cutover/devices"
	"cutover/devices/simswitch"
)

func readOne(t *testing.T, addr, community string) devices.SwitchResult {
	t.Helper()
	o := devices.Options{Timeout: 2 * time.Second, Retries: 1, SwitchTimeout: time.Minute, Concurrency: 1}
	res := devices.Discover(context.Background(), []devices.Target{{Address: addr,
		Creds: devices.Credentials{Community: devices.NewSecret(community)}}}, o)
	if res[0].Error != "" {
		t.Fatal(res[0].Error)
	}
	return res[0]
}

// TestLLDPLocalIDsAreRead: discovery keeps the switch's own LLDP chassis
// ID and, per port, the port ID it advertises, each with its subtype (what
// Teams emergency locations are keyed by).
func TestLLDPLocalIDsAreRead(t *testing.T) {
	data, err := os.ReadFile("../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	specs, err := simswitch.DemoSpecs(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range specs {
		sw, err := simswitch.Start(context.Background(), "127.0.0.1:0", "p", spec)
		if err != nil {
			t.Fatal(err)
		}
		r := readOne(t, sw.Addr().String(), "p")
		sw.Close()
		if r.LLDPChassisIDSubtype != 4 || r.LLDPChassisID != spec.BaseMAC {
			t.Errorf("%s: chassis ID %q subtype %d; want %s subtype 4 (macAddress)", spec.SysName, r.LLDPChassisID, r.LLDPChassisIDSubtype, spec.BaseMAC)
		}
		named := 0
		for _, p := range r.Ports {
			if p.LLDPPortID == "" {
				continue
			}
			named++
			if p.LLDPPortID != p.Name || (p.LLDPPortIDSubtype != 5 && p.LLDPPortIDSubtype != 7) {
				t.Errorf("%s %s: LLDP port ID %q subtype %d", spec.SysName, p.Name, p.LLDPPortID, p.LLDPPortIDSubtype)
			}
		}
		if named != len(spec.Ports) {
			t.Errorf("%s: %d ports with an LLDP port ID; want %d", spec.SysName, named, len(spec.Ports))
		}
	}
}

// TestLLDPLocalIDsOfRealSwitches reads the shared recordings: a Cisco
// C3560 sends a local chassis ID (subtype 7, its name), an Extreme X460 a
// MAC.
func TestLLDPLocalIDsOfRealSwitches(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "snmp", "real")
	want := map[string][2]any{"C3560_10.250.0.35.snmprec": {"COS_DEV_SW10", 7},
		"ExtremeXOS_X460-48p_192.168.20.5.snmprec": {"00:04:96:6d:15:d4", 4}}
	for file, w := range want {
		path := filepath.Join(dir, file)
		if _, err := os.Stat(path); err != nil {
			t.Skipf("real switch recordings not found at %s: skipping", dir)
		}
		m, err := simswitch.LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		a, err := simswitch.Listen(context.Background(), "127.0.0.1:0", map[string]*simswitch.MIB{"rec": m})
		if err != nil {
			t.Fatal(err)
		}
		r := readOne(t, a.Addr().String(), "rec")
		a.Close()
		if r.LLDPChassisID != w[0] || r.LLDPChassisIDSubtype != w[1] {
			t.Errorf("%s: chassis ID %q subtype %d; want %q %d", file, r.LLDPChassisID, r.LLDPChassisIDSubtype, w[0], w[1])
		}
		ports := 0
		for _, p := range r.Ports {
			if p.LLDPPortID != "" {
				ports++
			}
		}
		if w[1] != 0 && ports == 0 {
			t.Errorf("%s: no port has an LLDP port ID", file)
		}
		t.Logf("%s: chassis %q/%d, %d ports with an LLDP port ID", file, r.LLDPChassisID, r.LLDPChassisIDSubtype, ports)
	}
}
