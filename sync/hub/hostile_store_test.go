package hub_test

// Hostile and unlucky cases past the edge (issue 11, points 5, 8 and 10):
// the store's own words never reach a client, a full disk loses nothing,
// who did it comes from the token, and the small points of HTTP. Each case
// runs on SQLite and PostgreSQL and fails on the hub as it was.

import (
	"bytes"
	"encoding/json"
	"log"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

// failOn makes the store itself refuse every insert into table, with a real
// error from the database: words (text) or PostgreSQL's disk_full.
func failOn(t *testing.T, h *hubtest.Hub, table, text string, diskFull bool) {
	t.Helper()
	if h.Store.Dialect() == "sqlite" {
		hubtest.Must(t, h.Store.ExecForTest(`CREATE TRIGGER fail_`+table+` BEFORE INSERT ON `+table+
			` BEGIN SELECT RAISE(ABORT, '`+text+`'); END`))
		return
	}
	code := ""
	if diskFull {
		code = ` USING ERRCODE = 'disk_full'`
	}
	hubtest.Must(t, h.Store.ExecForTest(`CREATE FUNCTION fail_`+table+`() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION '`+text+`'`+code+`; END $$`))
	hubtest.Must(t, h.Store.ExecForTest(`CREATE TRIGGER fail_`+table+` BEFORE INSERT ON `+table+
		` FOR EACH ROW EXECUTE FUNCTION fail_`+table+`()`))
}

func noteOp(seq int64, label, text string) wire.Op {
	return wire.Op{Seq: seq, OpID: newID(), Site: "KX", Kind: "note.add.v1", Entity: "position", EntityID: label,
		Engineer: "x", ObservedAt: time.Now().UTC().Format(time.RFC3339), Payload: json.RawMessage(`{"text":"` + text + `"}`)}
}

func TestHostileStoreErrorsStayAtTheHub(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		logs := &logBuf{}
		h := hubtest.StartWith(t, spec, func(s *hub.Server) { s.Log = log.New(logs, "", 0) })
		inv := h.Plan("KX", 3)
		eng := h.Laptop("alice", wire.RoleEngineer, "KX")
		tok, id := eng.Creds.AccessToken, eng.Creds.ClientID
		// An op a rule cannot write: rejected alone, in general words.
		failOn(t, h, "facts", "secret driver words", false)
		body := pushBody(t, id, noteOp(1, hubtest.Label(inv, 1), "hello"))
		resp, a := send(t, http.MethodPost, h.URL+"/v1/sync/push", bytes.NewReader(body), int64(len(body)), "Authorization: Bearer "+tok)
		var pr wire.PushResponse
		json.Unmarshal([]byte(a.raw), &pr)
		reqID := resp.Header.Get("X-Request-Id")
		if a.status != 200 || len(pr.Results) != 1 || pr.Results[0].Code != "apply_failed" || strings.Contains(a.raw, "secret") ||
			!strings.Contains(pr.Results[0].Message, reqID) {
			t.Errorf("an op the store refused: %d %s, want apply_failed naming request %s, without the store's words", a.status, a.raw, reqID)
		}
		if l := logs.String(); reqID == "" || !strings.Contains(l, "req="+reqID) || !strings.Contains(l, "secret driver words") || !strings.Contains(l, "/v1/sync/push") {
			t.Errorf("the hub's log should hold the store's words with request %s and the route:\n%s", reqID, l)
		}
		// A read that fails: 500 with a code, the driver's text only in the log.
		hubtest.Must(t, h.Store.ExecForTest(`DROP TABLE snapshots`))
		req, _ := http.NewRequest(http.MethodGet, h.URL+"/v1/sync/snapshot?site=KX", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		hr, err := http.DefaultClient.Do(req)
		hubtest.Must(t, err)
		var e wire.Error
		json.NewDecoder(hr.Body).Decode(&e)
		hr.Body.Close()
		reqID = hr.Header.Get("X-Request-Id")
		if hr.StatusCode != 500 || e.Code != "store_failed" || strings.Contains(e.Error, "snapshots") || !strings.Contains(e.Error, reqID) {
			t.Errorf("a failed read: %d %+v, want 500 store_failed naming the request, not the table", hr.StatusCode, e)
		}
		if l := logs.String(); !strings.Contains(l, "req="+reqID+" GET /v1/sync/snapshot: store:") || !strings.Contains(l, "snapshots") {
			t.Errorf("the log should hold the failed read with its request id:\n%s", l)
		}
	})
}

func TestHostileDiskFullLosesNothing(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 3)
		eng := h.Laptop("alice", wire.RoleEngineer, "KX")
		tok, id := eng.Creds.AccessToken, eng.Creds.ClientID
		if h.Store.Dialect() == "sqlite" {
			pages, err := h.Store.CountForTest(`PRAGMA page_count`)
			hubtest.Must(t, err)
			hubtest.Must(t, h.Store.ExecForTest(`PRAGMA max_page_count = `+itoa(pages))) // the file may not grow
		} else {
			failOn(t, h, "facts", "could not extend file: No space left on device", true)
		}
		ops := []wire.Op{statusOp(1, "KX", hubtest.Label(inv, 1), "discovered")}
		for i := int64(2); i <= 121; i++ { // 120 notes of 1,900 characters: more than the file may grow
			ops = append(ops, noteOp(i, hubtest.Label(inv, 1), strings.Repeat("n", 1900)))
		}
		body := pushBody(t, id, ops...)
		resp, a := send(t, http.MethodPost, h.URL+"/v1/sync/push", bytes.NewReader(body), int64(len(body)), "Authorization: Bearer "+tok)
		if a.status != http.StatusInsufficientStorage || a.body.Code != "disk_full" || !strings.Contains(a.body.Error, "disk is full: nothing was written and nothing is lost") || strings.Contains(a.body.Error, "the hub's the") ||
			resp.Header.Get("Retry-After") == "" {
			t.Fatalf("push on a full disk: %d %s, want 507 disk_full saying nothing was lost", a.status, a.raw)
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id = ?`, id); n != 0 {
			t.Fatalf("a push on a full disk journaled %d ops; it must be rolled back whole", n)
		}
		if n := h.Count(`SELECT last_seq FROM clients WHERE client_id = ?`, id); n != 0 {
			t.Fatalf("a push on a full disk acknowledged through %d", n)
		}
		// Room again: the same push goes through whole.
		if h.Store.Dialect() == "sqlite" {
			hubtest.Must(t, h.Store.ExecForTest(`PRAGMA max_page_count = 1073741823`))
		} else {
			hubtest.Must(t, h.Store.ExecForTest(`DROP TRIGGER fail_facts ON facts`))
		}
		_, a = send(t, http.MethodPost, h.URL+"/v1/sync/push", bytes.NewReader(body), int64(len(body)), "Authorization: Bearer "+tok)
		var pr wire.PushResponse
		json.Unmarshal([]byte(a.raw), &pr)
		if a.status != 200 || pr.AckedThrough != 121 || pr.Results[120].Outcome != wire.Applied {
			t.Fatalf("the push again with room: %d %.300s", a.status, a.raw)
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestHostileWhoDidItIsTheToken(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 3)
		alice := h.Laptop("alice", wire.RoleEngineer, "KX")
		bob := h.Laptop("bob", wire.RoleEngineer, "KX")
		sync(t, alice, "KX")
		sync(t, bob, "KX")
		p1, p2, p3 := hubtest.Label(inv, 1), hubtest.Label(inv, 2), hubtest.Label(inv, 3)
		// Alice's laptop says it is Mallory; Bob's says who he is.
		hubtest.Must(t, alice.Store.SetStatus(ctx, "mallory", "KX", p1, site.StatusDiscovered, ""))
		hubtest.Must(t, bob.Store.SetStatus(ctx, "bob", "KX", p3, site.StatusDiscovered, ""))
		// Bob sees a serial; Alice's laptop, claiming to be Bob, another.
		hubtest.Must(t, bob.Store.Write(ctx, "bob", func(tx *site.Tx) error { return client.Observe(ctx, tx, "KX", p2, "serial", "ABC") }))
		hubtest.Must(t, alice.Store.Write(ctx, "bob", func(tx *site.Tx) error { return client.Observe(ctx, tx, "KX", p2, "serial", "XYZ") }))
		sync(t, bob)
		sync(t, alice)

		var rep wire.SiteReport
		a := get(t, h.URL+"/v1/sites/KX/report", alice.Creds.AccessToken)
		hubtest.Must(t, json.Unmarshal([]byte(a.raw), &rep))
		rows := map[string]wire.ReportRow{}
		for _, r := range rep.Rows {
			rows[r.Label] = r
		}
		if r := rows[p1]; r.User != "alice" || r.LaptopLabel != "mallory" || r.Engineer != "alice (laptop: mallory)" {
			t.Errorf("%s: user %q label %q engineer %q, want alice, with mallory as the laptop's label", p1, r.User, r.LaptopLabel, r.Engineer)
		}
		if r := rows[p3]; r.User != "bob" || r.LaptopLabel != "" || r.Engineer != "bob" {
			t.Errorf("%s: user %q label %q engineer %q, want bob alone", p3, r.User, r.LaptopLabel, r.Engineer)
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE entity_id = ? AND user_name = 'alice' AND engineer = 'mallory'`, p1); n != 1 {
			t.Errorf("the journal should keep both the person and the label: %d rows", n)
		}
		var detail string
		rowsQ, err := h.Store.QueryForTest(`SELECT detail FROM conflicts WHERE entity_id = ?`, p2)
		hubtest.Must(t, err)
		if len(rowsQ) == 1 {
			detail = rowsQ[0][0]
		}
		var d map[string]any
		json.Unmarshal([]byte(detail), &d)
		if d["engineer"] != "alice" || d["laptop_label"] != "bob" {
			t.Errorf("the conflict should name alice (the token), with bob as the laptop's label: %s", detail)
		}
		// Other laptops learn who did it from the hub, not the label.
		sync(t, bob)
		p, err := bob.Store.Position(ctx, "KX", p1)
		hubtest.Must(t, err)
		if p.UpdatedBy != "alice" {
			t.Errorf("bob's laptop shows %s changed by %q, want alice", p1, p.UpdatedBy)
		}
	})
}

func TestHostileHTTPSmallPoints(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		h.Plan("KX", 2)
		eng := h.Laptop("alice", wire.RoleEngineer, "KX")
		tok, id := eng.Creds.AccessToken, eng.Creds.ClientID
		for _, c := range []struct{ method, path, allow string }{
			{http.MethodGet, "/v1/auth/enrol", "POST"},
			{http.MethodPost, "/v1/sync/pull", "GET, HEAD"},
			{http.MethodDelete, "/v1/sites/KX/report", "GET, HEAD"},
		} {
			resp, a := send(t, c.method, h.URL+c.path, nil, 0, "Authorization: Bearer "+tok)
			if a.status != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != c.allow || a.body.Code != "method_not_allowed" {
				t.Errorf("%s %s: %d Allow %q %s, want 405 Allow %q", c.method, c.path, a.status, resp.Header.Get("Allow"), a.raw, c.allow)
			}
		}
		if a := get(t, h.URL+"/v1/nope", tok); a.status != http.StatusNotFound {
			t.Errorf("unknown path: %d, want 404", a.status)
		}
		empty := pushBody(t, id)
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", ""} {
			req, _ := http.NewRequest(http.MethodPost, h.URL+"/v1/sync/push", bytes.NewReader(empty))
			req.Header.Set("Authorization", "Bearer "+tok)
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			if a := do(t, req); a.status != http.StatusUnsupportedMediaType || a.body.Code != "bad_content_type" {
				t.Errorf("push with Content-Type %q: %d %s, want 415", ct, a.status, a.raw)
			}
		}
		if _, a := send(t, http.MethodPost, h.URL+"/v1/auth/enrol", strings.NewReader(`{}`), 2, "Content-Type: text/plain"); a.status != http.StatusUnsupportedMediaType {
			t.Errorf("enrol as text/plain: %d, want 415", a.status)
		}
		if _, a := send(t, http.MethodPost, h.URL+"/v1/sync/push", bytes.NewReader(empty), int64(len(empty)),
			"Authorization: Bearer "+tok, "Content-Type: application/json; charset=utf-8"); a.status != 200 || !strings.Contains(a.raw, `"results":[]`) {
			t.Errorf("an empty push: %d %s, want 200 with \"results\":[]", a.status, a.raw)
		}
		if h.Store.Dialect() == "sqlite" {
			path := strings.TrimPrefix(spec, "sqlite:")
			for _, f := range []string{path, path + "-wal", path + "-shm"} {
				if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("%s: %v %v, want mode 0600", f, fi.Mode().Perm(), err)
				}
			}
		}
	})
}
