package export

import (
	"bytes"
	"encoding/csv"
	"io"

	"cutover/internal/safetext"
)

// Gap is a row an export could not write, or wrote without what its
// loader needs, and why: a Cisco handset with no MAC (no device name for
// the call manager), a port discovery did not read, a position the hub's
// record disputes. Every export lists its gaps (beside the file, in the
// JSON, on standard error) and the command's exit status says there were
// some: nothing is left out silently.
type Gap struct {
	Site     string `json:"site"`
	Position string `json:"position"`
	Switch   string `json:"switch,omitempty"`
	Port     string `json:"port,omitempty"`
	Reason   string `json:"reason"`
}

// GapColumns are the gaps file's columns.
var GapColumns = []string{"site", "position", "switch", "port", "reason"}

// WriteGaps writes gaps as CSV (every cell formula-guarded: it is read by
// people).
func WriteGaps(w io.Writer, gaps []Gap) error {
	recs := make([][]string, len(gaps))
	for i, g := range gaps {
		recs[i] = []string{g.Site, g.Position, g.Switch, g.Port, g.Reason}
	}
	return writeCSV(w, GapColumns, recs)
}

// RetireGaps are the handsets of a retire list its loaders cannot act on
// by device name: a Cisco or Mitel handset with no MAC has no device name,
// so it is not in the Cisco bulk delete file and the call-manager team
// must find it by extension.
func RetireGaps(rows []Retire) []Gap {
	var out []Gap
	for _, r := range rows {
		if r.DeviceName != "" || (r.Vendor != "cisco" && r.Vendor != "mitel") {
			continue
		}
		why := "no MAC recorded: its device name in the call manager is unknown"
		if r.Vendor == "cisco" {
			why += ", so it is not in the Cisco bulk delete file; find it in Unified CM by extension " + r.Extension
		} else {
			why += "; find it by extension " + r.Extension
		}
		out = append(out, Gap{Site: r.Site, Position: r.Position, Reason: why})
	}
	return out
}

// writeCSVGuarded is writeCSV where guard says which columns are free text
// (formula-guarded); nil guards every column. Every cell has its control
// characters escaped.
func writeCSVGuarded(w io.Writer, header []string, rows [][]string, guard []bool) error {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		for i := range r {
			if guard == nil || guard[i] {
				r[i] = safetext.CSVCell(r[i])
			} else {
				r[i] = safetext.Line(r[i])
			}
		}
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}
