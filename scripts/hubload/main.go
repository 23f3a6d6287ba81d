// Command hubload fires concurrent large POST bodies at a hub, as a hostile
// client would before logging in, and counts the answers. It is the load
// of scripts/bench-hub-memory.sh (issue 11); it sends to 127.0.0.1 only.
//
//	go run ./scripts/hubload -url http://127.0.0.1:PORT -n 200 -size 4194304
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
	flag.Parse()
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
			req, _ := http.NewRequest(http.MethodPost, *hub+*path, &filler{left: *size})
			req.Header.Set("Content-Type", "application/json")
			if !*chunked {
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
