package main

// The crowd load (issue 13): a `cutover serve` child process on a fresh
// store, laptops enrolled through its API, then every laptop's pushes,
// built and gzipped before the clock starts, sent at once over HTTP from
// this process, so the hub's cores do no laptop work. Then every laptop
// pulls one busy site at once, and asks for its snapshot at once. Prints
// latencies, throughput, and the CPU the hub process (and, on PostgreSQL,
// the database server's processes) spent per applied op.
//
//	go run ./scripts/hubload -crowd -cutover ./cutover -store sqlite|postgres://…
//
// The store is fresh: a temporary SQLite file, or a new schema in the given
// PostgreSQL database (dropped at the end).

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cutover/internal/invgen"
	"cutover/site"
	"cutover/sync/wire"

	_ "github.com/jackc/pgx/v5/stdlib"
)

type crowdOpts struct {
	bin, store            string
	laptops, ops, batch   int
	sites, perSite, pulls int
	mix                   string
	keep                  bool
	maxInFlight           int
}

type laptop struct {
	site, clientID, token string
	bodies                [][]byte
}

func crowd(o crowdOpts) error {
	work, err := os.MkdirTemp("", "hubload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	spec, drop, err := freshStore(o.store, work)
	if err != nil {
		return err
	}
	defer drop()
	hubCmd, base, err := startHub(o, spec, work)
	if err != nil {
		return err
	}
	defer func() { hubCmd.Process.Kill(); hubCmd.Wait() }()

	// Plans and people, through the binary under test.
	var codes []string
	labels := map[string][]string{}
	var all []string
	for s := 0; s < o.sites; s++ {
		all = append(all, fmt.Sprintf("S%02d", s))
	}
	for _, code := range all {
		var buf bytes.Buffer
		if err := invgen.WriteCSV(&buf, invgen.Options{Sites: 1, PerSite: o.perSite, Seed: 7, SiteCode: func(int) string { return code }}); err != nil {
			return err
		}
		inv, err := site.ParseInventory(code+".csv", buf.Bytes(), site.ParseOptions{})
		if err != nil {
			return err
		}
		for _, p := range inv.Sites[0].Positions {
			labels[code] = append(labels[code], p.Label)
		}
		f := filepath.Join(work, code+".csv")
		if err := os.WriteFile(f, buf.Bytes(), 0o600); err != nil {
			return err
		}
		if out, err := run(o.bin, "hub", "import", f, "--store", spec); err != nil {
			return fmt.Errorf("hub import: %v: %s", err, out)
		}
	}
	for i := 0; i < o.laptops; i++ {
		out, err := run(o.bin, "hub", "user", "add", fmt.Sprintf("eng%03d", i), "--role", "engineer", "--sites", strings.Join(all, ","), "--store", spec)
		if err != nil {
			return fmt.Errorf("hub user add: %v: %s", err, out)
		}
		code := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "  ") && strings.TrimSpace(l) != "" {
				code = strings.TrimSpace(l)
				break
			}
		}
		if code == "" {
			return fmt.Errorf("no enrolment code in %q", out)
		}
		codes = append(codes, code)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.laptops * 2}}
	lts := make([]*laptop, o.laptops)
	for i, code := range codes {
		var tok wire.Tokens
		id := fmt.Sprintf("load-%03d", i)
		if err := call(hc, base+"/v1/auth/enrol", "", wire.EnrolRequest{Code: code, ClientID: id, Host: "hubload"}, &tok); err != nil {
			return err
		}
		l := &laptop{site: all[i%len(all)], clientID: id, token: tok.AccessToken}
		l.bodies = pushes(l, i, labels[l.site], o)
		lts[i] = l
	}

	// The pushes, all laptops at once.
	cpu0, pg0 := procCPU(hubCmd.Process.Pid), pgCPU(spec)
	var mu sync.Mutex
	var lat []time.Duration
	busy, applied, other := 0, 0, 0
	start := time.Now()
	var wg sync.WaitGroup
	for _, l := range lts {
		wg.Go(func() {
			for _, body := range l.bodies {
				for {
					t0 := time.Now()
					status, resp, err := post(hc, base+"/v1/sync/push", l.token, body)
					d := time.Since(t0)
					if err == nil && status == http.StatusServiceUnavailable {
						mu.Lock()
						busy++
						mu.Unlock()
						time.Sleep(50 * time.Millisecond)
						continue
					}
					var pr wire.PushResponse
					if err == nil && status == 200 {
						err = json.Unmarshal(resp, &pr)
					} else if err == nil {
						err = fmt.Errorf("push: %d %s", status, resp)
					}
					mu.Lock()
					lat = append(lat, d)
					if err != nil {
						other++
						fmt.Fprintln(os.Stderr, "hubload:", err)
					}
					for _, r := range pr.Results {
						if r.Outcome != wire.Rejected {
							applied++
						}
					}
					mu.Unlock()
					break
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	cpu1, pg1 := procCPU(hubCmd.Process.Pid), pgCPU(spec)
	total := o.laptops * o.ops
	fmt.Printf("  pushes: %d laptops × %d ops in pushes of %d (%s), %d pushes: p50 %s, p99 %s, max %s\n",
		o.laptops, o.ops, o.batch, o.mix, len(lat), pct(lat, 50), pct(lat, 99), pct(lat, 100))
	fmt.Printf("  throughput: %.0f ops/s (%d ops in %s); %d applied or conflict; %d answered 503 and sent again; %d failed\n",
		float64(total)/el.Seconds(), total, el.Round(time.Millisecond), applied, busy, other)
	if applied > 0 {
		fmt.Printf("  hub CPU: %.0f µs per applied op (the cutover serve process)", float64(cpu1-cpu0)/float64(applied))
		if pg0 != nil {
			fmt.Printf("; its PostgreSQL backends: %.0f µs per applied op", float64(pg1.total(pg0))/float64(applied))
		}
		fmt.Println()
	}

	// Pulls of one busy site, every laptop at once, from the start.
	// First the snapshot (not built yet at this version: every laptop
	// asks at once), then pulls.
	var epoch string
	for _, what := range []string{"snapshot", "pull"} {
		if o.pulls == 0 {
			break
		}
		lat = lat[:0]
		failed := 0
		if what == "pull" {
			var si wire.SnapshotInfo
			if err := get(hc, base+"/v1/sync/snapshot?site=S00", lts[0].token, &si); err != nil {
				return err
			}
			epoch = si.Epoch
		}
		for i := 0; i < o.pulls; i++ {
			l := lts[i%len(lts)]
			wg.Go(func() {
				t0 := time.Now()
				var err error
				if what == "pull" {
					// Read, not decoded: decoding is the laptop's work, not the hub's.
					_, err = getRaw(hc, base+"/v1/sync/pull?site=S00&after=0&epoch="+epoch, l.token)
				} else {
					var si wire.SnapshotInfo
					if err = get(hc, base+"/v1/sync/snapshot?site=S00", l.token, &si); err == nil {
						_, err = getRaw(hc, base+si.URL, l.token)
					}
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				if err != nil {
					failed++
					fmt.Fprintln(os.Stderr, "hubload:", err)
				}
				mu.Unlock()
			})
		}
		wg.Wait()
		label := "pull of site S00 from the start (its first page: up to 2,000 rows)"
		if what == "snapshot" {
			label = "snapshot of site S00 (ask, then download)"
		}
		fmt.Printf("  %s by %d laptops at once: p50 %s, p99 %s, max %s; %d failed\n", label, o.pulls,
			pct(lat, 50), pct(lat, 99), pct(lat, 100), failed)
	}
	return nil
}

// pushes are laptop i's ops, as gzipped push bodies: field work on the
// positions of its site (notes only, or a mix of statuses, step results,
// observations and notes).
func pushes(l *laptop, i int, labels []string, o crowdOpts) [][]byte {
	var out [][]byte
	seq := int64(0)
	for done := 0; done < o.ops; {
		req := wire.PushRequest{ClientID: l.clientID, Schema: 1, ClientTime: time.Now().UTC().Format(time.RFC3339)}
		for k := 0; k < o.batch && done < o.ops; k++ {
			seq++
			pos := labels[(i*7+done)%len(labels)]
			kind, payload := "note.add.v1", any(map[string]string{"text": fmt.Sprint("checked cabling ", done)})
			if o.mix == "field" {
				switch done % 5 {
				case 1:
					kind, payload = "position.status.v1", map[string]string{"from": "planned", "to": "in_progress"}
				case 2:
					kind, payload = "step.result.v1", map[string]any{"step": fmt.Sprint("check_", done%7), "attempt": 1, "outcome": "pass", "value": "ok"}
				case 3:
					kind, payload = "position.observe.v1", map[string]string{"attr": "seen_by_" + l.clientID, "value": "yes"}
				case 4:
					kind, payload = "position.status.v1", map[string]string{"from": "in_progress", "to": "done"}
				}
			}
			b, _ := json.Marshal(payload)
			req.Ops = append(req.Ops, wire.Op{Seq: seq, OpID: uuid7(), Site: l.site, Kind: kind, Entity: "position", EntityID: pos,
				Engineer: fmt.Sprintf("eng%03d", i), ObservedAt: time.Now().UTC().Format(time.RFC3339Nano), Payload: b})
			done++
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		json.NewEncoder(zw).Encode(req)
		zw.Close()
		out = append(out, buf.Bytes())
	}
	return out
}

// uuid7 is a random UUID in version 7's layout (time first).
func uuid7() string {
	var b [16]byte
	rand.Read(b[:])
	ms := uint64(time.Now().UnixMilli())
	for i := 0; i < 6; i++ {
		b[i] = byte(ms >> (40 - 8*i))
	}
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func freshStore(store, work string) (string, func(), error) {
	if store == "sqlite" {
		return "sqlite:" + filepath.Join(work, "hub.db"), func() {}, nil
	}
	u, err := url.Parse(store)
	if err != nil || u.Hostname() != "127.0.0.1" {
		return "", nil, fmt.Errorf("-store must be sqlite or postgres://…@127.0.0.1…")
	}
	db, err := sql.Open("pgx", store)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "cutover_load_" + hex.EncodeToString(b)
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		db.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema) // pgCPU finds the hub's backends by it
	u.RawQuery = q.Encode()
	return u.String(), func() { db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); db.Close() }, nil
}

func startHub(o crowdOpts, spec, work string) (*exec.Cmd, string, error) {
	cmd := exec.Command(o.bin, "serve", "--listen", "127.0.0.1:0", "--store", spec, "--max-in-flight", strconv.Itoa(o.maxInFlight))
	cmd.Env = append(os.Environ(), "HOME="+work, "XDG_CONFIG_HOME="+work, "XDG_DATA_HOME="+work)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if _, addr, ok := strings.Cut(sc.Text(), "hub listening on "); ok {
			addr, _, _ = strings.Cut(addr, " ")
			go io.Copy(io.Discard, out)
			return cmd, addr, nil
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, "", fmt.Errorf("%s serve did not start: %s", o.bin, stderr.Bytes())
}

func run(bin string, args ...string) (string, error) {
	out, err := exec.Command(bin, args...).CombinedOutput()
	return string(out), err
}

// procCPU is a process's user+system CPU so far, in microseconds.
func procCPU(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return (ut + st) * 1e6 / 100 // USER_HZ is 100 on Linux
}

// backendCPU is the CPU so far of each PostgreSQL backend serving the hub
// (found by the application_name the store's URL gives them), in
// microseconds.
type backendCPU map[int]int64

// total is the CPU the backends spent since before (a backend started
// since counts whole).
func (after backendCPU) total(before backendCPU) int64 {
	var sum int64
	for pid, c := range after {
		sum += c - before[pid]
	}
	return sum
}

// pgCPU reads the CPU of the hub's backends; nil for SQLite.
func pgCPU(spec string) backendCPU {
	if !strings.HasPrefix(spec, "postgres") {
		return nil
	}
	u, _ := url.Parse(spec)
	db, err := sql.Open("pgx", spec)
	if err != nil {
		return nil
	}
	defer db.Close()
	rows, err := db.Query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
		u.Query().Get("application_name"))
	if err != nil {
		return nil
	}
	defer rows.Close()
	out := backendCPU{}
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			out[pid] = procCPU(pid)
		}
	}
	return out
}

func pct(d []time.Duration, p int) string {
	if len(d) == 0 {
		return "-"
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := min(len(s)-1, len(s)*p/100)
	return s[i].Round(100 * time.Microsecond).String()
}

func call(hc *http.Client, u, tok string, in, out any) error {
	b, _ := json.Marshal(in)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, u, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: %d %s", u, resp.StatusCode, data)
	}
	return json.Unmarshal(data, out)
}

func post(hc *http.Client, u, tok string, gz []byte) (int, []byte, error) {
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(gz))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

func getRaw(hc *http.Client, u, tok string) ([]byte, error) {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != 200 {
		err = fmt.Errorf("%s: %d %s", u, resp.StatusCode, data)
	}
	return data, err
}

func get(hc *http.Client, u, tok string, out any) error {
	data, err := getRaw(hc, u, tok)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}
