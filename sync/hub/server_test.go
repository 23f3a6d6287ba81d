package hub_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"
)

var ctx = context.Background()

type answer struct {
	status int
	body   wire.Error
	raw    string
}

func post(t *testing.T, url, token string, body []byte, gz bool) answer {
	t.Helper()
	if gz {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(body)
		zw.Close()
		body = b.Bytes()
	}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, req)
}

func get(t *testing.T, url, token string) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, raw: string(b)}
	json.Unmarshal(b, &a.body)
	return a
}

func pushBody(t *testing.T, clientID string, ops ...wire.Op) []byte {
	b, err := json.Marshal(wire.PushRequest{ClientID: clientID, Ops: ops})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func statusOp(seq int64, code, label, to string) wire.Op {
	return wire.Op{Seq: seq, OpID: newID(), Site: code, Kind: "position.status.v1", Entity: "position", EntityID: label,
		Engineer: "x", ObservedAt: time.Now().UTC().Format(time.RFC3339), Payload: json.RawMessage(`{"from":"planned","to":"` + to + `"}`)}
}

func TestAccess(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 5)
		h.Plan("BR", 5)
		eng := h.Laptop("alice", wire.RoleEngineer, "KX")
		laptop := h.Laptop("alice", wire.RoleEngineer, "KX") // the same engineer's second laptop, synced normally
		sup := h.Laptop("sam", wire.RoleSupervisor)
		push := h.URL + "/v1/sync/push"
		label := hubtest.Label(inv, 1)
		journal := func() int { return h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`) }

		// No token, and a made-up one.
		if a := post(t, push, "", pushBody(t, eng.Creds.ClientID, statusOp(1, "KX", label, "discovered")), false); a.status != 401 || a.body.Error == "" {
			t.Fatalf("push without a token: %d %s, want 401 with a message", a.status, a.raw)
		}
		if a := get(t, h.URL+"/v1/sync/pull?site=KX&after=0", "cta_madeup"); a.status != 401 {
			t.Fatalf("pull with a made-up token: %d, want 401", a.status)
		}
		// A supervisor reads any site but cannot push.
		if a := get(t, h.URL+"/v1/sync/snapshot?site=BR", sup.Creds.AccessToken); a.status != 200 {
			t.Fatalf("supervisor snapshot: %d %s, want 200", a.status, a.raw)
		}
		if a := post(t, push, sup.Creds.AccessToken, pushBody(t, sup.Creds.ClientID, statusOp(1, "KX", label, "discovered")), false); a.status != 403 {
			t.Fatalf("supervisor push: %d %s, want 403", a.status, a.raw)
		}
		// An engineer cannot read another site, nor write to it.
		if a := get(t, h.URL+"/v1/sync/snapshot?site=BR", eng.Creds.AccessToken); a.status != 403 || !strings.Contains(a.body.Error, "BR") {
			t.Fatalf("engineer reading another site: %d %s, want 403 naming the site", a.status, a.raw)
		}
		other := hubtest.Label(inv, 2) // a label that also exists at BR
		a := post(t, push, eng.Creds.AccessToken, pushBody(t, eng.Creds.ClientID, statusOp(1, "BR", other, "discovered")), false)
		var pr wire.PushResponse
		json.Unmarshal([]byte(a.raw), &pr)
		if a.status != 200 || len(pr.Results) != 1 || pr.Results[0].Outcome != wire.Rejected || pr.Results[0].Code != "forbidden_site" {
			t.Fatalf("engineer pushing to another site: %d %s, want the op rejected as forbidden_site", a.status, a.raw)
		}
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE site = 'BR' AND status <> 'planned'`); n != 0 {
			t.Fatal("an op for another engineer's site changed the hub")
		}
		// A token for another laptop's client id is refused.
		if a := post(t, push, eng.Creds.AccessToken, pushBody(t, sup.Creds.ClientID, statusOp(2, "KX", label, "discovered")), false); a.status != 403 {
			t.Fatalf("push under another laptop's client id: %d, want 403", a.status)
		}
		// Revocation takes effect on the very next request.
		if _, err := laptop.Syncer.Sync(ctx, "KX"); err != nil {
			t.Fatal(err)
		}
		hubtest.Must(t, laptop.Store.SetStatus(ctx, "alice", "KX", label, site.StatusDiscovered, ""))
		before := journal()
		hubtest.Must(t, h.Store.RevokeUser(ctx, "alice"))
		if a := get(t, h.URL+"/v1/sync/pull?site=KX&after=0", eng.Creds.AccessToken); a.status != 401 {
			t.Fatalf("pull after revoke: %d, want 401", a.status)
		}
		if _, err := laptop.Syncer.Sync(ctx); err == nil {
			t.Fatal("sync after revoke succeeded")
		}
		if journal() != before {
			t.Fatal("a revoked user's ops reached the journal")
		}
		st, _ := client.ReadStatus(ctx, laptop.Store)
		if st.Pending != 1 {
			t.Fatalf("pending after a refused sync = %d, want 1 (kept)", st.Pending)
		}
	})
}

func TestBadBodiesWriteNothing(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		inv := h.Plan("KX", 5)
		eng := h.Laptop("alice", wire.RoleEngineer, "KX")
		push := h.URL + "/v1/sync/push"
		tok, id := eng.Creds.AccessToken, eng.Creds.ClientID
		label := hubtest.Label(inv, 1)
		valid := pushBody(t, id, statusOp(1, "KX", label, "discovered"))
		// A zip bomb: a small gzip body that expands past the limit.
		bomb := append(append([]byte(`{"client_id":"`+id+`","ops":[],"pad":"`), bytes.Repeat([]byte("A"), wire.MaxBody+10)...), `"}`...)
		cases := []struct {
			name   string
			body   []byte
			gz     bool
			status int
			word   string
		}{
			{"oversized", bytes.Repeat([]byte(" "), wire.MaxBody+1), false, 413, "larger"},
			{"zip bomb", bomb, true, 413, "after gunzip"},
			{"malformed JSON", []byte(`{"client_id":`), false, 400, "JSON"},
			{"trailing data", append(append([]byte{}, valid...), []byte(`{}`)...), false, 400, "after"},
			{"wrong types", []byte(`{"client_id":"` + id + `","ops":[{"seq":"one"}]}`), false, 400, "JSON"},
			{"seq not increasing", pushBody(t, id, statusOp(2, "KX", label, "discovered"), statusOp(1, "KX", label, "discovered")), false, 400, "increasing"},
			{"starts past a gap", pushBody(t, id, statusOp(5, "KX", label, "discovered")), false, 409, "expects op 1"},
		}
		for _, c := range cases {
			a := post(t, push, tok, c.body, c.gz)
			if a.status != c.status || !strings.Contains(a.body.Error, c.word) {
				t.Errorf("%s: %d %q, want %d mentioning %q", c.name, a.status, a.body.Error, c.status, c.word)
			}
		}
		req, _ := http.NewRequest(http.MethodPost, push, bytes.NewReader([]byte("not gzip at all")))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
		req.Header.Set("Authorization", "Bearer "+tok)
		if a := do(t, req); a.status != 400 {
			t.Errorf("bad gzip: %d, want 400", a.status)
		}
		if n := h.Count(`SELECT COUNT(*) FROM op_journal WHERE client_id <> 'hub'`); n != 0 {
			t.Fatalf("bad bodies journaled %d ops", n)
		}
		if n := h.Count(`SELECT last_seq FROM clients WHERE client_id = ?`, id); n != 0 {
			t.Fatalf("bad bodies moved last_seq to %d", n)
		}
		// One malformed op in a good batch is rejected alone.
		bad := statusOp(2, "KX", label, "discovered")
		bad.Payload = json.RawMessage(`[1,2]`)
		unknown := statusOp(3, "KX", label, "x")
		unknown.Kind = "photo.attach.v2"
		a := post(t, push, tok, pushBody(t, id, statusOp(1, "KX", label, "discovered"), bad, unknown,
			statusOp(4, "KX", "NO-SUCH", "discovered")), true)
		var pr wire.PushResponse
		json.Unmarshal([]byte(a.raw), &pr)
		if a.status != 200 || len(pr.Results) != 4 || pr.AckedThrough != 4 {
			t.Fatalf("mixed batch: %d %s", a.status, a.raw)
		}
		want := []string{wire.Applied + "/", wire.Rejected + "/bad_payload", wire.Applied + "/journal_only", wire.Rejected + "/unknown_position"}
		for i, r := range pr.Results {
			if got := r.Outcome + "/" + r.Code; got != want[i] {
				t.Errorf("op %d: %s, want %s", r.Seq, got, want[i])
			}
		}
		if n := h.Count(`SELECT COUNT(*) FROM positions WHERE status = 'discovered'`); n != 1 {
			t.Fatalf("discovered positions = %d, want 1", n)
		}
		// Unknown paths and methods get a JSON 404/405, not a crash.
		if a := get(t, h.URL+"/v1/nope", tok); a.status != 404 || a.body.Code != "not_found" {
			t.Errorf("unknown path: %d %s", a.status, a.raw)
		}
		if a := get(t, h.URL+"/v1/sync/pull?site=KX&after=-3", tok); a.status != 400 {
			t.Errorf("negative cursor: %d", a.status)
		}
		if a := get(t, h.URL+"/v1/health", ""); a.status != 200 || !strings.Contains(a.raw, `"ok":true`) {
			t.Errorf("health: %d %s", a.status, a.raw)
		}
	})
}

func TestTokensHashedAndExpiring(t *testing.T) {
	hubtest.EachStore(t, func(t *testing.T, spec string) {
		h := hubtest.Start(t, spec)
		h.Plan("KX", 3)
		eng := h.Laptop("alice", wire.RoleEngineer, "KX")
		for _, tok := range []string{eng.Creds.AccessToken, eng.Creds.RefreshToken} {
			if n := h.Count(`SELECT COUNT(*) FROM tokens WHERE token_hash = ?`, tok); n != 0 {
				t.Fatal("a token is stored in clear")
			}
		}
		if n := h.Count(`SELECT COUNT(*) FROM enrol_codes WHERE code_hash LIKE '%-%'`); n != 0 {
			t.Fatal("an enrolment code is stored in clear")
		}
		// Two hours on, the access token is refused, and the client
		// refreshes it once and carries on.
		h.Skew.Store(int64(2 * time.Hour))
		old := eng.Creds.AccessToken
		if a := get(t, h.URL+"/v1/sync/snapshot?site=KX", old); a.status != 401 {
			t.Fatalf("expired access token: %d, want 401", a.status)
		}
		if _, err := eng.Syncer.Sync(ctx, "KX"); err != nil {
			t.Fatalf("sync with an expired access token should refresh and succeed: %v", err)
		}
		if eng.Syncer.Client.Credentials().AccessToken == old {
			t.Fatal("access token was not replaced")
		}
		// Past the refresh token's life, the laptop must log in again.
		h.Skew.Store(int64(46 * 24 * time.Hour))
		_, err := eng.Syncer.Sync(ctx, "KX")
		var he *client.HTTPError
		if !errors.As(err, &he) || he.Status != 401 {
			t.Fatalf("sync with an expired refresh token: %v, want 401", err)
		}
	})
}
