package devices

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type wantPhone struct {
	port, mac, vendor, ip string
}

// expected lists EXACTLY the phones of ../shared/snmp/README.md.
var expected = map[string][]wantPhone{
	"C3560_10.250.0.35": {
		{"Fa0/11", "00:04:f2:17:99:7e", VendorOther, ""},
		{"Fa0/13", "00:1e:13:8c:9b:30", VendorCisco, "192.168.21.159"},
		{"Fa0/17", "00:1e:13:6c:3a:3c", VendorCisco, "192.168.21.160"},
	},
	"ExtremeXOS_X460-48p_192.168.20.5": {
		{"1:6", "00:10:49:20:3b:42", VendorMitel, "192.168.50.166"},
		{"1:13", "00:10:49:20:3e:1d", VendorMitel, "192.168.50.51"},
		{"1:14", "00:10:49:22:0c:1a", VendorMitel, "192.168.50.137"},
		{"1:15", "00:10:49:20:3d:ff", VendorMitel, "192.168.50.123"},
	},
	"procurve": {{"44", "00:04:f2:c6:70:78", VendorOther, "10.56.32.113"}},
	"routeros_crs317": {
		{"", "00:15:fa:fe:48:06", VendorCisco, ""},
		{"", "00:17:95:b0:f3:81", VendorCisco, ""},
		{"", "00:19:30:d4:a0:25", VendorCisco, ""},
	},
	"ios_2960x": nil,
}

func checkPhones(t *testing.T, name string, r SwitchResult) {
	t.Helper()
	if r.Error != "" {
		t.Fatalf("%s: error %s", name, r.Error)
	}
	want := expected[name]
	var got []wantPhone
	for _, p := range r.Phones {
		got = append(got, wantPhone{p.Port, p.MAC, p.Vendor, p.IP})
		if len(p.Evidence) == 0 || len(p.Sources) == 0 {
			t.Errorf("%s: phone %+v has no evidence or sources", name, p)
		}
	}
	key := func(a, b wantPhone) int { return strings.Compare(a.port+a.mac, b.port+b.mac) }
	slices.SortFunc(got, key)
	slices.SortFunc(want, key)
	if !slices.Equal(got, want) {
		t.Errorf("%s: phones\n got %v\nwant %v", name, got, want)
	}
}

func discoverAll(t *testing.T, creds func(name string) Credentials) map[string]SwitchResult {
	addr := simAddr(t)
	var names []string
	var targets []Target
	for name := range expected {
		names = append(names, name)
		targets = append(targets, Target{Address: addr, Creds: creds(name)})
	}
	res := Discover(context.Background(), targets, fastOptions())
	out := map[string]SwitchResult{}
	for i, r := range res {
		out[names[i]] = r
	}
	return out
}

func TestDiscoverRealRecordings(t *testing.T) {
	res := discoverAll(t, v2)
	for name, r := range res {
		checkPhones(t, name, r)
	}
	// Details the README calls out.
	c := res["C3560_10.250.0.35"]
	for _, p := range c.Phones {
		if p.VoiceVLAN != 521 || p.AccessVLAN != 500 {
			t.Errorf("C3560 %s: voice/access VLAN %d/%d, want 521/500", p.Port, p.VoiceVLAN, p.AccessVLAN)
		}
		if p.PoEClass == nil || p.PoEMW == nil {
			t.Errorf("C3560 %s: PoE not mapped through the entity MIB", p.Port)
		}
		if !slices.Contains(p.Sources, "fdb") || !slices.Contains(p.Sources, "cdp") {
			t.Errorf("C3560 %s: sources %v, want cdp and fdb", p.Port, p.Sources)
		}
	}
	if p := c.Phones[1]; p.Name != "SEP001E138C9B30" || p.Model != "CP-7941" || p.Firmware != "SIP41.8-3-1S" ||
		*p.PoEClass != 2 || *p.PoEMW != 6300 || p.Evidence[0] != EvCDPPhone {
		t.Errorf("C3560 Fa0/13: %+v", p)
	}
	if c.SysName != "COS_DEV_SW10.fnet.eng" || !strings.HasPrefix(c.SysDescr, "Cisco IOS Software") {
		t.Errorf("C3560 system group: %q %q", c.SysName, c.SysDescr)
	}
	for _, p := range res["ExtremeXOS_X460-48p_192.168.20.5"].Phones {
		if !slices.Contains(p.Evidence, EvMEDClass3) || !slices.Contains(p.Evidence, EvLLDPTelephone) || p.VoiceVLAN != 50 ||
			!strings.HasPrefix(p.Model, "Shoretel") || p.Serial == "" || p.PoEClass == nil {
			t.Errorf("Extreme %s: %+v", p.Port, p)
		}
	}
	var uplink bool
	for _, pf := range res["ExtremeXOS_X460-48p_192.168.20.5"].Ports {
		if pf.Name == "1:53" {
			uplink = pf.Uplink
		}
	}
	if !uplink {
		t.Error("Extreme 1:53 (28 ShoreTel MACs behind it) not marked as an uplink")
	}
	if p := res["procurve"].Phones; len(p) == 1 && (p[0].Model != "Polycom SoundPoint IP 335" || p[0].VoiceVLAN != 15) {
		t.Errorf("ProCurve phone: %+v", p[0])
	}
	b, err := json.Marshal(map[string]any{"switches": []SwitchResult{c}})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"switch":`, `"sys_name":`, `"sys_descr":`, `"error":""`, `"port":"Fa0/13"`, `"if_index":10013`,
		`"voice_vlan":521`, `"access_vlan":500`, `"poe_class":`, `"sources":["cdp","fdb"]`, `"evidence":["cdp-phone-capability"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("JSON lacks %s: %s", k, b)
		}
	}
}

func TestDiscoverV3AuthPriv(t *testing.T) {
	addr := simAddr(t)
	for _, name := range []string{"C3560_10.250.0.35", "ExtremeXOS_X460-48p_192.168.20.5", "routeros_crs317"} {
		r := Discover(context.Background(), []Target{{Address: addr, Creds: v3(name)}}, fastOptions())[0]
		checkPhones(t, name, r)
		if strings.Contains(fmt.Sprint(r), simV3Auth) || strings.Contains(fmt.Sprint(v3(name)), simV3Priv) {
			t.Error("a v3 passphrase leaked into printed output")
		}
	}
}

func TestInspectPort(t *testing.T) {
	addr := simAddr(t)
	pf, phones, err := InspectPort(context.Background(), Target{Address: addr, Creds: v2("C3560_10.250.0.35")}, "fa0/13", fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !pf.OperUp || pf.VoiceVLAN != 521 || !pf.PoE.Delivering() || *pf.PoE.Class != 2 || len(phones) != 1 ||
		phones[0].MAC != "00:1e:13:8c:9b:30" {
		t.Errorf("Fa0/13: %+v %+v", pf, phones)
	}
	// The C3560's PSE: 370 W, 17 W delivered (pethMainPseTable).
	if b, u := pf.PoE.BudgetW, pf.PoE.UsedW; b == nil || u == nil || *b != 370 || *u != 17 {
		t.Errorf("Fa0/13 PSE budget %v, in use %v; want 370 W and 17 W", b, u)
	}
	if !slices.Contains(pf.MACs, LearnedMAC{MAC: "00:1e:13:8c:9b:30", VLAN: 521}) {
		t.Errorf("Fa0/13 learned MACs %v lack the phone in VLAN 521", pf.MACs)
	}
	if _, _, err := InspectPort(context.Background(), Target{Address: addr, Creds: v2("C3560_10.250.0.35")}, "Gi9/9", fastOptions()); err == nil ||
		!strings.Contains(err.Error(), "Gi9/9") {
		t.Errorf("unknown port: %v", err)
	}
}

func TestUnreachableAndWrongCommunity(t *testing.T) {
	addr := simAddr(t)
	closed := fmt.Sprintf("127.0.0.1:%d", freeUDPPort(t))
	opts := Options{Timeout: 300 * time.Millisecond, Retries: 0, SwitchTimeout: 10 * time.Second}
	secret := "wrong-s3cret-community"
	res := Discover(context.Background(), []Target{
		{Address: closed, Creds: v2("public")},
		{Address: addr, Creds: v2(secret)},
		{Address: addr, Creds: v2("procurve")},
	}, opts)
	t.Logf("closed port: %s\nwrong community: %s", res[0].Error, res[1].Error)
	if res[0].Error == "" || !strings.Contains(res[0].Error, closed) || !strings.Contains(res[0].Error, "unreachable") {
		t.Errorf("closed port: error %q", res[0].Error)
	}
	if e := res[1].Error; e == "" || !strings.Contains(e, "unreachable") || !strings.Contains(e, "credentials") {
		t.Errorf("wrong community: error %q", e)
	}
	b, _ := json.Marshal(res)
	if strings.Contains(string(b), secret) || strings.Contains(fmt.Sprintf("%v %+v %#v", res, res[1], Target{Creds: v2(secret)}), secret) {
		t.Error("the community leaked into the result")
	}
	if res[2].Error != "" || len(res[2].Phones) != 1 {
		t.Errorf("the good switch did not complete beside the failing ones: %+v", res[2])
	}
}

// garbageAgent answers every datagram with random bytes, or with the
// request cut short.
func garbageAgent(t *testing.T) (string, *atomic.Int64) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var n atomic.Int64
	go func() {
		buf := make([]byte, 65535)
		for {
			k, from, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			i := n.Add(1)
			var reply []byte
			switch i % 3 {
			case 0:
				reply = make([]byte, 1+i%200)
				_, _ = rand.Read(reply)
			case 1:
				reply = append([]byte{}, buf[:k/2]...)
			default:
				reply = append([]byte{0x30, 0x82, 0xff, 0xff}, buf[4:k]...)
			}
			_, _ = c.WriteTo(reply, from)
		}
	}()
	return c.LocalAddr().String(), &n
}

func TestGarbageAgent(t *testing.T) {
	addr, n := garbageAgent(t)
	opts := Options{Timeout: 300 * time.Millisecond, Retries: 1, SwitchTimeout: 5 * time.Second}
	for _, creds := range []Credentials{v2("public"), v3("x")} {
		r := Discover(context.Background(), []Target{{Address: addr, Creds: creds}}, opts)[0]
		if r.Error == "" || !strings.Contains(r.Error, addr) {
			t.Errorf("garbage agent (%v): error %q", creds, r.Error)
		}
		t.Logf("garbage agent: %s", r.Error)
		if len(r.Phones) != 0 {
			t.Errorf("garbage agent produced phones: %+v", r.Phones)
		}
	}
	if n.Load() == 0 {
		t.Error("the garbage agent was never asked")
	}
}

func TestCancel(t *testing.T) {
	addr := simAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := Discover(ctx, []Target{{Address: addr, Creds: v2("procurve")}}, fastOptions())[0]
	if r.Error == "" {
		t.Error("cancelled discovery reported no error")
	}
}
