package client_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// TestKillHelper is the child process of TestSIGKILLMidSync: it syncs the
// database it is given in small batches until done.
func TestKillHelper(t *testing.T) {
	db := os.Getenv("CUTOVER_KILL_DB")
	if db == "" {
		t.Skip("child process of TestSIGKILLMidSync")
	}
	st, err := site.Open(db)
	if err != nil {
		fmt.Println(err)
		os.Exit(3)
	}
	creds, err := client.LoadCredentials(os.Getenv("CUTOVER_KILL_CREDS"))
	if err != nil {
		fmt.Println(err)
		os.Exit(3)
	}
	c, _ := client.New(creds, nil)
	s := &client.Syncer{Store: st, Client: c, Engineer: "child", Batch: 20, PageRows: 30}
	if _, err := s.Sync(context.Background()); err != nil {
		fmt.Println(err)
		os.Exit(4)
	}
	os.Exit(0)
}

// TestSIGKILLMidSync kills a syncing laptop process with SIGKILL at random
// moments, again and again, then lets it finish: no op is lost, none is
// applied twice, and the database is intact.
func TestSIGKILLMidSync(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 200)
		a := h.Laptop("alice", wire.RoleEngineer, "KX")
		b := h.Laptop("bob", wire.RoleEngineer, "KX")
		syncOK(t, a, "KX")
		syncOK(t, b, "KX")
		// Bob's work gives alice many pages to pull.
		for i := 1; i <= 200; i++ {
			move(t, b, "KX", hubtest.Label(inv, i), site.StatusDiscovered)
		}
		syncOK(t, b)
		// Alice's offline work: 1,000 notes and 40 swaps, step by step.
		hubtest.Must(t, a.Store.Write(ctx, "alice", func(tx *site.Tx) error {
			for i := 0; i < 1000; i++ {
				if err := client.AddNote(ctx, tx, "KX", "position", hubtest.Label(inv, 1+i%200), fmt.Sprint("note ", i)); err != nil {
					return err
				}
			}
			return nil
		}))
		const swaps = 40
		for i := 1; i <= swaps; i++ {
			move(t, a, "KX", hubtest.Label(inv, i), site.StatusInProgress, site.StatusDone)
		}
		var total int
		hubtest.Must(t, a.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM oplog`).Scan(&total))
		credsPath := filepath.Join(t.TempDir(), "creds.json")
		hubtest.Must(t, a.Creds.Save(credsPath))
		kills, midway := 0, 0
		for round := 0; round < 8; round++ {
			cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$")
			cmd.Env = append(os.Environ(), "CUTOVER_KILL_DB="+a.Store.Path(), "CUTOVER_KILL_CREDS="+credsPath)
			hubtest.Must(t, cmd.Start())
			exited := make(chan struct{})
			go func() { cmd.Wait(); close(exited) }()
			if round%2 == 0 {
				// At a random moment: starting up, pushing or pulling.
				time.Sleep(time.Duration(30+rand.IntN(250)) * time.Millisecond)
			} else {
				// Once the hub has taken some of this round's push, however
				// slow the machine is to start the child, then a little later.
				before := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id = ?`, a.Creds.ClientID)
				for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
					if h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id = ?`, a.Creds.ClientID) > before {
						break
					}
					select {
					case <-exited:
						deadline = time.Now()
					default:
					}
				}
				time.Sleep(time.Duration(rand.IntN(40)) * time.Millisecond)
			}
			if cmd.Process.Signal(syscall.SIGKILL) == nil {
				kills++
			}
			<-exited
			if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id = ?`, a.Creds.ClientID); n > 0 && n < total {
				midway++
			}
		}
		t.Logf("killed the syncing process %d times, %d of them with the push part done", kills, midway)
		if midway == 0 {
			t.Fatal("no kill landed mid-sync; the test proved nothing")
		}
		a.Syncer.Batch = 50
		syncOK(t, a)
		hubtest.Must(t, a.Store.IntegrityCheck(ctx))
		var local int
		a.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM oplog`).Scan(&local)
		if local != total {
			t.Fatalf("laptop has %d ops, want %d", local, total)
		}
		if n := pending(t, a); n != 0 {
			t.Fatalf("%d ops still pending", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id = ?`, a.Creds.ClientID); n != total {
			t.Fatalf("hub journaled %d of alice's ops, want exactly %d", n, total)
		}
		if n := h.Count(`SELECT COUNT(*) FROM facts WHERE attr LIKE 'note:%'`); n != 1000 {
			t.Fatalf("hub holds %d notes, want 1000", n)
		}
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE status = 'done'`); n != swaps {
			t.Fatalf("hub has %d done, want %d", n, swaps)
		}
		ps, _ := a.Store.Positions(ctx, "KX")
		done, disc := 0, 0
		for _, p := range ps {
			switch p.Status {
			case site.StatusDone:
				done++
			case site.StatusDiscovered:
				disc++
			}
		}
		if done != swaps || disc != 200-swaps {
			t.Fatalf("alice's laptop: %d done and %d discovered, want %d and %d", done, disc, swaps, 200-swaps)
		}
	})
}
