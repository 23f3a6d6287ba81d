package devices

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// One Debian snmpsimd serves ../shared/snmp/real to every test in the
// package; TestMain stops it.

const (
	simV3User = "cutover-test"
	simV3Auth = "auth-pass-123"
	simV3Priv = "priv-pass-456"
)

var sim struct {
	once  sync.Once
	addr  string
	skip  string
	fail  string
	cmd   *exec.Cmd
	cache string
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopSim()
	os.Exit(code)
}

// realDataDir finds ../shared/snmp/real relative to the repository root.
func realDataDir() string {
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "snmp", "real")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "..", "..", "shared", "snmp", "real")
		}
	}
}

func freeUDPPort(t testing.TB) int {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("no free UDP port on loopback: %v", err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// simAddr starts snmpsimd once and returns its address, or skips the test.
func simAddr(t testing.TB) string {
	t.Helper()
	sim.once.Do(func() {
		// scripts/bench-discovery.sh shares its own snmpsimd.
		if a := os.Getenv("CUTOVER_SNMPSIM_ADDR"); a != "" {
			sim.addr = a
			return
		}
		startSim(t)
	})
	if sim.skip != "" {
		t.Skip(sim.skip)
	}
	if sim.fail != "" {
		t.Fatal(sim.fail)
	}
	return sim.addr
}

func startSim(t testing.TB) {
	data := realDataDir()
	if _, err := os.Stat(filepath.Join(data, "C3560_10.250.0.35.snmprec")); err != nil {
		sim.skip = fmt.Sprintf("real switch recordings not found at %s (../shared/snmp/real from the repo root): skipping snmpsimd tests", data)
		return
	}
	bin, err := exec.LookPath("snmpsimd")
	if err != nil {
		sim.skip = "snmpsimd not installed (Debian package snmpsim; scripts/test.sh installs it): skipping snmpsimd tests"
		return
	}
	cache, err := os.MkdirTemp("", "cutover-snmpsim-")
	if err != nil {
		sim.skip = "cannot create snmpsimd cache dir: " + err.Error()
		return
	}
	_ = os.Chmod(cache, 0o1777)
	sim.cache = cache
	port := freeUDPPort(t)
	sim.addr = fmt.Sprintf("127.0.0.1:%d", port)
	args := []string{
		"--data-dir=" + data, "--agent-udpv4-endpoint=" + sim.addr, "--cache-dir=" + cache,
		"--logging-method=null",
		"--v3-user=" + simV3User, "--v3-auth-key=" + simV3Auth, "--v3-auth-proto=SHA",
		"--v3-priv-key=" + simV3Priv, "--v3-priv-proto=AES",
	}
	if os.Geteuid() == 0 {
		args = append(args, "--process-user=nobody", "--process-group=nogroup")
	}
	sim.cmd = exec.Command(bin, args...)
	if err := sim.cmd.Start(); err != nil {
		sim.skip = "cannot start snmpsimd: " + err.Error()
		return
	}
	// Wait until it answers (it indexes the recordings on first start).
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		s, err := newSession(sim.addr, Credentials{Community: NewSecret("procurve")}, Options{Timeout: 300 * time.Millisecond})
		if err == nil {
			_, err = s.get(context.Background(), []string{oidSysName})
			s.close()
			if err == nil {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	stopSim()
	sim.fail = "snmpsimd did not answer within 90s on " + sim.addr
}

func stopSim() {
	if sim.cmd != nil && sim.cmd.Process != nil {
		_ = sim.cmd.Process.Kill()
		_ = sim.cmd.Wait()
		sim.cmd = nil
	}
	if sim.cache != "" {
		_ = os.RemoveAll(sim.cache)
		sim.cache = ""
	}
}

func v2(community string) Credentials { return Credentials{Community: NewSecret(community)} }

func v3(context string) Credentials {
	return Credentials{User: simV3User, Level: AuthPriv, AuthProto: "SHA", AuthPass: NewSecret(simV3Auth),
		PrivProto: "AES", PrivPass: NewSecret(simV3Priv), Context: context, VLANContext: context + "@{vlan}"}
}

func fastOptions() Options {
	return Options{Timeout: 1500 * time.Millisecond, Retries: 1, SwitchTimeout: 60 * time.Second, Concurrency: 4}
}
