package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cutover/site"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/web"
	"cutover/sync/wire"
)

var ctx = context.Background()

// hostileName is a site name as a hostile inventory might give it: markup,
// both quotes and an ampersand (the inventory refuses bidi controls; the
// page's own test gives it one: TestHostileTextIsShownAsText).
const hostileName = `<script>alert("x")</script> 'Quay' & "Co"`

// fixture is a hub with the page mounted and three sites, relative to
// today: LT late (1 done in 3 days, 9 left, cease in 5 days), OK on track
// (wave 1, 2 of 4 done yesterday) and NS not started (starts in 30 days,
// with a hostile name); alice works LT from her laptop.
type fixture struct {
	h     *hubtest.Hub
	page  *web.Page
	today time.Time
}

func newFixture(t testing.TB, spec string) *fixture {
	f := &fixture{today: time.Now().UTC().Truncate(24 * time.Hour)}
	f.h = hubtest.StartWith(t, spec, func(s *hub.Server) {
		f.page = &web.Page{Store: s.Store}
		s.Page = f.page.Handler()
	})
	d := func(days int) string { return f.today.AddDate(0, 0, days).Format(time.DateOnly) }
	positions := func(prefix string, n int, ext int) string {
		var ps []string
		for i := 1; i <= n; i++ {
			ps = append(ps, fmt.Sprintf(`{"label":"%s%d","role":"hot_desk","legacy_vendor":"cisco","extension":"%d","building":"<b>Block</b> \"A\"","notes":"<img src=x onerror=alert(1)>"}`,
				prefix, i, ext+i))
		}
		return strings.Join(ps, ",")
	}
	now := f.h.Store.Now
	f.h.Store.Now = func() time.Time { return f.today.AddDate(0, 0, -60) }
	for _, doc := range []string{
		`{"site":{"code":"LT","name":"Late Street","cease_date":"` + d(5) + `"},"positions":[` + positions("L", 10, 1000) + `]}`,
		`{"site":{"code":"OK","name":"Oak Lane","start_date":"` + d(-10) + `","cease_date":"` + d(200) + `","wave":"Wave 1"},"positions":[` + positions("K", 4, 2000) + `]}`,
		`{"site":{"code":"NS","name":` + jsonString(hostileName) + `,"start_date":"` + d(30) + `","cease_date":"` + d(300) + `"},"positions":[` + positions("N", 2, 3000) + `]}`,
	} {
		inv, err := site.ParseInventory("plan.json", []byte(doc), site.ParseOptions{})
		hubtest.Must(t, err)
		_, err = f.h.Store.ImportPlan(ctx, "admin", inv, []byte(doc))
		hubtest.Must(t, err)
	}
	f.h.Store.Now = now
	alice := f.h.Laptop("alice", wire.RoleEngineer, "LT", "OK")
	if _, err := alice.Syncer.Sync(ctx, "LT", "OK"); err != nil {
		t.Fatal(err)
	}
	work := func(days int, code string, labels ...string) {
		alice.Store.Now = func() time.Time { return f.today.AddDate(0, 0, days).Add(10 * time.Hour) }
		for _, l := range labels {
			hubtest.Work(t, alice.Store, "alice", code, l, "", nil)
		}
	}
	work(-2, "LT", "L1")
	work(-1, "OK", "K1", "K2")
	alice.Store.Now = time.Now
	if _, err := alice.Syncer.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// code issues a one-time code for a person of role (an engineer's sites).
func (f *fixture) code(t testing.TB, name, role string, sites ...string) string {
	c, err := f.h.Store.AddUser(ctx, name, role, sites)
	hubtest.Must(t, err)
	return c
}
