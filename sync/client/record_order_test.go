package client_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"cutover/laptop"
	"cutover/site"
	"cutover/site/export"
	"cutover/site/runbook"
	"cutover/sync/client"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// The sequences of "One record, whatever order the laptops sync in", as
// written, on both stores: two engineers, alice and bob, each on a laptop
// of their own, and an admin.

const orderPlan = `{"site":{"code":"KX","name":"Kings Cross","cease_date":"2027-06-30"},"positions":[
	{"label":"FC-01","role":"front_counter","legacy_vendor":"cisco","legacy_model":"CP-7941G","mac":"001e138c9001","extension":"1001","ddi":"020 7230 1001","target_model":"Avaya J179"},
	{"label":"PE-01","role":"personal","legacy_vendor":"cisco","mac":"001e138c9011","extension":"1011","ddi":"020 7230 1011"},
	{"label":"PE-02","role":"personal","legacy_vendor":"cisco","legacy_model":"CP-7942G","mac":"001e138c9012","extension":"1012","ddi":"020 7230 1012"},
	{"label":"PE-03","role":"personal","legacy_vendor":"cisco","mac":"001e138c9013","extension":"1013","ddi":"020 7230 1013"}]}`

type orderFixture struct {
	h                *hubtest.Hub
	alice, bob, ada  *hubtest.Laptop
	adminP, supervis hub.Principal
}

func startOrder(t *testing.T, spec string) *orderFixture {
	t.Helper()
	h := hubtest.Start(t, spec)
	now := h.Store.Now
	h.Store.Now = func() time.Time { return time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC) }
	inv, err := site.ParseInventory("kx.json", []byte(orderPlan), site.ParseOptions{})
	hubtest.Must(t, err)
	_, err = h.Store.ImportPlan(ctx, "ada", inv, []byte(orderPlan))
	hubtest.Must(t, err)
	h.Store.Now = now
	f := &orderFixture{h: h, alice: h.Laptop("alice", wire.RoleEngineer, "KX"), bob: h.Laptop("bob", wire.RoleEngineer, "KX"),
		ada: h.Laptop("ada", wire.RoleAdmin)}
	for i, l := range []*hubtest.Laptop{f.alice, f.bob, f.ada} {
		clock := time.Date(2026, 12, 7, 9, i*10, 0, 0, time.UTC) // each laptop's own clock, the same every run
		l.Store.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
		syncOK(t, l, "KX")
	}
	f.adminP = hub.Principal{User: "ada", Role: wire.RoleAdmin}
	return f
}

// record is what the hub hands the platform teams and the supervisor.
func (f *orderFixture) record(t *testing.T) (map[string]wire.ReportRow, string) {
	t.Helper()
	rep, err := f.h.Store.SiteReport(ctx, f.adminP, "KX")
	hubtest.Must(t, err)
	rows := map[string]wire.ReportRow{}
	var b bytes.Buffer
	for _, r := range rep.Rows {
		rows[r.Label] = r
		r.UpdatedAt = ""
		b.WriteString(strings.Join(append([]string{r.Label, r.Status, r.DDIState, r.LegacyState, r.Disposition, r.NewState,
			r.NewAssetTag, r.TeamsDDI}, r.Disputed...), "|") + "\n")
	}
	for _, kind := range []export.Kind{export.KindRetire, export.KindInstall, export.KindNumbers} {
		e, err := f.h.Store.Export(ctx, f.adminP, kind, []string{"KX"}, false)
		hubtest.Must(t, err)
		for _, format := range kind.Formats() {
			hubtest.Must(t, e.Write(&b, format))
		}
	}
	return rows, b.String()
}

func ciscoBAT(t *testing.T, f *orderFixture) string {
	e, err := f.h.Store.Export(ctx, f.adminP, export.KindRetire, []string{"KX"}, false)
	hubtest.Must(t, err)
	var b bytes.Buffer
	hubtest.Must(t, e.Write(&b, "cisco-bat"))
	return b.String()
}

// 1. A rollback does not lose to a completion: alice completes PE-02
// (Teams move, legacy handset to store); bob, offline, works PE-02 up to
// remove, rolls back (blocked) and proves the handset back on its port.
// In either sync order the hub holds one disputed record on which nothing
// is taken off a platform, and both laptops show it.
func TestARollbackDoesNotLoseToACompletion(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		var records []string
		for i, order := range [][]string{{"bob", "alice", "bob"}, {"alice", "bob", "alice"}} {
			if i > 0 { // a hub of its own for the other order
				if strings.HasPrefix(spec, "postgres") {
					spec = hubtest.PostgresSpec(t)
				} else {
					spec = hubtest.SQLiteSpec(t)
				}
			}
			f := startOrder(t, spec)
			hubtest.Work(t, f.alice.Store, "alice", "KX", "PE-02", "", map[string]string{"teams_ddi": "020 3000 4002", "disposition": "store"})
			hubtest.Work(t, f.bob.Store, "bob", "KX", "PE-02", "remove", map[string]string{"teams_ddi": "020 3000 4002"})
			hubtest.RollBack(t, f.bob.Store, "bob", "KX", "PE-02", "blocked: DCI insists on keeping the desk phone")
			for _, who := range order {
				syncOK(t, map[string]*hubtest.Laptop{"alice": f.alice, "bob": f.bob}[who])
			}
			rows, rec := f.record(t)
			pe := rows["PE-02"]
			if pe.Status != "blocked" || !strings.Contains(pe.Reason, "disputed") || pe.OpenConflicts != 1 || len(pe.Disputed) != 1 ||
				!strings.Contains(pe.Disputed[0], "alice done") || !strings.Contains(pe.Disputed[0], "bob blocked") {
				t.Errorf("order %v: PE-02 on the hub: %s (%s), %d conflicts, %q", order, pe.Status, pe.Reason, pe.OpenConflicts, pe.Disputed)
			}
			if pe.DDIState == "teams" || pe.TeamsDDI != "" || pe.LegacyDDISurrendered || pe.LegacyState != "disputed" {
				t.Errorf("order %v: half a rollback: numbers %s %q surrendered %v, handset %s", order, pe.DDIState, pe.TeamsDDI,
					pe.LegacyDDISurrendered, pe.LegacyState)
			}
			if strings.Contains(ciscoBAT(t, f), "SEP001E138C9012") {
				t.Errorf("order %v: the Cisco delete list names the phone bob put back in service", order)
			}
			if e, err := f.h.Store.Export(ctx, f.adminP, export.KindRetire, []string{"KX"}, false); err != nil || len(e.Withheld) != 1 ||
				e.Withheld[0] != "KX/PE-02" {
				t.Errorf("order %v: the retire export does not say it left PE-02 out: %v %v", order, e.Withheld, err)
			}
			p, err := f.h.Store.Progress(ctx, f.adminP, time.Now())
			hubtest.Must(t, err)
			if p.Force.Blocked != 1 || p.Force.OpenConflicts != 1 {
				t.Errorf("order %v: progress: %d blocked, %d open conflicts; want 1 and 1", order, p.Force.Blocked, p.Force.OpenConflicts)
			}
			// Both laptops end with the hub's record.
			for _, l := range []*hubtest.Laptop{f.alice, f.bob} {
				syncOK(t, l)
				got, err := l.Store.Position(ctx, "KX", "PE-02")
				hubtest.Must(t, err)
				if got.Status != site.StatusBlocked {
					t.Errorf("order %v: %s's laptop says PE-02 is %s; the hub says blocked", order, l.Name, got.Status)
				}
			}
			// alice's laptop says, in words, that its completion is disputed.
			hv, err := runbook.HubStanding(ctx, f.alice.Store, "KX", "PE-02")
			hubtest.Must(t, err)
			if len(hv.Disputes) != 1 || len(hv.Overruled) == 0 || hv.Overruled[len(hv.Overruled)-1].Step != "outcome" ||
				!strings.Contains(hv.Overruled[len(hv.Overruled)-1].Why, "disputed") {
				t.Errorf("order %v: alice's view of the hub: %+v", order, hv)
			}
			// Her exports hand on nothing the hub disputes: no delete, no cease.
			retire, err := runbook.ExportRetire(ctx, f.alice.Store, "KX")
			hubtest.Must(t, err)
			for _, r := range retire {
				if r.Position == "PE-02" {
					t.Errorf("order %v: alice's retire export lists PE-02's handset: %+v", order, r)
				}
			}
			nums, err := runbook.ExportNumbers(ctx, f.alice.Store, "KX")
			hubtest.Must(t, err)
			for _, n := range nums.Rows {
				if n.Position == "PE-02" && (n.Fate != export.FateDisputed || n.Cease) {
					t.Errorf("order %v: alice's numbers export: PE-02 %s, cease %v; want disputed, no cease", order, n.Fate, n.Cease)
				}
			}
			if differs, err := runbook.HubDiffers(ctx, f.alice.Store, "KX"); err != nil || len(differs) != 1 || differs[0] != "PE-02" {
				t.Errorf("order %v: alice's laptop's positions the hub's record differs on: %v %v", order, differs, err)
			}
			records = append(records, rec)
			// An admin says alice's completion stands: the rollback is overruled.
			syncOK(t, f.ada)
			cs, err := laptop.Conflicts(ctx, f.ada.Store, "KX", false)
			hubtest.Must(t, err)
			if len(cs) != 1 || cs[0].Kind != "outcome_differs" {
				t.Fatalf("order %v: conflicts %+v", order, cs)
			}
			hubtest.Must(t, client.ResolveAs(ctx, f.ada.Store, "ada", wire.RoleAdmin, cs[0].ID, "bob's rollback was reversed the next day", "alice"))
			syncOK(t, f.ada)
			rows, _ = f.record(t)
			if pe := rows["PE-02"]; pe.Status != "done" || pe.DDIState != "teams" || pe.Disposition != "returned_to_store" {
				t.Errorf("order %v: after the admin chose alice's branch: %+v", order, pe)
			}
			if !strings.Contains(ciscoBAT(t, f), "SEP001E138C9012") {
				t.Errorf("order %v: the settled removal is not in the Cisco delete list", order)
			}
			// bob's laptop marks its rollback as overruled, in words.
			syncOK(t, f.bob)
			hv, err = runbook.HubStanding(ctx, f.bob.Store, "KX", "PE-02")
			hubtest.Must(t, err)
			if n := len(hv.Overruled); n == 0 || hv.Overruled[n-1].Mine != "blocked" || hv.Overruled[n-1].Hub != "done" ||
				!strings.HasPrefix(hv.Overruled[n-1].Why, "overruled") {
				t.Errorf("order %v: bob's view of the hub after the resolution: %+v", order, hv)
			}
		}
		if records[0] != records[1] {
			a, b := strings.Split(records[0], "\n"), strings.Split(records[1], "\n")
			for i := range a {
				if i < len(b) && a[i] != b[i] {
					t.Errorf("the two sync orders gave two records, from line %d:\n%s\n%s", i, a[i], b[i])
					break
				}
			}
		}
	})
}

// 2. A resolution never moves one handset onto another's record: alice and
// bob scan different legacy serials at PE-01, bob also scans alice's at
// PE-03. Resolving PE-01 with alice's serial is refused with where it is;
// the exports and report are the same bytes every time.
func TestAResolutionNeverMovesAHandset(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		f := startOrder(t, spec)
		hubtest.Work(t, f.alice.Store, "alice", "KX", "PE-01", "legacy_serial", map[string]string{"legacy_serial": "FCH1234A001"})
		hubtest.Work(t, f.bob.Store, "bob", "KX", "PE-01", "legacy_serial", map[string]string{"legacy_serial": "FCH1234B001"})
		hubtest.Work(t, f.bob.Store, "bob", "KX", "PE-03", "legacy_serial", map[string]string{"legacy_serial": "FCH1234A001"})
		syncOK(t, f.alice)
		syncOK(t, f.bob)
		syncOK(t, f.ada)
		var serial string
		cs, err := laptop.Conflicts(ctx, f.ada.Store, "KX", false)
		hubtest.Must(t, err)
		for _, c := range cs {
			if c.Kind == "step_result_differs" && c.EntityID == "PE-01" {
				serial = c.ID
			}
		}
		if serial == "" {
			t.Fatalf("no step_result_differs for PE-01's serial: %+v", cs)
		}
		_, before := f.record(t)
		r, err := f.h.Store.ResolveConflict(ctx, "ada", serial, "alice's label is right", "FCH1234A001")
		hubtest.Must(t, err)
		if r.Outcome != wire.Rejected || !strings.Contains(r.Message, "KX/PE-03") {
			t.Fatalf("resolving PE-01 with the serial held at PE-03: %+v; want it refused, naming PE-03", r)
		}
		rows, after := f.record(t)
		if before != after {
			t.Errorf("a refused resolution changed the record")
		}
		if rows["PE-03"].LegacySerial != "FCH1234A001" || rows["PE-01"].LegacySerial != "" {
			t.Errorf("PE-03 %q, PE-01 %q; want PE-03's serial untouched and PE-01's disputed", rows["PE-03"].LegacySerial, rows["PE-01"].LegacySerial)
		}
		for i := 0; i < 20; i++ {
			if _, again := f.record(t); again != after {
				t.Fatalf("run %d gave other bytes", i)
			}
		}
		// bob's serial may stand.
		r, err = f.h.Store.ResolveConflict(ctx, "ada", serial, "bob's label is right", "FCH1234B001")
		hubtest.Must(t, err)
		if rows, _ := f.record(t); r.Outcome != wire.Applied || rows["PE-01"].LegacySerial != "FCH1234B001" || rows["PE-03"].LegacySerial != "FCH1234A001" {
			t.Errorf("resolving with bob's serial: %+v; PE-01 %q", r, rows["PE-01"].LegacySerial)
		}
	})
}

// 3. Exports never carry the losing value: alice and bob complete FC-01 with
// different new asset tags; until an admin says which stands, the report
// says disputed and the install export leaves the phone out; then both
// carry the chosen tag.
func TestExportsCarryNoLosingValue(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		f := startOrder(t, spec)
		hubtest.Work(t, f.alice.Store, "alice", "KX", "FC-01", "", map[string]string{"new_tag": "MPS-N0001"})
		hubtest.Work(t, f.bob.Store, "bob", "KX", "FC-01", "", map[string]string{"new_tag": "MPS-N0002"})
		syncOK(t, f.alice)
		syncOK(t, f.bob)
		install := func() string {
			e, err := f.h.Store.Export(ctx, f.adminP, export.KindInstall, []string{"KX"}, false)
			hubtest.Must(t, err)
			var b bytes.Buffer
			hubtest.Must(t, e.Write(&b, "csv"))
			return b.String()
		}
		rows, _ := f.record(t)
		if fc := rows["FC-01"]; fc.NewAssetTag != "" || fc.NewState != "disputed" || strings.Contains(install(), "MPS-N000") ||
			len(fc.Disputed) != 1 || !strings.Contains(fc.Disputed[0], "alice MPS-N0001") || !strings.Contains(fc.Disputed[0], "bob MPS-N0002") {
			t.Errorf("while disputed: FC-01 tag %q state %q, disputes %q; install export:\n%s", fc.NewAssetTag, fc.NewState, fc.Disputed, install())
		}
		id, err := f.h.Store.FindConflict(ctx, f.adminP, "KX", "FC-01:new_tag")
		hubtest.Must(t, err)
		r, err := f.h.Store.ResolveConflict(ctx, "ada", id, "bob's tag is on the phone", "MPS-N0002")
		hubtest.Must(t, err)
		rows, _ = f.record(t)
		if fc := rows["FC-01"]; r.Outcome != wire.Applied || fc.NewAssetTag != "MPS-N0002" || !strings.Contains(install(), "MPS-N0002") ||
			strings.Contains(install(), "MPS-N0001") {
			t.Errorf("after the resolution: %+v, FC-01 tag %q", r, fc.NewAssetTag)
		}
	})
}

// 6. Conflicts from the centre: a supervisor's or engineer's resolution of
// a kind only admins settle is refused on the laptop before it is recorded,
// saying who can, so no sync is ever stuck behind it.
func TestResolutionsRefusedOnTheLaptop(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		f := startOrder(t, spec)
		sam := f.h.Laptop("sam", wire.RoleSupervisor)
		hubtest.Work(t, f.alice.Store, "alice", "KX", "FC-01", "new_tag", map[string]string{"new_tag": "MPS-N0001"})
		hubtest.Work(t, f.bob.Store, "bob", "KX", "FC-01", "new_tag", map[string]string{"new_tag": "MPS-N0002"})
		syncOK(t, f.alice)
		syncOK(t, f.bob)
		syncOK(t, sam, "KX")
		cs, err := laptop.Conflicts(ctx, sam.Store, "KX", false)
		hubtest.Must(t, err)
		if len(cs) == 0 {
			t.Fatal("the supervisor's laptop has no conflict to try")
		}
		for _, l := range []*hubtest.Laptop{sam, f.bob} {
			err := client.ResolveAs(ctx, l.Store, l.Name, l.Creds.Role, cs[0].ID, "mine", "MPS-N0002")
			if err == nil || !strings.Contains(err.Error(), "admin") {
				t.Errorf("%s (%s) resolving a %s: %v; want it refused, naming who can", l.Name, l.Creds.Role, cs[0].Kind, err)
			}
			if n := pending(t, l); n != 0 {
				t.Errorf("%s: %d ops queued for a resolution that was refused", l.Name, n)
			}
			syncOK(t, l)
		}
	})
}

// Work after a pull follows what the laptop knew: alice rolls FC-01 back on
// Monday; bob, having synced, swaps it on Tuesday. His is a new attempt
// (numbered after the hub's), so it stands, with no dispute; while alice's
// attempt was still open, bob's work would have joined it instead.
func TestWorkAfterAPullIsANewAttempt(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		f := startOrder(t, spec)
		hubtest.Work(t, f.alice.Store, "alice", "KX", "FC-01", "swap", nil)
		hubtest.RollBack(t, f.alice.Store, "alice", "KX", "FC-01", "blocked: no PoE budget on the switch")
		syncOK(t, f.alice)
		syncOK(t, f.bob)
		pr := hubtest.Work(t, f.bob.Store, "bob", "KX", "FC-01", "", nil)
		if pr.Attempt != 2 {
			t.Errorf("bob's swap is attempt %d; want 2, after the hub's blocked attempt 1", pr.Attempt)
		}
		syncOK(t, f.bob)
		rows, _ := f.record(t)
		if fc := rows["FC-01"]; fc.Status != "done" || fc.OpenConflicts != 0 || fc.Attempt != 2 {
			t.Errorf("FC-01 on the hub: %s, attempt %d, %d conflicts; want done on attempt 2 with none", fc.Status, fc.Attempt, fc.OpenConflicts)
		}
		// Concurrent work on an open attempt joins it.
		hubtest.Work(t, f.alice.Store, "alice", "KX", "PE-01", "legacy_serial", map[string]string{"legacy_serial": "FCHJOIN1"})
		syncOK(t, f.alice)
		syncOK(t, f.bob)
		if pr := hubtest.Work(t, f.bob.Store, "bob", "KX", "PE-01", "teams_ddi", nil); pr.Attempt != 1 {
			t.Errorf("bob's work on PE-01, open on the hub in attempt 1, is attempt %d", pr.Attempt)
		}
	})
}
