package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/client"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runIn runs cutover in-process with a given HOME, so commands share
// settings and credentials.
func runIn(ctx context.Context, t *testing.T, home string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb syncBuffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: time.Now,
		Getenv: func(k string) string {
			switch k {
			case "HOME":
				return home
			case "USER":
				return "tester"
			}
			return ""
		}}
	code := Run(ctx, env, args)
	return code, out.String(), errb.String()
}

func TestHubLoginSyncConflictsCLI(t *testing.T) {
	hubHome, alice, bob := t.TempDir(), t.TempDir(), t.TempDir()
	store := "sqlite:" + filepath.Join(hubHome, "hub.db")
	plan := filepath.Join(hubHome, "kx.csv")
	os.WriteFile(plan, []byte("site,label,role,plan,legacy_vendor,extension\nKX,FC-01,front_counter,avaya_fixed,cisco,31001\nKX,FC-02,front_counter,avaya_fixed,cisco,31002\n"), 0o600)
	if code, out, errOut := runIn(context.Background(), t, hubHome, "hub", "import", plan, "--store", store); code != 0 || !strings.Contains(out, "KX: 2 added") {
		t.Fatalf("hub import: %d %s %s", code, out, errOut)
	}
	codeRE := regexp.MustCompile(`[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}`)
	enrol := map[string]string{}
	for _, u := range []string{"alice", "bob"} {
		code, out, errOut := runIn(context.Background(), t, hubHome, "hub", "user", "add", u, "--role", "engineer", "--sites", "KX", "--store", store)
		if code != 0 || !codeRE.MatchString(out) {
			t.Fatalf("user add: %d %s %s", code, out, errOut)
		}
		enrol[u] = codeRE.FindString(out)
	}
	if code, _, errOut := runIn(context.Background(), t, hubHome, "hub", "user", "add", "x", "--role", "boss", "--store", store); code != 2 || !strings.Contains(errOut, "role") {
		t.Fatalf("bad role: %d %s", code, errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int)
	go func() {
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Now: time.Now,
			Getenv: func(k string) string { return map[string]string{"HOME": hubHome}[k] }}
		done <- Run(ctx, env, []string{"serve", "--listen", "127.0.0.1:0", "--store", store})
	}()
	var url string
	for i := 0; i < 200 && url == ""; i++ {
		time.Sleep(10 * time.Millisecond)
		url = regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(out.String())
	}
	if url == "" {
		t.Fatalf("serve did not start: %s", out.String())
	}
	for _, u := range []struct{ home, name string }{{alice, "alice"}, {bob, "bob"}} {
		code, o, e := runIn(ctx, t, u.home, "login", "--hub", url, "--code", enrol[u.name])
		if code != 0 || !strings.Contains(o, "as "+u.name+" (engineer)") {
			t.Fatalf("login %s: %d %s %s", u.name, code, o, e)
		}
		fi, err := os.Stat(filepath.Join(u.home, ".config", "cutover", "hub-credentials.json"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("credentials file: %v %v", err, fi)
		}
		if code, o, e := runIn(ctx, t, u.home, "pull", "--site", "KX"); code != 0 || !strings.Contains(o, "pulled") {
			t.Fatalf("pull: %d %s %s", code, o, e)
		}
	}
	if code, _, e := runIn(ctx, t, alice, "login", "--hub", url, "--code", enrol["alice"]); code == 0 || !strings.Contains(e, "used or expired") {
		t.Fatalf("reusing an enrolment code: %d %s", code, e)
	}
	if code, _, e := runIn(ctx, t, alice, "login", "--hub", "http://10.0.0.1", "--code", "X"); code != 2 || !strings.Contains(e, "https") {
		t.Fatalf("plain http to a remote hub: %d %s", code, e)
	}
	// Both install one serial at different positions.
	for _, u := range []struct{ home, name, label string }{{alice, "alice", "FC-01"}, {bob, "bob", "FC-02"}} {
		st, err := site.Open(filepath.Join(u.home, ".local", "share", "cutover", "cutover.db"))
		if err != nil {
			t.Fatal(err)
		}
		err = st.Write(ctx, u.name, func(tx *site.Tx) error {
			for _, st := range [][2]string{{"new_serial", "FCH1"}, {"new_tag", "TAG-" + u.label}} {
				if err := tx.Op("KX", "step.result.v1", "position", u.label, map[string]any{"step": st[0], "attempt": 1,
					"outcome": "pass", "value": st[1]}); err != nil {
					return err
				}
			}
			return nil
		})
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		code, o, e := runIn(ctx, t, u.home, "sync")
		if code != 0 || !strings.Contains(o, "pushed 2") {
			t.Fatalf("sync %s: %d %s %s", u.name, code, o, e)
		}
	}
	code, o, _ := runIn(ctx, t, bob, "conflicts")
	if code != 0 || !strings.Contains(o, "serial_in_two_places") {
		t.Fatalf("conflicts: %d %s", code, o)
	}
	id := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f-]{27}`).FindString(o)
	if code, _, e := runIn(ctx, t, bob, "conflicts", "resolve", "nope-nope", "--resolution", "x"); code != 2 || !strings.Contains(e, "no conflict") {
		t.Fatalf("resolve unknown: %d %s", code, e)
	}
	// An engineer may not settle it: refused on the laptop before anything
	// is recorded, saying who can (the prefix found the conflict).
	if code, o, e := runIn(ctx, t, bob, "conflicts", "resolve", id[:8], "--resolution", "mine"); code != 2 || !strings.Contains(e, "only an admin") {
		t.Fatalf("an engineer resolving a serial conflict by prefix: %d %s %s", code, o, e)
	}
	if _, o, _ := runIn(ctx, t, bob, "sync"); !strings.Contains(o, "pending: 0") {
		t.Fatalf("a refused resolution was queued:\n%s", o)
	}
	if code, o, e := runIn(ctx, t, alice, "progress", "--format", "csv"); code != 0 ||
		!strings.HasPrefix(o, "site,name,cease_date,positions,done,remaining,avaya_fixed_done") || !strings.Contains(o, "\nKX,KX,") {
		t.Fatalf("progress --format csv: %d %s %s", code, o, e)
	}
	if code, o, e := runIn(ctx, t, alice, "progress", "--json"); code != 0 || !strings.Contains(o, `"physical_extensions_remaining": 2`) {
		t.Fatalf("progress --json: %d %s %s", code, o, e)
	}
	if code, o, _ := runIn(ctx, t, alice, "progress"); code != 0 || !strings.Contains(o, "Force: 0 of 2 done") {
		t.Fatalf("progress: %d %s", code, o)
	}
	// The central team's view: FCH1 is claimed at FC-01 and FC-02, and
	// stands at neither until an admin says where it is.
	code, o, e := runIn(ctx, t, hubHome, "hub", "report", "--site", "kx", "--store", store)
	if code != 0 || !strings.HasPrefix(o, "label,location,role,plan,status") || !strings.Contains(o, "\nFC-01,") ||
		!regexp.MustCompile(`\nFC-01,[^\n]*,FCH1,[^\n]*,disputed,`).MatchString(o) ||
		!regexp.MustCompile(`\nFC-02,[^\n]*,FCH1,[^\n]*,disputed,`).MatchString(o) {
		t.Fatalf("hub report: %d %s %s", code, o, e)
	}
	if code, o, e := runIn(ctx, t, alice, "report", "--site", "KX", "--from-hub", "--format", "json"); code != 0 ||
		!strings.Contains(o, `"new_serial": "FCH1"`) || !strings.Contains(o, `"open_conflicts": 1`) {
		t.Fatalf("report --from-hub: %d %s %s", code, o, e)
	}
	if code, _, e := runIn(ctx, t, hubHome, "hub", "report", "--store", store); code != 2 || !strings.Contains(e, "--site") {
		t.Fatalf("hub report without --site: %d %s", code, e)
	}
	if code, _, e := runIn(ctx, t, hubHome, "hub", "user", "revoke", "bob", "--store", store); code != 0 {
		t.Fatalf("revoke: %s", e)
	}
	if code, _, e := runIn(ctx, t, bob, "sync"); code != 1 || !strings.Contains(e, "revoked") || !strings.Contains(e, "work is kept") {
		t.Fatalf("sync after revoke: %d %s", code, e)
	}
	st, err := site.Open(filepath.Join(bob, ".local", "share", "cutover", "cutover.db"))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := client.ReadStatus(ctx, st)
	st.Close()
	if s.LastError == "" {
		t.Fatal("the failed sync left no last error for the TUI")
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit %d: %s", code, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
