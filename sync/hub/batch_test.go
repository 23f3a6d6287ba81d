package hub_test

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// pusher is a laptop seen from the store: a principal and its next seq.
type pusher struct {
	p   hub.Principal
	seq int64
}

func enrolPusher(t *testing.T, h *hubtest.Hub, name, role string, sites ...string) *pusher {
	t.Helper()
	code, err := h.Store.AddUser(ctx, name, role, sites)
	hubtest.Must(t, err)
	tok, err := h.Store.Enrol(ctx, wire.EnrolRequest{Code: code, ClientID: "c-" + name, Host: "test"})
	hubtest.Must(t, err)
	p, err := h.Store.Authenticate(ctx, tok.AccessToken)
	hubtest.Must(t, err)
	return &pusher{p: p}
}

// mixedOps is a deterministic mix of every kind the rules know, on a few
// positions, serials and values so that they collide: disputes, plan
// discrepancies, superseded and merged results, handsets in two places,
// relabels, disposals, overrides, journal-only and malformed ops.
func mixedOps(r *rand.Rand, labels []string, n int) []wire.Op {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	serials := []string{"FCH1", "FCH2", "FCH3", "SN9"}
	var out []wire.Op
	for i := 0; i < n; i++ {
		pos := labels[r.IntN(len(labels))]
		entity, id := "position", pos
		var kind string
		var payload any
		switch r.IntN(16) {
		case 0, 1:
			kind, payload = "position.status.v1", map[string]string{"from": pick("", "planned", "in_progress"),
				"to": pick("discovered", "in_progress", "done", "failed", "blocked", "planned", "withdrawn"), "reason": "r"}
		case 2:
			kind, payload = "position.observe.v1", map[string]string{"attr": pick("room", "mac", "colour", "port"), "value": pick("A", "B", "Gi1/0/1")}
		case 3, 4:
			kind, payload = "step.result.v1", map[string]any{"step": pick("legacy_serial", "new_serial", "ddi", "teams_ddi", "label"),
				"attempt": r.IntN(3), "outcome": pick("pass", "fail", "skip", "pass"), "value": pick("FCH1", "FCH2", "keep", "01632960001", "")}
		case 5:
			kind, payload = "step.reopen.v1", map[string]string{"step": pick("legacy_serial", "ddi"), "reason": "again"}
		case 6:
			kind, payload = "step.correction.v1", map[string]any{"step": pick("legacy_serial", "ddi"), "attempt": r.IntN(2),
				"value": pick("FCH2", "FCH3", "01632960002"), "was": pick("FCH1", "FCH2", ""), "reason": "typo"}
		case 7:
			kind, payload = "number.ddi.v1", map[string]string{"ddi_state": pick("kept", "new", "teams", "surrendered", "none"),
				"ddi": pick("01632960001", "01632960002"), "teams_ddi": pick("", "01632960009")}
		case 8, 9:
			kind, payload = "note.add.v1", map[string]string{"text": fmt.Sprint("note ", i)}
		case 10:
			entity, id = "asset", fmt.Sprint(i)
			kind, payload = "asset.install.v1", map[string]any{"kind": pick("legacy", "new"), "serial": pick(serials...), "position": pos}
		case 11:
			entity, id = "asset", fmt.Sprint(i)
			kind, payload = "asset.state.v1", map[string]string{"to": pick("removed", "in_stock"), "serial": pick(serials...)}
		case 12:
			entity, id = "asset", fmt.Sprint(i)
			kind, payload = "asset.dispose.v1", map[string]string{"to": pick("returned_to_store", "lost", "weee_disposal"),
				"serial": pick(serials...), "wtn_ref": pick("", "WTN-1")}
		case 13:
			entity, id = "asset", fmt.Sprint(i)
			kind, payload = "asset.relabel.v1", map[string]any{"kind": "legacy", "serial": pick(serials...), "was": pick(serials...), "position": pos, "state": "installed"}
		case 14:
			kind, payload = "step.result.v1", map[string]any{"step": "legacy_serial", "attempt": 1, "outcome": "pass",
				"value": pick(serials...), "override": true, "note": "seen elsewhere"}
		default:
			switch r.IntN(3) {
			case 0:
				kind, payload = "switch.addr.v1", map[string]string{"addr": "10.0.0.1"}
			case 1:
				kind, payload = "position.status.v1", map[string]string{"to": "sideways"} // rejected by its rule
			default:
				kind, payload = "step.result.v1", map[string]any{"step": "x", "outcome": 7} // invalid_op
			}
		}
		b, _ := json.Marshal(payload)
		out = append(out, wire.Op{OpID: fmt.Sprintf("0190a0b0-0000-7000-8000-%012d", i), Site: "KX", Kind: kind, Entity: entity,
			EntityID: id, Engineer: "laptop", ObservedAt: fmt.Sprintf("2025-03-01T10:%02d:%02dZ", i/60%60, i%60), Payload: b})
	}
	return out
}

// TestBatchedPushMatchesOpByOp applies the same pushes of mixed ops to two
// hubs, one batched (the unit of work) and one op by op (a SAVEPOINT per
// op, how the hub applied pushes before): every op's outcome and every row
// the hub holds must be the same.
func TestBatchedPushMatchesOpByOp(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		other := hubtest.SQLiteSpec(t)
		if strings.HasPrefix(spec, "postgres") {
			other = hubtest.PostgresSpec(t)
		}
		clock := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		type side struct {
			h       *hubtest.Hub
			pushers []*pusher
		}
		var sides [2]side
		var labels []string
		for i, sp := range []string{spec, other} {
			h := hubtest.Start(t, sp)
			inv := h.Plan("KX", 5)
			if i == 0 {
				for k := 1; k <= 5; k++ {
					labels = append(labels, hubtest.Label(inv, k))
				}
			}
			h.Store.Now = func() time.Time { return clock }
			hub.SetOpByOp(h.Store, i == 1)
			ps := []*pusher{enrolPusher(t, h, "alice", wire.RoleEngineer, "KX"), enrolPusher(t, h, "bob", wire.RoleEngineer, "KX"),
				enrolPusher(t, h, "ada", wire.RoleAdmin)}
			sides[i] = side{h, ps}
		}
		r := rand.New(rand.NewPCG(13, 7))
		ops := mixedOps(r, labels, 1200)
		for len(ops) > 0 {
			n := min(len(ops), 1+r.IntN(80))
			who := r.IntN(3)
			batch := ops[:n]
			ops = ops[n:]
			// Now and then the laptop never heard the answer and sends the
			// push again: answered from the journal (entities restamped).
			for try := 0; try < 1+r.IntN(4)/3; try++ {
				var got [2][]wire.OpResult
				for i := range sides {
					ps := sides[i].pushers[who]
					req := wire.PushRequest{ClientID: ps.p.ClientID}
					for j, o := range batch {
						o.Seq = ps.seq + int64(j) + 1
						req.Ops = append(req.Ops, o)
					}
					resp, err := sides[i].h.Store.Push(ctx, ps.p, req)
					if err != nil {
						t.Fatalf("side %d: push: %v", i, err)
					}
					for k := range resp.Results {
						if resp.Results[k].ConflictID != "" {
							resp.Results[k].ConflictID = "set" // ids are random
						}
					}
					got[i] = resp.Results
				}
				if !reflect.DeepEqual(got[0], got[1]) {
					for k := range got[0] {
						if k < len(got[1]) && !reflect.DeepEqual(got[0][k], got[1][k]) {
							t.Fatalf("op %s %s: batched %+v, op by op %+v", batch[k].Kind, batch[k].Payload, got[0][k], got[1][k])
						}
					}
					t.Fatalf("results differ: %d and %d", len(got[0]), len(got[1]))
				}
			}
			for i := range sides {
				sides[i].pushers[who].seq += int64(n)
			}
		}
		for _, q := range []string{
			`SELECT site, label_key, status, status_reason, updated_at, updated_by, updated_label, ver FROM positions ORDER BY site, label_key`,
			`SELECT site, entity, entity_id, attr, value, disputed, updated_by, updated_at, ver FROM facts ORDER BY site, entity, entity_id, attr`,
			`SELECT site, kind, entity, entity_id, fact, status, detail, opened_at, ver FROM conflicts ORDER BY site, entity, entity_id, fact, kind, ver, detail`,
			`SELECT serial, site, entity_id, op_id FROM bindings ORDER BY serial`,
			`SELECT site, label_key, day, engineer, ver FROM done_log ORDER BY ver, label_key`,
			`SELECT op_id, client_id, client_seq, site, kind, entity_id, user_name, outcome, code, message, site_ver,
				CASE WHEN conflict_id = '' THEN '' ELSE 'set' END FROM op_journal WHERE client_id <> 'hub' ORDER BY op_id`,
			`SELECT code, ver FROM sites ORDER BY code`,
			`SELECT site, entity, entity_id, ver FROM entity_stamps ORDER BY site, entity, entity_id`,
		} {
			a, err := sides[0].h.Store.QueryForTest(q)
			hubtest.Must(t, err)
			b, err := sides[1].h.Store.QueryForTest(q)
			hubtest.Must(t, err)
			if !reflect.DeepEqual(a, b) {
				for k := range a {
					if k >= len(b) || !reflect.DeepEqual(a[k], b[k]) {
						t.Fatalf("%s\nrow %d: batched %q\nop by op %q", q, k, a[k], b[min(k, len(b)-1)])
					}
				}
				t.Fatalf("%s: batched %d rows, op by op %d", q, len(a), len(b))
			}
			if len(a) == 0 && !strings.Contains(q, "bindings") && !strings.Contains(q, "done_log") {
				t.Fatalf("%s: no rows: the mix tests nothing", q)
			}
		}
		// The mix reached every outcome.
		for _, o := range []string{"applied", "conflict", "rejected"} {
			if n := sides[0].h.Count(`SELECT COUNT(*) FROM op_journal WHERE outcome = ?`, o); n < 20 {
				t.Errorf("only %d ops %s in the mix", n, o)
			}
		}
	})
}

// TestReimportKeepsWorkedPosition: a plan import that drops a position an
// engineer has worked keeps it and opens plan_dropped_with_work (the
// import's rules reach the store outside a push).
func TestReimportKeepsWorkedPosition(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 3)
		alice := enrolPusher(t, h, "alice", wire.RoleEngineer, "KX")
		gone := hubtest.Label(inv, 3)
		_, err := h.Store.Push(ctx, alice.p, wire.PushRequest{ClientID: alice.p.ClientID, Ops: []wire.Op{{Seq: 1, OpID: newID(),
			Site: "KX", Kind: "step.result.v1", Entity: "position", EntityID: gone, Engineer: "alice",
			ObservedAt: "2025-03-01T10:00:00Z", Payload: []byte(`{"step":"legacy_serial","attempt":1,"outcome":"fail","note":"no label"}`)}}})
		hubtest.Must(t, err)
		smaller := *inv
		smaller.Sites = []site.SiteInventory{inv.Sites[0]}
		smaller.Sites[0].Positions = inv.Sites[0].Positions[:2]
		res, err := h.Store.ImportPlan(ctx, "admin", &smaller, []byte("smaller plan"))
		hubtest.Must(t, err)
		if len(res) != 1 || len(res[0].Kept) != 1 || res[0].Kept[0] != gone {
			t.Fatalf("import kept %+v, want %s", res, gone)
		}
		if n := h.Count(`SELECT COUNT(*) FROM conflicts WHERE kind = 'plan_dropped_with_work' AND entity_id = ? AND status = 'open'`, gone); n != 1 {
			t.Fatalf("%d plan_dropped_with_work conflicts, want 1", n)
		}
	})
}

// TestConcurrentPushesFailAlone: many laptops pushing at once (on SQLite
// applied in group commits, each push in its own savepoint), some of the
// pushes with a sequence gap: each of those is refused alone, every other
// push is applied whole, and a retry of it is answered from the journal.
func TestConcurrentPushesFailAlone(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 20)
		var ps []*pusher
		for i := 0; i < 24; i++ {
			ps = append(ps, enrolPusher(t, h, fmt.Sprintf("eng%02d", i), wire.RoleEngineer, "KX"))
		}
		push := func(p *pusher, from int64, n int) (wire.PushResponse, error) {
			req := wire.PushRequest{ClientID: p.p.ClientID}
			for k := 0; k < n; k++ {
				req.Ops = append(req.Ops, wire.Op{Seq: from + int64(k), OpID: newID(),
					Site: "KX", Kind: "note.add.v1", Entity: "position", EntityID: hubtest.Label(inv, 1+k%20), Engineer: p.p.User,
					ObservedAt: "2025-03-01T10:00:00Z", Payload: []byte(`{"text":"n"}`)})
			}
			return h.Store.Push(ctx, p.p, req)
		}
		for round := 0; round < 3; round++ {
			var wg gosync.WaitGroup
			errs := make([]error, len(ps))
			resps := make([]wire.PushResponse, len(ps))
			for i, p := range ps {
				wg.Go(func() {
					from := int64(round*10 + 1)
					if i%3 == 0 {
						from += 5 // a gap: refused whole
					}
					resps[i], errs[i] = push(p, from, 10)
				})
			}
			wg.Wait()
			for i := range ps {
				var gap *hub.SeqGapError
				if i%3 == 0 {
					if !errors.As(errs[i], &gap) || gap.Expected != 1 {
						t.Fatalf("round %d, laptop %d: %v, want a sequence gap at 1", round, i, errs[i])
					}
					continue
				}
				if errs[i] != nil || resps[i].AckedThrough != int64(round*10+10) || len(resps[i].Results) != 10 {
					t.Fatalf("round %d, laptop %d: %v %+v", round, i, errs[i], resps[i])
				}
			}
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != 16*30 {
			t.Fatalf("journal holds %d ops, want %d", n, 16*30)
		}
		t.Logf("%d pushes applied in group commits of more than one", hub.Grouped(h.Store))
		resp, err := push(ps[1], 21, 10)
		hubtest.Must(t, err)
		for _, r := range resp.Results {
			if !r.Duplicate || r.Outcome != wire.Applied {
				t.Fatalf("retried op: %+v, want answered from the journal", r)
			}
		}
	})
}

// TestPushesToOtherSitesDoNotWait (PostgreSQL): while one site's version
// row is locked (a push to it in progress), a push to another site goes
// through; the push to the locked site waits for it and then applies.
func TestPushesToOtherSitesDoNotWait(t *testing.T) {
	spec := hubtest.PostgresSpec(t)
	h := hubtest.Start(t, spec)
	h.Plan("KA", 3)
	h.Plan("KB", 3)
	alice := enrolPusher(t, h, "alice", wire.RoleEngineer, "KA")
	bob := enrolPusher(t, h, "bob", wire.RoleEngineer, "KB")
	lock := lockSiteRow(t, spec, "KA")
	note := func(p *pusher, site string) error {
		_, err := pushNote(h, p, site, 1)
		return err
	}
	waiting := make(chan error, 1)
	go func() { waiting <- note(alice, "KA") }()
	hubtest.Must(t, note(bob, "KB")) // would hang here if pushes queued behind one another
	select {
	case err := <-waiting:
		t.Fatalf("the push to the locked site finished (%v) while its row was locked", err)
	default:
	}
	hubtest.Must(t, lock.Rollback())
	hubtest.Must(t, <-waiting)
	if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != 2 {
		t.Fatalf("journal holds %d ops, want 2", n)
	}
}

// TestPushesToOneSiteShareACommit (PostgreSQL): while a site's row is
// locked, the pushes of twelve laptops to it wait in the hub's queue for
// that site, not each in a connection of its own; once the lock goes, the
// first group applies and the rest follow in one transaction, each
// answered as if alone (at least eleven share a commit, however the first
// group was cut), and a push to another site never waits for them.
func TestPushesToOneSiteShareACommit(t *testing.T) {
	spec := hubtest.PostgresSpec(t)
	h := hubtest.Start(t, spec)
	h.Plan("KA", 3)
	h.Plan("KB", 3)
	var ps []*pusher
	for i := 0; i < 12; i++ {
		ps = append(ps, enrolPusher(t, h, fmt.Sprintf("eng%02d", i), wire.RoleEngineer, "KA"))
	}
	bob := enrolPusher(t, h, "bob", wire.RoleEngineer, "KB")
	lock := lockSiteRow(t, spec, "KA")
	note := func(p *pusher, site string, seq int64) (wire.PushResponse, error) { return pushNote(h, p, site, seq) }
	before := hub.Grouped(h.Store)
	resps := make([]wire.PushResponse, len(ps))
	errs := make([]error, len(ps))
	var wg gosync.WaitGroup
	for i, p := range ps {
		wg.Go(func() { resps[i], errs[i] = note(p, "KA", 1) })
	}
	deadline := time.Now().Add(10 * time.Second)
	// All twelve in KA's hands: the first group (one push, or as many as
	// came before its drainer started) waits for the lock, the rest queue.
	for hub.Held(h.Store, "KA") < len(ps) {
		if time.Now().After(deadline) {
			t.Fatalf("%d pushes held for KA, want all %d while its row is locked", hub.Held(h.Store, "KA"), len(ps))
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Another site meanwhile: through at once.
	if _, err := note(bob, "KB", 1); err != nil {
		t.Fatalf("push to KB while KA's queue waits: %v", err)
	}
	hubtest.Must(t, lock.Rollback())
	wg.Wait()
	for i := range ps {
		if errs[i] != nil || resps[i].AckedThrough != 1 || len(resps[i].Results) != 1 || resps[i].Results[0].Outcome != wire.Applied {
			t.Fatalf("laptop %d: %v %+v", i, errs[i], resps[i])
		}
	}
	if n := hub.Grouped(h.Store) - before; n < int64(len(ps)-1) {
		t.Fatalf("%d pushes applied in a shared commit, want the %d that waited", n, len(ps)-1)
	}
	if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub' AND site = 'KA'`); n != len(ps) {
		t.Fatalf("journal holds %d ops of KA, want %d", n, len(ps))
	}
}

// lockSiteRow holds a site's version row FOR UPDATE in a transaction of its
// own (rolled back by the caller, or at the end of the test), as a push
// that is taking long would.
func lockSiteRow(t *testing.T, spec, code string) *sql.Tx {
	t.Helper()
	db, err := sql.Open("pgx", spec)
	hubtest.Must(t, err)
	t.Cleanup(func() { db.Close() })
	lock, err := db.Begin()
	hubtest.Must(t, err)
	t.Cleanup(func() { lock.Rollback() })
	var v int64
	hubtest.Must(t, lock.QueryRow(`SELECT ver FROM sites WHERE code = $1 FOR UPDATE`, code).Scan(&v))
	return lock
}

// pushNote pushes one note op for the position "x" of site as p's laptop.
func pushNote(h *hubtest.Hub, p *pusher, site string, seq int64) (wire.PushResponse, error) {
	return h.Store.Push(ctx, p.p, wire.PushRequest{ClientID: p.p.ClientID, Ops: []wire.Op{{Seq: seq, OpID: newID(),
		Site: site, Kind: "note.add.v1", Entity: "position", EntityID: "x", Engineer: p.p.User,
		ObservedAt: "2025-03-01T10:00:00Z", Payload: []byte(`{"text":"n"}`)}}})
}
