package simswitch

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// realDir holds the shared real recordings (outside the repository).
const realDir = "../../../shared/snmp/real"

// needTool skips the test when a net-snmp tool is missing.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed (Debian package snmp): %v", name, err)
	}
	return p
}

// needReal skips the test when the shared recordings are absent.
func needReal(t *testing.T, file string) string {
	t.Helper()
	p := filepath.Join(realDir, file)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared recording %s not available: %v", p, err)
	}
	return p
}

// serve starts an agent for the test and stops it at the end.
func serve(t *testing.T, views map[string]*MIB, opts ...Option) *Agent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := Listen(ctx, "127.0.0.1:0", views, opts...)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Close() })
	return a
}

// runTool runs a net-snmp command with a deadline and returns stdout.
func runTool(t *testing.T, tool string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	// No MIBs: numeric, hint-free output that ParseWalk reads back exactly.
	cmd.Env = append(os.Environ(), "MIBS=", "MIBDIRS=/nonexistent")
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, errb.String())
	}
	return out.Bytes()
}

func sameRecords(t *testing.T, what string, got []Record, want *MIB) {
	t.Helper()
	w := want.Records()
	if len(got) != len(w) {
		t.Errorf("%s: %d records, want %d", what, len(got), len(w))
	}
	for i := 0; i < min(len(got), len(w)); i++ {
		g, e := FormatSnmprec(got[i]), FormatSnmprec(w[i])
		if g != e {
			t.Fatalf("%s: record %d is %q, want %q", what, i, g, e)
		}
	}
}

func TestNetSnmpWalkOfRealRecording(t *testing.T) {
	for _, tool := range []string{"snmpwalk", "snmpbulkwalk"} {
		t.Run(tool, func(t *testing.T) {
			bin := needTool(t, tool)
			file := needReal(t, "C3560_10.250.0.35.snmprec")
			m, err := LoadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a := serve(t, map[string]*MIB{"c3560": m})
			args := []string{"-v2c", "-c", "c3560", "-On", "-t", "5", "-r", "1"}
			if tool == "snmpbulkwalk" {
				args = append(args, "-Cr25")
			}
			// Walk all of iso (.1), so that 1.0.8802 (LLDP) is included.
			args = append(args, a.Addr().String(), ".1")
			out := runTool(t, bin, args...)
			got, err := ParseWalk(tool+" output", bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			sameRecords(t, tool, got, m)
			if a.Requests() == 0 {
				t.Error("request counter did not move")
			}
			t.Logf("%s: %d records in %d requests", tool, len(got), a.Requests())
		})
	}
}

func TestNetSnmpGetExceptionsAndCommunityIndexing(t *testing.T) {
	bin := needTool(t, "snmpget")
	base, err := NewMIB([]Record{
		{MustOID("1.3.6.1.2.1.1.5.0"), Str("sw1")},
		{MustOID("1.3.6.1.2.1.2.2.1.2.1"), Str("Gi1/0/1")},
	})
	if err != nil {
		t.Fatal(err)
	}
	vlan, _ := NewMIB([]Record{{MustOID("1.3.6.1.2.1.17.4.3.1.2.0.30.19.140.144.7"), Int(1)}})
	a := serve(t, map[string]*MIB{"public": base, "public@110": vlan})
	out := string(runTool(t, bin, "-v2c", "-c", "public", "-On", a.Addr().String(),
		"1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.5.1", "1.3.6.1.4.1.9.9.9.9.0"))
	for _, want := range []string{`.1.3.6.1.2.1.1.5.0 = STRING: "sw1"`,
		".1.3.6.1.2.1.1.5.1 = No Such Instance", ".1.3.6.1.4.1.9.9.9.9.0 = No Such Object"} {
		if !bytes.Contains([]byte(out), []byte(want)) {
			t.Errorf("snmpget output lacks %q:\n%s", want, out)
		}
	}
	out = string(runTool(t, bin, "-v2c", "-c", "public@110", "-On", a.Addr().String(),
		"1.3.6.1.2.1.17.4.3.1.2.0.30.19.140.144.7"))
	if !bytes.Contains([]byte(out), []byte("INTEGER: 1")) {
		t.Errorf("community@vlan view not served: %s", out)
	}
}

// TestNetSnmpWalkOfFixtures serves the committed demo fixtures (several
// communities on one agent, as snmpsimd does) and reads them back with
// snmpbulkwalk.
func TestNetSnmpWalkOfFixtures(t *testing.T) {
	bin := needTool(t, "snmpbulkwalk")
	files := []string{"kx-sw1@120.snmprec", "kx-sw2.snmprec", "kx-sw1-swapped.snmprec"}
	views := map[string]*MIB{}
	for _, f := range files {
		m, err := LoadFile(filepath.Join("../../testdata/switches", f))
		if err != nil {
			t.Fatal(err)
		}
		views[Community(f)] = m
	}
	a := serve(t, views)
	for _, f := range files {
		out := runTool(t, bin, "-v2c", "-c", Community(f), "-On", "-Cr30", a.Addr().String(), ".1")
		got, err := ParseWalk(f, bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		sameRecords(t, f, got, views[Community(f)])
	}
}
