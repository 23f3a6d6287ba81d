package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// hub user add --web words the one-time code for a browser; without it the
// laptop's words say the web page takes it too.
func TestHubUserAddForTheWebPage(t *testing.T) {
	dir := t.TempDir()
	store := "sqlite:" + filepath.Join(dir, "hub.db")
	code, out, errs := runIn(context.Background(), t, dir, "hub", "user", "add", "pm", "--role", "supervisor", "--web", "--store", store)
	if code != 0 || !strings.Contains(out, "pm (supervisor) can now sign in to the hub's web page once with this code") ||
		!strings.Contains(out, "open https://HUB/ and type the code") || strings.Contains(out, "cutover login") {
		t.Fatalf("--web: %d %q %q", code, out, errs)
	}
	code, out, _ = runIn(context.Background(), t, dir, "hub", "user", "add", "pm", "--role", "supervisor", "--store", store)
	if code != 0 || !strings.Contains(out, "cutover login") || !strings.Contains(out, "sign in to the web page with it") {
		t.Fatalf("without --web: %d %q", code, out)
	}
}
