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

// Who may settle what is the one rule (wire.MayResolve) for the hub login's
// role: an admin's laptop settles a disputed step by keys (a refused empty
// resolution first), a supervisor's is refused before anything is written.
func TestConflictsScreenFollowsTheRole(t *testing.T) {
	for _, role := range []string{"admin", "supervisor"} {
		t.Run(role, func(t *testing.T) {
			st := demoStore(t)
			pulledConflict(t, st, "6f1c1e1a-0000-5000-8000-0000000000aa", "step_result_differs", "position", "FC-01",
				`{"fact":"step:new_tag","step":"new_tag","attempt":1,"position":"FC-01","branches":[{"by":"alice","laptop":"c1","at":"2026-12-07T10:00:00Z","outcome":"pass","value":"MPS-N1"},{"by":"bob","laptop":"c2","at":"2026-12-07T10:05:00Z","outcome":"pass","value":"MPS-N2"}],"choices":["MPS-N1","MPS-N2"]}`)
			m := newTestRoot(t, st, "KX", 100, 30)
			m.sh.hubRole = role
			press(t, m, "c", "enter")
			mustContain(t, m.View(), "step new tag recorded differently", "alice: MPS-N1", "bob: MPS-N2")
			press(t, m, "r")
			if role == "supervisor" {
				mustContain(t, m.View(), "a supervisor reads every site but settles no conflict")
				if n := len(opsOf(t, st, "conflict.resolve.v1")); n != 0 {
					t.Fatalf("a supervisor's laptop queued %d resolutions", n)
				}
				return
			}
			mustContain(t, m.View(), "‹ MPS-N1 ›")
			press(t, m, " ", "enter", "enter") // bob's tag (space), then no words: refused
			mustContain(t, m.View(), "✗ resolution: say what was decided")
			press(t, m, "bob's tag is on the phone", "enter")
			ops := opsOf(t, st, "conflict.resolve.v1")
			if len(ops) != 1 || ops[0]["value"] != "MPS-N2" || ops[0]["resolution"] != "bob's tag is on the phone" {
				t.Fatalf("resolve ops: %v", ops)
			}
		})
	}
}
