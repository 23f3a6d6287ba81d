package hub_test

import (
	"testing"

	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// A hub upgraded from before it derived positions derives, at its next
// start, every position with work in its journal (migration 0007 lists
// them in derive_pending): nothing already pushed is lost.
func TestUpgradedHubDerivesWhatItHolds(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, conflictPlan)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		sync(t, alice, "KX")
		hubtest.Work(t, alice.Store, "alice", "KX", "P2", "", nil)
		hubtest.Work(t, alice.Store, "alice", "KX", "P4", "legacy_serial", nil)
		sync(t, alice)
		// The store as an older hub left it: the work in the journal, nothing derived.
		st := h.Store
		for _, q := range []string{`DELETE FROM facts WHERE attr = 'state'`, `DELETE FROM claims`, `DELETE FROM done_log`,
			`UPDATE positions SET status = 'planned', status_reason = ''`,
			`INSERT INTO derive_pending (site, label_key) SELECT DISTINCT site, lower(entity_id) FROM op_journal
				WHERE entity = 'position' AND kind IN ('step.result.v1', 'step.correction.v1')`} {
			if _, err := st.QueryForTest(q); err != nil {
				t.Fatal(err)
			}
		}
		h.Stop()
		reopened, err := hub.Open(ctx, spec)
		hubtest.Must(t, err)
		defer reopened.Close()
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM positions WHERE label = 'P2' AND status = 'done'`:        1,
			`SELECT COUNT(*) FROM positions WHERE label = 'P4' AND status = 'in_progress'`: 1,
			`SELECT COUNT(*) FROM facts WHERE attr = 'state'`:                              2,
			`SELECT COUNT(*) FROM done_log WHERE label_key = 'p2'`:                         1,
			`SELECT COUNT(*) FROM derive_pending`:                                          0,
		} {
			if n, err := reopened.CountForTest(q); err != nil || n != want {
				t.Errorf("%s: %d (%v), want %d", q, n, err, want)
			}
		}
	})
}
