package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// asMain is the environment variable that makes the test binary run as
// cutover itself (see TestMain), so that these tests run the real program
// with real file descriptors without building it.
const asMain = "CUTOVER_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// cutoverCmd is the test binary run as cutover, with its own empty
// settings and data folders.
func cutoverCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	home := t.TempDir()
	cmd.Env = append(os.Environ(), asMain+"=1", "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "USER=tester")
	return cmd
}

// Issue 12 point 8: with standard input from /dev/null and standard output
// a pipe, each command that opens a TUI says so in one line on standard
// error and exits 2, having written nothing to standard output (before,
// `cutover demo </dev/null` printed "error creating cancelreader", exited 1
// and left the shell in the alternate screen with the cursor hidden;
// `cutover demo | cat` drew the TUI into the pipe). The other commands
// work as before.
func TestTUICommandsWithoutATerminal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	imp := cutoverCmd(t, "--db", db, "import", filepath.Join("testdata", "demo", "kx.json"))
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, args := range [][]string{{}, {"--db", db}, {"--db", db, "--site", "KX"}, {"tui", "--db", db}, {"demo"}, {"demo", "--keep"},
		{"--theme", "light", "demo"}, {"--no-color", "--mouse", "demo"}} {
		t.Run(strings.Join(append([]string{"cutover"}, args...), " "), func(t *testing.T) {
			cmd := cutoverCmd(t, args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdin = nil                           // /dev/null
			cmd.Stdout, cmd.Stderr = &stdout, &stderr // pipes
			err := cmd.Run()
			code := cmd.ProcessState.ExitCode()
			if code != 2 {
				t.Errorf("exit status %d (%v), want 2", code, err)
			}
			if stdout.Len() != 0 {
				t.Errorf("wrote %q to standard output", stdout.String())
			}
			line := stderr.String()
			if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
				t.Errorf("standard error is not one line: %q", line)
			}
			if !strings.Contains(line, "not a terminal: standard input and output are not terminals, and the TUI needs one") {
				t.Errorf("standard error: %q", line)
			}
			if strings.ContainsRune(line, 0x1b) {
				t.Errorf("an escape sequence on standard error: %q", line)
			}
		})
	}
	// Not the TUI: as before.
	cmd := cutoverCmd(t, "--db", db, "status", "--site", "KX")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil || !strings.Contains(stdout.String(), "KX") {
		t.Errorf("status without a terminal: %v\n%s", err, stdout.String())
	}
	// --help of a TUI command needs no terminal either.
	if out, err := cutoverCmd(t, "demo", "--help").Output(); err != nil || !strings.Contains(string(out), "cutover demo") {
		t.Errorf("demo --help: %v\n%s", err, out)
	}
}

// pane is one tmux session on a private server, running cmd in a shell.
type pane struct {
	t      *testing.T
	socket string
}

func newPane(t *testing.T, shell string) *pane {
	t.Helper()
	if testing.Short() {
		t.Skip("runs cutover in tmux: skipped with -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("needs tmux (apt-get install tmux); not found on PATH")
	}
	p := &pane{t: t, socket: fmt.Sprintf("cutover-term-%d-%d", os.Getpid(), time.Now().UnixNano())}
	// The shell stays after cutover ends, so the screen can be read.
	if out, err := p.tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "30", shell+"; sleep 120"); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { p.tmux("kill-server") })
	return p
}

func (p *pane) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", p.socket}, args...)...).CombinedOutput()
	return string(out), err
}

func (p *pane) screen() string {
	out, _ := p.tmux("capture-pane", "-p", "-J", "-t", "t")
	return out
}

// waitFor waits for the screen to show want (a wait, not a timing check).
func (p *pane) waitFor(want string) string {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if s := p.screen(); strings.Contains(s, want) {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("the screen never showed %q:\n%s", want, p.screen())
	return ""
}

// shellCmd is the shell command line that runs the test binary as cutover.
func shellCmd(t *testing.T, args string) string {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	return fmt.Sprintf("env %s=1 HOME=%s XDG_DATA_HOME=%s/data XDG_CONFIG_HOME=%s/config USER=tester %s %s",
		asMain, home, home, home, self, args)
}

// Issue 12 point 9: Ctrl+C in the TUI exits with status 130, with the
// terminal restored: out of the alternate screen, the cursor shown.
func TestCtrlCExits130WithTheTerminalRestored(t *testing.T) {
	p := newPane(t, shellCmd(t, "demo --no-color")+"; echo EXIT=$?")
	p.waitFor("Kestrel Cross Police Station")
	if out, _ := p.tmux("display-message", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}"); strings.TrimSpace(out) != "1 0" {
		t.Fatalf("while the TUI runs: alternate screen and cursor %q, want 1 0", out)
	}
	p.tmux("send-keys", "-t", "t", "C-c")
	p.waitFor("EXIT=130")
	if out, _ := p.tmux("display-message", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}"); strings.TrimSpace(out) != "0 1" {
		t.Fatalf("after ctrl+c: alternate screen and cursor %q, want 0 1 (restored)", out)
	}
}

// Issue 12 point 8 in a terminal: `cutover progress` with its output on a
// terminal opens the TUI, so with standard input from /dev/null it says so
// in one line and exits 2, before asking for the hub login; the terminal
// is left as it was.
func TestProgressWithoutATerminalOnStandardInput(t *testing.T) {
	p := newPane(t, shellCmd(t, "progress </dev/null")+"; echo EXIT=$?")
	s := p.waitFor("EXIT=")
	if !strings.Contains(s, "cutover progress: not a terminal: standard input is not a terminal, and the TUI needs one; --json or --format csv print the figures\nEXIT=2") {
		t.Fatalf("screen:\n%s", s)
	}
	if out, _ := p.tmux("display-message", "-p", "-t", "t", "#{alternate_on} #{cursor_flag}"); strings.TrimSpace(out) != "0 1" {
		t.Fatalf("alternate screen and cursor %q, want 0 1", out)
	}
}
