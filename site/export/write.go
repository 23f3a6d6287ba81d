package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"cutover/internal/safetext"
)

// DeviceName is a legacy handset's name in its call manager: a Cisco
// phone is "SEP" and its MAC in capitals (SEP001E138C9B30), a Mitel phone
// is known by its MAC (001E138C9B30); "" without a MAC.
func DeviceName(vendor, mac string) string {
	hex := strings.ToUpper(strings.NewReplacer(":", "", "-", "", ".", "").Replace(mac))
	if len(hex) != 12 {
		return ""
	}
	if vendor == "cisco" {
		return "SEP" + hex
	}
	return hex
}

func writeCSV(w io.Writer, header []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		for i := range r {
			r[i] = safetext.CSVCell(r[i])
		}
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeJSON(w io.Writer, kind Kind, sites []string, body any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(map[string]any{"export": kind, "sites": sites, string(kind): body})
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func intOr(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func nonZero(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// RetireColumns are the retire CSV's columns.
var RetireColumns = []string{"site", "position", "building", "floor", "room", "vendor", "model", "device_name", "mac",
	"serial", "asset_tag", "extension", "ddi", "removed_at", "removed_by", "disposition", "wtn_ref"}

// ciscoDeviceName is what a Cisco phone's device name may be in the bulk
// delete file: SEP and 12 hex digits (nothing else reaches the file).
var ciscoDeviceName = regexp.MustCompile(`^SEP[0-9A-F]{12}$`)

// WriteRetire writes the retire list: csv, json, or cisco-bat.
//
// cisco-bat is the Cisco rows alone in the layout that Cisco Unified
// Communications Manager's Bulk Administration Tool takes to delete phones
// by device name, written from Cisco's "Bulk Administration Guide for Cisco
// Unified Communications Manager", chapter "Phone Deletions", section
// "Delete Phones Using Custom File": a plain text file that names one
// device per line, with no header, uploaded as the custom file of a phone
// delete whose search field is the device name. Only names of the SEP form
// are written, so no inventory text reaches the file.
func WriteRetire(w io.Writer, format string, sites []string, rows []Retire) error {
	switch format {
	case "json":
		return writeJSON(w, KindRetire, sites, nonNil(rows))
	case "cisco-bat":
		var b bytes.Buffer
		for _, r := range rows {
			if r.Vendor == "cisco" && ciscoDeviceName.MatchString(r.DeviceName) {
				b.WriteString(r.DeviceName + "\r\n")
			}
		}
		_, err := w.Write(b.Bytes())
		return err
	}
	recs := make([][]string, len(rows))
	for i, r := range rows {
		recs[i] = []string{r.Site, r.Position, r.Building, r.Floor, r.Room, r.Vendor, r.Model, r.DeviceName, r.MAC,
			r.Serial, r.AssetTag, r.Extension, r.DDI, r.RemovedAt, r.RemovedBy, r.Disposition, r.WTNRef}
	}
	return writeCSV(w, RetireColumns, recs)
}

// InstallColumns are the install CSV's columns.
var InstallColumns = []string{"site", "position", "building", "floor", "room", "plan", "model", "serial", "mac", "asset_tag",
	"extension", "ddi", "poe_class", "switch", "port", "voice_vlan", "installed_at", "installed_by", "ptt", "ptt_group"}

// WriteInstall writes the install list: csv or json.
func WriteInstall(w io.Writer, format string, sites []string, rows []Install) error {
	if format == "json" {
		return writeJSON(w, KindInstall, sites, nonNil(rows))
	}
	recs := make([][]string, len(rows))
	for i, r := range rows {
		recs[i] = []string{r.Site, r.Position, r.Building, r.Floor, r.Room, r.Plan, r.Model, r.Serial, r.MAC, r.AssetTag,
			r.Extension, r.DDI, intOr(r.PoEClass), r.Switch, r.Port, nonZero(r.VoiceVLAN), r.InstalledAt, r.InstalledBy,
			yesNo(r.PTT), r.PTTGroup}
	}
	return writeCSV(w, InstallColumns, recs)
}

// NumbersColumns are the numbers CSV's columns. record says what a row
// is: "number" (a position's legacy numbers), "duplicate" (a DDI recorded
// at more than one position: an error; places in note), "total" (a fate's
// count in count).
var NumbersColumns = []string{"record", "site", "position", "extension", "extension_fate", "legacy_ddi", "fate", "new_ddi",
	"teams_ddi", "recorded_at", "recorded_by", "cease_with_carrier", "count", "note"}

// WriteNumbers writes the DDI ledger: csv or json.
func WriteNumbers(w io.Writer, format string, sites []string, n Numbers) error {
	if format == "json" {
		n.Rows = nonNil(n.Rows)
		return writeJSON(w, KindNumbers, sites, n)
	}
	var recs [][]string
	for _, r := range n.Rows {
		recs = append(recs, []string{"number", r.Site, r.Position, r.Extension, r.ExtensionFate, r.LegacyDDI, r.Fate, r.NewDDI,
			r.TeamsDDI, r.At, r.By, yesNo(r.Cease), "", ""})
	}
	for _, d := range n.Duplicates {
		recs = append(recs, []string{"duplicate", "", "", "", "", d.DDI, "", "", "", "", "", "no", strconv.Itoa(len(d.Places)),
			"recorded at " + strings.Join(d.Places, "; ")})
	}
	for _, f := range Fates {
		recs = append(recs, []string{"total", "", "", "", "", "", f, "", "", "", "", "", strconv.Itoa(n.Totals[f]), ""})
	}
	recs = append(recs, []string{"total", "", "", "", "", "", "cease_with_carrier", "", "", "", "", "yes", strconv.Itoa(len(n.Cease)), ""})
	return writeCSV(w, NumbersColumns, recs)
}

// LISColumns are the teams-lis CSV's columns: a row per switch (PortID
// empty) and per port. LocationId is the placeholder to replace with the
// Teams location's GUID, keyed by the location.
var LISColumns = []string{"Site", "Switch", "Port", "Position", "ChassisID", "PortID", "LocationId", "Description"}

// Placeholder is the LocationId placeholder for a location key.
func Placeholder(key string) string { return "<LocationId: " + key + ">" }

// WriteLIS writes the Teams emergency locations: csv, json or ps1.
func WriteLIS(w io.Writer, format string, sites []string, l LIS) error {
	switch format {
	case "json":
		l.Switches, l.Ports, l.Gaps = nonNil(l.Switches), nonNil(l.Ports), nonNil(l.Gaps)
		return writeJSON(w, KindTeamsLIS, sites, l)
	case "ps1":
		return writeLISScript(w, sites, l)
	}
	var recs [][]string
	for _, s := range l.Switches {
		recs = append(recs, []string{s.Site, s.Switch, "", "", s.ChassisID, "", Placeholder(s.LocationKey), s.Description})
	}
	for _, p := range l.Ports {
		recs = append(recs, []string{p.Site, p.Switch, p.Port, p.Position, p.ChassisID, p.PortID, Placeholder(p.LocationKey), p.Description})
	}
	for _, g := range l.Gaps {
		recs = append(recs, []string{g.Site, g.Switch, g.Port, g.Position, "", "", "", "GAP: " + g.Reason})
	}
	return writeCSV(w, LISColumns, recs)
}

// writeLISScript writes the PowerShell script that sets the LIS switches
// and ports with the Teams cmdlets Set-CsOnlineLisSwitch (-ChassisID,
// -LocationId, -Description) and Set-CsOnlineLisPort (-ChassisID, -PortID,
// -LocationId, -Description), as Microsoft's MicrosoftTeams module
// reference describes them. Every value is a single-quoted literal
// (safetext.PowerShellLiteral); the location GUIDs are filled in by the
// administrator in one table at the top, and the script stops before
// changing anything while any is missing or not a GUID.
func writeLISScript(w io.Writer, sites []string, l LIS) error {
	var b bytes.Buffer
	q := safetext.PowerShellLiteral
	b.WriteString("# Teams emergency locations (LIS switches and ports), written by cutover export teams-lis\n")
	fmt.Fprintf(&b, "# Sites: %s\n", safetext.Line(strings.Join(sites, ", ")))
	b.WriteString("# Fill in each location's LocationId (from Get-CsOnlineLisLocation) below, then run this script\n")
	b.WriteString("# in a session connected with Connect-MicrosoftTeams. Nothing is changed while one is missing.\n")
	b.WriteString("Set-StrictMode -Version Latest\n$ErrorActionPreference = 'Stop'\n\n$LocationIds = @{\n")
	keys := map[string]bool{}
	var order []string
	add := func(k string) {
		if !keys[k] {
			keys[k] = true
			order = append(order, k)
		}
	}
	for _, s := range l.Switches {
		add(s.LocationKey)
	}
	for _, p := range l.Ports {
		add(p.LocationKey)
	}
	for _, k := range order {
		fmt.Fprintf(&b, "    %s = ''\n", q(k))
	}
	b.WriteString("}\n\n$missing = @($LocationIds.Keys | Where-Object { -not ($LocationIds[$_] -as [guid]) })\n")
	b.WriteString("if ($missing.Count -gt 0) {\n    throw ('LocationId missing or not a GUID for: ' + ($missing -join '; '))\n}\n\n")
	if len(l.Switches) > 0 {
		b.WriteString("# Switches: the chassis ID each one advertises in LLDP (lldpLocChassisId).\n")
	}
	for _, s := range l.Switches {
		fmt.Fprintf(&b, "Set-CsOnlineLisSwitch -ChassisID %s -LocationId $LocationIds[%s] -Description %s\n",
			q(s.ChassisID), q(s.LocationKey), q(s.Description))
	}
	if len(l.Ports) > 0 {
		b.WriteString("\n# Ports: the port ID each one advertises in LLDP (lldpLocPortId), on its switch's chassis ID.\n")
	}
	for _, p := range l.Ports {
		fmt.Fprintf(&b, "Set-CsOnlineLisPort -ChassisID %s -PortID %s -LocationId $LocationIds[%s] -Description %s\n",
			q(p.ChassisID), q(p.PortID), q(p.LocationKey), q(p.Description))
	}
	if len(l.Gaps) > 0 {
		b.WriteString("\n# Gaps: ports discovery could not key (not set; read the switch again or set them by hand):\n")
		for _, g := range l.Gaps {
			fmt.Fprintf(&b, "#   %s\n", safetext.Line(g.Site+"/"+g.Position+" on "+g.Switch+" "+g.Port+": "+g.Reason))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
