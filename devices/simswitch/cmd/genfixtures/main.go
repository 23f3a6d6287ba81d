// Command genfixtures renders the demo site's simulated switches into
// testdata/switches/*.snmprec. Run it from the module root:
//
//	go run ./devices/simswitch/cmd/genfixtures
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"cutover/devices/simswitch"
)

func main() {
	inv := flag.String("inventory", "testdata/demo/kx.json", "site inventory JSON")
	out := flag.String("out", "testdata/switches", "output directory")
	flag.Parse()
	if err := run(*inv, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genfixtures:", err)
		os.Exit(1)
	}
}

func run(inv, out string) error {
	data, err := os.ReadFile(inv)
	if err != nil {
		return err
	}
	files, err := simswitch.DemoFixtures(data)
	if err != nil {
		return fmt.Errorf("%s: %w", inv, err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := filepath.Join(out, name)
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", p)
	}
	return nil
}
