package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"cutover/internal/invgen"
	"cutover/site"
	"cutover/sync/hub"
	"cutover/sync/internal/hubtest"
	"cutover/sync/web"
	"cutover/sync/wire"
)

// BenchmarkOverview is the overview page's server time and size for 200
// sites and 20,000 positions (the README's figures), on SQLite, from the
// request to the last byte, through the hub's edge as served:
//
//	go test ./sync/web -run '^$' -bench Overview -benchtime 20x
func BenchmarkOverview(b *testing.B) {
	h := hubtest.StartWith(b, hubtest.SQLiteSpec(b), func(s *hub.Server) { s.Page = (&web.Page{Store: s.Store}).Handler() })
	var csv bytes.Buffer
	hubtest.Must(b, invgen.WriteCSV(&csv, invgen.Options{Sites: 200, PerSite: 100, Seed: 27}))
	inv, err := site.ParseInventory("force.csv", csv.Bytes(), site.ParseOptions{})
	hubtest.Must(b, err)
	today := time.Now().UTC()
	for i := range inv.Sites { // cease dates from last month to 14 months ahead, starts before
		cease := today.AddDate(0, -1+i%15, 0)
		inv.Sites[i].Site.CeaseDate, inv.Sites[i].CeaseDefault = cease.Format(time.DateOnly), false
		inv.Sites[i].Site.StartDate = cease.AddDate(0, -3, 0).Format(time.DateOnly)
	}
	_, err = h.Store.ImportPlan(context.Background(), "admin", inv, csv.Bytes())
	hubtest.Must(b, err)
	code, err := h.Store.AddUser(context.Background(), "sam", wire.RoleSupervisor, nil)
	hubtest.Must(b, err)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", h.URL+"/signin", bytes.NewBufferString(url.Values{"code": {code}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	hubtest.Must(b, err)
	resp.Body.Close()
	cookie := resp.Cookies()[0]
	b.ResetTimer()
	size := 0
	for i := 0; i < b.N; i++ {
		req, _ := http.NewRequest("GET", h.URL+"/", nil)
		req.AddCookie(cookie)
		resp, err := c.Do(req)
		hubtest.Must(b, err)
		var page bytes.Buffer
		n, _ := io.Copy(&page, resp.Body)
		if i == 0 && bytes.Count(page.Bytes(), []byte(`<th scope="row"><a href="/sites/`)) != 200 {
			b.Fatalf("the overview does not list 200 sites")
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("GET /: %d", resp.StatusCode)
		}
		size = int(n)
	}
	b.ReportMetric(float64(size), "bytes/page")
}
