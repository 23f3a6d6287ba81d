package ui

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"cutover/site"
)

// Issue 29: the position's detail says in words whether it is critical,
// its dark-time target, and whether the inventory or the role set it.
func TestTheDetailShowsWhetherAPositionIsCritical(t *testing.T) {
	st, err := site.Open(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return fixedNow }
	data := []byte(`{"site": {"code": "KX", "name": "Kings Cross"}, "positions": [
		{"label": "CS-01", "role": "custody_suite", "legacy_vendor": "cisco", "extension": "31001", "max_dark_minutes": 20},
		{"label": "CS-02", "role": "custody_suite", "legacy_vendor": "cisco", "extension": "31002"},
		{"label": "FC-01", "role": "front_counter", "legacy_vendor": "cisco", "extension": "31003", "critical": "no"},
		{"label": "HD-01", "role": "hot_desk", "legacy_vendor": "cisco", "extension": "31004"}]}`)
	inv, err := site.ParseInventory("kx.json", data, site.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), testEngineer, inv, data, site.SiteOverrides{}); err != nil {
		t.Fatal(err)
	}
	for label, want := range map[string]string{
		"CS-01": "Critical       yes · target 20 min (set in the inventory)",
		"CS-02": "Critical       yes · target 15 min (custody suite default)",
		"FC-01": "Critical       no (set in the inventory)",
		"HD-01": "Critical       no\n",
	} {
		t.Run(label, func(t *testing.T) {
			m := newTestRoot(t, st, "KX", 120, 40)
			press(t, m, "p", "/", label, "enter", "enter")
			if d, ok := m.top().(*detail); !ok || d.label != label {
				t.Fatalf("opened %T, not %s's detail", m.top(), label)
			}
			mustContain(t, m.View(), want)
		})
	}
}
