package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"cutover/cli"
	"cutover/site"
)

// The demo site is embedded, so that `go run . demo` works from any folder:
// it must be there and be a valid inventory.
func TestEmbeddedDemoSite(t *testing.T) {
	demo, err := fs.Sub(demoSite, "testdata/demo")
	if err != nil {
		t.Fatal(err)
	}
	data, err := fs.ReadFile(demo, cli.DemoFile)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := site.ParseInventory(cli.DemoFile, data, site.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Sites) != 1 || len(inv.Sites[0].Positions) < 50 {
		t.Errorf("demo site: %d sites, %d positions", len(inv.Sites), len(inv.Sites[0].Positions))
	}
}

func TestRunExitStatuses(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer devnull.Close()
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = devnull, devnull
	defer func() { os.Stdout, os.Stderr = stdout, stderr }()
	if code := run([]string{"--help"}); code != 0 {
		t.Errorf("--help: exit %d", code)
	}
	if code := run([]string{"no-such-command"}); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	db := filepath.Join(t.TempDir(), "c.db")
	if code := run([]string{"--db", db, "--engineer", "t", "import", filepath.Join("testdata", "demo", "kx.json")}); code != 0 {
		t.Errorf("import: exit %d", code)
	}
	if code := run([]string{"--db", db, "status", "--site", "KX"}); code != 0 {
		t.Errorf("status: exit %d", code)
	}
}
