package ui

import (
	"fmt"
	"testing"

	"cutover/internal/fieldtest"
)

// Issue 25 point 8: the position's detail shows every fact recorded on
// site: the legacy handset, the new phone, where the handset went, and the
// numbers now and before.
func TestTheDetailShowsEveryRecordedFact(t *testing.T) {
	st := demoStore(t)
	if _, err := fieldtest.Do(st, testEngineer, "KX", "FC-02", "", map[string]string{"legacy_serial": "FCH2222BBBB",
		"legacy_tag": "MPS-00022", "legacy_condition": "worn", "new_serial": "23WZ0000FC02", "new_tag": "AVT-FC02",
		"ddi": "020 7230 1999", "disposition": "weee WTN-2026-0117", "signoff": "Sgt Ada Okafor"}); err != nil {
		t.Fatal(err)
	}
	m := newTestRoot(t, st, "KX", 120, 40)
	press(t, m, "p", "/", "FC-02", "enter", "enter")
	frame := m.View()
	mustContain(t, frame, "Recorded on site")
	for _, f := range [][2]string{{"Legacy serial", "FCH2222BBBB"}, {"Legacy tag", "MPS-00022"}, {"Condition", "worn"},
		{"New phone", "avaya J179"}, {"New MAC", "c8:1f:ea:"}, {"New on port", "kx-sw1 Gi1/0/2"}, {"New serial", "23WZ0000FC02"},
		{"New tag", "AVT-FC02"}, {"Legacy disposition", "weee disposal, waste transfer note WTN-2026-0117"},
		{"Signed off by", "Sgt Ada Okafor"}, {"Number now", "020 7230 1999 (new; was 020 7230 1004, surrendered)"},
		{"Number before", "020 7230 1004"}} {
		mustContain(t, frame, fmt.Sprintf("%-18s %s", f[0], f[1]))
	}
}
