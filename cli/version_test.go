package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `cutover --version` and `cutover version` answer even when the settings
// file is broken, and print one line.
func TestVersion(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, ".config", "cutover", "config.json")
	os.MkdirAll(filepath.Dir(cfg), 0o700)
	os.WriteFile(cfg, []byte("{not json"), 0o600)
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, errOut := runIn(t.Context(), t, home, args...)
		if code != 0 || !strings.HasPrefix(out, "cutover ") || strings.Count(out, "\n") != 1 || errOut != "" {
			t.Fatalf("%v: %d %q %q", args, code, out, errOut)
		}
	}
	if code, _, errOut := runIn(t.Context(), t, t.TempDir(), "version", "extra"); code != 2 {
		t.Fatalf("version extra: %d %s", code, errOut)
	}
}
