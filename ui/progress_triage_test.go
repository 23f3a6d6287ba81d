package ui

import (
	"bytes"
	"context"
	"crypto/rand"
	"cutover/internal/fieldtest"
	"database/sql"
	"encoding/hex"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cutover/internal/invgen"
	"cutover/site"
	"cutover/sync/hub"
	"cutover/sync/wire"
)

// hubSpecs are the stores the triage tests run on: SQLite, and PostgreSQL
// in a schema of its own when CUTOVER_TEST_PG is set (the recipe of
// sync/internal/hubtest, which ui cannot import).
func hubSpecs(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "hub.db") },
		"postgres": func(t *testing.T) string {
			base := os.Getenv("CUTOVER_TEST_PG")
			if base == "" {
				t.Skip("PostgreSQL hub tests skipped: set CUTOVER_TEST_PG, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
			}
			b := make([]byte, 6)
			rand.Read(b)
			schema := "cutover_t_" + hex.EncodeToString(b)
			db, err := sql.Open("pgx", base)
			must(t, err)
			defer db.Close()
			_, err = db.Exec(`CREATE SCHEMA ` + schema)
			must(t, err)
			t.Cleanup(func() {
				if db, err := sql.Open("pgx", base); err == nil {
					db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
					db.Close()
				}
			})
			u, err := url.Parse(base)
			must(t, err)
			q := u.Query()
			q.Set("search_path", schema)
			u.RawQuery = q.Encode()
			return u.String()
		},
	}
}

const planKX = `{"site":{"code":"KX","name":"Kestrel Cross","cease_date":"2027-06-30"},"positions":[
	{"label":"K1","role":"custody_suite","legacy_vendor":"cisco","extension":"4001","ddi":"020 7230 4001"},
	{"label":"K2","role":"front_counter","legacy_vendor":"cisco","extension":"4002"},
	{"label":"K3","role":"personal","legacy_vendor":"cisco","extension":"4003"}]}`

// startTriageHub is a real hub with 201 sites: 200 generated ones where
// nothing was done and the (default) cease date passed long ago, all late,
// and KX, whose engineer found K1 blocked and whose plan then dropped K2
// with work on it: a conflict. KX is the one that needs attention.
func startTriageHub(t *testing.T, spec string) *progressHubFixture {
	ctx := context.Background()
	st, err := hub.Open(ctx, spec)
	must(t, err)
	st.Now = func() time.Time { return fixedNow }
	srv := httptest.NewServer((&hub.Server{Store: st}).Handler())
	f := &progressHubFixture{t: t, store: st, srv: srv, url: srv.URL, users: map[string]*hubLaptop{}}
	t.Cleanup(f.stop)
	var csv bytes.Buffer
	must(t, invgen.WriteCSV(&csv, invgen.Options{Sites: 200, PerSite: 2, Seed: 1}))
	for _, doc := range [][]byte{csv.Bytes(), []byte(planKX)} {
		name := "plan.csv"
		if doc[0] == '{' {
			name = "plan.json"
		}
		inv, err := site.ParseInventory(name, doc, site.ParseOptions{})
		must(t, err)
		_, err = st.ImportPlan(ctx, "admin", inv, doc)
		must(t, err)
	}
	alice := f.laptop("alice", wire.RoleEngineer, "KX")
	f.laptop("sam", wire.RoleSupervisor)
	f.sync(alice, "KX")
	_, err = fieldtest.Do(alice.store, "alice", "KX", "K1", "precheck", nil)
	must(t, err)
	_, err = fieldtest.RollBack(alice.store, "alice", "KX", "K1", "blocked: custody suite locked down")
	must(t, err)
	_, err = fieldtest.Do(alice.store, "alice", "KX", "K2", "precheck", nil)
	must(t, err)
	f.sync(alice)
	dropped := strings.Replace(planKX, `{"label":"K2","role":"front_counter","legacy_vendor":"cisco","extension":"4002"},`, "", 1)
	inv, err := site.ParseInventory("plan.json", []byte(dropped), site.ParseOptions{})
	must(t, err)
	_, err = st.ImportPlan(ctx, "admin", inv, []byte(dropped))
	must(t, err)
	return f
}

// A supervisor with 201 sites finds the one that needs attention first,
// orders and filters the sites, sees every problem across sites and opens
// a position read-only with its steps.
func TestProgressTriage201Sites(t *testing.T) {
	for name, spec := range hubSpecs(t) {
		t.Run(name, func(t *testing.T) {
			f := startTriageHub(t, spec(t))
			m := newProgressTestRoot(t, f.client("sam"), 120, 40)
			s := progressOverview(t, m)
			if len(s.hub.p.Sites) != 201 {
				t.Fatalf("%d sites", len(s.hub.p.Sites))
			}
			// The hub's order puts KX (0 days late) last; problems first, by
			// default, puts it first.
			if hubLast := s.hub.p.Sites[200].Code; hubLast != "KX" {
				t.Fatalf("the hub's last site is %s", hubLast)
			}
			frame := m.View()
			mustContain(t, frame, "[Sites 201]", "Needs attention 2", "Engineers 1", "ordered by problems first (s)",
				"⇄ 1 open conflict")
			if first := firstSiteRow(frame); !strings.Contains(first, "KX") || !strings.Contains(first, "Kestrel Cross") {
				t.Fatalf("first row %q, want KX", first)
			}
			// s: late first (the hub's order), then name, then % done.
			press(t, m, "s")
			mustContain(t, m.View(), "ordered by late first (s)")
			if s.selected() == "KX" || s.hub.p.Sites[s.view[len(s.view)-1]].Code != "KX" {
				t.Fatalf("late first: KX at %d", indexOfSite(s, "KX"))
			}
			press(t, m, "s")
			mustContain(t, m.View(), "ordered by name (s)")
			for i := 1; i < len(s.view); i++ {
				if a, b := strings.ToLower(s.hub.p.Sites[s.view[i-1]].Name), strings.ToLower(s.hub.p.Sites[s.view[i]].Name); a > b {
					t.Fatalf("by name: %q before %q", a, b)
				}
			}
			press(t, m, "s", "s")
			mustContain(t, m.View(), "ordered by problems first (s)")
			// / filters, by the one rule: by code, and by problem.
			press(t, m, "/", "kx", "enter")
			mustContain(t, m.View(), "[Sites 1 of 201]", "KX")
			press(t, m, "esc", "/", "conflict", "enter")
			if len(s.view) != 1 || s.selected() != "KX" {
				t.Fatalf("“conflict” kept %d sites", len(s.view))
			}
			press(t, m, "esc")
			if len(s.view) != 201 {
				t.Fatalf("esc kept %d sites", len(s.view))
			}
			// The needs-attention panel: every problem across the sites.
			press(t, m, "tab")
			frame = m.View()
			mustContain(t, frame, "[Needs attention 2]", "■ blocked", "K1", "custody suite locked down",
				"⇄ conflict", "K2", "plan dropped with work")
			press(t, m, "enter")
			frame = m.View()
			mustContain(t, frame, "progress › K1", "KX K1", "■ blocked", "read-only, as the hub holds it",
				"custody suite locked down", "Steps: 1 of", "custody suite")
			press(t, m, "esc", "down", "enter")
			mustContain(t, m.View(), "progress › K2", "KX K2", "Open conflicts")
			press(t, m, "esc", "tab")
			// Only the people who push: alice, not sam.
			mustContain(t, m.View(), "[Engineers 1]", "alice")
			mustNotContain(t, m.View(), "never synced")
		})
	}
}

func firstSiteRow(frame string) string {
	for _, l := range strings.Split(frame, "\n") {
		if strings.HasPrefix(l, "▸ ") || (strings.HasPrefix(l, "  ") && len(l) > 8 && l[2] != ' ') {
			if strings.Contains(l, "%") {
				return l
			}
		}
	}
	return ""
}

func indexOfSite(s *progressScreen, code string) int {
	for i, j := range s.view {
		if s.hub.p.Sites[j].Code == code {
			return i
		}
	}
	return -1
}
