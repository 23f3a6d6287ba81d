package invgen

import (
	"bytes"
	"testing"

	"cutover/site"
)

// The generated inventory passes the import's checks, and some of its
// positions set their own critical and max_dark_minutes.
func TestGeneratedInventoryIsValidWithCriticalityOverrides(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, Options{Sites: 3, PerSite: 200, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	inv, err := site.ParseInventory("gen.csv", buf.Bytes(), site.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, s := range inv.Sites {
		for _, p := range s.Positions {
			switch {
			case p.MaxDarkMinutes == 20:
				kinds["target"]++
			case p.Critical == site.CriticalYes:
				kinds["yes"]++
			case p.Critical == site.CriticalNo:
				kinds["no"]++
			}
		}
	}
	for _, k := range []string{"target", "yes", "no"} {
		if kinds[k] == 0 {
			t.Errorf("no position with the override %q: %v", k, kinds)
		}
	}
}
