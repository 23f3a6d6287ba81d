package oui

import "testing"

func TestTable(t *testing.T) {
	if Len() < 30 {
		t.Fatalf("table has %d entries", Len())
	}
	for mac, fam := range map[string]string{
		"00:10:49:20:3b:42": "mitel", "00:04:F2:17:99:7E": "other",
		"00:1b:4f:01:02:03": "avaya", "00:1e:13:8c:9b:30": "cisco",
	} {
		e, ok := Lookup(mac)
		if !ok || e.Family != fam {
			t.Errorf("Lookup(%s) = %+v %v, want family %s", mac, e, ok, fam)
		}
	}
	if _, ok := Lookup("00:22:19:97:2a:1f"); ok {
		t.Error("Dell OUI must not be a phone vendor")
	}
	if _, ok := Lookup("00:1"); ok {
		t.Error("short MAC matched")
	}
	if _, err := Parse("zz other phone X"); err == nil {
		t.Error("bad OUI accepted")
	}
}
