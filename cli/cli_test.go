package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCLI runs cutover in-process with a private database and settings.
func runCLI(t *testing.T, db string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	home := t.TempDir()
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: func() time.Time {
		return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	}, Getenv: func(k string) string {
		switch k {
		case "HOME":
			return home
		case "USER":
			return "tester"
		}
		return ""
	}, DemoFS: os.DirFS("../testdata/demo")}
	if db != "" {
		args = append([]string{"--db", db}, args...)
	}
	code = Run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCLI(t, "", "--help")
	if code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for name, c := range commands {
		if c.Hidden {
			continue
		}
		if !strings.Contains(out, "  "+name+" ") {
			t.Errorf("--help does not list %s", name)
		}
		code, cout, _ := runCLI(t, "", name, "--help")
		if code != 0 || !strings.Contains(cout, "Usage:\n  cutover "+name) || !strings.Contains(cout, "--db") {
			t.Errorf("%s --help: exit %d\n%s", name, code, cout)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{{"nosuch"}, {"import"}, {"--site", "KX", "status"}, {"import", "a", "b"}, {"status", "--bogus"},
		{"import", "x.csv", "--cease-date", "31/05/2024"}} {
		if code, _, errOut := runCLI(t, filepath.Join(t.TempDir(), "c.db"), args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, errOut)
		}
	}
}

func TestImportAndStatus(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "c.db")
	code, out, errOut := runCLI(t, db, "import", "../testdata/demo/kx.json")
	if code != 0 || !strings.Contains(out, "KX: 58 added, 0 changed, 0 unchanged, 0 withdrawn") {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, db, "import", "../testdata/inventory/bad/duplicates.csv")
	if code != 2 {
		t.Errorf("bad import exit %d; want 2", code)
	}
	_, out, errOut = runCLI(t, db, "import", "../testdata/inventory/bad/duplicates.csv")
	if !strings.Contains(errOut, "duplicates.csv:3:10: mac:") || out != "" {
		t.Errorf("bad import output:\nstdout %q\nstderr %q", out, errOut)
	}
	code, out, _ = runCLI(t, db, "status", "--json")
	if code != 0 {
		t.Fatalf("status exit %d", code)
	}
	var doc struct {
		Sites []struct {
			Code     string         `json:"code"`
			Total    int            `json:"total"`
			DaysLeft int            `json:"days_left"`
			ByPlan   map[string]int `json:"by_plan"`
			ByStatus map[string]int `json:"by_status"`
		} `json:"sites"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	s := doc.Sites[0]
	if s.Code != "KX" || s.Total != 58 || s.DaysLeft != 126 || s.ByPlan["teams_ddi"] != 22 || s.ByPlan["avaya_ptt"] != 4 || s.ByStatus["planned"] != 58 {
		t.Errorf("status: %+v", s)
	}
	_, out, _ = runCLI(t, db, "status", "--site", "kx")
	if !strings.Contains(out, "126 days left") || !strings.Contains(out, "○ planned 58") {
		t.Errorf("status text:\n%s", out)
	}
	if code, _, errOut := runCLI(t, db, "status", "--site", "ZZ"); code != 1 || !strings.Contains(errOut, "ZZ") {
		t.Errorf("status of an unknown site: exit %d %q", code, errOut)
	}
	_, out, _ = runCLI(t, db, "sites")
	if !strings.Contains(out, "Kestrel Cross Police Station") {
		t.Errorf("sites:\n%s", out)
	}
}

func TestImportSiteFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	code, out, errOut := runCLI(t, db, "import", "../testdata/inventory/good_bom.csv", "--site", "lb",
		"--site-name", "Lambeth", "--cease-date", "2027-01-31")
	if code != 0 || !strings.Contains(out, "LB: 2 added") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	_, out, _ = runCLI(t, db, "sites")
	if !strings.Contains(out, "Lambeth") || !strings.Contains(out, "2027-01-31") {
		t.Errorf("sites:\n%s", out)
	}
}

// TestTUITakesTheDiscoverCredentialFlags: plain `cutover` lists and takes
// the SNMP credential flags of `cutover discover`; after a command they
// belong to it.
func TestTUITakesTheDiscoverCredentialFlags(t *testing.T) {
	_, out, _ := runCLI(t, "", "--help")
	for _, f := range []string{"--community", "--v3-user", "--v3-auth-pass-file", "--snmp-profile", "TUI flags"} {
		if !strings.Contains(out, f) {
			t.Errorf("--help lacks %s", f)
		}
	}
	if code, _, errOut := runCLI(t, "", "--community", "x", "status"); code != 2 || !strings.Contains(errOut, "go after the command") {
		t.Fatalf("--community before a command: %d %s", code, errOut)
	}
	// The flags are the TUI's: taken, not unknown (without a terminal it
	// then says it needs one).
	if code, _, errOut := runCLI(t, "", "--v3-user", "ops", "--v3-level", "authPriv"); code != 2 || strings.Contains(errOut, "unknown flag") {
		t.Fatalf("v3 flags for the TUI: %d %s", code, errOut)
	}
}
