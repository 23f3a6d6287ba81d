package cli

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// screen is the TUI running in tmux inside the testbed's switch namespace:
// the real binary in a real terminal, driven by the keys a person presses.
type screen struct {
	t      *testing.T
	socket string
}

func (tb *testbed) tui() *screen {
	tb.t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		tb.t.Skip("SKIPPED the testbed visit by keys: tmux is missing (./test.sh installs it)")
	}
	s := &screen{t: tb.t, socket: "cutover-" + tb.name}
	home := tb.t.TempDir()
	cmd := fmt.Sprintf("ip netns exec %s-sw env HOME=%s XDG_CONFIG_HOME=%s XDG_DATA_HOME=%s NO_COLOR=1 %s --db %s --engineer tester --site TB; sleep 60",
		tb.name, home, home, home, tb.bin, tb.db)
	if out, err := s.tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", cmd); err != nil {
		tb.t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	tb.t.Cleanup(func() { _, _ = s.tmux("kill-server") })
	return s
}

func (s *screen) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	return string(out), err
}

// press sends keys as tmux names them ("Enter", "Down", "e", "public"),
// at a person's pace: having read what came up first (the wizard takes no
// key for a step that came up in the same instant).
func (s *screen) press(keys ...string) {
	s.t.Helper()
	time.Sleep(800 * time.Millisecond)
	for _, k := range keys {
		if out, err := s.tmux("send-keys", "-t", "t", k); err != nil {
			s.t.Fatalf("tmux send-keys %q: %v %s", k, err, out)
		}
	}
}

// confirm presses enter on a confirm step as a person does: having read
// it (the wizard does not take an enter straight after the last result).
func (s *screen) confirm() {
	s.t.Helper()
	time.Sleep(time.Second)
	s.press("Enter")
}

// typeText sends text literally, as typed or scanned.
func (s *screen) typeText(text string) {
	s.t.Helper()
	time.Sleep(800 * time.Millisecond)
	if out, err := s.tmux("send-keys", "-t", "t", "-l", text); err != nil {
		s.t.Fatalf("tmux send-keys -l %q: %v %s", text, err, out)
	}
}

func (s *screen) text() string {
	out, _ := s.tmux("capture-pane", "-p", "-J", "-t", "t")
	return out
}

// waitFor waits until the screen shows every one of want (a wait for the
// program, not a timing check), for up to limit.
func (s *screen) waitFor(limit time.Duration, want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		got := s.text()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(got, w)
		}
		if ok {
			return got
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q:\n%s", want, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A visit on the real LLDP network by keys in the TUI, as an engineer
// would: no discovery first and nothing given on the command line, so the
// first check asks where the switch answers and for the SNMP credentials
// (recording nothing meanwhile); the pre-check of a CDP-only Cisco on a
// switch that reports neither PoE nor a voice VLAN is confirmed by eye;
// the test unplugs the Cisco and plugs in an Avaya J179, which the verify
// step reads over LLDP-MED; then a Mitel behind a PC's bridge is removed
// and the gone check waits, by itself, for the switch to forget it.
func TestTestbedVisitByKeys(t *testing.T) {
	tb := startTestbed(t)
	tb.importSite()
	tb.neighbour("ge1", "SEP0011223341A1")
	tb.neighbour("ge6", "23AB0177D")
	s := tb.tui()
	const wait = 20 * time.Second
	s.waitFor(wait, "p positions")

	open := func(label string) {
		t.Helper()
		s.press("p")
		s.waitFor(wait, "/ to filter")
		s.press("/")
		s.typeText(label)
		s.waitFor(wait, "▸ ○ planned     "+label)
		s.press("Enter", "Enter")
		s.waitFor(wait, label+"  ○ planned", "w/enter swap runbook")
		s.press("w")
		s.waitFor(wait, label+"  ○ planned  0 of")
	}
	open("CS-01")

	// The first check: where is the switch, and with what credentials?
	s.press("Enter")
	s.waitFor(wait, "Address of tb-sw1", "no SNMP address known on this laptop; nothing was recorded")
	s.typeText("127.0.0.1")
	s.press("Enter")
	s.waitFor(wait, "tb-sw1 recorded at 127.0.0.1:161 for site TB")
	s.press("Enter")
	s.waitFor(wait, "SNMP credentials", "no SNMP credentials")
	s.press("Down")
	s.typeText("public")
	s.press("Enter", "Enter")
	s.waitFor(wait, "SNMP credentials set for this session: enter runs the check")
	s.press("Enter")
	s.waitFor(wait, "PoE not reported by", "e confirm by eye")
	if _, out, _ := tb.cutover("runbook", "--site", "TB", "--position", "CS-01"); strings.Contains(out, "✓  1") || strings.Contains(out, "✗  1") {
		t.Fatalf("something was recorded before the engineer confirmed by eye:\n%s", out)
	}
	s.press("e")
	s.waitFor(wait, "What did you see")
	s.typeText("PoE light on; VLAN 110 in the phone's menu")
	s.press("Enter")
	s.waitFor(wait, "▸  2 Scan the legacy handset's serial")
	s.typeText("FCH1234CS01")
	s.press("Enter")
	s.waitFor(wait, "▸  3 Scan the legacy asset tag")
	s.typeText("MPS-CS01")
	s.press("Enter")
	s.waitFor(wait, "▸  4 Record the handset's condition")
	s.press("w")
	s.press("Enter")
	// A custody suite is critical: tell the custody sergeant, then stage
	// the new J179 on a spare port (ge5) before touching the Cisco.
	s.waitFor(wait, "▸  5 Tell the custody sergeant")
	s.typeText("PS Morgan")
	s.press("Enter")
	s.waitFor(wait, "▸  6 Stage the new phone")
	s.press("Enter")
	s.waitFor(wait, "Spare port the new phone is plugged into")
	s.typeText("ge5")
	s.press("Enter")
	s.waitFor(wait, "▸  7 Swap the handset", "staged on ge5")

	// The swap, done for real: a cable move from ge5 to ge1.
	for _, port := range []string{"ge1", "ge5"} {
		if out, err := tb.sh("unplug", port); err != nil {
			t.Fatalf("unplug %s: %v %s", port, err, out)
		}
	}
	tb.neighbour("ge1", "")
	if out, err := tb.sh("plug", "ge1", "avaya-j179"); err != nil {
		t.Fatalf("plug: %v %s", err, out)
	}
	tb.neighbour("ge1", "22WZ5150B1A7")
	s.confirm()
	s.waitFor(wait, "▸  8 Verify the new phone on the port", "☎ CS-01 dark")
	s.press("Enter")
	s.waitFor(wait, "▸  9 Confirm the new phone's serial", "22WZ5150B1A7  (enter takes it)")
	s.press("Enter")
	s.waitFor(wait, "▸ 10 Scan the new phone's asset tag")

	code, out, _ := tb.cutover("runbook", "--site", "TB", "--position", "CS-01")
	for _, want := range []string{"confirmed by eye, not proven", "FCH1234CS01", "MPS-CS01", "worn", "PS Morgan", "staged on ge5", "22WZ5150B1A7"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("CS-01's runbook after the keys lacks %q:\n%s", want, out)
		}
	}
	t.Logf("testbed by keys, CS-01:\n%s", out)

	// HD-06: removal of the Mitel behind the PC's bridge. The port stays
	// up, the switch keeps the phone's LLDP entry until its TTL runs out:
	// the wizard counts down and checks again by itself, recording nothing
	// until the port is empty.
	// CS-01 is a custody suite without a working phone until its inbound
	// call: leaving its wizard asks why, and the reason is recorded.
	s.press("Escape") // closes the asset tag's box
	s.press("Escape")
	s.waitFor(wait, "why leave it so?")
	s.typeText("test calls after the custody sergeant's briefing")
	s.press("Enter")
	s.waitFor(wait, "CS-01 left dark")
	for i := 0; !strings.Contains(s.text(), "p positions"); i++ { // back to the site, one screen at a time
		if i == 8 {
			t.Fatalf("esc never led back to the site's dashboard:\n%s", s.text())
		}
		s.press("Escape")
		time.Sleep(300 * time.Millisecond)
	}
	open("HD-06")
	s.waitFor(wait, "▸  1 Scan the legacy handset's serial")
	s.typeText("23AB0177D")
	s.press("Enter")
	s.waitFor(wait, "▸  2 Scan the legacy asset tag")
	s.typeText("MPS-HD06")
	s.press("Enter")
	s.waitFor(wait, "▸  3 Record the handset's condition")
	s.press("w")
	s.press("Enter")
	s.waitFor(wait, "▸  4 Remove the handset")
	if out, err := tb.sh("unplug", "ge6"); err != nil {
		t.Fatalf("unplug ge6: %v %s", err, out)
	}
	s.confirm()
	s.waitFor(wait, "▸  5 Check the port is empty")
	s.press("Enter")
	waiting := s.waitFor(wait, "checking again")
	t.Logf("testbed by keys, HD-06 gone while the switch still lists the Mitel:\n%s", linesWith(waiting, "again", "until", "still"))
	s.waitFor(60*time.Second, "▸  6 Surrender the legacy numbers")
	code, out, _ = tb.cutover("runbook", "--site", "TB", "--position", "HD-06")
	if code != 0 || !strings.Contains(out, "gone") || strings.Contains(out, "fail") {
		t.Errorf("HD-06's gone by keys: one pass, nothing failed while waiting:\n%s", out)
	}
	t.Logf("testbed by keys, HD-06:\n%s", out)
}

// linesWith keeps the screen's lines that hold any of words.
func linesWith(s string, words ...string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, w := range words {
			if strings.Contains(l, w) {
				out = append(out, strings.TrimSpace(l))
				break
			}
		}
	}
	return strings.Join(out, "\n")
}
