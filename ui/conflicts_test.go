package ui

import (
	"context"
	"testing"

	"cutover/site"
)

// pulledConflict stores a conflict record as a pull from the hub does.
func pulledConflict(t *testing.T, st *site.Store, id, kind, entity, entityID, detail string) {
	t.Helper()
	err := st.Write(context.Background(), "hub", func(tx *site.Tx) error {
		_, err := tx.ExecContext(tx.Context(), `INSERT INTO sync_conflicts (id, site, kind, entity, entity_id, status, detail, opened_at, ver)
			VALUES (?, 'KX', ?, ?, ?, 'open', ?, '2026-11-25T09:00:00Z', 7)`, id, kind, entity, entityID, detail)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestConflictsScreen lists a site's conflicts in words from the
// dashboard, shows one whole, lets the engineer settle a disputed
// observation (an op for the hub, the conflict marked resolving) and says
// who settles the others.
func TestConflictsScreen(t *testing.T) {
	st := demoStore(t)
	pulledConflict(t, st, "0190aaaa-0000-7000-8000-000000000001", "disputed_observation", "position", "FC-01",
		`{"attr":"room","values":["Front office","Lobby"],"engineer":"bob","op_id":"x"}`)
	pulledConflict(t, st, "0190aaaa-0000-7000-8000-000000000002", "plan_discrepancy", "position", "PE-05",
		`{"proposal":{"proposal":"move","label":"PE-05","switch":"kx-sw1","port":"Gi1/0/30"},"engineer":"alex"}`)
	m := newTestRoot(t, st, "KX", 80, 24)
	mustContain(t, m.View(), "⚠ 2 open sync conflicts: enter lists them")
	press(t, m, "c")
	frame := m.View()
	mustContain(t, frame, "2 open conflicts at KX", "✎ FC-01: two engineers saw different room",
		"⚠ alex proposes: plan PE-05 on kx-sw1 Gi1/0/30")
	mustNotContain(t, frame, `{"`, "op_id")
	press(t, m, "enter")
	mustContain(t, m.View(), "standing: Front office", "bob saw: Lobby", "You may settle it: r")
	press(t, m, "r")
	mustContain(t, m.View(), "Resolve", "‹ Front office ›")
	press(t, m, " ", "enter", "enter")
	mustContain(t, m.View(), "✗ resolution: say what was decided")
	press(t, m, "re-checked the door sign", "enter")
	mustContain(t, m.View(), "resolution recorded; it reaches the hub on the next sync", "⧗ resolution recorded here")
	var local string
	if err := st.DB().QueryRow(`SELECT local_status FROM sync_conflicts WHERE id LIKE '%01'`).Scan(&local); err != nil || local != "resolving" {
		t.Fatalf("local status %q %v", local, err)
	}
	ops := opsOf(t, st, "conflict.resolve.v1")
	if len(ops) != 1 || ops[0]["value"] != "Lobby" || ops[0]["resolution"] != "re-checked the door sign" {
		t.Fatalf("resolve ops: %v", ops)
	}
	// The proposal is the supervisor's to settle.
	press(t, m, "esc", "j", "r")
	mustContain(t, m.View(), "✗", "an engineer cannot settle this one")
	if len(opsOf(t, st, "conflict.resolve.v1")) != 1 {
		t.Fatal("a proposal was resolved from an engineer's laptop")
	}
}
