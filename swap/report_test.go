package swap

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"cutover/assets"
	"cutover/laptop"
	"cutover/site"
	"cutover/site/runbook"
)

func TestRulesAndReportForASitePartWay(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.walk(t, "FC-01") // done
	rec := func(label, key string, in Input) (Recorded, error) {
		return r.run.Record(ctx, "eng-b", "KX", label, key, in)
	}
	// FC-02 part-way; the same legacy serial as FC-01's handset is refused
	// naming where it is, and nothing is written.
	if _, err := rec("FC-02", "precheck", Input{Outcome: runbook.OutcomePass}); err != nil {
		t.Fatal(err)
	}
	if _, err := rec("FC-02", "legacy_serial", Input{Outcome: runbook.OutcomePass, Value: "FCH2222BBBB"}); err != nil {
		t.Fatal(err)
	}
	// FC-01's new phone's tag scanned by mistake: refused, naming FC-01.
	if _, err := rec("FC-02", "legacy_tag", Input{Outcome: runbook.OutcomePass, Value: "MPS-NFC01"}); !errors.Is(err, assets.ErrInUse) ||
		!strings.Contains(err.Error(), "position FC-01") {
		t.Fatalf("a tag installed at FC-01: %v", err)
	}
	if _, err := rec("FC-02", "legacy_tag", Input{Outcome: runbook.OutcomePass, Value: "bad tag!"}); !errors.Is(err, runbook.ErrBadInput) {
		t.Fatalf("bad tag: %v", err)
	}
	if _, err := rec("FC-02", "legacy_condition", Input{Outcome: runbook.OutcomePass, Value: "good"}); !errors.Is(err, runbook.ErrStepOrder) {
		t.Fatalf("skipping ahead: %v", err)
	}
	if _, err := rec("FC-02", "legacy_tag", Input{Outcome: runbook.OutcomeSkip}); !errors.Is(err, runbook.ErrStepRule) {
		t.Fatalf("skip without a reason: %v", err)
	}
	if _, err := rec("FC-02", "legacy_tag", Input{Outcome: runbook.OutcomeSkip, Note: "no force tag on it"}); err != nil {
		t.Fatal(err)
	}
	pr, _ := runbook.Steps(ctx, r.st, "KX", "FC-02")
	if pr.Current.Key != "legacy_condition" || pr.Done != 3 {
		t.Fatalf("FC-02 at %s, %d done", pr.Current.Key, pr.Done)
	}
	// The new phone's serial must be the one on the port.
	for _, k := range []string{"legacy_condition", "told_before", "stage", "swap", "verify"} {
		if _, err := rec("FC-02", k, answer("FC-02", k)); err != nil {
			t.Fatal(k, err)
		}
	}
	if _, err := rec("FC-02", "new_serial", Input{Outcome: runbook.OutcomePass, Value: "23WZ99999999"}); !errors.Is(err, runbook.ErrBadInput) ||
		!strings.Contains(err.Error(), laptop.DemoPhone(pr.Position).Serial) {
		t.Fatalf("wrong serial scanned: %v", err)
	}
	if _, err := rec("FC-02", "new_serial", Input{Outcome: runbook.OutcomePass}); err != nil {
		t.Fatal(err)
	}
	// MR-01 removed in a bulk-style run with its capture skipped.
	for _, s := range []struct {
		k  string
		in Input
	}{{"legacy_serial", Input{Outcome: runbook.OutcomeSkip, Note: "bulk collection"}},
		{"legacy_tag", Input{Outcome: runbook.OutcomeSkip, Note: "bulk collection"}},
		{"legacy_condition", Input{Outcome: runbook.OutcomeSkip, Note: "bulk collection"}},
		{"remove", Input{Outcome: runbook.OutcomePass}}, {"gone", Input{}}, {"surrender", Input{Outcome: runbook.OutcomePass}}, {"disposition", Input{Outcome: runbook.OutcomePass, Value: "store"}},
		{"signoff", Input{Outcome: runbook.OutcomePass, Value: "Sgt Ada Okafor"}}} {
		if _, err := rec("MR-01", s.k, s.in); err != nil {
			t.Fatal(s.k, err)
		}
	}
	if err := r.st.Write(ctx, "eng-b", func(tx *site.Tx) error {
		_, err := assets.IssueStock(ctx, tx, "KX", "Avaya J179", 12, true)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	rep, err := runbook.BuildReport(ctx, r.st, "KX", time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]runbook.ReportRow{}
	for _, row := range rep.Rows {
		rows[row.Label] = row
	}
	fc1, fc2, mr1, cs1 := rows["FC-01"], rows["FC-02"], rows["MR-01"], rows["CS-01"]
	want1 := laptop.DemoPhone(fc1ToPos(r, "FC-01"))
	if fc1.Status != site.StatusDone || fc1.StepsDone != fc1.StepsTotal || fc1.NewSerial != want1.Serial || fc1.NewMAC != want1.MAC ||
		fc1.NewModel != "J179" || fc1.LegacySerial != "FCHFC01X1" || fc1.DDIState != runbook.DDIKept ||
		fc1.Disposition != "weee_disposal WTN-2026-0042" || fc1.SignedOffBy != "Sgt Ada Okafor" || fc1.FinishedAt == "" {
		t.Errorf("FC-01 row: %+v", fc1)
	}
	if fc2.Status != site.StatusInProgress || fc2.StepsDone != 9 || fc2.CurrentStep != "new_tag" || fc2.NewSerial != "" ||
		fc2.Disposition != "" || fc2.LegacyState != "removed" || fc2.LegacySerial != "FCH2222BBBB" || fc2.DDIState != runbook.DDIPending ||
		strings.Join(fc2.Engineers, ",") != "eng-b" {
		t.Errorf("FC-02 row: %+v", fc2)
	}
	if mr1.Status != site.StatusDone || mr1.Disposition != "returned_to_store" || mr1.LegacyMAC != "08:00:0f:6a:10:e7" {
		t.Errorf("MR-01 row: %+v", mr1)
	}
	if cs1.Status != site.StatusPlanned || cs1.StepsDone != 0 || cs1.Attempts != 0 || cs1.DDIState != runbook.DDIPending {
		t.Errorf("CS-01 row: %+v", cs1)
	}
	if rep.Done != 2 || rep.Active != 58 || rep.ByStatus[site.StatusInProgress] != 1 || rep.Dispositions["weee_disposal"] != 1 ||
		len(rep.Stock) != 1 || rep.Stock[0].Issued != 12 || rep.Stock[0].Installed != 1 || rep.Stock[0].OnHand != 11 {
		t.Errorf("totals: done %d active %d %v %v %+v", rep.Done, rep.Active, rep.ByStatus, rep.Dispositions, rep.Stock)
	}
	var b bytes.Buffer
	if err := rep.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(recs) != 59 || len(recs[0]) != len(runbook.ReportColumns) {
		t.Fatalf("csv: %d rows %v", len(recs), err)
	}
	b.Reset()
	if err := rep.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, w := range []string{"# Cutover handover: Kestrel Cross Police Station (KX)", "**2 of 58** active positions done",
		"## Needs attention", "**FC-02**", `next step new\_tag (9/20 done)`, "| J179 | 12 | 1 | 0 | 11 |", "Sgt Ada Okafor"} {
		if !strings.Contains(md, w) {
			t.Errorf("markdown lacks %q", w)
		}
	}
	if strings.Index(md, "## Summary") > strings.Index(md, "## Positions") {
		t.Error("the summary must come first")
	}
}

func fc1ToPos(r *rig, label string) site.Position {
	p, _ := r.st.Position(context.Background(), "KX", label)
	return p
}
