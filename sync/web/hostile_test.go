package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"cutover/sync/hub"
	"cutover/sync/wire"
)

// Text that reached the hub by any road is shown as text: markup escaped,
// and a bidi control or invisible format character made visible (\u202e),
// so that a name cannot read other than it is.
func TestHostileTextIsShownAsText(t *testing.T) {
	name := "Evil \u202eexe.txt\u202c <script>alert(1)</script> \"q\" 'q'"
	prog := wire.Progress{Today: "2026-12-07", Sites: []wire.SiteProgress{{Code: "EV", Name: name, CeaseDate: "2027-01-01",
		Wave: "W\u2066x", Verdict: wire.Verdict{Kind: wire.VerdictOnTrack, Words: "on track", Short: "on track"},
		Problems: []wire.Problem{{Label: "P\u200b1", Kind: "failed", Reason: "no PoE \u202e<b>x</b>"}}}}}
	prog.Sites[0].Positions, prog.Sites[0].Remaining = 1, 1
	pr := hub.Principal{User: "sam", Role: wire.RoleSupervisor}
	for _, page := range []struct {
		name string
		body any
	}{{"overview.html", overviewOf(prog, "", "")}, {"site.html", siteView{S: prog.Sites[0]}}} {
		rec := httptest.NewRecorder()
		(&Page{}).render(rec, httptest.NewRequest("GET", "/", nil), 200, page.name, view{Title: "t", User: &pr, Today: prog.Today, Body: page.body})
		out := rec.Body.String()
		for _, bad := range []string{"\u202e", "\u202c", "\u2066", "\u200b", "<script>", "<b>x"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s shows %q as is", page.name, bad)
			}
		}
		if !strings.Contains(out, `Evil \u202eexe.txt\u202c &lt;script&gt;alert(1)&lt;/script&gt; &#34;q&#34; &#39;q&#39;`) {
			t.Errorf("%s: the name is not shown as text:\n%s", page.name, out)
		}
	}
}
