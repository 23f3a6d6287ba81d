package devices

import (
	"reflect"
	"testing"
)

func TestReconcile(t *testing.T) {
	results := []SwitchResult{
		{Switch: "127.0.0.1:11161", SysName: "KX-SW1.station.police.uk", Phones: []Phone{
			{Port: "Fa0/13", MAC: "00:1e:13:8c:9b:30"}, // matched by MAC
			{Port: "Fa0/17", MAC: "00:1e:13:6c:3a:3c"}, // moved (planned on Fa0/5)
			{Port: "Fa0/11", MAC: "00:04:f2:17:99:7e"}, // matched by port (inventory has no MAC)
			{Port: "Fa0/20", MAC: "00:10:49:00:00:01"}, // unexpected
		}},
		{Switch: "10.0.0.2", SysName: "kx-sw2", Phones: []Phone{{Port: "1:6", MAC: "00:10:49:20:3b:42"}}},
		{Switch: "10.0.0.3", Error: "switch 10.0.0.3: no SNMP answer"},
	}
	exp := []Expected{
		{Label: "A", MAC: "001E.138C.9B30", Switch: "kx-sw1", Port: "FastEthernet0/13"},
		{Label: "B", MAC: "00-1E-13-6C-3A-3C", Switch: "kx-sw1", Port: "Fa0/5"},
		{Label: "C", Switch: "kx-sw1", Port: "fa0/11"},
		{Label: "D", MAC: "00:1e:13:00:00:99", Switch: "kx-sw1", Port: "Fa0/9"},   // missing
		{Label: "E", MAC: "00:10:49:20:3b:42", Switch: "kx-sw1", Port: "Fa0/6"},   // moved to another switch
		{Label: "F", MAC: "00:10:49:99:99:99", Switch: "kx-sw3", Port: "Gi1/0/1"}, // switch not read
		{Label: "G", Switch: "kx-sw2", Port: "1:9"},                               // missing, no MAC
	}
	r := Reconcile(exp, results, map[string]string{"kx-sw3": "10.0.0.3"})
	labels := func(ms []Match) (out []string) {
		for _, m := range ms {
			out = append(out, m.Expected.Label+"/"+m.By+"@"+m.Seen.Switch+" "+m.Seen.Phone.Port)
		}
		return
	}
	if got, want := labels(r.Matched), []string{"A/mac@127.0.0.1:11161 Fa0/13", "C/port@127.0.0.1:11161 Fa0/11"}; !reflect.DeepEqual(got, want) {
		t.Errorf("matched %v, want %v", got, want)
	}
	if got, want := labels(r.Moved), []string{"B/mac@127.0.0.1:11161 Fa0/17", "E/mac@10.0.0.2 1:6"}; !reflect.DeepEqual(got, want) {
		t.Errorf("moved %v, want %v", got, want)
	}
	if len(r.Unexpected) != 1 || r.Unexpected[0].Phone.Port != "Fa0/20" {
		t.Errorf("unexpected %+v", r.Unexpected)
	}
	if len(r.Missing) != 2 || r.Missing[0].Label != "D" || r.Missing[1].Label != "G" {
		t.Errorf("missing %+v", r.Missing)
	}
	if len(r.Unchecked) != 1 || r.Unchecked[0].Label != "F" {
		t.Errorf("unchecked %+v", r.Unchecked)
	}
	// By address, with and without the port.
	if !switchMatches("127.0.0.1", "127.0.0.1:11161", "", nil) || !switchMatches("127.0.0.1:11161", "127.0.0.1:11161", "", nil) {
		t.Error("address match failed")
	}
	if switchMatches("10.0.0", "10.0.0.2", "10.0.0.2", nil) {
		t.Error("an IP must not match by its first label")
	}
}
