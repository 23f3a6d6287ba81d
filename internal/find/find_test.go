package find

import "testing"

func demoKey() string {
	var k Key
	k.Text("CS-01", "custody suite", "custody_suite", "Main / G / Custody suite", "Cisco IP Phone 7941", "Avaya J179")
	k.Phone("31015")
	k.Phone("020 7230 1013")
	k.MAC("00:1e:13:8c:90:15")
	k.Port("kx-sw1", "Gi1/0/3")
	return k.String()
}

// Every form people type finds the row; near misses do not.
func TestFormsPeopleType(t *testing.T) {
	key := demoKey()
	for _, q := range []string{"cs-01", "CUSTODY SUITE", "custody  suite", "custody_suite", "7941", "j179",
		"gi1/0/3", "GI1/0/3", "GigabitEthernet1/0/3", "gig 1/0/3", "kx-sw1 gi1/0/3", "kx-sw1",
		"020 7230 1013", "02072301013", "+442072301013", "+44 20 7230 1013", "0044 20 7230 1013", "(020) 7230-1013", "7230 1013",
		"SEP001E138C9015", "sep001e", "00:1e:13:8c:90:15", "001e.138c.9015", "00-1E-13-8C-90-15", "001E138C9015", "8c:90:15",
		"31015"} {
		if !Parse(q).Match(key) {
			t.Errorf("%q does not find CS-01 (key %q)", q, key)
		}
	}
	for _, q := range []string{"gi1/0/30", "gi1/0/31", "020 7230 1003", "hot desk", "cs-02", "7941cisco"} {
		if Parse(q).Match(key) {
			t.Errorf("%q finds CS-01", q)
		}
	}
	var k Key
	k.Port("kx-sw1", "Gi1/0/30")
	if Parse("gi1/0/3").Match(k.String()) {
		t.Error("gi1/0/3 finds Gi1/0/30")
	}
	if !Parse("gi1/0/").Match(k.String()) {
		t.Error("gi1/0/ does not find Gi1/0/30")
	}
}

// Narrows is true only when searching the last result is enough.
func TestNarrows(t *testing.T) {
	for _, c := range []struct {
		prev, q string
		want    bool
	}{{"", "c", true}, {"c", "cu", true}, {"00:1e", "00:1e:1", true}, {"gi1/0/3", "gi1/0/30", false},
		{"gi1/0/", "gi1/0/3", true}, {"cu", "", false}, {"020 7", "020 72", true}} {
		if got := Parse(c.q).Narrows(Parse(c.prev)); got != c.want {
			t.Errorf("%q after %q: narrows %v", c.q, c.prev, got)
		}
	}
}

func TestID(t *testing.T) {
	for in, want := range map[string]string{"SEP001E138C9015": "001e138c9015", "00:1E:13:8C:90:15": "001e138c9015",
		"001e.138c.9015\r\n": "001e138c9015", " FCH1234ABCD ": "fch1234abcd", "MPS-004512": "mps-004512"} {
		if got := ID(in); got != want {
			t.Errorf("ID(%q) = %q, want %q", in, got, want)
		}
	}
}
