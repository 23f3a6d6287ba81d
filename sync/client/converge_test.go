package client_test

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"cutover/laptop"
	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"

	"pgregory.net/rapid"
)

// nextStatus lists the field moves a laptop may make from a status.
func nextStatus(s site.Status) []site.Status {
	var out []site.Status
	for _, to := range []site.Status{site.StatusDiscovered, site.StatusInProgress, site.StatusDone, site.StatusFailed, site.StatusBlocked} {
		if s.CanMove(to) {
			out = append(out, to)
		}
	}
	return out
}

// state is what a laptop (or the hub) holds for one site, as comparable
// strings.
type state struct {
	positions map[string]string // label → status
	facts     map[string]string // entity/id/attr → value|disputed
	conflicts []string          // open conflict ids
}

func laptopState(t *rapid.T, l *hubtest.Laptop, code string) state {
	st := state{positions: map[string]string{}, facts: map[string]string{}}
	ps, err := l.Store.Positions(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		st.positions[strings.ToLower(p.Label)] = string(p.Status)
	}
	rows, err := l.Store.DB().QueryContext(ctx, `SELECT entity, entity_id, attr, value, disputed FROM sync_facts WHERE site = ?`, code)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e, id, a, v string
		var d int
		rows.Scan(&e, &id, &a, &v, &d)
		st.facts[e+"/"+id+"/"+a] = fmt.Sprint(v, "|", d)
	}
	rows.Close()
	cs, err := laptop.Conflicts(ctx, l.Store, code, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		st.conflicts = append(st.conflicts, c.ID)
	}
	slices.Sort(st.conflicts)
	return st
}

func hubState(t *rapid.T, h *hubtest.Hub, code string) state {
	st := state{positions: map[string]string{}, facts: map[string]string{}}
	db := h.Store
	q := func(query string, fn func(cols []string)) {
		rows, err := db.QueryForTest(query, code)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			fn(r)
		}
	}
	q(`SELECT label_key, status FROM positions WHERE site = ?`, func(c []string) { st.positions[c[0]] = c[1] })
	q(`SELECT entity, entity_id, attr, value, disputed FROM facts WHERE site = ?`, func(c []string) {
		st.facts[c[0]+"/"+c[1]+"/"+c[2]] = c[3] + "|" + c[4]
	})
	q(`SELECT id FROM conflicts WHERE site = ? AND status = 'open' ORDER BY id`, func(c []string) { st.conflicts = append(st.conflicts, c[0]) })
	return st
}

func sameState(t *rapid.T, who string, got, want state) {
	if !maps.Equal(got.positions, want.positions) {
		t.Fatalf("%s positions %v, hub %v", who, got.positions, want.positions)
	}
	if !maps.Equal(got.facts, want.facts) {
		t.Fatalf("%s facts %v, hub %v", who, got.facts, want.facts)
	}
	if !slices.Equal(got.conflicts, want.conflicts) {
		t.Fatalf("%s open conflicts %v, hub %v", who, got.conflicts, want.conflicts)
	}
}

// TestTwoLaptopsConverge: two engineers work one site offline, with their
// ops interleaved and synced at random points (some pushes losing their
// answer after the hub committed, some pulls made while local ops wait);
// after everyone has synced
// twice, both laptops hold exactly the hub's state, and the hub journaled
// every op exactly once.
func TestTwoLaptopsConverge(t *testing.T) {
	if f := flag.Lookup("rapid.checks"); f != nil && f.Value.String() == "100" {
		f.Value.Set("30") // each check is a real hub and two real laptops
	}
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		iter := 0
		rapid.Check(t, func(rt *rapid.T) {
			iter++
			code := fmt.Sprintf("C%d", iter)
			inv := h.Plan(code, 3)
			ls := []*hubtest.Laptop{
				h.Laptop(fmt.Sprintf("a%d", iter), wire.RoleEngineer, code),
				h.Laptop(fmt.Sprintf("b%d", iter), wire.RoleEngineer, code),
			}
			faults := map[*hubtest.Laptop]*dropResponse{}
			for _, l := range ls {
				if _, err := l.Syncer.Sync(ctx, code); err != nil {
					rt.Fatal(err)
				}
				faults[l] = &dropResponse{next: l.Transport}
				l.Transport = faults[l]
			}
			labels := []string{hubtest.Label(inv, 1), hubtest.Label(inv, 2), hubtest.Label(inv, 3)}
			steps := rapid.IntRange(1, 30).Draw(rt, "steps")
			for range steps {
				l := ls[rapid.IntRange(0, 1).Draw(rt, "laptop")]
				label := rapid.SampledFrom(labels).Draw(rt, "position")
				var err error
				switch rapid.SampledFrom([]string{"status", "status", "observe", "step", "install", "note", "sync", "pull", "lost"}).Draw(rt, "action") {
				case "status":
					p, e := l.Store.Position(ctx, code, label)
					if e != nil {
						rt.Fatal(e)
					}
					if next := nextStatus(p.Status); len(next) > 0 {
						to := rapid.SampledFrom(next).Draw(rt, "to")
						err = l.Store.SetStatus(ctx, l.Name, code, label, to, "why")
					}
				case "observe":
					attr := rapid.SampledFrom([]string{"mac", "serial"}).Draw(rt, "attr")
					v := rapid.SampledFrom([]string{"A", "B"}).Draw(rt, "value")
					err = l.Store.Write(ctx, l.Name, func(tx *site.Tx) error { return client.Observe(ctx, tx, code, label, attr, v) })
				case "step":
					outcome := rapid.SampledFrom([]string{"pass", "skip", "fail"}).Draw(rt, "step")
					attempt := rapid.IntRange(1, 2).Draw(rt, "attempt")
					serial := rapid.SampledFrom([]string{"X", "Y"}).Draw(rt, "stepserial")
					err = l.Store.Write(ctx, l.Name, func(tx *site.Tx) error {
						return tx.Op(code, "step.result.v1", "position", label, map[string]any{"step": "new_serial",
							"attempt": attempt, "outcome": outcome, "value": serial})
					})
				case "install":
					serial := code + "-" + rapid.SampledFrom([]string{"S1", "S2"}).Draw(rt, "serial")
					err = l.Store.Write(ctx, l.Name, func(tx *site.Tx) error {
						return tx.Op(code, "asset.install.v1", "asset", serial, map[string]string{"kind": "new", "serial": serial, "position": label})
					})
				case "note":
					err = l.Store.Write(ctx, l.Name, func(tx *site.Tx) error { return client.AddNote(ctx, tx, code, "position", label, "n") })
				case "sync":
					_, err = l.Syncer.Sync(ctx)
				case "pull": // a pull while local ops wait, as when the TUI writes mid-sync
					err = l.Syncer.PullAll(ctx, &client.Report{})
				case "lost": // the hub commits a push but its answer never arrives
					faults[l].armed.Store(true)
					l.Syncer.Sync(ctx)
					faults[l].armed.Store(false)
				}
				if err != nil {
					rt.Fatal(err)
				}
			}
			for range 2 {
				for _, l := range ls {
					if _, err := l.Syncer.Sync(ctx); err != nil {
						rt.Fatal(err)
					}
				}
			}
			want := hubState(rt, h, code)
			total := 0
			for _, l := range ls {
				st, err := client.ReadStatus(ctx, l.Store)
				if err != nil {
					rt.Fatal(err)
				}
				if st.Pending != 0 {
					rt.Fatalf("%s still has %d pending ops", l.Name, st.Pending)
				}
				var n int
				l.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM oplog`).Scan(&n)
				total += n
				sameState(rt, l.Name, laptopState(rt, l, code), want)
			}
			if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE site = ? AND client_id <> 'hub'`, code); n != total {
				rt.Fatalf("hub journaled %d ops, laptops made %d", n, total)
			}
		})
	})
}
