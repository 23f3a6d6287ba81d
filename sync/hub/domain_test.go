package hub_test

import (
	"encoding/json"
	"errors"
	"testing"

	"cutover/laptop"
	"cutover/site"
	"cutover/site/oplog"
	"cutover/site/runbook"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

func op(t *testing.T, l *hubtest.Laptop, kind, entity, id string, payload any) {
	t.Helper()
	hubtest.Must(t, l.Store.Write(ctx, l.Name, func(tx *site.Tx) error { return tx.Op("KX", kind, entity, id, payload) }))
}

func sync(t *testing.T, l *hubtest.Laptop, sites ...string) client.Report {
	t.Helper()
	rep, err := l.Syncer.Sync(ctx, sites...)
	if err != nil {
		t.Fatalf("sync %s: %v", l.Name, err)
	}
	return rep
}

// lastResult is the hub's verdict on the laptop's newest op.
func lastResult(t *testing.T, l *hubtest.Laptop) (state string, r wire.OpResult) {
	t.Helper()
	var res string
	hubtest.Must(t, l.Store.DB().QueryRowContext(ctx, `SELECT state, result FROM oplog ORDER BY client_seq DESC LIMIT 1`).Scan(&state, &res))
	json.Unmarshal([]byte(res), &r)
	return state, r
}

func TestConflictRules(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 6)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		bob := h.Laptop("bob", wire.RoleEngineer, "KX")
		admin := h.Laptop("ada", wire.RoleAdmin)
		sync(t, alice, "KX")
		sync(t, bob, "KX")
		sync(t, admin, "KX")
		p1, p2, p3 := hubtest.Label(inv, 1), hubtest.Label(inv, 2), hubtest.Label(inv, 3)

		t.Run("one serial in two places is a conflict, never an overwrite", func(t *testing.T) {
			hubtest.Work(t, alice.Store, "alice", "KX", p1, "legacy_serial", map[string]string{"legacy_serial": "fch2233dxbz"})
			hubtest.Work(t, bob.Store, "bob", "KX", p2, "legacy_serial", map[string]string{"legacy_serial": "FCH2233DXBZ"})
			sync(t, alice)
			sync(t, bob)
			if n := h.Count(`SELECT COUNT(*) FROM claims WHERE key = 'FCH2233DXBZ'`); n != 2 {
				t.Fatalf("%d claims on the serial, want both places", n)
			}
			sync(t, alice)
			cs, err := laptop.Conflicts(ctx, alice.Store, "KX", false)
			hubtest.Must(t, err)
			if len(cs) != 1 || cs[0].Kind != "serial_in_two_places" {
				t.Fatalf("alice's open conflicts: %+v", cs)
			}
			// An engineer may not settle it; an admin may, by an op.
			hubtest.Must(t, client.Resolve(ctx, bob.Store, "bob", cs[0].ID, "bob re-checked", ""))
			sync(t, bob)
			if st, r := lastResult(t, bob); st != "rejected" || r.Code != "forbidden" {
				t.Fatalf("engineer resolving: %s %+v, want rejected", st, r)
			}
			sync(t, admin)
			hubtest.Must(t, client.Resolve(ctx, admin.Store, "ada", cs[0].ID, "serial belongs at "+p1, "KX/"+p1))
			sync(t, admin)
			sync(t, alice)
			cs, _ = laptop.Conflicts(ctx, alice.Store, "KX", false)
			if len(cs) != 0 {
				t.Fatalf("still open on alice after the admin resolved: %+v", cs)
			}
		})

		t.Run("observation beats plan", func(t *testing.T) {
			hubtest.Must(t, alice.Store.Write(ctx, "alice", func(tx *site.Tx) error {
				return client.Observe(ctx, tx, "KX", p3, "room", "Room 203")
			}))
			sync(t, alice)
			if st, _ := lastResult(t, alice); st != "acked" {
				t.Fatalf("observation outcome %s, want applied", st)
			}
			if n := h.Count(`SELECT COUNT(*) FROM facts WHERE entity_id = ? AND attr = 'room' AND value = 'Room 203'`, p3); n != 1 {
				t.Fatal("observation not stored")
			}
			if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE kind = 'plan_discrepancy' AND entity_id = ? AND status = 'open'`, p3); n != 1 {
				t.Fatal("no plan_discrepancy for the supervisor")
			}
		})

		t.Run("different observations are kept and disputed", func(t *testing.T) {
			hubtest.Must(t, alice.Store.Write(ctx, "alice", func(tx *site.Tx) error {
				return client.Observe(ctx, tx, "KX", p2, "serial", "ABC")
			}))
			hubtest.Must(t, bob.Store.Write(ctx, "bob", func(tx *site.Tx) error {
				return client.Observe(ctx, tx, "KX", p2, "serial", "XYZ")
			}))
			sync(t, alice)
			sync(t, bob)
			st, r := lastResult(t, bob)
			if st != "conflict" {
				t.Fatalf("second observation: %s, want conflict", st)
			}
			if n := h.Count(`SELECT COUNT(*) FROM facts WHERE entity_id = ? AND attr = 'serial' AND disputed = 1`, p2); n != 1 {
				t.Fatal("fact not marked disputed")
			}
			// The engineers may settle a disputed observation themselves.
			sync(t, bob)
			hubtest.Must(t, client.Resolve(ctx, bob.Store, "bob", r.ConflictID, "re-checked the label", "XYZ"))
			sync(t, bob)
			if n := h.Count(`SELECT COUNT(*) FROM facts WHERE entity_id = ? AND attr = 'serial' AND value = 'XYZ' AND disputed = 0`, p2); n != 1 {
				t.Fatal("resolution did not set the value")
			}
		})

		t.Run("step results merge; two different values are a dispute, whatever the order", func(t *testing.T) {
			res := func(attempt int, outcome, value string) map[string]any {
				return map[string]any{"step": "legacy_serial", "attempt": attempt, "outcome": outcome, "value": value}
			}
			op(t, alice, "step.result.v1", "position", p3, res(1, "pass", "A1"))
			op(t, bob, "step.result.v1", "position", p3, res(1, "fail", ""))
			op(t, bob, "step.result.v1", "position", p3, res(1, "pass", "B2"))
			sync(t, bob)
			sync(t, alice)
			var state string
			hubtest.Must(t, h.Store.QueryRowForTest(`SELECT value FROM facts WHERE entity_id = ? AND attr = 'state'`, []any{p3}, &state))
			var d runbook.Derived
			hubtest.Must(t, json.Unmarshal([]byte(state), &d))
			if s := d.Step("legacy_serial"); !s.Disputed || s.Value != "" || s.Outcome != runbook.OutcomePass {
				t.Fatalf("legacy_serial stands as %+v, want passed, disputed, no value", s)
			}
			if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE kind = 'step_result_differs' AND entity_id = ? AND status = 'open'`, p3); n != 1 {
				t.Fatalf("%d open step_result_differs conflicts, want one naming both", n)
			}
			// A new attempt (a laptop that knew attempt 1 started again) stands alone.
			op(t, alice, "step.result.v1", "position", p3, res(2, "pass", "C3"))
			sync(t, alice)
			hubtest.Must(t, h.Store.QueryRowForTest(`SELECT value FROM facts WHERE entity_id = ? AND attr = 'state'`, []any{p3}, &state))
			hubtest.Must(t, json.Unmarshal([]byte(state), &d))
			if s := d.Step("legacy_serial"); s.Value != "C3" || d.Attempt != 2 {
				t.Fatalf("attempt 2 did not stand: %+v", d)
			}
			if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE kind = 'step_result_differs' AND entity_id = ? AND status = 'resolved'
				AND resolution LIKE 'settled by later work%'`, p3); n != 1 {
				t.Fatal("attempt 1's dispute is not settled by the attempt that superseded it")
			}
			// The laptop refuses to log a step result without step and
			// outcome (the hub's refusal is in hostile_ops_test.go).
			err := bob.Store.Write(ctx, "bob", func(tx *site.Tx) error {
				return tx.Op("KX", "step.result.v1", "position", p3, map[string]any{"state": "done"})
			})
			if !errors.Is(err, oplog.ErrInvalid) {
				t.Fatalf("a step result without step and outcome was logged: %v", err)
			}
		})

		t.Run("a laptop's status, numbers and handset moves are not believed: the steps are", func(t *testing.T) {
			p := hubtest.Label(inv, 4)
			hubtest.Must(t, alice.Store.SetStatus(ctx, "alice", "KX", p, site.StatusInProgress, ""))
			hubtest.Must(t, alice.Store.SetStatus(ctx, "alice", "KX", p, site.StatusDone, ""))
			op(t, alice, "number.ddi.v1", "position", p, map[string]string{"ddi_state": "surrendered", "extension_state": "surrendered"})
			op(t, alice, "asset.dispose.v1", "asset", "4", map[string]string{"kind": "legacy", "serial": "FCH9", "position": p, "to": "lost"})
			sync(t, alice)
			if st, r := lastResult(t, alice); st != "acked" || r.Code != "derived" {
				t.Fatalf("a derived op: %s %+v, want kept in the journal as derived", st, r)
			}
			if n := h.Count(`SELECT COUNT(*) FROM positions WHERE label = ? AND status = 'planned' AND ddi_surrendered = 0 AND legacy_fate = ''`, p); n != 1 {
				t.Fatal("a status, numbers or disposition op with no step behind it set a fact")
			}
			sync(t, alice)
			got, _ := alice.Store.Position(ctx, "KX", p)
			if got.Status != site.StatusPlanned {
				t.Fatalf("alice's laptop still says %s after the hub answered; want the hub's planned", got.Status)
			}
		})
	})
}
