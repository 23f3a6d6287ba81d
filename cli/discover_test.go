package cli

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutover/devices/simswitch"
	"cutover/site"
)

// TestDiscoverSiteOnSimulatedSwitches discovers the demo site's switches
// (simulated on loopback), stores the observations and reconciles them.
func TestDiscoverSiteOnSimulatedSwitches(t *testing.T) {
	data, err := os.ReadFile("../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	specs, err := simswitch.DemoSpecs(data)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errOut := runCLI(t, db, "import", "../testdata/demo/kx.json"); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	st, err := site.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range specs {
		sw, err := simswitch.Start(context.Background(), "127.0.0.1:0", "kx-secret", sp)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sw.Close() })
		if err := st.SetSwitchAddr(context.Background(), "tester", "KX", site.SwitchAddr{Switch: sp.SysName, Addr: sw.Addr().String()}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	code, out, errOut := runCLI(t, db, "discover", "--site", "KX", "--json", "--community", "kx-secret", "--timeout", "1s")
	if code != 0 {
		t.Fatalf("discover exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "kx-secret") {
		t.Error("the community was printed")
	}
	var doc struct {
		Switches []struct {
			Switch, Error string
			Phones        []map[string]any
		}
		Reconciliation map[string][]map[string]any
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("JSON: %v\n%s", err, out)
	}
	phones := 0
	for _, s := range doc.Switches {
		phones += len(s.Phones)
		if s.Error != "" {
			t.Errorf("%s: %s", s.Switch, s.Error)
		}
	}
	if len(doc.Switches) != len(specs) || phones == 0 || len(doc.Reconciliation["matched"]) == 0 {
		t.Errorf("switches %d (want %d), phones %d, reconciliation %v", len(doc.Switches), len(specs), phones, doc.Reconciliation)
	}
	if !strings.Contains(errOut, "phone(s) in") {
		t.Errorf("no progress on stderr: %s", errOut)
	}
	st, err = site.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := st.LatestVerdicts(context.Background(), "KX")
	if err != nil || len(v) == 0 {
		t.Errorf("no verdicts stored: %v", err)
	}
	// The table form.
	code, out, _ = runCLI(t, db, "discover", "--switch", doc.Switches[0].Switch, "--community", "kx-secret")
	if code != 0 || !strings.Contains(out, "PORT") || !strings.Contains(out, "phone(s)") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
}

func TestDiscoverExitStatus(t *testing.T) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := c.LocalAddr().String()
	c.Close()
	db := filepath.Join(t.TempDir(), "c.db")
	code, out, errOut := runCLI(t, db, "discover", "--switch", closed, "--community", "s3cret-com", "--timeout", "200ms", "--retries", "0", "--json")
	if code != 1 || !strings.Contains(out, `"error":"switch `+closed) || strings.Contains(out+errOut, "s3cret-com") {
		t.Errorf("unreachable: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"discover"},
		{"discover", "--switch", "127.0.0.1:99999", "--community", "x"},
		{"discover", "--switch", "127.0.0.1"},
		{"discover", "--switch", "127.0.0.1", "--v3-user", "u", "--v3-level", "authPriv", "--v3-auth", "SHA", "--v3-priv", "ROT13"},
		{"discover", "--switch", "127.0.0.1", "--community", "x", "--concurrency", "0"},
		{"discover", "--site", "NOPE", "--community", "x"},
	} {
		if code, _, errOut := runCLI(t, db, args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2", args, code, errOut)
		}
	}
}
