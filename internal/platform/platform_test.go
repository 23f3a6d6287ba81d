package platform

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// The folder rules of both platforms, tested wherever the tests run.
func TestDefaultFolders(t *testing.T) {
	cases := []struct {
		name   string
		fn     func(func(string) string) string
		getenv func(string) string
		want   string
	}{
		{"unix config XDG", unixConfigDir, env("XDG_CONFIG_HOME", "/x/cfg", "HOME", "/home/a"), filepath.Join("/x/cfg", "cutover")},
		{"unix config HOME", unixConfigDir, env("HOME", "/home/a"), filepath.Join("/home/a", ".config", "cutover")},
		{"unix config none", unixConfigDir, env(), ""},
		{"unix data XDG", unixDataDir, env("XDG_DATA_HOME", "/x/data", "HOME", "/home/a"), filepath.Join("/x/data", "cutover")},
		{"unix data HOME", unixDataDir, env("HOME", "/home/a"), filepath.Join("/home/a", ".local", "share", "cutover")},
		{"unix data none", unixDataDir, env(), "."},
		// Windows ignores XDG and HOME (Git Bash and MSYS set HOME).
		{"windows config APPDATA", windowsConfigDir, env("APPDATA", `C:\Users\a\AppData\Roaming`, "XDG_CONFIG_HOME", "/x", "HOME", "/home/a"),
			filepath.Join(`C:\Users\a\AppData\Roaming`, "cutover")},
		{"windows config USERPROFILE", windowsConfigDir, env("USERPROFILE", `C:\Users\a`), filepath.Join(`C:\Users\a`, "AppData", "Roaming", "cutover")},
		{"windows config none", windowsConfigDir, env("HOME", "/home/a"), ""},
		{"windows data LOCALAPPDATA", windowsDataDir, env("LOCALAPPDATA", `C:\Users\a\AppData\Local`, "APPDATA", `C:\Users\a\AppData\Roaming`),
			filepath.Join(`C:\Users\a\AppData\Local`, "cutover")},
		{"windows data USERPROFILE", windowsDataDir, env("USERPROFILE", `C:\Users\a`), filepath.Join(`C:\Users\a`, "AppData", "Local", "cutover")},
		{"windows data none", windowsDataDir, env(), "."},
	}
	for _, c := range cases {
		if got := c.fn(c.getenv); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// The Windows privacy rule on the access lists Windows really gives files.
func TestJudgeACL(t *testing.T) {
	const me = "S-1-5-21-1-2-3-1001"
	const full = 0x1F01FF // FILE_ALL_ACCESS
	const readExec = 0x1200A9
	mine := ace{allow: true, sid: me, mask: full}
	cases := []struct {
		name    string
		entries []ace
		null    bool
		wantErr string // "" when private
	}{
		{"what CreatePrivate sets", []ace{mine}, false, ""},
		{"the profile folder's inherited list", []ace{
			{allow: true, sid: sidSystem, mask: full}, {allow: true, sid: sidAdministrators, mask: full}, mine}, false, ""},
		{"CREATOR OWNER, inherit-only", []ace{mine, {allow: true, inheritOnly: true, sid: "S-1-3-0", mask: full}}, false, ""},
		{"a deny for Everyone", []ace{mine, {allow: false, sid: "S-1-1-0", mask: full}}, false, ""},
		{"Everyone may read attributes only", []ace{mine, {allow: true, sid: "S-1-1-0", mask: 0x80 | 0x100000}}, false, ""},
		{"Users may read (a file made in C:\\ or on a share)", []ace{mine,
			{allow: true, sid: "S-1-5-32-545", name: `BUILTIN\Users`, mask: readExec}}, false, `BUILTIN\Users can read or change it`},
		{"Authenticated Users may change", []ace{mine, {allow: true, sid: "S-1-5-11", mask: 0x2}}, false, "S-1-5-11 can read or change it"},
		{"another user, GENERIC_READ", []ace{mine, {allow: true, sid: "S-1-5-21-1-2-3-1002", name: `FORCE\bob`, mask: 0x80000000},
			{allow: true, sid: "S-1-1-0", name: "Everyone", mask: full}}, false, `FORCE\bob and 1 others can read or change it`},
		{"an entry whose trustee cannot be read", []ace{mine, {allow: true, mask: full}}, false, "an entry cutover cannot read"},
		{"no access list at all", nil, true, "everyone can read it"},
		{"an empty list: nobody but the owner's implicit rights", nil, false, ""},
	}
	for _, c := range cases {
		err := judgeACL(c.entries, c.null, me)
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.wantErr)
		}
	}
}

func TestRetryTransient(t *testing.T) {
	busy := errors.New("held open")
	transient := func(err error) bool { return errors.Is(err, busy) }
	var slept []time.Duration
	sleep := func(d time.Duration) { slept = append(slept, d) }

	tries := 0
	err := retryTransient(func() error {
		if tries++; tries < 4 {
			return busy
		}
		return nil
	}, transient, 10, sleep)
	if err != nil || tries != 4 || len(slept) != 3 || slept[0] != 10*time.Millisecond || slept[2] != 40*time.Millisecond {
		t.Fatalf("released on the 4th try: err %v, %d tries, slept %v", err, tries, slept)
	}

	tries, slept = 0, nil
	err = retryTransient(func() error { tries++; return busy }, transient, 10, sleep)
	var total time.Duration
	for _, d := range slept {
		total += d
	}
	if !errors.Is(err, busy) || tries != 10 || len(slept) != 9 || total < time.Second || total > 3*time.Second {
		t.Fatalf("never released: err %v, %d tries, slept %v (total %v)", err, tries, slept, total)
	}

	tries, slept = 0, nil
	other := errors.New("no such folder")
	if err := retryTransient(func() error { tries++; return other }, transient, 10, sleep); err != other || tries != 1 || len(slept) != 0 {
		t.Fatalf("a lasting failure: err %v, %d tries, slept %v", err, tries, slept)
	}
}

func TestStopSignals(t *testing.T) {
	has := map[os.Signal]bool{}
	for _, s := range StopSignals {
		has[s] = true
	}
	if !has[os.Interrupt] || !has[syscall.SIGTERM] {
		t.Fatalf("StopSignals %v: want Ctrl+C (os.Interrupt) and SIGTERM (on Windows: the console closing)", StopSignals)
	}
}

// Through this platform's own code: the file is replaced whole, is private,
// and no temporary file is left behind.
func TestWritePrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cutover")
	if err := MkdirPrivate(dir); err != nil {
		t.Fatal(err)
	}
	if err := MkdirPrivate(dir); err != nil {
		t.Fatalf("again on an existing folder: %v", err)
	}
	path := filepath.Join(dir, "hub-credentials.json")
	for _, body := range []string{`{"v":1}`, `{"v":2, "longer": true}`, `{}`} {
		if err := WritePrivateFile(path, []byte(body)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, []byte(body)) {
			t.Fatalf("read back %q %v, want %q", got, err, body)
		}
		if err := CheckPrivate(path); err != nil {
			t.Fatalf("written private, yet: %v", err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("folder holds %v, want only the file", names)
	}
	if _, err := CreatePrivate(path); !errors.Is(err, os.ErrExist) {
		t.Fatalf("CreatePrivate on an existing file: %v, want it to exist", err)
	}
}

// A file that is held open (a reader, the way Notepad or a virus scan holds
// it) is still replaced: at once on Unix; on Windows as soon as the holder
// shares delete, which os.Open does not, so there it is tested closed.
func TestReplaceFile(t *testing.T) {
	dir := t.TempDir()
	to := filepath.Join(dir, "report.md")
	if err := os.WriteFile(to, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	from := filepath.Join(dir, "report.md.tmp")
	if err := os.WriteFile(from, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := ReplaceFile(from, to); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(to); string(b) != "new" {
		t.Fatalf("after the replace: %q", b)
	}
	if _, err := os.Stat(from); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the temporary file is still there: %v", err)
	}
	if err := ReplaceFile(filepath.Join(dir, "missing"), to); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("replacing from a missing file: %v", err)
	}
}

func TestCanWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cutover.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, path} {
		if err := CanWrite(p); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	if err := CanWrite(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing file counted as writable")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("probing left %d entries", len(entries))
	}
}
