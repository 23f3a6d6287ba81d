package cli

import (
	"context"
	"strings"
	"testing"

	"cutover/config"
	"cutover/sync/client"
)

// --hub uses the saved login only when it is for that hub, and says how to
// log in to the other one; nothing is sent anywhere (the hubs named here do
// not exist, and no request is made).
func TestProgressHubFlagNeedsLoginForThatHub(t *testing.T) {
	home := t.TempDir()
	ctx := context.Background()
	if code, _, e := runIn(ctx, t, home, "progress", "--hub", "http://127.0.0.1:9"); code != 1 ||
		!strings.Contains(e, "not logged in to http://127.0.0.1:9: run 'cutover login --hub http://127.0.0.1:9 --code CODE'") {
		t.Fatalf("no login: %d %s", code, e)
	}
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	creds := &client.Credentials{Hub: "http://127.0.0.1:8", User: "sam", Role: "supervisor", RefreshToken: "r", AccessToken: "a"}
	if err := creds.Save(client.CredentialsPath(config.DefaultPath(getenv), getenv)); err != nil {
		t.Fatal(err)
	}
	if code, _, e := runIn(ctx, t, home, "progress", "--hub", "http://127.0.0.1:9/", "--json"); code != 1 ||
		!strings.Contains(e, "the saved login is for http://127.0.0.1:8, not http://127.0.0.1:9") ||
		!strings.Contains(e, "cutover login --hub http://127.0.0.1:9 --code CODE") {
		t.Fatalf("login for another hub: %d %s", code, e)
	}
	// The same hub (spelt with a slash): the login is used, and the request
	// goes there (nothing listens, so it fails naming that hub).
	if code, _, e := runIn(ctx, t, home, "progress", "--hub", "http://127.0.0.1:8/"); code != 1 ||
		strings.Contains(e, "saved login") || !strings.Contains(e, "hub http://127.0.0.1:8") {
		t.Fatalf("login for this hub: %d %s", code, e)
	}
	if code, _, e := runIn(ctx, t, home, "progress", "--hub", "http://10.1.2.3"); code != 2 || !strings.Contains(e, "https") {
		t.Fatalf("plain http to a remote hub: %d %s", code, e)
	}
}
