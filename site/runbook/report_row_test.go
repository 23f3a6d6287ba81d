package runbook

import (
	"strings"
	"testing"

	"cutover/site"
)

// TestReportRowKeepsWhoRecordedThroughAResolution: two laptops record
// different DDIs for one swap; while disputed, the row gives up nothing
// and says who recorded which; once an admin picks one, the row holds the
// value as the engineer recorded it, the numbers keep that engineer as who
// recorded them, and the admin who resolved it is beside them.
func TestReportRowKeepsWhoRecordedThroughAResolution(t *testing.T) {
	p := fixedPos
	p.Status = site.StatusDone
	a := map[string]string{}
	b := map[string]string{}
	for k, v := range fixedValues {
		a[k], b[k] = v, v
	}
	a["ddi"], b["ddi"] = "020 7230 1999", "020 7230 1888"
	ev := all(newLaptop("A", "alice", 0).through(p, 1, "", a), newLaptop("B", "bob", 1).through(p, 1, "", b))

	open := ReportRowOf(p, Derive(p, ev, nil), nil)
	if open.DDIState != DDIDisputed || open.NewDDI != "" || open.LegacyDDISurrendered {
		t.Errorf("while disputed: ddi %s new %q surrendered %v", open.DDIState, open.NewDDI, open.LegacyDDISurrendered)
	}
	if len(open.Disputed) != 1 || !strings.Contains(open.Disputed[0], "alice 020 7230 1999") || !strings.Contains(open.Disputed[0], "bob 020 7230 1888") {
		t.Errorf("disputed %q", open.Disputed)
	}

	res := []Resolution{{ID: "r1", Fact: "step:ddi", Attempt: 1, Value: "020 7230 1888", By: "ada", At: "2026-12-07T12:00:00Z", Note: "bob read it off the patch list"}}
	d := Derive(p, ev, res)
	row := ReportRowOf(p, d, nil)
	if row.DDIState != DDINew || row.NewDDI != "020 7230 1888" {
		t.Errorf("resolved: ddi %s new %q", row.DDIState, row.NewDDI)
	}
	if d.Numbers.By != "bob" {
		t.Errorf("the numbers were recorded by %q; want bob, whose value stands", d.Numbers.By)
	}
	if len(row.Disputed) != 0 || len(row.Resolved) != 1 || !strings.Contains(row.Resolved[0], "alice 020 7230 1999") ||
		!strings.Contains(row.Resolved[0], "bob 020 7230 1888") || !strings.Contains(row.Resolved[0], "resolved by ada: 020 7230 1888 (bob read it off the patch list)") {
		t.Errorf("resolved %q, disputed %q", row.Resolved, row.Disputed)
	}
	if strings.Join(row.Engineers, ",") != "alice,bob" {
		t.Errorf("engineers %q", row.Engineers)
	}
}
