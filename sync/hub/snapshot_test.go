package hub_test

import (
	"bytes"
	"encoding/json"
	"strings"
	gosync "sync"
	"testing"

	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// TestSnapshotBuiltOncePerVersion: laptops asking for a site's snapshot at
// once get one file, built once per site version, stored in the database;
// on PostgreSQL that holds across hub processes sharing it (two stores
// here), and each serves the file the other built.
func TestSnapshotBuiltOncePerVersion(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		h.Plan("BIG", 300)
		stores := []*hub.Store{h.Store}
		if strings.HasPrefix(spec, "postgres") {
			other, err := hub.Open(ctx, spec)
			hubtest.Must(t, err)
			t.Cleanup(func() { other.Close() })
			stores = append(stores, other)
		}
		alice := enrolPusher(t, h, "alice", wire.RoleEngineer, "BIG")
		builds := func() (n int64) {
			for _, s := range stores {
				n += hub.SnapshotBuilds(s)
			}
			return n
		}
		ask := func() wire.SnapshotInfo {
			var wg gosync.WaitGroup
			infos := make([]wire.SnapshotInfo, 60)
			errs := make([]error, len(infos))
			for i := range infos {
				wg.Go(func() { infos[i], errs[i] = stores[i%len(stores)].Snapshot(ctx, alice.p, "BIG") })
			}
			wg.Wait()
			for i := range infos {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
				if infos[i] != infos[0] || infos[0].SHA256 == "" || infos[0].URL == "" {
					t.Fatalf("answers differ: %+v and %+v", infos[i], infos[0])
				}
			}
			for _, s := range stores {
				body, sum, err := s.SnapshotFile(ctx, alice.p, "BIG", infos[0].Epoch, infos[0].Ver)
				hubtest.Must(t, err)
				if sum != infos[0].SHA256 || int64(len(body)) != infos[0].Size {
					t.Fatalf("served %d bytes %s, announced %+v", len(body), sum, infos[0])
				}
			}
			return infos[0]
		}
		first := ask()
		if n := builds(); n != 1 {
			t.Fatalf("60 laptops asking at once: %d builds, want 1", n)
		}
		ask()
		if n := builds(); n != 1 {
			t.Fatalf("asked again at the same version: %d builds in all, want 1", n)
		}
		// A push moves the site on: one more build.
		_, err := h.Store.Push(ctx, alice.p, wire.PushRequest{ClientID: alice.p.ClientID, Ops: []wire.Op{{Seq: 1, OpID: newID(),
			Site: "BIG", Kind: "note.add.v1", Entity: "position", EntityID: "x", Engineer: "alice",
			ObservedAt: "2025-03-01T10:00:00Z", Payload: []byte(`{"text":"hello"}`)}}})
		hubtest.Must(t, err)
		if second := ask(); second.Ver != first.Ver+1 {
			t.Fatalf("after a push: version %d, want %d", second.Ver, first.Ver+1)
		}
		if n := builds(); n != 2 {
			t.Fatalf("after a push: %d builds in all, want 2", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM snapshots WHERE site = 'BIG'`); n != 2 {
			t.Fatalf("%d snapshots stored, want the two newest", n)
		}
	})
}

// TestPullPageSharedUntilThePushCommits: laptops pulling the same page of a
// site at once get the same answer as Pull; once a push commits, the same
// cursor gets the new rows.
func TestPullPageSharedUntilThePushCommits(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		h.Plan("KX", 50)
		alice := enrolPusher(t, h, "alice", wire.RoleEngineer, "KX")
		info, err := h.Store.Snapshot(ctx, alice.p, "KX")
		hubtest.Must(t, err)
		want, err := h.Store.Pull(ctx, alice.p, "KX", info.Epoch, 0, 20)
		hubtest.Must(t, err)
		wantJSON, _ := json.Marshal(want)
		var wg gosync.WaitGroup
		bodies := make([][]byte, 40)
		for i := range bodies {
			wg.Go(func() {
				b, err := h.Store.PullPage(ctx, alice.p, "KX", info.Epoch, 0, 20)
				if err != nil {
					t.Error(err)
				}
				bodies[i] = b
			})
		}
		wg.Wait()
		for _, b := range bodies {
			if !bytes.Equal(bytes.TrimSpace(b), wantJSON) {
				t.Fatalf("page %s\nPull %s", b, wantJSON)
			}
		}
		_, err = h.Store.Push(ctx, alice.p, wire.PushRequest{ClientID: alice.p.ClientID, Ops: []wire.Op{{Seq: 1, OpID: newID(),
			Site: "KX", Kind: "note.add.v1", Entity: "position", EntityID: "x", Engineer: "alice",
			ObservedAt: "2025-03-01T10:00:00Z", Payload: []byte(`{"text":"hello"}`)}}})
		hubtest.Must(t, err)
		b, err := h.Store.PullPage(ctx, alice.p, "KX", info.Epoch, info.Ver, 20)
		hubtest.Must(t, err)
		var got wire.PullResponse
		hubtest.Must(t, json.Unmarshal(b, &got))
		if len(got.Changes) != 1 || got.To != info.Ver+1 {
			t.Fatalf("after the push: %d changes to %d, want the note at %d", len(got.Changes), got.To, info.Ver+1)
		}
	})
}
