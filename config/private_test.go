package config

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"cutover/internal/platform"
)

// A config with SNMP secrets loads when only its owner can read it and is
// refused, saying how to fix it, when others can.
func TestProfileSecretsNeedAPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cutover")
	if err := platform.MkdirPrivate(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.json")
	body := []byte(`{"snmp_profiles": {"kx": {"community": "s3cret"}}}`)
	if err := platform.WritePrivateFile(path, body); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil || c.SNMP["kx"].Community != "s3cret" {
		t.Fatalf("private file: %v %+v", err, c)
	}
	if runtime.GOOS == "windows" {
		return // the access-list side is tested in internal/platform
	}
	os.Chmod(path, 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), `profile "kx"`) || !strings.Contains(err.Error(), "readable only by you") {
		t.Fatalf("mode 0644: %v", err)
	}
}

func TestDefaultPaths(t *testing.T) {
	getenv := func(k string) string {
		return map[string]string{"XDG_CONFIG_HOME": "/x/c", "XDG_DATA_HOME": "/x/d", "HOME": "/home/a",
			"APPDATA": `C:\Users\a\AppData\Roaming`, "LOCALAPPDATA": `C:\Users\a\AppData\Local`}[k]
	}
	if got, want := DefaultPath(getenv), filepath.Join(platform.ConfigDir(getenv), "config.json"); got != want {
		t.Fatalf("DefaultPath %q, want %q", got, want)
	}
	want := filepath.Join("/x/d", "cutover")
	if runtime.GOOS == "windows" {
		want = filepath.Join(`C:\Users\a\AppData\Local`, "cutover")
	}
	if got := DefaultDataDir(getenv); got != want {
		t.Fatalf("DefaultDataDir %q, want %q", got, want)
	}
}
