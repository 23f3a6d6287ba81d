package hub_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"cutover/site"
	"cutover/site/oplog"
	"cutover/sync/client"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// A hostile client: ops pushed straight through the API with the laptop's
// own token, past the laptop's checks. Every case runs on both stores.

// raw pushes ops as a modified laptop would, numbering them itself.
type raw struct {
	t   *testing.T
	l   *hubtest.Laptop
	seq int64
}

func (r *raw) op(kind, entity, id, payload string) wire.Op {
	r.seq++
	return wire.Op{Seq: r.seq, OpID: newID(), Site: "KX", Kind: kind, Entity: entity, EntityID: id, Engineer: r.l.Name,
		ObservedAt: time.Now().UTC().Format(time.RFC3339Nano), Payload: json.RawMessage(payload)}
}

func (r *raw) push(ops ...wire.Op) []wire.OpResult {
	r.t.Helper()
	resp, err := r.l.Syncer.Client.Push(ctx, wire.PushRequest{ClientID: r.l.Creds.ClientID, Ops: ops})
	if err != nil {
		r.t.Fatalf("push: %v", err)
	}
	if len(resp.Results) != len(ops) || resp.AckedThrough != r.seq {
		r.t.Fatalf("push of %d ops: %+v", len(ops), resp)
	}
	return resp.Results
}

func wantOutcome(t *testing.T, r wire.OpResult, outcome, code, text string) {
	t.Helper()
	if r.Outcome != outcome || (code != "" && r.Code != code) || !strings.Contains(r.Message, text) {
		t.Fatalf("op %d: %+v, want %s %s saying %q", r.Seq, r, outcome, code, text)
	}
}

func nested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// mirror counts what a laptop holds of a site from the hub.
func mirror(t *testing.T, l *hubtest.Laptop) (positions, facts, conflicts int) {
	t.Helper()
	db := l.Store.DB()
	hubtest.Must(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM positions WHERE site = 'KX'`).Scan(&positions))
	hubtest.Must(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_facts WHERE site = 'KX'`).Scan(&facts))
	hubtest.Must(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_conflicts WHERE site = 'KX'`).Scan(&conflicts))
	return
}

// Point 2: three step results whose evidence is 9,996 nested arrays are
// rejected one by one, the good op after them applies, and every laptop's
// pull and a new laptop's snapshot still carry every row.
func TestHostileDeepEvidence(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 6)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		mallory := h.Laptop("mallory", wire.RoleEngineer, "KX")
		sync(t, alice, "KX")
		p1, p2 := hubtest.Label(inv, 1), hubtest.Label(inv, 2)
		op(t, alice, "step.result.v1", "position", p1, map[string]any{"step": "legacy_serial", "attempt": 1, "outcome": "pass", "value": "FCH1"})
		op(t, alice, "position.observe.v1", "position", p1, map[string]string{"attr": "port", "value": "1/0/5"})
		sync(t, alice)

		m := &raw{t: t, l: mallory}
		deep := `{"step":"verify","attempt":1,"outcome":"pass","evidence":` + nested(9996) + `}`
		res := m.push(m.op("step.result.v1", "position", p2, deep), m.op("step.result.v1", "position", p2, deep),
			m.op("step.result.v1", "position", p2, deep), m.op("note.add.v1", "position", p2, `{"text":"still here"}`))
		for _, r := range res[:3] {
			wantOutcome(t, r, wire.Rejected, "invalid_op", "nested")
		}
		wantOutcome(t, res[3], wire.Applied, "", "")
		for _, c := range []struct{ payload, want string }{
			{`{"text":"` + strings.Repeat("n", oplog.MaxText+1) + `"}`, "characters"},
			{`{"step":"verify","outcome":"pass","evidence":{"s":"` + strings.Repeat("e", oplog.MaxEvidence) + `"}}`, "bytes"},
			{`{"step":"verify","outcome":"pass","evidence":` + nested(oplog.MaxDepth+1) + `}`, "nested"},
			{`{"step":"verify","outcome":"pass","colour":"red"}`, "unknown field"},
		} {
			kind := "step.result.v1"
			if strings.HasPrefix(c.payload, `{"text"`) {
				kind = "note.add.v1"
			}
			wantOutcome(t, m.push(m.op(kind, "position", p2, c.payload))[0], wire.Rejected, "invalid_op", c.want)
		}
		wantOutcome(t, m.push(m.op("note.add.v1", "position", p2, `{"text":"`+strings.Repeat("n", oplog.MaxText)+`"}`))[0],
			wire.Applied, "", "")
		if n := h.Count(`SELECT COUNT(*) FROM facts WHERE entity_id = ? AND attr LIKE 'step:%'`, p2); n != 0 {
			t.Fatalf("%d step facts stored from rejected ops", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE LENGTH(payload) > 20000`); n != 0 {
			t.Fatalf("%d rejected payloads kept whole in the journal", n)
		}

		sync(t, alice)
		carol := h.Laptop("carol", wire.RoleEngineer, "KX")
		if rep := sync(t, carol); rep.Snapshots != 1 {
			t.Fatalf("carol: %+v, want a snapshot", rep)
		}
		hubFacts := h.Count(`SELECT COUNT(*) FROM facts WHERE site = 'KX'`)
		hubConflicts := h.Count(`SELECT COUNT(*) FROM conflicts WHERE site = 'KX'`)
		for _, l := range []*hubtest.Laptop{alice, carol} {
			p, f, c := mirror(t, l)
			if p != 6 || f != hubFacts || c != hubConflicts {
				t.Fatalf("%s holds %d positions, %d facts, %d conflicts; the hub %d, %d, %d", l.Name, p, f, c, 6, hubFacts, hubConflicts)
			}
		}
	})
}

// Point 2, rows an older hub stored: a pull or snapshot that cannot send a
// row fails, naming it, instead of leaving it out.
func TestHostileUnservableRowIsNeverDropped(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		h.Plan("KX", 3)
		bob := h.Laptop("bob", wire.RoleEngineer, "KX")
		sync(t, bob, "KX")
		hubtest.Must(t, h.Store.ExecForTest(`UPDATE sites SET ver = ver + 1 WHERE code = 'KX'`))
		ver := h.Count(`SELECT ver FROM sites WHERE code = 'KX'`)
		hubtest.Must(t, h.Store.ExecForTest(`INSERT INTO conflicts (id, site, kind, entity, entity_id, status, detail, opened_at, ver)
			VALUES ('poison', 'KX', 'step_result_differs', 'position', 'P1', 'open', ?, '2025-01-01T00:00:00Z', ?)`,
			`{"first":`+nested(9996)+`}`, ver))
		for name, l := range map[string]*hubtest.Laptop{"pull": bob, "snapshot": h.Laptop("carol", wire.RoleEngineer, "KX")} {
			_, err := l.Syncer.Sync(ctx, "KX")
			var he *client.HTTPError
			if !errors.As(err, &he) || he.Body.Code != "unservable_row" || !strings.Contains(err.Error(), "poison") {
				t.Fatalf("%s of a site with a row it cannot send: %v, want an error naming the row", name, err)
			}
		}
		_, err := h.Store.Pull(ctx, hub.Principal{User: "ada", Role: wire.RoleAdmin}, "KX", "", -1, 100)
		var ue *hub.UnservableError
		if err == nil || (!errors.As(err, &ue) && !errors.Is(err, hub.ErrMustRefetch)) {
			t.Fatalf("store pull: %v", err)
		}
	})
}

// onePositionCSV is a one-row inventory for KX: the file of the issue.
func onePositionCSV(p site.Position) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(site.Columns)
	w.Write([]string{p.Site, p.Building, p.Floor, p.Room, p.Label, string(p.Role), string(p.Plan), string(p.LegacyVendor),
		p.LegacyModel, p.MAC, p.Extension, p.DDI, p.Switch, p.Port, p.TargetModel, p.Critical, "", p.Notes})
	w.Flush()
	return b.Bytes()
}

// Point 3: an engineer's one-row import of a hub site is refused on the
// laptop, and the withdrawals an older laptop would push are refused by the
// hub: the hub's plan of 58 positions stays whole on the hub and on every
// laptop.
func TestHostileLocalImportLeavesHubPlan(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 58)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		bob := h.Laptop("bob", wire.RoleEngineer, "KX")
		sync(t, alice, "KX")
		sync(t, bob, "KX")
		data := onePositionCSV(inv.Sites[0].Positions[0])
		if !strings.HasPrefix(string(data), strings.Join(site.Columns, ",")) {
			t.Fatalf("csv header: %.80s", data)
		}
		_, _, err := alice.Store.ImportFile(ctx, "alice", "kx.csv", data, site.ParseOptions{}, site.SiteOverrides{})
		var hs *site.HubSiteError
		if !errors.As(err, &hs) || !strings.Contains(err.Error(), "cutover hub import") {
			t.Fatalf("local import of a hub site: %v, want refused", err)
		}
		// What an older laptop did: withdraw the 57 others locally, log
		// the import, add a position of its own.
		for _, p := range inv.Sites[0].Positions[1:] {
			hubtest.Must(t, alice.Store.SetStatus(ctx, "alice", "KX", p.Label, site.StatusWithdrawn, "not in the plan any more (import of kx.csv)"))
		}
		op(t, alice, "site.import.v1", "site", "KX", map[string]any{"file": "kx.csv", "added": 0, "withdrawn": 57})
		op(t, alice, "position.add.v1", "position", "NEW-1", map[string]any{"label": "NEW-1"})
		rep := sync(t, alice)
		if rep.Rejected != 59 || rep.Applied != 0 {
			t.Fatalf("older laptop's plan changes: %+v, want 59 rejected", rep)
		}
		_, r := lastResult(t, alice)
		wantOutcome(t, r, wire.Rejected, "plan_owned_by_hub", "cutover hub import")
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE site = 'KX' AND status <> 'withdrawn'`); n != 58 {
			t.Fatalf("%d positions left in the hub's plan, want 58", n)
		}
		hr, err := h.Store.SiteReport(ctx, hub.Principal{User: "ada", Role: wire.RoleAdmin}, "KX")
		hubtest.Must(t, err)
		if len(hr.Rows) != 58 {
			t.Fatalf("hub report has %d rows, want 58", len(hr.Rows))
		}
		sync(t, alice)
		sync(t, bob)
		for _, l := range []*hubtest.Laptop{alice, bob} {
			var n int
			hubtest.Must(t, l.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM positions WHERE site = 'KX' AND status = 'withdrawn'`).Scan(&n))
			if n != 0 {
				t.Fatalf("%s has %d withdrawn positions after sync, want 0", l.Name, n)
			}
		}
		// An admin may still withdraw.
		ada := h.Laptop("ada", wire.RoleAdmin)
		sync(t, ada, "KX")
		hubtest.Must(t, ada.Store.SetStatus(ctx, "ada", "KX", hubtest.Label(inv, 2), site.StatusWithdrawn, "moved out"))
		if rep := sync(t, ada); rep.Applied != 1 {
			t.Fatalf("admin's withdrawal: %+v", rep)
		}
	})
}

// Point 5: a label, op id, serial or engineer with NUL or a control
// character is rejected before it touches the store, the same on both
// stores, and the laptop's next push goes through.
func TestHostileNULAndControlCharacters(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 3)
		mallory := h.Laptop("mallory", wire.RoleEngineer, "KX")
		m := &raw{t: t, l: mallory}
		p1 := hubtest.Label(inv, 1)
		ops := []wire.Op{m.op("position.status.v1", "position", "P\x001", `{"to":"in_progress"}`),
			m.op("note.add.v1", "position", p1, `{"text":"x"}`),
			m.op("asset.install.v1", "asset", "FCH", `{"kind":"new","serial":"FCH\u0000","position":"`+p1+`"}`),
			m.op("position.status.v1", "position", "L\x1b[2JCLEARED", `{"to":"in_progress"}`),
			m.op("note.add.v1", "position", p1, `{"text":"Room\u001b]0;pwned\u0007"}`),
			m.op("note.add.v1", "position", p1, `{"text":"x"}`),
			m.op("note.add.v1", "position", p1, `{"text":"a good note"}`)}
		ops[1].OpID = ops[1].OpID[:35] + "\x00"
		ops[5].Engineer = "mal\x00lory"
		res := m.push(ops...)
		for i, want := range []string{"NUL", "UUID", "NUL", "control character", "control character", "NUL"} {
			if res[i].Outcome != wire.Rejected || !strings.Contains(res[i].Message, want) {
				t.Fatalf("op %d: %+v, want rejected saying %q", i+1, res[i], want)
			}
		}
		wantOutcome(t, res[6], wire.Applied, "", "")
		wantOutcome(t, m.push(m.op("note.add.v1", "position", p1, `{"text":"and the next push"}`))[0], wire.Applied, "", "")
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id = ?`, mallory.Creds.ClientID); n != 8 {
			t.Fatalf("%d ops journaled, want 8", n)
		}
		// The inventory parser behind 'cutover hub import' refuses the same
		// bytes with the line and column, so no store ever sees them.
		p := inv.Sites[0].Positions[0]
		p.Label = "L\x00X"
		_, err := site.ParseInventory("bad.csv", onePositionCSV(p), site.ParseOptions{})
		var probs site.Problems
		if !errors.As(err, &probs) || !strings.Contains(err.Error(), "bad.csv:2:") || !strings.Contains(err.Error(), "NUL") {
			t.Fatalf("inventory with NUL in a label: %v", err)
		}
	})
}
