package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cutover/ui"
)

// The TUI commands refuse to start without a terminal (here standard input
// and output are buffers): one line, exit 2, nothing on standard output.
// The end-to-end form with /dev/null and a pipe is in ../terminal_test.go.
func TestTUICommandsNeedATerminal(t *testing.T) {
	for _, args := range [][]string{{}, {"tui"}, {"demo"}, {"--site", "KX"}} {
		code, out, errs := runCLI(t, filepath.Join(t.TempDir(), "c.db"), args...)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, ": not a terminal: ") {
			t.Errorf("cutover %v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
}

// --theme and the config's "theme": auto, light or dark; the flag wins; a
// wrong value is refused naming where it came from.
func TestThemeFlagAndConfigKey(t *testing.T) {
	code, _, errs := runCLI(t, "", "--theme", "solarized", "status")
	if code != 2 || !strings.Contains(errs, `--theme "solarized": want auto, light or dark`) {
		t.Errorf("--theme solarized: exit %d, %q", code, errs)
	}
	cfg := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(cfg, []byte(`{"theme": "light"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := &Env{ConfigPath: cfg, Getenv: func(string) string { return "" }, Engineer: "t"}
	if err := env.loadSettings(); err != nil || env.theme() != ui.ThemeLight {
		t.Errorf("config theme light: %v, %q", err, env.theme())
	}
	env = &Env{ConfigPath: cfg, Getenv: func(string) string { return "" }, Engineer: "t", Theme: "dark"}
	if err := env.loadSettings(); err != nil || env.theme() != ui.ThemeDark {
		t.Errorf("--theme dark over the config's light: %v, %q", err, env.theme())
	}
	if err := os.WriteFile(cfg, []byte(`{"theme": "pink"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "", "--config", cfg, "status")
	if code == 0 || !strings.Contains(errs, `theme "pink": want auto, light or dark`) {
		t.Errorf("config theme pink: exit %d, %q", code, errs)
	}
}
