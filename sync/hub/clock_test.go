package hub_test

import (
	"encoding/json"
	"testing"
	"time"

	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// A laptop's clock outside the sane window (before the site's first import
// less a day, or more than a day ahead of the hub) is not believed: the op
// is applied, every figure uses the hub's receive time, the laptop's time
// stays in the journal, and the laptop is told.
func TestALaptopsWrongClockIsNotBelieved(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		importJSON(t, h, conflictPlan)
		hubNow := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
		h.Store.Now = func() time.Time { return hubNow }
		alice := enrolPusher(t, h, "alice", wire.RoleEngineer, "KX")
		rb := runbook.RunbookFor(site.Position{Plan: site.PlanRemove, Role: site.RoleHotDesk})
		var ops []wire.Op
		for i, s := range rb.Steps {
			at := "0001-01-01T00:00:00Z"
			if i%2 == 1 {
				at = "9999-12-31T23:59:59Z"
			}
			if i == len(rb.Steps)-1 {
				at = "2026-12-06T10:00:00Z" // a sane time: believed
			}
			v := map[string]string{"legacy_serial": "FCHP4", "legacy_tag": "MPS-P4", "legacy_condition": "good", "disposition": "store"}[s.Key]
			b, _ := json.Marshal(map[string]any{"step": s.Key, "attempt": 1, "outcome": "pass", "value": v})
			ops = append(ops, wire.Op{Seq: int64(i + 1), OpID: newID(), Site: "KX", Kind: "step.result.v1", Entity: "position", EntityID: "P4",
				Engineer: "alice", ObservedAt: at, Payload: b})
		}
		resp, err := h.Store.Push(ctx, alice.p, wire.PushRequest{ClientID: alice.p.ClientID, Ops: ops})
		hubtest.Must(t, err)
		for i, r := range resp.Results {
			wantCode := wire.CodeClockNotBelieved
			if i == len(ops)-1 {
				wantCode = ""
			}
			if r.Outcome != wire.Applied || r.Code != wantCode {
				t.Errorf("op %d at %s: %+v; want applied, code %q", i, ops[i].ObservedAt, r, wantCode)
			}
		}
		// The done day is the last step's, believed; the earlier steps count
		// at the hub's receive time, not year 1 or 9999.
		if n := h.Count(`SELECT COUNT(*) FROM done_log WHERE label_key = 'p4' AND day = '2026-12-06'`); n != 1 {
			t.Errorf("the done log does not hold P4 on its believed day")
		}
		var state string
		hubtest.Must(t, h.Store.QueryRowForTest(`SELECT value FROM facts WHERE entity_id = 'P4' AND attr = 'state'`, nil, &state))
		var d runbook.Derived
		hubtest.Must(t, json.Unmarshal([]byte(state), &d))
		for _, s := range d.Steps {
			if s.At < "2026-12-05" || s.At > "2026-12-08" {
				t.Errorf("step %s counts at %s", s.Key, s.At)
			}
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE observed_at = '0001-01-01T00:00:00Z'`); n == 0 {
			t.Error("the laptop's own time is not kept in the journal")
		}
	})
}
