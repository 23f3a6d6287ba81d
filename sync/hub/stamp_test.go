package hub_test

import (
	"fmt"
	"testing"

	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// TestRestampedEntityIsPulledAgain: when a rule leaves a position as it
// was (bob's status move merges with alice's), the laptop that sent the op
// must get the position's facts again from its next pull, at the push's
// version, notes excepted (migration 0005's stamp). Paged pulls, however
// small the page, carry each fact once, and a pull from the start carries
// each fact once at its latest version.
func TestRestampedEntityIsPulledAgain(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 3)
		p1, p2 := hubtest.Label(inv, 1), hubtest.Label(inv, 2)
		alice := enrolPusher(t, h, "alice", wire.RoleEngineer, "KX")
		bob := enrolPusher(t, h, "bob", wire.RoleEngineer, "KX")
		push := func(who *pusher, ops ...wire.Op) wire.PushResponse {
			t.Helper()
			req := wire.PushRequest{ClientID: who.p.ClientID}
			for i, o := range ops {
				who.seq++
				o.Seq, o.OpID, o.Site, o.Entity, o.Engineer = who.seq, newID(), "KX", "position", who.p.User
				o.ObservedAt = fmt.Sprintf("2025-03-01T10:00:%02dZ", int(who.seq)%60)
				if o.EntityID == "" {
					o.EntityID = p1
				}
				ops[i] = o
				req.Ops = append(req.Ops, o)
			}
			resp, err := h.Store.Push(ctx, who.p, req)
			hubtest.Must(t, err)
			for _, r := range resp.Results {
				if r.Outcome == wire.Rejected {
					t.Fatalf("op %d rejected: %s %s", r.Seq, r.Code, r.Message)
				}
			}
			return resp
		}
		push(alice,
			wire.Op{Kind: "position.status.v1", Payload: []byte(`{"from":"planned","to":"in_progress"}`)},
			wire.Op{Kind: "position.observe.v1", Payload: []byte(`{"attr":"room","value":"Room 2"}`)},
			wire.Op{Kind: "step.result.v1", Payload: []byte(`{"step":"legacy_serial","attempt":1,"outcome":"pass","value":"FCH1"}`)},
			wire.Op{Kind: "note.add.v1", Payload: []byte(`{"text":"cabling checked"}`)},
			wire.Op{Kind: "position.observe.v1", EntityID: p2, Payload: []byte(`{"attr":"room","value":"Room 3"}`)})
		info, err := h.Store.Snapshot(ctx, alice.p, "KX")
		hubtest.Must(t, err)
		cursor := info.Ver

		resp := push(bob, wire.Op{Kind: "position.status.v1", Payload: []byte(`{"from":"planned","to":"in_progress"}`)})
		if resp.Results[0].Code != "derived" {
			t.Fatalf("bob's move: %+v, want derived (the position is left as it was)", resp.Results[0])
		}
		stampVer := resp.SiteVers["KX"]

		// pullAll reads every page after a cursor, limit rows at a time.
		pullAll := func(after int64, limit int) map[string][]int64 {
			seen := map[string][]int64{}
			for {
				page, err := h.Store.Pull(ctx, alice.p, "KX", info.Epoch, after, limit)
				hubtest.Must(t, err)
				for _, c := range page.Changes {
					if c.Ver <= after || c.Ver > page.To {
						t.Fatalf("%s %s at version %d in a page (%d, %d]", c.T, c.ID, c.Ver, after, page.To)
					}
					if c.T == "fact" {
						seen[c.ID] = append(seen[c.ID], c.Ver)
					}
				}
				after = page.To
				if !page.More {
					return seen
				}
			}
		}
		for _, limit := range []int{1, 2, 2000} {
			got := pullAll(cursor, limit)
			for _, id := range []string{"position/" + p1 + "/room", "position/" + p1 + "/state"} {
				if v := got[id]; len(v) != 1 || v[0] != stampVer {
					t.Errorf("limit %d: fact %s pulled at versions %v, want once at %d", limit, id, v, stampVer)
				}
			}
			for id := range got {
				if id != "position/"+p1+"/room" && id != "position/"+p1+"/state" {
					t.Errorf("limit %d: fact %s pulled again, though its entity was not stamped or it is a note", limit, id)
				}
			}
			all := pullAll(0, limit)
			for id, v := range all {
				if len(v) != 1 {
					t.Errorf("limit %d: from the start, fact %s pulled at versions %v, want once", limit, id, v)
				}
			}
			if v := all["position/"+p1+"/room"]; len(v) != 1 || v[0] != stampVer {
				t.Errorf("limit %d: from the start, room at %v, want at the stamp %d", limit, v, stampVer)
			}
			if len(all) < 4 {
				t.Errorf("limit %d: from the start %d facts, want room, state, note and P2's room", limit, len(all))
			}
		}
	})
}
