package cli

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"cutover/site/runbook"
	"cutover/sync/wire"
)

// The hub's report in each format carries every earlier result of a step,
// whether the legacy DDI is surrendered, and the totals.
func TestHubReportFormats(t *testing.T) {
	rep := wire.SiteReport{Site: "KX", Name: "Kings Cross", CeaseDate: "2027-03-31",
		Totals: wire.ReportTotals{Positions: 2, Done: 1, DDIs: map[string]int{"new": 1, "pending": 1}, DDIsSurrendered: 1},
		Rows: []wire.ReportRow{{Label: "PT-01", Plan: "avaya_ptt", Status: "done", DDI: "+442072301045", DDIState: "new",
			NewDDI: "+442072301999", LegacyDDISurrendered: true,
			StepHistory: []string{"ptt_group: fail (alice 2026-11-25T09:30Z: =station 3 | hears nothing), then pass (alice 2026-11-25T09:41Z)"}},
			{Label: "PT-02", Plan: "avaya_ptt", Status: "planned", DDI: "+442072301047"},
			{Label: "PE-01", Role: "personal", Plan: "teams_ddi", Status: "done", DDI: "+442072301050", DDIState: "teams",
				TeamsDDI: "+442079460148", StepsDone: 8, StepsTotal: 8, Disposition: "weee_disposal", WTNRef: "WTN-2026-0099"},
			{Label: "CS-01", Role: "custody_suite", Plan: "avaya_fixed", Status: "blocked", Reason: "no PoE", StepsDone: 5,
				StepsTotal: 17, OpenConflicts: 2}}}
	var md bytes.Buffer
	if err := writeHubReport(&md, rep, "markdown"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**1 of 2** positions done", "new 1;", "Legacy DDIs surrendered: 1; moved to Teams: 0",
		"## Steps failed, tried again or corrected",
		"- **PT-01** ptt\\_group: fail (alice " + runbook.ReadableTimes("2026-11-25T09:30Z") + ": =station 3 \\| hears nothing)",
		"020 7230 1045 new → 020 7230 1999 (legacy surrendered)",
		"| PE-01 | personal | Teams DDI | done | 8/8 | 020 7230 1050 teams → 020 7946 0148 | 020 7946 0148 |",
		"WEEE disposal, waste transfer note WTN-2026-0099",
		"## Open conflicts\n\n- **CS-01**: 2 open (cutover hub conflicts --site KX)",
		"| CS-01 | custody suite | Avaya fixed | blocked: no PoE | 5/17 |", "| ⚠ 2 open |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	var c bytes.Buffer
	if err := writeHubReport(&c, rep, "csv"); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head, row := recs[0], recs[1]
	col := func(name string) string {
		for i, h := range head {
			if h == name {
				return row[i]
			}
		}
		t.Fatalf("no column %s in %v", name, head)
		return ""
	}
	if col("legacy_ddi_surrendered") != "true" || !strings.HasPrefix(col("step_history"), "ptt_group: fail (alice") {
		t.Errorf("csv row %v", row)
	}
	var j bytes.Buffer
	if err := writeHubReport(&j, rep, "json"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"ddis_surrendered": 1`, `"legacy_ddi_surrendered": true`, `"step_history": [`} {
		if !strings.Contains(j.String(), want) {
			t.Errorf("json lacks %s", want)
		}
	}
}
