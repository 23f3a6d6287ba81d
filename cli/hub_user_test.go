package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"cutover/site"
)

// The life of a login (issue 26): one laptop revoked, told so in words,
// its work kept and listed by the hub; a revoked person kept out until
// reinstated.
func TestHubUserRevokeListReinstateCLI(t *testing.T) {
	hubHome, alice := t.TempDir(), t.TempDir()
	store := "sqlite:" + filepath.Join(hubHome, "hub.db")
	plan := filepath.Join(hubHome, "kx.csv")
	os.WriteFile(plan, []byte("site,label,role,plan,legacy_vendor,extension\nKX,FC-01,front_counter,avaya_fixed,cisco,31001\n"), 0o600)
	if code, out, e := runIn(context.Background(), t, hubHome, "hub", "import", plan, "--store", store); code != 0 {
		t.Fatalf("hub import: %d %s %s", code, out, e)
	}
	codeRE := regexp.MustCompile(`[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}`)
	_, out, _ := runIn(context.Background(), t, hubHome, "hub", "user", "add", "alice", "--role", "engineer", "--sites", "KX", "--store", store)
	enrol := codeRE.FindString(out)
	ctx, cancel := context.WithCancel(context.Background())
	var served syncBuffer
	done := make(chan int)
	go func() {
		env := &Env{Stdin: strings.NewReader(""), Stdout: &served, Stderr: &served, Now: time.Now,
			Getenv: func(k string) string { return map[string]string{"HOME": hubHome}[k] }}
		done <- Run(ctx, env, []string{"serve", "--listen", "127.0.0.1:0", "--store", store})
	}()
	defer func() { cancel(); <-done }()
	var url string
	for i := 0; i < 200 && url == ""; i++ {
		time.Sleep(10 * time.Millisecond)
		url = regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(served.String())
	}
	if code, o, e := runIn(ctx, t, alice, "login", "--hub", url, "--code", enrol); code != 0 {
		t.Fatalf("login: %d %s %s", code, o, e)
	}
	if code, o, e := runIn(ctx, t, alice, "pull", "--site", "KX"); code != 0 {
		t.Fatalf("pull: %d %s %s", code, o, e)
	}
	var creds struct {
		ClientID string `json:"client_id"`
		HubName  string `json:"hub_name"`
	}
	b, _ := os.ReadFile(filepath.Join(alice, ".config", "cutover", "hub-credentials.json"))
	json.Unmarshal(b, &creds)
	if creds.ClientID == "" || creds.HubName == "" {
		t.Fatalf("credentials without a client id or hub name: %s", b)
	}
	st, err := site.Open(filepath.Join(alice, ".local", "share", "cutover", "cutover.db"))
	if err != nil {
		t.Fatal(err)
	}
	err = st.Write(ctx, "alice", func(tx *site.Tx) error {
		return tx.Op("KX", "note.add.v1", "position", "FC-01", map[string]string{"text": "kept"})
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The lost laptop is cut off; the person stays.
	if code, o, e := runIn(ctx, t, hubHome, "hub", "user", "revoke", "alice", "--laptop", creds.ClientID, "--store", store); code != 0 || !strings.Contains(o, "other laptops go on") {
		t.Fatalf("revoke --laptop: %d %s %s", code, o, e)
	}
	code, o, e := runIn(ctx, t, alice, "sync")
	if code == 0 || !strings.Contains(e, "revoked") || !strings.Contains(e, "work is kept on this laptop") || !strings.Contains(e, "ask an admin") {
		t.Fatalf("sync of a revoked laptop: %d %s %s", code, o, e)
	}
	_, list, _ := runIn(ctx, t, hubHome, "hub", "user", "list", "--store", store)
	if !strings.Contains(list, creds.ClientID) || !strings.Contains(list, "1 op(s) not received") || !strings.Contains(list, "revoked") {
		t.Fatalf("hub user list:\n%s", list)
	}
	// A revoked person is not added back by accident.
	runIn(ctx, t, hubHome, "hub", "user", "revoke", "alice", "--store", store)
	if code, _, e := runIn(ctx, t, hubHome, "hub", "user", "add", "alice", "--role", "engineer", "--sites", "KX", "--store", store); code != 2 || !strings.Contains(e, "--reinstate") {
		t.Fatalf("user add of a revoked person: %d %s", code, e)
	}
	if code, o, e := runIn(ctx, t, hubHome, "hub", "user", "add", "alice", "--role", "engineer", "--sites", "KX", "--reinstate", "--store", store); code != 0 || !codeRE.MatchString(o) {
		t.Fatalf("user add --reinstate: %d %s %s", code, o, e)
	}
}
