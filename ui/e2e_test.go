package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxPane drives one tmux session on a private server.
type tmuxPane struct {
	t      *testing.T
	socket string
}

func (p *tmuxPane) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", p.socket}, args...)...).CombinedOutput()
	return string(out), err
}

func (p *tmuxPane) screen() string {
	out, _ := p.tmux("capture-pane", "-p", "-t", "e2e")
	return out
}

// keys sends tmux key names or literal text, then waits for want.
func (p *tmuxPane) keys(want string, keys ...string) {
	p.t.Helper()
	if _, err := p.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...); err != nil {
		p.t.Fatalf("send-keys %q: %v", keys, err)
	}
	p.waitFor(want)
}

func (p *tmuxPane) waitFor(want string) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(p.screen(), want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("the screen never showed %q:\n%s", want, p.screen())
}

// TestEndToEndAvayaFixedSwapInTmux builds cutover, runs `cutover demo` in a
// real terminal (tmux, 120×40), walks FC-01 through its whole avaya_fixed
// runbook against the demo's simulated switches, quits, and checks the
// report of that database.
func TestEndToEndAvayaFixedSwapInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("end-to-end test needs tmux (apt-get install tmux); not found on PATH")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "cutover")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "demo.db")
	p := &tmuxPane{t: t, socket: fmt.Sprintf("cutover-e2e-%d", os.Getpid())}
	cmd := fmt.Sprintf("%s demo --keep --db %s --engineer e2e --no-color 2>%s", bin, db, filepath.Join(dir, "stderr"))
	if out, err := p.tmux("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", cmd); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { p.tmux("kill-server") })

	p.waitFor("Kestrel Cross Police Station")
	p.waitFor("0 of 58 positions done")
	p.keys("58 of 58 positions", "p")
	p.keys("1 of 58 positions", "/FC-01")
	p.keys("FC-01  ○ planned", "Enter", "Enter")
	p.keys("Pre-check the port  (SNMP check)", "Enter")
	// The automatic pre-check reads the simulated switch for real.
	p.keys("✓ pass port_ready", "Enter")
	p.waitFor("▸  2 Scan the legacy handset's serial")
	// A barcode scanner: the characters and Enter arrive in one burst.
	p.keys("✓ legacy_serial: pass · FCH1234ABCD", "FCH1234ABCD\r")
	p.keys("✓ legacy_tag: pass · LEG-0001", "LEG-0001", "Enter")
	p.keys("✓ legacy_condition: pass · good", "good", "Enter")
	// FC-01 is a front counter: critical. Its supervisor is told, and the
	// staging on a spare port is skipped (the simulated switch has none).
	time.Sleep(900 * time.Millisecond)
	p.keys("✓ told_before: pass · PS Morgan", "PS Morgan", "Enter")
	time.Sleep(900 * time.Millisecond)
	p.keys("Why skip it?", "s")
	p.keys("stage: skip", "no spare port free", "Enter")
	// A confirm step is taken only once it has been on screen long enough
	// to be read (an Enter straight after the last result is refused), so
	// the engineer here reads before each confirmation.
	read := func() { time.Sleep(900 * time.Millisecond) }
	read()
	p.keys("✓ swap: pass", "Enter")
	// After the swap, the simulated switch shows the Avaya phone.
	p.keys("✓ pass new_phone", "Enter")
	read()                                               // nothing is taken for a step before it was on screen: not even the serial shown
	p.keys("✓ new_serial: pass · 23WZ02547224", "Enter") // Enter takes the serial LLDP-MED showed
	p.keys("✓ new_tag: pass · NEW-0001", "NEW-0001", "Enter")
	read()
	p.keys("✓ ddi: pass", "Enter")
	// Each test call is answered with y once it was made; the label is
	// confirmed with Enter.
	for _, step := range []string{"call_in", "call_out", "call_internal", "recording", "call_logging"} {
		read()
		p.keys("✓ "+step+": pass", "y")
		if step == "call_in" { // proven: the supervisor is told it works again
			read()
			p.keys("✓ told_after: pass · PS Morgan", "PS Morgan", "Enter")
		}
	}
	read()
	p.keys("✓ label: pass", "Enter")
	p.keys("✓ disposition: pass · returned_to_store", "store", "Enter")
	p.keys("● Done: every step is recorded.", "Sam Patel", "Enter")
	p.waitFor("20 of 20 steps")
	p.tmux("send-keys", "-t", "e2e", "q") // nothing half entered: q quits at once
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := p.tmux("has-session", "-t", "e2e"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cutover did not quit:\n%s", p.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}

	out, err := exec.Command(bin, "report", "--site", "KX", "--format", "json", "--db", db).Output()
	if err != nil {
		t.Fatalf("cutover report: %v", err)
	}
	var rep struct {
		Done      int `json:"done"`
		Positions []struct {
			Label        string   `json:"label"`
			Status       string   `json:"status"`
			StepsDone    int      `json:"steps_done"`
			StepsTotal   int      `json:"steps_total"`
			LegacySerial string   `json:"legacy_serial"`
			LegacyTag    string   `json:"legacy_tag"`
			NewModel     string   `json:"new_model"`
			NewSerial    string   `json:"new_serial"`
			NewTag       string   `json:"new_tag"`
			Disposition  string   `json:"disposition"`
			SignedOffBy  string   `json:"signed_off_by"`
			Engineers    []string `json:"engineers"`
		} `json:"positions"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	if rep.Done != 1 {
		t.Errorf("report: %d positions done, want 1", rep.Done)
	}
	found := false
	for _, r := range rep.Positions {
		if r.Label != "FC-01" {
			continue
		}
		found = true
		got := fmt.Sprintf("%s %d/%d %s %s %s %s %s %s %s %v", r.Status, r.StepsDone, r.StepsTotal, r.LegacySerial, r.LegacyTag,
			r.NewModel, r.NewSerial, r.NewTag, r.Disposition, r.SignedOffBy, r.Engineers)
		want := "done 20/20 FCH1234ABCD LEG-0001 J179 23WZ02547224 NEW-0001 returned_to_store Sam Patel [e2e]"
		if got != want {
			t.Errorf("report row of FC-01:\n got %s\nwant %s", got, want)
		}
	}
	if !found {
		t.Fatalf("no FC-01 in the report:\n%s", out)
	}
}
