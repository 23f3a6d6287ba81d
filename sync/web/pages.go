package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"cutover/internal/find"
	"cutover/internal/safetext"
	"cutover/site/export"
	"cutover/sync/hub"
	"cutover/sync/wire"
)

//go:embed assets
var assets embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"t":     safetext.Line,
	"pct":   percent,
	"day":   wire.Day,
	"kinds": func() []export.Kind { return export.Kinds },
	"name":  wire.VerdictName,
}).ParseFS(assets, "assets/*.html"))

func percent(done, total int) int {
	if total <= 0 {
		return 100
	}
	return done * 100 / total
}

func serveStyle(w http.ResponseWriter, r *http.Request) {
	b, _ := assets.ReadFile("assets/style.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Write(b)
}

// view is what every page's template is given.
type view struct {
	Title string
	User  *hub.Principal
	Today string
	Msg   string
	Body  any
}

// render writes a page whole, or an error page if the template fails.
func (p *Page) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, v); err != nil {
		p.logf("web template %s: %v", name, err)
		http.Error(w, "the page could not be drawn", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func (p *Page) problem(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p.render(w, r, status, "problem.html", view{Title: http.StatusText(status), Msg: msg})
}

// refuse is problem for a signed-in person, who keeps the page's header.
func (p *Page) refuse(w http.ResponseWriter, r *http.Request, pr hub.Principal, status int, msg string) {
	p.render(w, r, status, "problem.html", view{Title: http.StatusText(status), Msg: msg, User: &pr})
}

func (p *Page) signinForm(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p.render(w, r, status, "signin.html", view{Title: "Sign in", Msg: msg})
}

// home is the force overview, or the sign-in page.
func (p *Page) home(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.sessionUser(r); !ok {
		p.signinForm(w, r, http.StatusOK, "")
		return
	}
	pr, ok := p.principal(w, r)
	if !ok {
		return
	}
	prog, err := p.Store.Progress(r.Context(), pr, p.Now())
	if err != nil {
		p.storeError(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "overview.html", view{Title: "Overview", User: &pr, Today: prog.Today,
		Body: overviewOf(prog, r.URL.Query().Get("q"), r.URL.Query().Get("sort"))})
}

// overview is the force page's model.
type overview struct {
	P        wire.Progress
	Counts   []verdictCount
	Sites    []wire.SiteProgress
	Shown    int
	Query    string
	Order    string
	Orders   []string
	BurnDown template.HTML
	Forecast forecast
}

type verdictCount struct {
	Kind, Mark string
	N          int
}

func overviewOf(prog wire.Progress, q, order string) overview {
	o := overview{P: prog, Query: q}
	n := map[string]int{}
	for _, sp := range prog.Sites {
		n[sp.Verdict.Kind]++
	}
	for _, k := range wire.VerdictKinds() {
		if n[k] > 0 {
			o.Counts = append(o.Counts, verdictCount{k, wire.Verdict{Kind: k}.Mark(), n[k]})
		}
	}
	ord, ok := wire.ParseSiteOrder(order)
	if !ok {
		ord = wire.OrderProblems
	}
	o.Order = ord.String()
	for x := wire.SiteOrder(0); x < wire.NumSiteOrders; x++ {
		o.Orders = append(o.Orders, x.String())
	}
	query := find.Parse(q)
	for _, i := range wire.OrderSites(prog.Sites, ord) {
		if sp := prog.Sites[i]; query.Match(wire.SiteKey(sp)) {
			o.Sites = append(o.Sites, sp)
		}
	}
	o.Shown = len(o.Sites)
	force := forceSchedule(prog)
	o.BurnDown = burnDown("The force", force, prog.Today)
	o.Forecast = forecastOf(prog, force)
	return o
}

// sitePage is one site: schedule, verdict, burn-down, needs attention,
// positions, downloads.
func (p *Page) sitePage(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	code := strings.ToUpper(r.PathValue("site"))
	if !pr.CanRead(code) {
		p.refuse(w, r, pr, http.StatusForbidden, "You may not see that site.")
		return
	}
	prog, err := p.Store.Progress(r.Context(), pr, p.Now())
	if err != nil {
		p.storeError(w, r, err)
		return
	}
	var sp *wire.SiteProgress
	for i := range prog.Sites {
		if prog.Sites[i].Code == code {
			sp = &prog.Sites[i]
		}
	}
	if sp == nil {
		p.problem(w, r, http.StatusNotFound, "There is no such site on the hub.")
		return
	}
	rep, err := p.Store.SiteReport(r.Context(), pr, code)
	if err != nil {
		p.storeError(w, r, err)
		return
	}
	sched := siteSchedule(*sp)
	p.render(w, r, http.StatusOK, "site.html", view{Title: sp.Code + " " + sp.Name, User: &pr, Today: prog.Today,
		Body: siteView{S: *sp, Rows: rep.Rows, BurnDown: burnDown(sp.Code, sched, prog.Today)}})
}

type siteView struct {
	S        wire.SiteProgress
	Rows     []wire.ReportRow
	BurnDown template.HTML
}

// positionPage is one position with its steps and history.
func (p *Page) positionPage(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	code := strings.ToUpper(r.PathValue("site"))
	if !pr.CanRead(code) {
		p.refuse(w, r, pr, http.StatusForbidden, "You may not see that site.")
		return
	}
	rep, err := p.Store.SiteReport(r.Context(), pr, code)
	if err != nil {
		p.storeError(w, r, err)
		return
	}
	label := r.PathValue("label")
	for _, row := range rep.Rows {
		if strings.EqualFold(row.Label, label) {
			p.render(w, r, http.StatusOK, "position.html", view{Title: code + " " + row.Label, User: &pr,
				Today: p.Now().UTC().Format("2006-01-02"), Body: positionView{Site: code, SiteName: rep.Name, R: row}})
			return
		}
	}
	p.problem(w, r, http.StatusNotFound, "There is no such position at "+safetext.Line(code)+".")
}

type positionView struct {
	Site, SiteName string
	R              wire.ReportRow
}

// engineersPage is each engineer's positions done per day, last sync and
// what their laptops still hold.
func (p *Page) engineersPage(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	prog, err := p.Store.Progress(r.Context(), pr, p.Now())
	if err != nil {
		p.storeError(w, r, err)
		return
	}
	var rows []engineerRow
	for _, e := range prog.Engineers {
		total := 0
		for _, d := range e.DonePerDay {
			total += d.Done
		}
		rows = append(rows, engineerRow{E: e, Total: total, Chart: dayBars(e.User, e.DonePerDay, prog.Today, 30)})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Total > rows[j].Total })
	p.render(w, r, http.StatusOK, "engineers.html", view{Title: "Engineers", User: &pr, Today: prog.Today, Body: rows})
}

type engineerRow struct {
	E     wire.EngineerSync
	Total int
	Chart template.HTML
}

// export downloads one export as CSV: for a site, or for every site the
// person may read; the hub's own rules decide what is in it.
func (p *Page) export(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	kind, err := export.ParseKind(r.PathValue("kind"))
	if err != nil {
		p.problem(w, r, http.StatusNotFound, "There is no such export.")
		return
	}
	var sites []string
	name := "all-sites"
	if code := r.PathValue("site"); code != "" {
		code = strings.ToUpper(code)
		if !pr.CanRead(code) {
			p.refuse(w, r, pr, http.StatusForbidden, "You may not see that site.")
			return
		}
		sites, name = []string{code}, code
	}
	e, err := p.Store.Export(r.Context(), pr, kind, sites, false)
	if err != nil {
		p.storeError(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := e.Write(&b, "csv"); err != nil {
		p.storeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.csv"`, fileSafe(name), kind))
	w.Write(b.Bytes())
}

// fileSafe keeps letters, digits and '-' of a name for a file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, s)
}

func safeLine(s string) string { return safetext.Line(s) }
