package notify_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/internal/hubtest"
	"cutover/sync/notify"
	"cutover/sync/wire"
)

// receiver is a webhook on loopback that keeps what it is sent.
type receiver struct {
	mu   sync.Mutex
	msgs []string
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var m struct{ Text string }
	json.NewDecoder(req.Body).Decode(&m)
	r.mu.Lock()
	r.msgs = append(r.msgs, m.Text)
	r.mu.Unlock()
}

func (r *receiver) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.msgs
	r.msgs = nil
	return out
}

// A blocked or failed position and a verdict turning to at risk are each
// said, at most once an hour per site; what happens within the hour waits
// for the next message; how things stood at the start is not news.
func TestWebhookSaysWhatIsNewAtMostHourlyPerSite(t *testing.T) {
	ctx := context.Background()
	h := hubtest.Start(t, hubtest.SQLiteSpec(t))
	today := time.Now().UTC()
	d := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }
	now := h.Store.Now
	h.Store.Now = func() time.Time { return today.AddDate(0, 0, -30) }
	for _, doc := range []string{
		`{"site":{"code":"AA","name":"Alpha","cease_date":"` + d(200) + `"},"positions":[
			{"label":"P1","role":"front_counter","legacy_vendor":"cisco","extension":"1001"},
			{"label":"P2","role":"front_counter","legacy_vendor":"cisco","extension":"1002"},
			{"label":"P3","role":"front_counter","legacy_vendor":"cisco","extension":"1003"}]}`,
		`{"site":{"code":"BB","name":"Bravo","cease_date":"` + d(20) + `"},"positions":[
			{"label":"Q1","role":"front_counter","legacy_vendor":"cisco","extension":"2001"}]}`,
	} {
		inv, err := site.ParseInventory("plan.json", []byte(doc), site.ParseOptions{})
		hubtest.Must(t, err)
		_, err = h.Store.ImportPlan(ctx, "admin", inv, []byte(doc))
		hubtest.Must(t, err)
	}
	h.Store.Now = now
	rx := &receiver{}
	srv := httptest.NewServer(rx)
	defer srv.Close()
	clock := today
	n := &notify.Notifier{Store: h.Store, URL: srv.URL, Now: func() time.Time { return clock }}
	alice := h.Laptop("alice", wire.RoleEngineer, "AA")
	_, err := alice.Syncer.Sync(ctx, "AA")
	hubtest.Must(t, err)
	fail := func(label, why string) {
		hubtest.Work(t, alice.Store, "alice", "AA", label, "precheck", nil)
		hubtest.RollBack(t, alice.Store, "alice", "AA", label, why)
		_, err := alice.Syncer.Sync(ctx)
		hubtest.Must(t, err)
	}

	hubtest.Must(t, n.Check(ctx))
	if got := rx.take(); len(got) != 0 {
		t.Fatalf("the first look is not news: %q", got)
	}
	fail("P1", "blocked: no PoE budget")
	hubtest.Must(t, n.Check(ctx))
	got := rx.take()
	if len(got) != 1 || !strings.Contains(got[0], "cutover: site AA") || !strings.Contains(got[0], "P1 blocked: no PoE budget") {
		t.Fatalf("a blocked position: %q", got)
	}
	// Within the hour: noted, not sent.
	clock = clock.Add(20 * time.Minute)
	fail("P2", "failed: wrong VLAN")
	hubtest.Must(t, n.Check(ctx))
	if got := rx.take(); len(got) != 0 {
		t.Fatalf("a second message within the hour: %q", got)
	}
	clock = clock.Add(41 * time.Minute)
	hubtest.Must(t, n.Check(ctx))
	if got := rx.take(); len(got) != 1 || !strings.Contains(got[0], "P2 failed: wrong VLAN") || strings.Contains(got[0], "P1") {
		t.Fatalf("after the hour, what waited: %q", got)
	}
	// BB, nothing done, comes within 14 days of its cease date: at risk.
	clock = clock.AddDate(0, 0, 7)
	hubtest.Must(t, n.Check(ctx))
	if got := rx.take(); len(got) != 1 || !strings.Contains(got[0], "site BB") || !strings.Contains(got[0], "now at risk") {
		t.Fatalf("a verdict turning to at risk: %q", got)
	}
	hubtest.Must(t, n.Check(ctx))
	if got := rx.take(); len(got) != 0 {
		t.Fatalf("nothing new, yet: %q", got)
	}
	if notify.CheckURL("ftp://x") == nil || notify.CheckURL("https://example.invalid/hook") != nil {
		t.Fatal("CheckURL")
	}
}
