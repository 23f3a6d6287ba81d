// Command hubload loads a hub from a process of its own, to 127.0.0.1 only.
// By default it fires concurrent large POST bodies at a hub, as a hostile
// client would before logging in, and counts the answers: the load of
// scripts/bench-hub-memory.sh (issue 11). With -crowd it is the load of
// scripts/bench-sync.sh (issue 13, crowd.go): many laptops' pre-built
// pushes at once, then pulls and snapshots of one busy site.
//
//	go run ./scripts/hubload -url http://127.0.0.1:PORT -n 200 -size 4194304
//	go run ./scripts/hubload -crowd -cutover ./cutover -store postgres://…
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
)

// pushBody is an authenticated push of about left bytes, made as it is
// read: ops of 8 KiB notes (each refused by the hub's note schema after it
// is decoded, the hostile case: the hub decodes all of it), so the load
// holds no bodies itself.
type pushBody struct {
	head, op, tail string
	left           int64
	buf            []byte
	ops            int
}

func newPushBody(client string, size int64) *pushBody {
	note := strings.Repeat("n", 8000)
	return &pushBody{head: `{"client_id":"` + client + `","ops":[`,
		op:   `{"seq":%d,"op_id":"00000000-0000-7000-8000-%012d","site":"KX","kind":"note.add.v1","entity":"position","entity_id":"P1","engineer":"bench","observed_at":"2026-03-02T09:00:00Z","payload":{"text":"` + note + `"}}`,
		tail: `]}`, left: size}
}

func (b *pushBody) Read(p []byte) (int, error) {
	for len(b.buf) == 0 {
		switch {
		case b.head != "":
			b.buf, b.head = []byte(b.head), ""
		case b.left > int64(len(b.op)) && b.ops < 500:
			b.ops++
			sep := ","
			if b.ops == 1 {
				sep = ""
			}
			b.buf = fmt.Appendf(nil, sep+b.op, b.ops, b.ops)
			b.left -= int64(len(b.buf))
		case b.tail != "":
			b.buf, b.tail = []byte(b.tail), ""
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	return n, nil
}

// filler is an endless body of one byte, so the load holds no bodies itself.
type filler struct{ left int64 }

func (f *filler) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), f.left)
	for i := range p[:n] {
		p[i] = ' '
	}
	f.left -= n
	return int(n), nil
}

func main() {
	hub := flag.String("url", "", "hub `URL` (http://127.0.0.1:PORT)")
	path := flag.String("path", "/v1/auth/enrol", "endpoint `PATH`")
	n := flag.Int("n", 200, "concurrent requests")
	size := flag.Int64("size", 4<<20, "body `BYTES` each")
	chunked := flag.Bool("chunked", false, "send without a Content-Length")
	token := flag.String("token", "", "an access `TOKEN`: send authenticated pushes (ops of 8 KiB notes) to /v1/sync/push")
	clientID := flag.String("client", "", "the client `ID` the token was issued for (with -token)")
	var co crowdOpts
	isCrowd := flag.Bool("crowd", false, "the crowd load (crowd.go): start BIN serve on a fresh store and push from many laptops at once")
	flag.StringVar(&co.bin, "cutover", "./cutover", "crowd: the cutover `BIN` to serve and set up with")
	flag.StringVar(&co.store, "store", "sqlite", "crowd: sqlite, or a postgres:// `URL` on 127.0.0.1 (a fresh schema is made in it)")
	flag.IntVar(&co.laptops, "laptops", 100, "crowd: laptops pushing at once")
	flag.IntVar(&co.ops, "ops", 200, "crowd: ops per laptop")
	flag.IntVar(&co.batch, "batch", 50, "crowd: ops per push")
	flag.IntVar(&co.sites, "sites", 10, "crowd: sites (laptops spread over them)")
	flag.IntVar(&co.perSite, "positions", 100, "crowd: positions per site")
	flag.IntVar(&co.pulls, "pulls", 100, "crowd: laptops pulling one site at once afterwards (0: none)")
	flag.StringVar(&co.mix, "mix", "notes", "crowd: notes, or field (statuses, step results, observations, notes)")
	flag.IntVar(&co.maxInFlight, "max-in-flight", 256, "crowd: the hub's --max-in-flight")
	flag.Parse()
	if *isCrowd {
		if err := crowd(co); err != nil {
			fmt.Fprintln(os.Stderr, "hubload:", err)
			os.Exit(1)
		}
		return
	}
	u, err := url.Parse(*hub)
	if err != nil || u.Hostname() != "127.0.0.1" {
		fmt.Fprintln(os.Stderr, "hubload: -url must be http://127.0.0.1:PORT")
		os.Exit(2)
	}
	tr := &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: *n}
	client := &http.Client{Transport: tr}
	var mu sync.Mutex
	counts := map[string]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < *n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var body io.Reader = &filler{left: *size}
			p := *path
			if *token != "" {
				body, p = newPushBody(*clientID, *size), "/v1/sync/push"
			}
			req, _ := http.NewRequest(http.MethodPost, *hub+p, body)
			req.Header.Set("Content-Type", "application/json")
			if *token != "" {
				req.Header.Set("Authorization", "Bearer "+*token)
			} else if !*chunked {
				req.ContentLength = *size
			}
			<-start
			key := ""
			resp, err := client.Do(req)
			if err != nil {
				key = "error: " + shortErr(err)
			} else {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				key = resp.Status
			}
			mu.Lock()
			counts[key]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("    %4d × %s\n", counts[k], k)
	}
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}
