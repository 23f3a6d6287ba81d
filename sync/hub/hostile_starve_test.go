package hub_test

// Pre-auth starvation (issue 26, point 1): many connections hold the
// limits a client without a login can reach open, from many loopback
// addresses, while a real laptop syncs; its pushes stay fast.

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"testing"
	"time"

	"cutover/sync/client"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// holdEnrol opens a connection from src, sends an enrolment's headers
// declaring 1000 bytes and one byte of body, and waits for the answer
// (the hub's 408 once the deadline passes, or 503 at once): the attack of
// issue 26, which with 64 connections held every slot of the hub for 60 s.
func holdEnrol(src, hostport string) (int, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 2 * time.Second}
	c, err := d.Dial("tcp", hostport)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(15 * time.Second))
	fmt.Fprintf(c, "POST /v1/auth/enrol HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// pct is the q-th quantile of sorted: the smallest value at least q of
// the samples do not exceed (of 100 pushes, p99 is the 99th).
func pct(sorted []time.Duration, q float64) time.Duration {
	return sorted[max(0, int(math.Ceil(q*float64(len(sorted))))-1)]
}

func TestHostilePreAuthStarvation(t *testing.T) {
	if testing.Short() {
		t.Skip("holds hundreds of connections for about ten seconds")
	}
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.StartWith(t, spec, func(s *hub.Server) { s.Limits.PreAuthBodyTime = 2 * time.Second })
		inv := h.Plan("KX", 4)
		l := h.Laptop("alice", wire.RoleEngineer, "KX")
		sync(t, l, "KX")
		hostport := strings.TrimPrefix(h.URL, "http://")
		probe := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.10")}}
		c, err := probe.Dial("tcp", hostport)
		if err != nil {
			t.Skipf("this system cannot send from 127.0.0.10 (Linux routes all of 127.0.0.0/8): %v", err)
		}
		c.Close()
		pushes := func(n int, min time.Duration) []time.Duration {
			var lat []time.Duration
			start := time.Now()
			for i := 0; len(lat) < n || time.Since(start) < min; i++ {
				op(t, l, "note.add.v1", "position", hubtest.Label(inv, 1+i%4), map[string]string{"text": fmt.Sprintf("note %d", i)})
				t0 := time.Now()
				var rep client.Report
				if err := l.Syncer.PushAll(ctx, &rep); err != nil {
					t.Fatalf("push %d: %v", i+1, err)
				}
				lat = append(lat, time.Since(t0))
				if rep.Pushed != 1 || rep.Applied != 1 {
					t.Fatalf("push %d: %+v, want one op applied", i+1, rep)
				}
				time.Sleep(50 * time.Millisecond)
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			return lat
		}
		figures := func(lat []time.Duration) string {
			p := func(q float64) time.Duration {
				return lat[min(len(lat)-1, int(q*float64(len(lat))))].Round(time.Millisecond)
			}
			return fmt.Sprintf("%d pushes: p50 %v, p99 %v, max %v", len(lat), p(0.5), p(0.99), lat[len(lat)-1].Round(time.Millisecond))
		}
		quiet := pushes(20, 0)

		// 16 addresses × 36 connections (past the 32 per address), each
		// reopened within half a second of its answer (a refused one 200 ms
		// later), plus junk enrolments and refreshes from 2 more: bounded in
		// count, and in time by stop.
		// Under the race detector, 4 addresses: still 144 connections, more
		// than all 80 slots of the hub together, and all 64 the hub had
		// before issue 26.
		addrs, perAddr := 16, 36
		if raceEnabled {
			addrs = 4
		}
		stop := make(chan struct{})
		var wg stdsync.WaitGroup
		var timedOut, perAddrBusy, junk, other atomic.Int64
		for a := 0; a < addrs; a++ {
			src := fmt.Sprintf("127.0.0.%d", 10+a)
			for i := 0; i < perAddr; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						switch st, err := holdEnrol(src, hostport); {
						case err != nil:
							other.Add(1)
							time.Sleep(20 * time.Millisecond)
						case st == http.StatusRequestTimeout:
							timedOut.Add(1)
							// Back within half a second: the held bodies do not
							// all end (and our own goroutines wake) together.
							time.Sleep(time.Duration(rand.IntN(500)) * time.Millisecond)
						case st == http.StatusServiceUnavailable:
							perAddrBusy.Add(1)
							time.Sleep(200 * time.Millisecond)
						default:
							other.Add(1)
						}
					}
				}()
			}
		}
		for a := 0; a < 2; a++ {
			src := fmt.Sprintf("127.0.0.%d", 40+a)
			tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}).DialContext}
			hc := &http.Client{Transport: tr, Timeout: 5 * time.Second}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer tr.CloseIdleConnections()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := client.Enrol(ctx, hc, h.URL, "QQQQ-WRNG-CODE-0000", "junk", "junk"); err != nil {
						junk.Add(1)
					}
					b := strings.NewReader(`{"refresh_token":"ctr_junk"}`)
					if resp, err := hc.Post(h.URL+"/v1/auth/refresh", "application/json", b); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						junk.Add(1)
					}
					time.Sleep(5 * time.Millisecond)
				}
			}()
		}
		defer func() { close(stop); wg.Wait() }()
		held, want := int64(0), int64(addrs*32*3/4)
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) && held < want {
			time.Sleep(10 * time.Millisecond)
			held = max(held, h.Server.PreAuthReading())
		}
		if held < want {
			t.Fatalf("the attack holds only %d bodies open; the test needs at least %d", held, want)
		}

		// The laptop pushes under the attack for longer than the body
		// deadline, so the hub cuts the held connections and they come back.
		lat := pushes(100, 5*time.Second)
		held = max(held, h.Server.PreAuthReading())
		p99 := pct(lat, 0.99)
		report := fmt.Sprintf("%s: quiet %s; under attack (up to %d bodies held, %d cut off with 408, %d refused per address, %d junk logins refused) %s",
			h.Store.Dialect(), figures(quiet), held, timedOut.Load(), perAddrBusy.Load(), junk.Load(), figures(lat))
		t.Log(report)
		fmt.Println("TestHostilePreAuthStarvation " + report)
		// Under 1 s. Under the race detector (./test.sh runs every package at
		// once with it) a latency says more about the detector and the
		// machine than about the hub, so only the figures are printed there;
		// ./test.sh runs this test again without it, for the bound.
		if p99 >= time.Second && !raceEnabled {
			t.Errorf("push p99 under attack %v, want under 1 s", p99)
		}
		// Two hours on, the laptop's access token has run out: it refreshes
		// under the attack, and goes on.
		h.Skew.Store(int64(2 * time.Hour))
		if after := pushes(5, 0); after[len(after)-1] >= time.Second && !raceEnabled {
			t.Errorf("pushes that refresh the token under attack: slowest %v, want under 1 s", after[len(after)-1])
		} else {
			lat = append(lat, after...)
		}
		if timedOut.Load() == 0 || perAddrBusy.Load() == 0 {
			t.Errorf("the hub cut off %d slow bodies and refused %d past the per-address cap; want some of each", timedOut.Load(), perAddrBusy.Load())
		}
		// The store saw every push and nothing from the attack.
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id = ?`, l.Creds.ClientID); n != len(lat)+len(quiet) {
			t.Errorf("the journal holds %d of the laptop's ops, want %d", n, len(lat)+len(quiet))
		}
		if n := h.Count(`SELECT COUNT(*) FROM clients`); n != 1 {
			t.Errorf("%d clients enrolled, want only the laptop", n)
		}
	})
}
