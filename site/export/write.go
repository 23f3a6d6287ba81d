package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
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

// writeJSON writes an export as one JSON object: the kind, the sites, the
// rows under the kind's name and, unless gaps is nil (teams-lis holds its
// own), the gaps.
func writeJSON(w io.Writer, kind Kind, sites []string, body any, gaps []Gap) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	v := map[string]any{"export": kind, "sites": sites, string(kind): body}
	if gaps != nil {
		v["gaps"] = gaps
	}
	return enc.Encode(v)
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
//
// gaps are what the caller left out (RetireGaps and the positions it
// withheld); the JSON holds them, the other formats leave them to the
// caller to write beside the file.
func WriteRetire(w io.Writer, format string, sites []string, rows []Retire, gaps []Gap) error {
	switch format {
	case "json":
		return writeJSON(w, KindRetire, sites, nonNil(rows), nonNil(gaps))
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

// WriteInstall writes the install list: csv or json; gaps as for WriteRetire.
func WriteInstall(w io.Writer, format string, sites []string, rows []Install, gaps []Gap) error {
	if format == "json" {
		return writeJSON(w, KindInstall, sites, nonNil(rows), nonNil(gaps))
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
// gaps as for WriteRetire.
func WriteNumbers(w io.Writer, format string, sites []string, n Numbers, gaps []Gap) error {
	if format == "json" {
		n.Rows = nonNil(n.Rows)
		return writeJSON(w, KindNumbers, sites, n, nonNil(gaps))
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

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
