package export_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"cutover/internal/safetext"
	"cutover/site"
	"cutover/site/export"
	"cutover/site/runbook"
)

// hostileText is inventory text that tries to break out of a CSV cell or
// a PowerShell literal.
var hostileText = []string{
	`=HYPERLINK("http://x/?"&A1,"click")`, `+SUM(1,2)`, `@cmd`, `-2+3`, `Room "A", left`,
	"two\nlines", `$(Remove-Item -Recurse -Force C:\)`, "it's'; Stop-Computer; '", "a\u2019); iex 'calc'; (\u2018",
	"`$env:USERNAME", "#comment\r\nStop-Computer",
}

func TestHostileTextCannotBreakTheCSVOrTheScript(t *testing.T) {
	var positions []site.Position
	var rows []export.Retire
	for i, h := range hostileText {
		label := "PE-" + string(rune('A'+i))
		positions = append(positions, site.Position{Site: "KX", Label: label, Building: h, Floor: h, Room: h,
			Plan: site.PlanTeamsDDI, Switch: "kx-sw1", Port: fmt.Sprintf("Gi1/0/%d", i+1)})
		rows = append(rows, export.Retire{Site: "KX", Position: label, Building: h, Model: h, Vendor: "cisco",
			DeviceName: h, Serial: h, WTNRef: h})
	}
	read := []site.SwitchLLDP{{Switch: "127.0.0.1:16101", SysName: "kx-sw1", ChassisID: "kx-sw1.local", ChassisIDSubtype: 7}}
	for i := range positions {
		read[0].Ports = append(read[0].Ports, site.ObservedPort{Port: positions[i].Port, PortID: positions[i].Port, PortIDSubtype: 5})
	}
	st := site.Site{Code: "KX", Name: hostileText[0], Address: hostileText[7]}
	lis := runbook.BuildLIS(st, site.CivicAddress{}, positions, read, nil, nil, false)
	if len(lis.Ports) != len(hostileText) {
		t.Fatalf("%d ports; want %d: %+v", len(lis.Ports), len(hostileText), lis.Gaps)
	}

	// An identifier goes to the cmdlets exactly or not at all: a hostile
	// port or chassis ID is a gap, never a guarded cell.
	bad := append([]site.SwitchLLDP{}, read...)
	bad[0].Ports = nil
	for i := range positions {
		bad[0].Ports = append(bad[0].Ports, site.ObservedPort{Port: positions[i].Port, PortID: hostileText[i], PortIDSubtype: 7})
	}
	if l := runbook.BuildLIS(st, site.CivicAddress{}, positions, bad, nil, nil, false); len(l.Ports) != 0 || len(l.Gaps) != len(hostileText) {
		t.Errorf("hostile port IDs: %d ports, %d gaps; want 0 and %d", len(l.Ports), len(l.Gaps), len(hostileText))
	}
	bad[0].ChassisID = "x'; Stop-Computer; '"
	if l := runbook.BuildLIS(st, site.CivicAddress{}, positions, bad, nil, nil, false); len(l.Switches) != 0 || len(l.Ports) != 0 {
		t.Errorf("a hostile chassis ID was written: %+v %+v", l.Switches, l.Ports)
	}

	// CSV: every record has every column, and every cell reads back as
	// its guarded value (a formula starts with ').
	var b bytes.Buffer
	must(t, export.WriteRetire(&b, "csv", []string{"KX"}, rows, nil))
	recs, err := csv.NewReader(&b).ReadAll()
	must(t, err)
	if len(recs) != len(rows)+1 {
		t.Fatalf("%d records; want %d", len(recs), len(rows)+1)
	}
	for i, r := range rows {
		if got := recs[i+1][2]; got != safetext.CSVCell(r.Building) {
			t.Errorf("building %q reads back as %q", r.Building, got)
		}
		if c := recs[i+1][2]; c != "" && strings.ContainsRune("=+@", rune(c[0])) {
			t.Errorf("cell %q starts a formula", c)
		}
	}
	files, err := export.WriteLISFiles(lis)
	must(t, err)
	for _, f := range files {
		recs, err := csv.NewReader(bytes.NewReader(f.Data)).ReadAll()
		must(t, err)
		for _, r := range recs[1:] {
			for _, c := range r {
				if c != "" && strings.ContainsRune("=+@", rune(c[0])) {
					t.Errorf("%s: cell %q starts a formula", f.Name, c)
				}
			}
		}
	}

	// The Cisco bulk delete file holds device names of the SEP form only.
	b.Reset()
	must(t, export.WriteRetire(&b, "cisco-bat", nil, rows, nil))
	if b.Len() != 0 {
		t.Errorf("the Cisco file took hostile device names: %q", b.String())
	}

	// PowerShell: see ps1_test.go.
	b.Reset()
	must(t, export.WriteLIS(&b, "ps1", []string{"KX"}, lis))
	checkScript(t, b.Bytes(), positions)
}

// TestLISGapsAreListedNotGuessed: a switch not read, a chassis ID not
// given, a port without an LLDP port ID and a position without a port are
// gaps, each saying why.
func TestLISGapsAreListedNotGuessed(t *testing.T) {
	positions := []site.Position{
		{Site: "KX", Label: "PE-01", Plan: site.PlanTeamsDDI, Switch: "kx-sw1", Port: "Gi1/0/1"},
		{Site: "KX", Label: "PE-02", Plan: site.PlanTeamsDDI, Switch: "kx-sw1", Port: "Gi1/0/9"},
		{Site: "KX", Label: "PE-03", Plan: site.PlanTeamsDDI, Switch: "kx-sw2", Port: "3"},
		{Site: "KX", Label: "PE-04", Plan: site.PlanTeamsDDI, Switch: "kx-sw3", Port: "1"},
		{Site: "KX", Label: "PE-05", Plan: site.PlanTeamsDDI},
		{Site: "KX", Label: "FC-01", Plan: site.PlanAvayaFixed, Switch: "kx-sw1", Port: "Gi1/0/2"},
	}
	read := []site.SwitchLLDP{
		{Switch: "10.0.0.1:161", SysName: "kx-sw1.example", ChassisID: "00:5d:73:41:01:00", ChassisIDSubtype: 4,
			Ports: []site.ObservedPort{{Port: "GigabitEthernet1/0/1", PortID: "Gi1/0/1", PortIDSubtype: 5}, {Port: "Gi1/0/2", PortID: "Gi1/0/2", PortIDSubtype: 5}}},
		{Switch: "10.0.0.3:161", SysName: "kx-sw3"},
	}
	l := runbook.BuildLIS(site.Site{Code: "KX", Address: "1 Road"}, site.CivicAddress{}, positions, read, nil, nil, false)
	if len(l.Ports) != 1 || l.Ports[0].Position != "PE-01" || l.Ports[0].ChassisID != "00-5D-73-41-01-00" || l.Ports[0].PortID != "Gi1/0/1" {
		t.Errorf("ports %+v", l.Ports)
	}
	var got []string
	for _, g := range l.Gaps {
		got = append(got, g.Position+"|"+g.Switch+"|"+g.Reason)
	}
	want := []string{
		"|kx-sw2|switch not read by discovery",
		"|kx-sw3|the switch gave no LLDP chassis ID (lldpLocChassisId)",
		"PE-02|kx-sw1|discovery read no LLDP port ID (lldpLocPortId) for port Gi1/0/9",
		"PE-03|kx-sw2|switch not read by discovery",
		"PE-04|kx-sw3|the switch gave no LLDP chassis ID (lldpLocChassisId)",
		"PE-05||the inventory names no switch and port",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("gaps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if all := runbook.BuildLIS(site.Site{Code: "KX"}, site.CivicAddress{}, positions, read, nil, nil, true); len(all.Ports) != 2 {
		t.Errorf("--all-ports: %+v", all.Ports)
	}
}

// TestRetireGapsNameTheHandsetsWithoutADeviceName: a Cisco handset with no
// MAC is in the retire list but cannot be in the Cisco delete file; it is
// a gap saying so, with the extension to find it by.
func TestRetireGapsNameTheHandsetsWithoutADeviceName(t *testing.T) {
	rows := []export.Retire{
		{Site: "KX", Position: "FC-01", Vendor: "cisco", MAC: "00:1e:13:8c:90:07", DeviceName: export.DeviceName("cisco", "00:1e:13:8c:90:07")},
		{Site: "KX", Position: "FC-02", Vendor: "cisco", Extension: "41002"},
		{Site: "KX", Position: "FC-03", Vendor: "mitel", Extension: "41003"},
		{Site: "KX", Position: "FC-04", Vendor: "other", Extension: "41004"},
	}
	gaps := export.RetireGaps(rows)
	if len(gaps) != 2 || gaps[0].Position != "FC-02" || !strings.Contains(gaps[0].Reason, "not in the Cisco bulk delete file") ||
		!strings.Contains(gaps[0].Reason, "41002") || gaps[1].Position != "FC-03" {
		t.Errorf("gaps %+v", gaps)
	}
	var b bytes.Buffer
	must(t, export.WriteRetire(&b, "cisco-bat", nil, rows, gaps))
	if b.String() != "SEP001E138C9007\r\n" {
		t.Errorf("cisco-bat %q", b.String())
	}
	b.Reset()
	must(t, export.WriteRetire(&b, "json", []string{"KX"}, rows, gaps))
	if !strings.Contains(b.String(), `"gaps": [`) || !strings.Contains(b.String(), `"position": "FC-02"`) {
		t.Errorf("the JSON does not list the gaps:\n%s", b.String())
	}
}
