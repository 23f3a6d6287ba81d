// Command geninventory writes a force-scale inventory CSV (20,000 positions
// over 200 sites by default) for benchmarks: go run ./scripts/geninventory > force.csv
package main

import (
	"flag"
	"fmt"
	"os"

	"cutover/internal/invgen"
)

func main() {
	sites := flag.Int("sites", 200, "number of sites")
	per := flag.Int("per-site", 100, "positions per site")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := invgen.WriteCSV(os.Stdout, invgen.Options{Sites: *sites, PerSite: *per, Seed: *seed}); err != nil {
		fmt.Fprintln(os.Stderr, "geninventory:", err)
		os.Exit(1)
	}
}
