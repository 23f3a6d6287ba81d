package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cutover/sync/internal/hubtest"
	"cutover/sync/wire"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// chromium finds Debian's chromium; outside CI the browser test skips with
// one line when there is none (./test.sh installs it as root).
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium: CI must run the browser test (apt-get install chromium)")
	}
	t.Skip("no chromium found: the web page's browser test needs Debian's chromium (./test.sh installs it as root)")
	return ""
}

// screenshotDir is where the browser test keeps its screenshots for a
// person to look at: $CUTOVER_SCREENSHOTS, else testdata/screenshots
// beside this package (ignored by git).
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("CUTOVER_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	hubtest.Must(t, os.MkdirAll(dir, 0o755))
	return dir
}

// TestInARealBrowser drives the page in headless chromium as a supervisor
// and then an engineer would: sign in with a code, the overview, a late
// site, a position, an export downloaded, sign out; the engineer of one
// site sees that site only; hostile text shows as text. Each page is
// photographed at 1280×800 and 390×844.
func TestInARealBrowser(t *testing.T) {
	exe := chromium(t)
	f := newFixture(t, hubtest.SQLiteSpec(t))
	shots := screenshotDir(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancel = context.WithTimeout(bctx, 3*time.Minute)
	defer cancel()
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	shoot := func(name string) {
		t.Helper()
		for _, size := range [][2]int64{{1280, 800}, {390, 844}} {
			run("viewport", chromedp.EmulateViewport(size[0], size[1]))
			png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatalf("screenshot %s: %v", name, err)
			}
			file := filepath.Join(shots, name+"-"+map[int64]string{1280: "1280x800", 390: "390x844"}[size[0]]+".png")
			hubtest.Must(t, os.WriteFile(file, png, 0o644))
		}
	}
	signIn := func(code string) {
		t.Helper()
		run("sign in", chromedp.Navigate(f.h.URL+"/"), chromedp.WaitVisible(chromedp.ID("code")),
			chromedp.SendKeys(chromedp.ID("code"), code), chromedp.Click(chromedp.CSS("form.signin button")))
		wctx, cancel := context.WithTimeout(bctx, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS("form.out"))); err != nil {
			t.Fatalf("signing in: %v; the page says: %s", err, text("main"))
		}
	}

	// The sign-in page, then the supervisor's overview.
	run("open", chromedp.Navigate(f.h.URL+"/"), chromedp.WaitVisible(chromedp.ID("code")))
	shoot("signin")
	signIn(f.code(t, "sam", wire.RoleSupervisor))
	if h := text("h1"); h != "The force" {
		t.Fatalf("after sign-in the page is %q", h)
	}
	body := text("main")
	for _, want := range []string{"late by", "on track", "not started (starts", "Forecast by month", "Sites (3 of 3)"} {
		if !strings.Contains(body, want) {
			t.Fatalf("overview lacks %q:\n%s", want, body)
		}
	}
	// Hostile text is text: the name reads as given, no element came of it.
	if !strings.Contains(body, hostileName) {
		t.Fatalf("the hostile site name is not shown as text:\n%s", body)
	}
	scripts, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("script, main img").length`))
	if err != nil || scripts != 0 {
		t.Fatalf("elements made of inventory text: %d (%v)", scripts, err)
	}
	shoot("overview")

	// A late site, and one of its positions.
	run("late site", chromedp.Click(chromedp.CSS(`a[href="/sites/LT"]`)), chromedp.WaitVisible(chromedp.CSS("p.big .v-late")))
	if v := text("p.big"); !strings.HasPrefix(v, "⚠ late by") {
		t.Fatalf("the late site's verdict: %q", v)
	}
	shoot("site-late")
	run("position", chromedp.Click(chromedp.CSS(`a[href="/sites/LT/positions/L1"]`)), chromedp.WaitVisible(chromedp.CSS("dl.sched")))
	if h := text("h1"); h != "LT L1" {
		t.Fatalf("position page %q", h)
	}
	shoot("position")

	// Download an export from the site page.
	dl := t.TempDir()
	progress := chromedp.Events(bctx, cdpbrowser.DownloadProgress)
	run("download", chromedp.Navigate(f.h.URL+"/sites/LT"), chromedp.WaitVisible(chromedp.CSS(`a[href="/sites/LT/export/retire"]`)),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			yes := true
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dl, EventsEnabled: &yes})
			return err
		}),
		chromedp.Click(chromedp.CSS(`a[href="/sites/LT/export/retire"]`)))
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			t.Fatal("download cancelled")
		}
		if ev.State != cdpbrowser.DownloadProgressStateCompleted {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dl, ev.GUID))
		if err != nil || !strings.Contains(string(data), "L1") {
			t.Fatalf("downloaded export: %v\n%s", err, data)
		}
		break
	}
	// The engineers page.
	run("engineers", chromedp.Navigate(f.h.URL+"/engineers"), chromedp.WaitVisible(chromedp.CSS("svg.spark")))
	shoot("engineers")

	// Sign out: back to the sign-in page, and a site now wants a sign-in.
	run("sign out", chromedp.Click(chromedp.CSS("form.out button")), chromedp.WaitVisible(chromedp.ID("code")))
	run("after sign out", chromedp.Navigate(f.h.URL+"/sites/LT"), chromedp.WaitVisible(chromedp.ID("code")))

	// An engineer of OK sees OK only; LT is refused in words.
	signIn(f.code(t, "eve", wire.RoleEngineer, "OK"))
	body = text("main")
	if !strings.Contains(body, "Oak Lane") || strings.Contains(body, "Late Street") || !strings.Contains(body, "Sites (1 of 1)") {
		t.Fatalf("engineer's overview:\n%s", body)
	}
	shoot("overview-engineer")
	run("refused site", chromedp.Navigate(f.h.URL+"/sites/LT"), chromedp.WaitVisible(chromedp.CSS("p.msg")))
	if m := text("p.msg"); m != "You may not see that site." {
		t.Fatalf("engineer at LT: %q", m)
	}
	shoot("refused")
	run("sign out", chromedp.Click(chromedp.CSS("form.out button")), chromedp.WaitVisible(chromedp.ID("code")))
}
