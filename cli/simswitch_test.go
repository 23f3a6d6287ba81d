package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gosnmp/gosnmp"
)

// lockedBuffer is a bytes.Buffer safe to read while a command writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func simEnv(t *testing.T) (*Env, *lockedBuffer, *lockedBuffer) {
	t.Helper()
	dir := t.TempDir()
	demo, err := os.ReadFile("../testdata/demo/kx.json")
	if err != nil {
		t.Fatal(err)
	}
	out, errb := &lockedBuffer{}, &lockedBuffer{}
	env := &Env{
		Stdin: strings.NewReader(""), Stdout: out, Stderr: errb, Now: time.Now,
		Getenv: func(k string) string {
			switch k {
			case "XDG_CONFIG_HOME", "XDG_DATA_HOME", "HOME":
				return dir
			case "USER":
				return "tester"
			}
			return ""
		},
		DemoFS: fstest.MapFS{DemoFile: {Data: demo}},
	}
	return env, out, errb
}

// startSim runs `cutover simswitch ARGS` until the test ends and returns the
// addresses it printed.
func startSim(t *testing.T, args ...string) []string {
	t.Helper()
	env, out, errb := simEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- Run(ctx, env, append([]string{"simswitch"}, args...)) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("simswitch exit status %d: %s", code, errb.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "ready") {
		select {
		case code := <-done:
			t.Fatalf("simswitch exited with %d: %s%s", code, out.String(), errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("simswitch did not start: %s", errb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return regexp.MustCompile(`127\.0\.0\.1:\d+`).FindAllString(out.String(), -1)
}

func simGet(t *testing.T, addr, community, oid string) gosnmp.SnmpPDU {
	t.Helper()
	_, port, _ := strings.Cut(addr, ":")
	g := &gosnmp.GoSNMP{Target: "127.0.0.1", Community: community, Version: gosnmp.Version2c, Timeout: 2 * time.Second, Retries: 1}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	g.Port = uint16(p)
	if err := g.Connect(); err != nil {
		t.Fatal(err)
	}
	defer g.Conn.Close()
	r, err := g.Get([]string{oid})
	if err != nil {
		t.Fatalf("GET %s from %s: %v", oid, addr, err)
	}
	return r.Variables[0]
}

func TestSimswitchDemo(t *testing.T) {
	addrs := startSim(t, "--demo", "--listen", "127.0.0.1:0")
	if len(addrs) != 3 {
		t.Fatalf("printed addresses %v, want 3", addrs)
	}
	for i, name := range []string{"kx-sw1", "kx-sw2", "kx-sw3"} {
		if v := simGet(t, addrs[i], "public", ".1.3.6.1.2.1.1.5.0"); string(v.Value.([]byte)) != name {
			t.Errorf("%s sysName = %q", addrs[i], v.Value)
		}
	}
}

func TestSimswitchFiles(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "sw-a.snmprec")
	walk := filepath.Join(dir, "sw-b.walk")
	os.WriteFile(rec, []byte("1.3.6.1.2.1.1.5.0|4|from-snmprec\n"), 0o644)
	os.WriteFile(walk, []byte(".1.3.6.1.2.1.1.5.0 = STRING: \"from-walk\"\n"), 0o644)
	addrs := startSim(t, "--listen", "127.0.0.1:0", rec, walk)
	if v := simGet(t, addrs[0], "sw-a", ".1.3.6.1.2.1.1.5.0"); string(v.Value.([]byte)) != "from-snmprec" {
		t.Errorf("sw-a sysName = %v", v.Value)
	}
	if v := simGet(t, addrs[0], "sw-b", ".1.3.6.1.2.1.1.5.0"); string(v.Value.([]byte)) != "from-walk" {
		t.Errorf("sw-b sysName = %v", v.Value)
	}
}

func TestSimswitchErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.snmprec")
	os.WriteFile(bad, []byte("1.3.6.1.2.1.1.5.0|4|ok\n1.3.6.1.2.1.1.6.0|2|notanumber\n"), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--listen", "0.0.0.0:1161", "--demo"}, 2, "not a loopback"},
		{[]string{"--listen", "127.0.0.1:0"}, 2, "at least one"},
		{[]string{"--listen", "127.0.0.1:0", bad}, 1, "bad.snmprec:2:"},
		{[]string{"--listen", "127.0.0.1:0", filepath.Join(dir, "missing.walk")}, 1, "missing.walk"},
	}
	for _, c := range cases {
		env, _, errb := simEnv(t)
		code := Run(context.Background(), env, append([]string{"simswitch"}, c.args...))
		if code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("simswitch %v: exit %d, stderr %q; want %d and %q", c.args, code, errb.String(), c.code, c.want)
		}
	}
}
