package ui

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"cutover/site"
	"cutover/site/runbook"
)

// After a pull, the wizard says where the hub's record of the position
// differs from this laptop's (issue 23: laptops never keep an overruled
// value without saying so).
func TestWizardSaysWhereTheHubDiffers(t *testing.T) {
	st, runner, _ := demoRig(t)
	ctx := context.Background()
	d := runbook.Derived{Status: "blocked", Attempt: 1, Disputes: []runbook.Dispute{{Fact: runbook.FactOutcome, Attempt: 1,
		Branches: []runbook.Branch{{By: "alice", Outcome: "done"}, {By: "bob", Outcome: "blocked"}}}}}
	b, _ := json.Marshal(d)
	if err := st.Write(ctx, "test", func(tx *site.Tx) error { // as a pull writes it
		_, err := tx.ExecContext(ctx, `INSERT INTO sync_facts (site, entity, entity_id, attr, value, updated_by, updated_at)
			VALUES ('KX', 'position', 'FC-01', 'state', ?, 'hub', '2026-12-07T12:00:00Z')`, string(b))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	m, _ := openWizard(t, st, runner, "FC-01")
	mustContain(t, m.View(), "⇄ on the hub: blocked · 1 disputed")
	m, _ = openWizard(t, st, runner, "FC-02") // the hub holds nothing of FC-02: nothing said
	if v := m.View(); strings.Contains(v, "on the hub") {
		t.Fatalf("FC-02's wizard speaks of the hub:\n%s", v)
	}
}
