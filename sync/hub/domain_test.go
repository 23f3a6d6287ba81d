package hub_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"cutover/site"
	"cutover/site/oplog"
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
			op(t, alice, "asset.install.v1", "asset", "1", map[string]string{"kind": "new", "serial": "fch2233dxbz", "position": p1})
			op(t, bob, "asset.install.v1", "asset", "7", map[string]string{"kind": "new", "serial": "FCH2233DXBZ", "position": p2})
			sync(t, alice)
			sync(t, bob)
			if st, r := lastResult(t, bob); st != "conflict" || r.ConflictID == "" || r.Code != "serial_already_bound" {
				t.Fatalf("bob's install: %s %+v, want a conflict", st, r)
			}
			if n := h.Count(`SELECT COUNT(*) FROM bindings WHERE serial = 'FCH2233DXBZ' AND entity_id = ?`, p1); n != 1 {
				t.Fatal("the first binding did not stand")
			}
			sync(t, alice)
			cs, err := client.Conflicts(ctx, alice.Store, "KX", false)
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
			hubtest.Must(t, client.Resolve(ctx, admin.Store, "ada", cs[0].ID, "serial belongs at "+p1, ""))
			sync(t, admin)
			sync(t, alice)
			cs, _ = client.Conflicts(ctx, alice.Store, "KX", false)
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

		t.Run("step completion only moves forward", func(t *testing.T) {
			res := func(attempt int, outcome, value string) map[string]any {
				return map[string]any{"step": "new_serial", "attempt": attempt, "outcome": outcome, "value": value}
			}
			op(t, alice, "step.result.v1", "position", p1, res(1, "pass", "A1"))
			op(t, bob, "step.result.v1", "position", p1, res(1, "fail", ""))
			op(t, bob, "step.result.v1", "position", p1, res(1, "pass", "A1"))
			op(t, bob, "step.result.v1", "position", p1, res(1, "pass", "B2"))
			sync(t, alice)
			rep := sync(t, bob)
			if rep.Applied != 2 || rep.Conflicts != 1 {
				t.Fatalf("bob's step ops: %+v, want the fail superseded, the same pass merged, a different pass a conflict", rep)
			}
			if n := h.Count(`SELECT COUNT(*) FROM facts WHERE entity_id = ? AND attr = 'step:new_serial' AND value LIKE '%A1%'`, p1); n != 1 {
				t.Fatal("the first completion is not canonical")
			}
			// A new attempt (after a rollback) replaces the old result.
			op(t, alice, "step.result.v1", "position", p1, res(2, "pass", "C3"))
			sync(t, alice)
			if n := h.Count(`SELECT COUNT(*) FROM facts WHERE entity_id = ? AND attr = 'step:new_serial' AND value LIKE '%C3%'`, p1); n != 1 {
				t.Fatal("attempt 2 did not replace attempt 1")
			}
			op(t, bob, "step.result.v1", "position", p1, res(1, "pass", "A1"))
			sync(t, bob)
			if st, r := lastResult(t, bob); st != "acked" || r.Code != "superseded" {
				t.Fatalf("a late result of attempt 1: %s %+v, want superseded", st, r)
			}
			// The laptop refuses to log a step result without step and
			// outcome (the hub's refusal is in hostile_ops_test.go).
			err := bob.Store.Write(ctx, "bob", func(tx *site.Tx) error {
				return tx.Op("KX", "step.result.v1", "position", p1, map[string]any{"state": "done"})
			})
			if !errors.Is(err, oplog.ErrInvalid) {
				t.Fatalf("a step result without step and outcome was logged: %v", err)
			}
		})

		t.Run("a removed handset frees its place; dispositions are terminal", func(t *testing.T) {
			p5, p6 := hubtest.Label(inv, 5), hubtest.Label(inv, 6)
			phone := map[string]string{"kind": "new", "serial": "23WZ0001", "position": p5}
			op(t, alice, "asset.install.v1", "asset", "3", phone)
			op(t, alice, "asset.state.v1", "asset", "3", map[string]string{"to": "removed", "serial": "23WZ0001", "position": p5})
			op(t, alice, "asset.install.v1", "asset", "3", map[string]string{"kind": "new", "serial": "23WZ0001", "position": p6})
			rep := sync(t, alice)
			if rep.Conflicts != 0 || h.Count(`SELECT COUNT(*) FROM bindings WHERE serial = '23WZ0001' AND entity_id = ?`, p6) != 1 {
				t.Fatalf("reinstall after removal: %+v", rep)
			}
			legacy := func(to, wtn string) map[string]string {
				return map[string]string{"kind": "legacy", "serial": "FCH9", "position": p5, "to": to, "wtn_ref": wtn}
			}
			op(t, alice, "asset.dispose.v1", "asset", "4", legacy("weee_disposal", ""))
			sync(t, alice)
			if st, r := lastResult(t, alice); st != "rejected" || !strings.Contains(r.Message, "waste transfer note") {
				t.Fatalf("WEEE without a note: %s %+v", st, r)
			}
			op(t, alice, "asset.dispose.v1", "asset", "4", legacy("weee_disposal", "WTN-77"))
			op(t, bob, "asset.dispose.v1", "asset", "9", legacy("returned_to_store", ""))
			sync(t, alice)
			sync(t, bob)
			if st, r := lastResult(t, bob); st != "conflict" || r.ConflictID == "" {
				t.Fatalf("a second, different disposition: %s %+v, want a conflict", st, r)
			}
			if n := h.Count(`SELECT COUNT(*) FROM facts WHERE entity_id = 'FCH9' AND attr = 'disposition' AND value = 'weee_disposal'`); n != 1 {
				t.Fatal("the first disposition did not stand")
			}
		})

		t.Run("a stale status never moves a position back", func(t *testing.T) {
			p := hubtest.Label(inv, 4)
			hubtest.Must(t, alice.Store.SetStatus(ctx, "alice", "KX", p, site.StatusDiscovered, ""))
			hubtest.Must(t, alice.Store.SetStatus(ctx, "alice", "KX", p, site.StatusInProgress, ""))
			hubtest.Must(t, alice.Store.SetStatus(ctx, "alice", "KX", p, site.StatusDone, ""))
			hubtest.Must(t, bob.Store.SetStatus(ctx, "bob", "KX", p, site.StatusDiscovered, ""))
			sync(t, alice)
			sync(t, bob)
			got, _ := bob.Store.Position(ctx, "KX", p)
			if got.Status != site.StatusDone {
				t.Fatalf("bob sees %s, want done", got.Status)
			}
			if !strings.Contains(got.UpdatedBy, "alice") {
				t.Fatalf("updated by %q", got.UpdatedBy)
			}
		})
	})
}
