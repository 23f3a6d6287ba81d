package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSaveProfile keeps the other settings, writes the file private, and
// refuses to write secrets into a file others can read.
func TestSaveProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cutover", "config.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"engineer":"alex","hub":"https://hub.example","later_key":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := SaveProfile(path, "kx", SNMPProfile{Community: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Engineer != "alex" || c.Hub != "https://hub.example" || c.SNMP["kx"].Community != "s3cret" {
		t.Fatalf("after saving: %+v", c)
	}
	raw, _ := os.ReadFile(path)
	if !strings.Contains(string(raw), "later_key") {
		t.Fatalf("a setting this version does not know was dropped:\n%s", raw)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %o", fi.Mode().Perm())
	}
	os.Chmod(path, 0o644)
	if err := SaveProfile(path, "v3", SNMPProfile{V3User: "ops"}); err == nil || !strings.Contains(err.Error(), "0600") {
		t.Fatalf("saving into a readable file: %v", err)
	}
	if err := SaveProfile(path, "bad\x1bname", SNMPProfile{}); err == nil {
		t.Fatal("a profile name with ESC was saved")
	}
}
