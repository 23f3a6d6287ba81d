package site

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"cutover/internal/safetext"
)

// FuzzParseInventory feeds arbitrary bytes to the inventory parser, as CSV
// and as JSON: it must never panic, and must return either a complete,
// valid inventory or problems, never both and never neither.
func FuzzParseInventory(f *testing.F) {
	for _, dir := range []string{"../testdata/inventory", "../testdata/inventory/bad"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && !e.IsDir() {
				f.Add(data, filepath.Ext(e.Name()) == ".json")
			}
		}
	}
	f.Add([]byte("label,role,legacy_vendor,extension,mac,ddi\nA,front_counter,cisco,123,SEP001E138C9B30,020 7230 1212\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		name := "fuzz.csv"
		if asJSON {
			name = "fuzz.json"
		}
		inv, err := ParseInventory(name, data, ParseOptions{Site: "KX"})
		var probs Problems
		switch {
		case err == nil && inv == nil, err != nil && inv != nil:
			t.Fatalf("inventory %v with error %v", inv, err)
		case errors.As(err, &probs) && len(probs) == 0:
			t.Fatal("empty problems")
		case err == nil:
			for _, s := range inv.Sites {
				for _, p := range s.Positions {
					if p.Label == "" || p.Extension == "" || p.Plan == "" || p.Role == "" {
						t.Fatalf("accepted an incomplete position %+v", p)
					}
					for _, v := range []string{p.Label, p.Building, p.Floor, p.Room, p.LegacyModel, p.MAC, p.Extension, p.DDI, p.Switch, p.Port, p.TargetModel} {
						if err := safetext.Check(v, false); err != nil {
							t.Fatalf("accepted %q: %v", v, err)
						}
					}
					if err := safetext.Check(p.Notes, true); err != nil {
						t.Fatalf("accepted notes %q: %v", p.Notes, err)
					}
					if p.MAC != "" {
						if m, err := NormaliseMAC(p.MAC); err != nil || m != p.MAC {
							t.Fatalf("accepted MAC %q not in normal form", p.MAC)
						}
					}
					if p.DDI != "" {
						if d, err := NormaliseDDI(p.DDI); err != nil || d != p.DDI {
							t.Fatalf("accepted DDI %q not in E.164", p.DDI)
						}
					}
				}
			}
		}
	})
}

// FuzzNormalisers: the MAC and DDI normalisers never panic, and what they
// accept is a fixed point.
func FuzzNormalisers(f *testing.F) {
	for _, s := range []string{"00:1e:13:8c:9b:30", "SEP001E138C9B30", "001e.138c.9b30", "+44 (0)20 7230 1212", "0044 20 7230 1212", "020"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if m, err := NormaliseMAC(s); err == nil {
			if again, err := NormaliseMAC(m); err != nil || again != m {
				t.Fatalf("MAC %q → %q → %q, %v", s, m, again, err)
			}
		}
		if d, err := NormaliseDDI(s); err == nil {
			if again, err := NormaliseDDI(d); err != nil || again != d {
				t.Fatalf("DDI %q → %q → %q, %v", s, d, again, err)
			}
		}
	})
}
