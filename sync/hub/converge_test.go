package hub_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"cutover/site"
	"cutover/site/export"
	"cutover/site/runbook"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"

	"github.com/google/uuid"
)

// The convergence property: whatever order the laptops' pushes reach the
// hub in (each laptop's own order kept, pushes retried, the hub restarted
// between pushes), the hub derives the same record, and the record keeps
// its invariants. Run longer with -converge.histories=N.
var convergeHistories = flag.Int("converge.histories", 0, "histories per store for TestConvergence (0: the default for ./test.sh)")

// convergePlan has a position of every plan, on two sites.
const convergePlanKX = `{"site":{"code":"KX","name":"Kings Cross","cease_date":"2027-06-30"},"positions":[
	{"label":"FC-01","role":"front_counter","legacy_vendor":"cisco","legacy_model":"CP-7941G","mac":"001e138c9001","extension":"1001","ddi":"020 3000 1001","target_model":"Avaya J179"},
	{"label":"PT-01","role":"ct_ops_ptt","legacy_vendor":"cisco","extension":"1002","ddi":"020 3000 1002","target_model":"Avaya J189"},
	{"label":"PE-01","role":"personal","legacy_vendor":"cisco","mac":"001e138c9003","extension":"1003","ddi":"020 3000 1003"},
	{"label":"HD-01","role":"hot_desk","legacy_vendor":"mitel","mac":"08000f6a1004","extension":"1004","ddi":"020 3000 1004"},
	{"label":"SP-01","role":"other","plan":"avaya_soft","legacy_vendor":"cisco","extension":"1005","ddi":"020 3000 1005"}]}`

const convergePlanZZ = `{"site":{"code":"ZZ","name":"Zed Yard","cease_date":"2027-06-30"},"positions":[
	{"label":"FC-01","role":"front_counter","legacy_vendor":"cisco","extension":"2001","ddi":"020 3000 2001","target_model":"Avaya J179"},
	{"label":"PE-01","role":"personal","legacy_vendor":"cisco","extension":"2003","ddi":"020 3000 2003"}]}`

// positionsOf parses the plans once: the generator builds each laptop's
// work from the runbook the plan gives a position.
func convergePositions(t testing.TB) []site.Position {
	var out []site.Position
	for _, doc := range []string{convergePlanKX, convergePlanZZ} {
		inv, err := site.ParseInventory("plan.json", []byte(doc), site.ParseOptions{})
		hubtest.Must(t, err)
		for _, si := range inv.Sites {
			out = append(out, si.Positions...)
		}
	}
	return out
}

// laptopModel records like a laptop: its own attempts, in its own order.
type laptopModel struct {
	name, client string
	r            *rand.Rand
	clock        time.Time
	attempt      map[string]int // by site/label
	done         map[string]bool
	ops          []wire.Op
}

func (l *laptopModel) op(p site.Position, kind, entity, id string, payload any) {
	b, _ := json.Marshal(payload)
	l.clock = l.clock.Add(time.Duration(1+l.r.IntN(90)) * time.Second)
	n := len(l.ops) + 1
	l.ops = append(l.ops, wire.Op{Seq: int64(n), OpID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprint(l.client, n))).String(),
		Site: p.Site, Kind: kind, Entity: entity, EntityID: id, Engineer: l.name, ObservedAt: l.clock.Format(time.RFC3339), Payload: b})
}

// pools are small, so that laptops collide: the same serial at two
// positions, two serials for one step, two Teams DDIs for one user.
var (
	poolLegacy = []string{"FCHA001", "FCHB001", "FCHC001"}
	poolNew    = []string{"23WZ0001", "23WZ0002"}
	poolTeams  = []string{"+442030004001", "+442030004002"}
	poolDDI    = []string{"keep", "keep", "+442030009001"}
	poolDisp   = []string{"returned_to_store", "weee_disposal WTN-1", "lost"}
)

func (l *laptopModel) value(s runbook.Step) string {
	pick := func(xs []string) string { return xs[l.r.IntN(len(xs))] }
	switch s.Field {
	case runbook.FieldLegacySerial:
		return pick(poolLegacy)
	case runbook.FieldLegacyTag:
		return pick([]string{"MPS-L1", "MPS-L2"})
	case runbook.FieldCondition:
		return pick([]string{"good", "worn"})
	case runbook.FieldNewSerial:
		return pick(poolNew)
	case runbook.FieldNewTag:
		return pick([]string{"MPS-N1", "MPS-N2"})
	case runbook.FieldDDI:
		return pick(poolDDI)
	case runbook.FieldTeamsDDI:
		return pick(poolTeams)
	case runbook.FieldDisposition:
		return pick(poolDisp)
	case runbook.FieldContact:
		return "Sgt Jones"
	case runbook.FieldReopen:
		return "phone dead"
	}
	return ""
}

func (l *laptopModel) result(p site.Position, attempt int, s runbook.Step, outcome, value, note string, override bool) {
	payload := map[string]any{"step": s.Key, "attempt": attempt, "outcome": outcome, "value": value, "note": note}
	if s.Kind == runbook.StepAuto {
		ev := map[string]any{"check": s.Check, "ok": outcome == "pass", "summary": "read"}
		if s.Check == runbook.CheckNewPhone && outcome == "pass" {
			ev["phone"] = map[string]any{"vendor": "avaya", "model": "J179", "serial": "23WZ0001", "mac": "00:1b:4f:00:00:01", "telephone": true}
		}
		payload["evidence"] = ev
	}
	if override {
		payload["override"], payload["note"] = true, "relabelled handset"
	}
	l.op(p, "step.result.v1", "position", p.Label, payload)
}

// work records one visit to a position: a new attempt, then as far as the
// dice say, with failures tried again, corrections, a rollback, and the
// derived ops a laptop sends beside its steps (which must count for nothing).
func (l *laptopModel) work(p site.Position) {
	key := p.Site + "/" + p.Label
	l.attempt[key]++
	a := l.attempt[key]
	rb := runbook.RunbookFor(p)
	if l.done[key] && (p.Plan == site.PlanAvayaFixed || p.Plan == site.PlanAvayaPTT) && l.r.IntN(2) == 0 {
		rb = runbook.AttemptRunbook(p, true) // the phone died: reopened to replace it
	}
	l.done[key] = false
	stop := len(rb.Steps)
	if l.r.IntN(3) == 0 {
		stop = 1 + l.r.IntN(len(rb.Steps))
	}
	rollback := l.r.IntN(4) == 0
	physical := false
	for i, s := range rb.Steps[:stop] {
		if s.Kind == runbook.StepConfirm && l.r.IntN(6) == 0 {
			l.result(p, a, s, "fail", "", "no answer", false)
		}
		v := l.value(s)
		l.result(p, a, s, "pass", v, "", s.Field == runbook.FieldLegacySerial && l.r.IntN(8) == 0)
		if s.Kind == runbook.StepInput && s.Field != runbook.FieldContact && l.r.IntN(7) == 0 {
			if w := l.value(s); w != v {
				l.op(p, "step.correction.v1", "position", p.Label, map[string]any{"step": s.Key, "attempt": a, "value": w, "was": v,
					"reason": "mistyped"})
			}
		}
		physical = physical || s.Physical
		if rollback && i == stop-1 && s.Field != runbook.FieldDisposition && !(i == len(rb.Steps)-1) {
			why := []string{"blocked: DCI insists on keeping the desk phone", "failed: no PoE"}[l.r.IntN(2)]
			l.result(p, a, rb.Rollback[0], "pass", why, "", false)
			if physical {
				for _, s := range rb.Rollback[1:] {
					l.result(p, a, s, "pass", "", "", false)
				}
			}
			l.op(p, "position.status.v1", "position", p.Label, map[string]string{"from": "in_progress", "to": why[:strings.Index(why, ":")]})
			return
		}
	}
	if stop == len(rb.Steps) {
		l.done[key] = true
		l.op(p, "position.status.v1", "position", p.Label, map[string]string{"from": "in_progress", "to": "done"})
		l.op(p, "number.ddi.v1", "position", p.Label, map[string]string{"ddi_state": "surrendered"})
	}
}

// history is what 2-4 laptops did, each in its own order.
type history struct {
	seed    uint64
	laptops []*laptopModel
}

func genHistory(seed uint64, ps []site.Position) history {
	r := rand.New(rand.NewPCG(seed, 23))
	h := history{seed: seed}
	n := 2 + r.IntN(3)
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		name := []string{"alice", "bob", "carol", "dan"}[i]
		l := &laptopModel{name: name, client: "c-" + name, r: rand.New(rand.NewPCG(seed, uint64(i))), clock: start.Add(time.Duration(i) * time.Minute),
			attempt: map[string]int{}, done: map[string]bool{}}
		visits := 1 + r.IntN(4)
		var last site.Position
		for v := 0; v < visits; v++ {
			p := ps[r.IntN(len(ps))]
			if l.done[last.Site+"/"+last.Label] && r.IntN(2) == 0 {
				p = last // back the next day: its phone has failed
			}
			l.work(p)
			last = p
		}
		h.laptops = append(h.laptops, l)
	}
	return h
}

// pushes merges the laptops' ops into one order of pushes: each laptop's
// ops in its order, cut into pushes of 1-12, interleaved at random.
func (h history) pushes(r *rand.Rand) [][2]int { // laptop, count
	left := make([]int, len(h.laptops))
	for i, l := range h.laptops {
		left[i] = len(l.ops)
	}
	var out [][2]int
	for {
		var live []int
		for i, n := range left {
			if n > 0 {
				live = append(live, i)
			}
		}
		if len(live) == 0 {
			return out
		}
		i := live[r.IntN(len(live))]
		n := min(left[i], 1+r.IntN(12))
		out = append(out, [2]int{i, n})
		left[i] -= n
	}
}

// hubTemplate is a hub store with the plans loaded and every laptop and
// the admin enrolled: a SQLite file copied for each replay (migrations and
// enrolment are most of a fresh hub's cost), or nil on PostgreSQL, where
// each replay makes its own schema.
type hubTemplate struct {
	path       string
	principals map[string]hub.Principal // by user
}

var convergeUsers = []string{"alice", "bob", "carol", "dan"}

func openConvergeHub(t *testing.T, spec string) (*hub.Store, map[string]hub.Principal) {
	st, err := hub.Open(ctx, spec)
	hubtest.Must(t, err)
	st.Now = func() time.Time { return time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC) }
	for _, doc := range []string{convergePlanKX, convergePlanZZ} {
		inv, err := site.ParseInventory("plan.json", []byte(doc), site.ParseOptions{})
		hubtest.Must(t, err)
		_, err = st.ImportPlan(ctx, "admin", inv, []byte(doc))
		hubtest.Must(t, err)
	}
	st.Now = func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }
	ps := map[string]hub.Principal{"ada": enrol(t, st, "ada", wire.RoleAdmin, "c-ada")}
	for _, u := range convergeUsers {
		ps[u] = enrol(t, st, u, wire.RoleEngineer, "c-"+u, "KX", "ZZ")
	}
	return st, ps
}

func newTemplate(t *testing.T) *hubTemplate {
	spec := hubtest.SQLiteSpec(t)
	st, ps := openConvergeHub(t, spec)
	hubtest.Must(t, st.Close())
	return &hubTemplate{path: strings.TrimPrefix(spec, "sqlite:"), principals: ps}
}

// open gives a fresh hub: a copy of the template, or a new PostgreSQL schema.
func (tp *hubTemplate) open(t *testing.T, spec string) (*hub.Store, string, map[string]hub.Principal) {
	if tp == nil {
		st, ps := openConvergeHub(t, spec)
		return st, spec, ps
	}
	b, err := os.ReadFile(tp.path)
	hubtest.Must(t, err)
	path := filepath.Join(memDir(t), "hub.db")
	hubtest.Must(t, os.WriteFile(path, b, 0o600))
	st, err := hub.Open(ctx, "sqlite:"+path)
	hubtest.Must(t, err)
	st.Now = func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }
	return st, "sqlite:" + path, tp.principals
}

// memDir is a folder in memory (/dev/shm) where there is one: thousands
// of hubs commit there without waiting for a disk.
func memDir(t *testing.T) string {
	dir, err := os.MkdirTemp("/dev/shm", "cutover-converge-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// replay applies one interleaving of the history to a fresh hub and
// returns what the hub then says: every report, export and conflict.
func replay(t *testing.T, tp *hubTemplate, spec string, h history, order [][2]int, resolutions func(*hub.Store, hub.Principal) []wire.Op,
	r *rand.Rand) (string, []wire.Op) {
	t.Helper()
	st, spec, ps := tp.open(t, spec)
	defer func() { st.Close() }()
	principals := make([]hub.Principal, len(h.laptops))
	for i, l := range h.laptops {
		principals[i] = ps[l.name]
	}
	admin := ps["ada"]
	next := make([]int, len(h.laptops))
	total := 0
	for _, o := range order {
		i, n := o[0], o[1]
		ops := h.laptops[i].ops[next[i] : next[i]+n]
		push := func() wire.PushResponse {
			resp, err := st.Push(ctx, principals[i], wire.PushRequest{ClientID: h.laptops[i].client, Ops: ops})
			hubtest.Must(t, err)
			return resp
		}
		first := push()
		if r.IntN(8) == 0 { // the laptop never heard the answer: the same push again
			if again := push(); !sameResults(first, again) {
				t.Fatalf("seed %d: a retried push was answered differently:\n%+v\n%+v", h.seed, first.Results, again.Results)
			}
		}
		if r.IntN(20) == 0 { // the hub restarts between pushes
			hubtest.Must(t, st.Close())
			var err error
			st, err = hub.Open(ctx, spec)
			hubtest.Must(t, err)
			st.Now = func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }
		}
		next[i] += n
		total += n
	}
	// An admin settles what is open, the same way in every order.
	res := resolutions(st, admin)
	if len(res) > 0 {
		_, err := st.Push(ctx, admin, wire.PushRequest{ClientID: "c-ada", Ops: res})
		hubtest.Must(t, err)
	}
	if n, err := st.CountForTest(`SELECT COUNT(DISTINCT op_id) FROM op_journal WHERE client_id <> 'hub'`); err != nil || n != total+len(res) {
		t.Fatalf("seed %d: the journal holds %d distinct ops, want each of %d once (%v)", h.seed, n, total+len(res), err)
	}
	return fingerprint(t, st, admin, h.seed), res
}

// sameResults: a retry is answered as the first push was (marked duplicate).
func sameResults(a, b wire.PushResponse) bool {
	if len(a.Results) != len(b.Results) {
		return false
	}
	for i := range a.Results {
		x, y := a.Results[i], b.Results[i]
		y.Duplicate = false
		if x != y {
			return false
		}
	}
	return true
}

func enrol(t *testing.T, st *hub.Store, name, role, client string, sites ...string) hub.Principal {
	code, err := st.AddUser(ctx, name, role, sites)
	hubtest.Must(t, err)
	tok, err := st.Enrol(ctx, wire.EnrolRequest{Code: code, ClientID: client, Host: "test"})
	hubtest.Must(t, err)
	p, err := st.Authenticate(ctx, tok.AccessToken)
	hubtest.Must(t, err)
	return p
}

// adminResolutions picks a value for every open conflict the derivation
// owns, from what its detail offers, as an admin would.
func adminResolutions(st *hub.Store, admin hub.Principal) []wire.Op {
	rows, _ := st.QueryForTest(`SELECT id, site, kind, detail FROM conflicts WHERE status = 'open'
		AND kind IN ('step_result_differs', 'outcome_differs', 'serial_in_two_places', 'ddi_in_two_places') ORDER BY id`)
	var out []wire.Op
	for i, row := range rows {
		var d struct {
			Choices []string `json:"choices"`
		}
		json.Unmarshal([]byte(row[3]), &d)
		value := ""
		if len(d.Choices) > 0 {
			value = d.Choices[len(d.Choices)-1]
		}
		if row[2] == "outcome_differs" {
			value = "done"
		}
		b, _ := json.Marshal(map[string]string{"resolution": "settled from the centre", "value": value})
		out = append(out, wire.Op{Seq: int64(i + 1), OpID: uuid.NewSHA1(uuid.NameSpaceOID, []byte("resolve "+row[0])).String(), Site: row[1],
			Kind: "conflict.resolve.v1", Entity: "conflict", EntityID: row[0], Engineer: "ada", ObservedAt: "2026-12-07T12:00:00Z",
			Payload: b})
	}
	return out
}

// fingerprint is everything the hub says about the work, as bytes, and
// checks the invariants on the way.
func fingerprint(t *testing.T, st *hub.Store, admin hub.Principal, seed uint64) string {
	t.Helper()
	var b strings.Builder
	for _, code := range []string{"KX", "ZZ"} {
		rep, err := st.SiteReport(ctx, admin, code)
		hubtest.Must(t, err)
		for _, r := range rep.Rows {
			r.UpdatedAt, r.User, r.Engineer, r.LaptopLabel = "", "", "", "" // who touched it last follows the evidence; checked below
			checkRow(t, seed, code, r)
			j, _ := json.Marshal(r)
			b.Write(j)
			b.WriteByte('\n')
		}
	}
	retire := map[string]bool{}
	for _, kind := range export.Kinds {
		if kind == export.KindTeamsLIS {
			continue
		}
		e, err := st.Export(ctx, admin, kind, nil, false)
		hubtest.Must(t, err)
		for _, f := range kind.Formats() {
			var out bytes.Buffer
			hubtest.Must(t, e.Write(&out, f))
			b.Write(out.Bytes())
			if f == "cisco-bat" {
				for _, line := range strings.Fields(out.String()) {
					retire[line] = true
				}
			}
		}
		if kind == export.KindRetire {
			seen := map[string]bool{}
			for _, r := range e.Retire {
				if seen[r.Serial+r.MAC] {
					t.Errorf("seed %d: handset %s %s in the retire list twice", seed, r.Serial, r.MAC)
				}
				seen[r.Serial+r.MAC] = true
			}
		}
	}
	// The conflicts that stand: open, or settled by an admin. A dispute the
	// laptops' own later work settled (a correction, a new attempt) is kept
	// for the record, but whether one arose at all depends on what the hub
	// had seen at the time, so it is not part of the record compared.
	conf, err := st.QueryForTest(`SELECT id, site, kind, entity, entity_id, fact, status, CASE WHEN kind = 'identity_override' THEN '' ELSE detail END,
		resolution FROM conflicts WHERE resolution NOT LIKE 'settled by later work%' ORDER BY id`)
	hubtest.Must(t, err)
	var lines []string
	for _, c := range conf {
		if c[2] == "identity_override" || c[2] == "withdrawn_after_work" {
			c[0] = "" // raised by the rules when the op arrives: their ids are not derived
		}
		lines = append(lines, strings.Join(c, "|"))
	}
	sort.Strings(lines)
	b.WriteString(strings.Join(lines, "\n"))
	// No handset a destructive export names is disputed or back in service.
	rows, err := st.QueryForTest(`SELECT p.site, p.label, f.value FROM facts f JOIN positions p ON p.site = f.site AND p.label = f.entity_id
		WHERE f.attr = 'state'`)
	hubtest.Must(t, err)
	for _, row := range rows {
		var d runbook.Derived
		json.Unmarshal([]byte(row[2]), &d)
		if h := d.Legacy; h != nil && (h.Disputed || h.State == "installed") {
			name := export.DeviceName("cisco", h.MAC)
			if h.MAC != "" && retire[name] {
				t.Errorf("seed %d: %s/%s's handset %s is %s (disputed %v) but the Cisco delete list names it", seed, row[0], row[1], name,
					h.State, h.Disputed)
			}
		}
	}
	return b.String()
}

// checkRow asserts a report row's invariants: status follows the steps, the
// numbers follow the number steps, a handset's state its disposition.
func checkRow(t *testing.T, seed uint64, code string, r wire.ReportRow) {
	where := fmt.Sprintf("seed %d: %s/%s", seed, code, r.Label)
	if r.Status == "done" && r.StepsDone != r.StepsTotal {
		t.Errorf("%s: done with %d of %d steps", where, r.StepsDone, r.StepsTotal)
	}
	if r.Disposition != "" && r.LegacyState != r.Disposition {
		t.Errorf("%s: handset state %q, disposition %q", where, r.LegacyState, r.Disposition)
	}
	if r.LegacyDDISurrendered && r.DDIState != "new" && r.DDIState != "surrendered" && r.DDIState != "teams" {
		t.Errorf("%s: legacy DDI surrendered with the numbers %q", where, r.DDIState)
	}
	if (r.Status == "failed" || r.Status == "blocked") && !r.Reopened && (r.DDIState == "teams" || r.DDIState == "new" || r.LegacyDDISurrendered) {
		t.Errorf("%s: rolled back (%s) but the numbers say %s, surrendered %v", where, r.Status, r.DDIState, r.LegacyDDISurrendered)
	}
}

// TestConvergence generates histories of field work by 2-4 laptops over
// two sites and every plan, replays each in several interleavings on a
// fresh hub, and wants the same record from every one.
func TestConvergence(t *testing.T) {
	ps := convergePositions(t)
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		histories, orders := 40, 4
		if strings.HasPrefix(spec, "postgres") {
			histories, orders = 6, 3 // a schema of its own per replay: about 0.8 s each
		}
		if testing.Short() {
			histories = 10
		}
		if *convergeHistories > 0 {
			histories = *convergeHistories
		}
		start := time.Now()
		disputes, reopened := 0, 0
		var tp *hubTemplate
		if !strings.HasPrefix(spec, "postgres") {
			tp = newTemplate(t)
		}
		for n := 0; n < histories; n++ {
			h := genHistory(uint64(n)+1, ps)
			r := rand.New(rand.NewPCG(uint64(n), 99))
			var want string
			var res []wire.Op
			for k := 0; k < orders; k++ {
				spec := spec
				if strings.HasPrefix(spec, "postgres") {
					spec = hubtest.PostgresSpec(t)
				}
				resolve := adminResolutions
				if k > 0 {
					fixed := res
					resolve = func(*hub.Store, hub.Principal) []wire.Op { return fixed }
				}
				got, used := replay(t, tp, spec, h, h.pushes(r), resolve, r)
				if k == 0 {
					want, res = got, used
					disputes += len(used)
					reopened += strings.Count(got, `"reopened":true`)
					continue
				}
				if got != want {
					t.Fatalf("seed %d: interleaving %d gave another record:\n%s", h.seed, k, firstDiff(want, got))
				}
			}
		}
		t.Logf("%d histories × %d interleavings in %s; %d disputes settled by an admin; %d positions reopened to replace the phone",
			histories, orders, time.Since(start).Round(time.Millisecond), disputes, reopened)
	})
}

func firstDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range x {
		if i >= len(y) || x[i] != y[i] {
			other := ""
			if i < len(y) {
				other = y[i]
			}
			return fmt.Sprintf("line %d:\n first %s\nthen  %s", i, x[i], other)
		}
	}
	return "the second is longer"
}
