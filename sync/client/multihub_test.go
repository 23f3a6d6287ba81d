package client_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"cutover/cli"
	"cutover/site"
	"cutover/site/runbook"
	"cutover/sync/client"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// TestHubProcessHelper is one `cutover serve` process of
// TestTwoHubProcesses: the real command, on the store and address given.
func TestHubProcessHelper(t *testing.T) {
	spec := os.Getenv("CUTOVER_MP_STORE")
	if spec == "" {
		t.Skip("child process of TestTwoHubProcesses")
	}
	os.Exit(cli.Run(context.Background(), cli.NewEnv(fstest.MapFS{}),
		[]string{"serve", "--listen", os.Getenv("CUTOVER_MP_LISTEN"), "--store", spec, "--max-in-flight", "256"}))
}

// hubProc is a `cutover serve` child process that can be killed and
// started again on the same address.
type hubProc struct {
	t    *testing.T
	spec string
	addr string
	mu   sync.Mutex
	cmd  *exec.Cmd
	// pushing counts the pushes sent to it and not yet answered.
	pushing atomic.Int64
}

func (p *hubProc) start() {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHubProcessHelper$")
	cmd.Env = append(os.Environ(), "CUTOVER_MP_STORE="+p.spec, "CUTOVER_MP_LISTEN="+p.addr)
	hubtest.Must(p.t, cmd.Start())
	p.mu.Lock()
	p.cmd = cmd
	p.mu.Unlock()
	for i := 0; i < 500; i++ {
		if resp, err := http.Get("http://" + p.addr + "/v1/health"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.t.Errorf("hub process on %s did not start", p.addr)
}

// kill ends it with SIGKILL, mid-request or not.
func (p *hubProc) kill() {
	p.mu.Lock()
	cmd := p.cmd
	p.mu.Unlock()
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	hubtest.Must(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// TestTwoHubProcesses runs two `cutover serve` processes on one
// PostgreSQL database, as behind a load balancer with nothing sticky: 50
// laptops on 5 sites send every request to either process at random while
// one process or the other is killed with SIGKILL again and again, in the
// middle of pushes, and started again. Every laptop converges on the hub's
// state, and the hub journaled each laptop's every op exactly once.
func TestTwoHubProcesses(t *testing.T) {
	if os.Getenv(hubtest.PGEnv) == "" {
		t.Skipf("needs PostgreSQL: set %s", hubtest.PGEnv)
	}
	const sites, perSite, rounds, notesPerRound = 5, 10, 8, 6
	// Each laptop's own position moves on, one status a round, in the
	// first rounds.
	statuses := []site.Status{site.StatusDiscovered, site.StatusInProgress, site.StatusDone}
	spec := hubtest.PostgresSpec(t)
	// Plans, people and laptops through an in-process hub on the same
	// database, stopped before the two processes start.
	setup := hubtest.Start(t, spec)
	var ls []*hubtest.Laptop
	invs := map[string]*site.Inventory{}
	for s := 0; s < sites; s++ {
		code := fmt.Sprintf("M%d", s)
		invs[code] = setup.Plan(code, 20)
		for e := 0; e < perSite; e++ {
			l := setup.Laptop(fmt.Sprintf("m%d-%d", s, e), wire.RoleEngineer, code)
			syncOK(t, l, code)
			l.Syncer.Batch = 4
			ls = append(ls, l)
		}
	}
	setup.Stop()

	procs := []*hubProc{{t: t, spec: spec, addr: freeAddr(t)}, {t: t, spec: spec, addr: freeAddr(t)}}
	for _, p := range procs {
		p.start()
	}
	t.Cleanup(func() {
		for _, p := range procs {
			p.kill()
		}
	})
	for _, l := range ls {
		base := l.Transport
		l.Transport = hubtest.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			p := procs[rand.IntN(len(procs))]
			r = r.Clone(r.Context())
			r.URL.Host, r.Host = p.addr, p.addr
			if r.URL.Path == "/v1/sync/push" {
				p.pushing.Add(1)
				defer p.pushing.Add(-1)
			}
			return base.RoundTrip(r)
		})
	}

	// The killer: one process or the other, every 50–250 ms, started
	// again a moment later, until the laptops are done.
	done := make(chan struct{})
	var kills, midPush int
	var killerDone sync.WaitGroup
	killerDone.Go(func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Duration(50+rand.IntN(200)) * time.Millisecond):
			}
			p := procs[rand.IntN(len(procs))]
			if p.pushing.Load() > 0 {
				midPush++
			}
			p.kill()
			kills++
			time.Sleep(time.Duration(20+rand.IntN(100)) * time.Millisecond)
			p.start()
		}
	})

	// Each laptop: some work, sync until the hub has it all, again.
	var wg sync.WaitGroup
	errs := make(chan error, len(ls))
	for i, l := range ls {
		code := l.Syncer.Client.Credentials().Sites[0]
		labels := invs[code].Sites[0].Positions
		wg.Go(func() {
			for round := 0; round < rounds; round++ {
				err := l.Store.Write(ctx, l.Name, func(tx *site.Tx) error {
					for n := 0; n < notesPerRound; n++ {
						if err := client.AddNote(ctx, tx, code, "position", labels[(i+n)%len(labels)].Label,
							fmt.Sprintf("%s round %d note %d", l.Name, round, n)); err != nil {
							return err
						}
					}
					return nil
				})
				if err == nil && round < len(statuses) {
					// The position's work: discovered, its first step, the rest.
					label := labels[i%perSite].Label
					switch statuses[round] {
					case site.StatusDiscovered:
						err = l.Store.SetStatus(ctx, l.Name, code, label, site.StatusDiscovered, "")
					case site.StatusInProgress:
						pr, perr := runbook.Steps(ctx, l.Store, code, label)
						if err = perr; err == nil {
							_, err = hubtest.Do(l.Store, l.Name, code, label, pr.Runbook.Steps[0].Key, nil)
						}
					default:
						_, err = hubtest.Do(l.Store, l.Name, code, label, "", nil)
					}
				}
				if err != nil {
					errs <- err
					return
				}
				for try := 0; ; try++ {
					_, err := l.Syncer.Sync(ctx)
					if err == nil {
						st, serr := client.ReadStatus(ctx, l.Store)
						if serr == nil && st.Pending == 0 {
							break
						}
					}
					if try == 3000 {
						errs <- fmt.Errorf("%s: still not synced after %d tries: %v", l.Name, try, err)
						return
					}
					time.Sleep(time.Duration(10+rand.IntN(40)) * time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	close(done)
	killerDone.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("killed a hub process %d times, %d of them with pushes in flight to it", kills, midPush)
	if midPush == 0 {
		t.Fatal("no kill landed mid-push; the test proved nothing")
	}

	// Everyone pulls what the others did, through either process.
	for _, l := range ls {
		for try := 0; ; try++ {
			if _, err := l.Syncer.Sync(ctx); err == nil {
				break
			} else if try == 50 {
				t.Fatalf("%s: final sync: %v", l.Name, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	st, err := hub.Open(ctx, spec)
	hubtest.Must(t, err)
	defer st.Close()
	count := func(q string, args ...any) int {
		n, err := st.CountForTest(q, args...)
		hubtest.Must(t, err)
		return n
	}
	recorded := 0 // every op the laptops logged
	for _, l := range ls {
		var n int
		hubtest.Must(t, l.Store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM oplog`).Scan(&n))
		recorded += n
	}
	if n, d := count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`),
		count(`SELECT COUNT(DISTINCT op_id) FROM op_journal WHERE client_id <> 'hub'`); n != recorded || d != n {
		t.Fatalf("journal holds %d ops (%d distinct), want %d once each", n, d, recorded)
	}
	if n := count(`SELECT COUNT(*) FROM facts WHERE attr LIKE 'note:%'`); n != len(ls)*rounds*notesPerRound {
		t.Fatalf("hub holds %d notes, want %d", n, len(ls)*rounds*notesPerRound)
	}
	if n := count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub' AND outcome <> 'applied'`); n != 0 {
		t.Fatalf("%d ops not applied", n)
	}
	for _, l := range ls {
		rows, err := l.Store.DB().QueryContext(ctx, `SELECT op_id, state FROM oplog ORDER BY client_seq`)
		hubtest.Must(t, err)
		var ids []string
		for rows.Next() {
			var id, state string
			hubtest.Must(t, rows.Scan(&id, &state))
			if state != "acked" {
				t.Errorf("%s: op %s is %s", l.Name, id, state)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) < rounds*notesPerRound+len(statuses) {
			t.Fatalf("%s has %d ops, want its notes, its discovery and its steps", l.Name, len(ids))
		}
		for _, id := range ids {
			if n := count(`SELECT COUNT(*) FROM op_journal WHERE op_id = ? AND client_id = ?`, id, l.Creds.ClientID); n != 1 {
				t.Fatalf("%s: op %s journaled %d times", l.Name, id, n)
			}
		}
		code := l.Syncer.Client.Credentials().Sites[0]
		laptop, hubs := map[string]string{}, map[string]string{}
		ps, err := l.Store.Positions(ctx, code)
		hubtest.Must(t, err)
		for _, p := range ps {
			laptop["position/"+strings.ToLower(p.Label)] = string(p.Status)
		}
		rows, err = l.Store.DB().QueryContext(ctx, `SELECT entity, entity_id, attr, value FROM sync_facts WHERE site = ?`, code)
		hubtest.Must(t, err)
		for rows.Next() {
			var e, id, a, v string
			hubtest.Must(t, rows.Scan(&e, &id, &a, &v))
			laptop[e+"/"+id+"/"+a] = v
		}
		rows.Close()
		hr, err := st.QueryForTest(`SELECT label_key, status FROM positions WHERE site = ?`, code)
		hubtest.Must(t, err)
		for _, r := range hr {
			hubs["position/"+r[0]] = r[1]
		}
		hr, err = st.QueryForTest(`SELECT entity, entity_id, attr, value FROM facts WHERE site = ?`, code)
		hubtest.Must(t, err)
		for _, r := range hr {
			hubs[r[0]+"/"+r[1]+"/"+r[2]] = r[3]
		}
		if !maps.Equal(laptop, hubs) {
			t.Fatalf("%s holds %d rows of %s, the hub %d: not converged", l.Name, len(laptop), code, len(hubs))
		}
	}
}
