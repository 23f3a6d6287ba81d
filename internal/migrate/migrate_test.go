package migrate

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadOrdersAndRefusesGapsRepeatsAndStrayNames(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	ms, err := Load(fstest.MapFS{"m/0002_b.sql": file("B"), "m/0001_a.sql": file("A"), "m/0003_c.sql": file("C")}, "m")
	if err != nil || len(ms) != 3 || ms[0].SQL != "A" || ms[2].Name != "0003_c.sql" || ms[2].Version != 3 {
		t.Fatalf("Load: %+v %v", ms, err)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"want number 2":      {"m/0001_a.sql": file(""), "m/0003_c.sql": file("")},
		"want number 3":      {"m/0001_a.sql": file(""), "m/0002_b.sql": file(""), "m/0002_c.sql": file("")},
		"want NNNN_name.sql": {"m/0001_a.sql": file(""), "m/readme.txt": file("")},
		"no migrations":      {"m/.keep": nil},
	} {
		if name == "no migrations" {
			fsys = fstest.MapFS{"m": &fstest.MapFile{Mode: 0o755 | 1<<31}}
		}
		if _, err := Load(fsys, "m"); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
