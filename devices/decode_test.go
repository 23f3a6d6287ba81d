package devices

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"Cisco IOS\r\nSoftware\x00\x00": "Cisco IOS  Software",
		"RELEASE (fc2)..":               "RELEASE (fc2)..", // NIAC-damaged CR/LF stays as dots
		"\x00\x1e\x13\x8c\x9b\x30":      "00:1e:13:8c:9b:30",
		"caf\xe9":                       "café", // Latin-1
		"":                              "",
	} {
		if got := Text([]byte(in)); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMAC(t *testing.T) {
	for in, want := range map[string]string{
		"\x00\x10\x49\x20\x3b\x42": "00:10:49:20:3b:42",
		"00:17:95:B0:F3:81":        "00:17:95:b0:f3:81",
		"00-1a-e8-01-02-03":        "00:1a:e8:01:02:03",
		"001a.e801.0203":           "00:1a:e8:01:02:03",
		"001AE8010203":             "00:1a:e8:01:02:03",
		"zz:17:95:B0:F3:81":        "",
		"00:17:95:B0:F3":           "",
		"00:17-95:B0:F3:81":        "",
	} {
		got, ok := MACFromBytes([]byte(in))
		if got != want || ok != (want != "") {
			t.Errorf("MACFromBytes(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for in, want := range map[string]string{
		"SEP001E138C9B30": "00:1e:13:8c:9b:30", "SEP0004f217997e": "00:04:f2:17:99:7e",
		"SEP001795B0F381.jason.corp.local": "00:17:95:b0:f3:81", "sip00D6FE04293D": "00:d6:fe:04:29:3d",
		"GXP1625_000b82123456": "00:0b:82:12:34:56", "2821.flukevoice.com": "", "SEPXYZ": "",
	} {
		if got, _ := MACFromName(in); got != want {
			t.Errorf("MACFromName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCDPCaps(t *testing.T) {
	for in, want := range map[string]uint32{
		"\x00\x00\x00\x90":              CDPHost | CDPPhone,
		"\x00\x00\x04\x90":              CDPHost | CDPPhone | 0x400,
		"\x00\x00\x00\x29":              CDPRouter | CDPSwitch | CDPIGMP,
		"\x00\x00\x00\x00":              0,
		"":                              0,
		"Router Switch IGMP ":           CDPRouter | CDPSwitch | CDPIGMP,
		"Host Phone Two-port-mac-relay": CDPHost | CDPPhone,
	} {
		got, err := CDPCaps([]byte(in))
		if err != nil || got != want {
			t.Errorf("CDPCaps(%q) = %#x %v, want %#x", in, got, err, want)
		}
	}
	if _, err := CDPCaps([]byte("Router Frobnicator")); err == nil {
		t.Error("unknown CDP capability word accepted")
	}
}

// TestLLDPCaps covers the four encodings of README quirk 2.
func TestLLDPCaps(t *testing.T) {
	for in, want := range map[string]uint16{
		"\x28\x00":   LLDPBridge | LLDPRouter,    // BITS MSB-first (Cisco)
		"\x04":       LLDPTelephone,              // BITS, one octet
		"\x24\x00":   LLDPBridge | LLDPTelephone, // BITS
		"\x00\x24":   LLDPBridge | LLDPTelephone, // ExtremeXOS TLV integer
		"\x00\x14":   LLDPBridge | LLDPRouter,    // ExtremeXOS TLV integer
		"24 2 5":     LLDPBridge | LLDPTelephone, // net-snmp text (LibreNMS)
		"04 5":       LLDPTelephone,              // net-snmp text
		"28 2 4":     LLDPBridge | LLDPRouter,    // net-snmp text
		"39 2 3 4 7": LLDPBridge | LLDPWLANAP | LLDPRouter | LLDPStation,
		"01 7":       LLDPStation,
		"00":         0,
		"28 00 2 4":  LLDPBridge | LLDPRouter, // two octets in text
		"\x00\x00":   0,
	} {
		got, err := LLDPCaps([]byte(in))
		if err != nil || got != want {
			t.Errorf("LLDPCaps(%q) = %#x %v, want %#x", in, got, err, want)
		}
	}
	for in, want := range map[int64]uint16{36: LLDPBridge | LLDPTelephone, 20: LLDPBridge | LLDPRouter, 0: 0} {
		if got, err := LLDPCapsInt(in); err != nil || got != want {
			t.Errorf("LLDPCapsInt(%d) = %#x %v", in, got, err)
		}
	}
	if _, err := LLDPCapsInt(-1); err == nil {
		t.Error("negative capabilities accepted")
	}
	if _, err := LLDPCaps([]byte("24 3")); err == nil {
		t.Error("text whose bit list disagrees with its octets accepted")
	}
	if _, err := LLDPCaps([]byte{1, 2, 3}); err == nil {
		t.Error("3-octet capabilities accepted")
	}
}

func TestCDPAddress(t *testing.T) {
	cases := []struct {
		typ  int64
		in   string
		want string
		err  bool
	}{
		{1, "\xc0\xa8\x15\x9f", "192.168.21.159", false},
		{65535, "", "", false},                   // Polycom: no address
		{1, "", "", false},                       // empty
		{1, "J.a\x8e", "74.46.97.142", false},    // NIAC '.'-damaged: still 4 bytes, decoded as given
		{1, "192.168.1.1", "192.168.1.1", false}, // text form
		{1, "\x0a\xfa\x3f", "", true},            // 3 bytes
		{20, strings.Repeat("\x00", 15) + "\x01", "::1", false},
		{7, "\x01\x02", "", false}, // unknown family
	}
	for _, c := range cases {
		got, err := CDPAddress(c.typ, []byte(c.in))
		if got != c.want || (err != nil) != c.err {
			t.Errorf("CDPAddress(%d, %q) = %q %v", c.typ, c.in, got, err)
		}
	}
}

func TestDecodeLLDPID(t *testing.T) {
	cases := []struct {
		sub     int64
		in      string
		chassis bool
		want    LLDPID
	}{
		{5, "\x01\xc0\xa8\x32\xa6", true, LLDPID{Text: "192.168.50.166", IP: "192.168.50.166"}},
		{5, "10.10.20.38", true, LLDPID{Text: "10.10.20.38", IP: "10.10.20.38"}},
		{4, "00:17:95:B0:F3:81", true, LLDPID{Text: "00:17:95:b0:f3:81", MAC: "00:17:95:b0:f3:81"}},
		{4, "\x00\x17\x95\xb0\xf3\x81", true, LLDPID{Text: "00:17:95:b0:f3:81", MAC: "00:17:95:b0:f3:81"}},
		{3, "\x00\x10\x49\x20\x3b\x42", false, LLDPID{Text: "00:10:49:20:3b:42", MAC: "00:10:49:20:3b:42"}},
		{3, "00:1a:e8:01:02:03", false, LLDPID{Text: "00:1a:e8:01:02:03", MAC: "00:1a:e8:01:02:03"}},
		{7, "C8F9F9D61BC2:P1", false, LLDPID{Text: "C8F9F9D61BC2:P1", MAC: "c8:f9:f9:d6:1b:c2"}},
		{5, "SW PORT", false, LLDPID{Text: "SW PORT"}},
		{5, "Port 1", false, LLDPID{Text: "Port 1"}},
		{3, "\x01\x02", false, LLDPID{Text: "01:02"}},
	}
	for _, c := range cases {
		if got := DecodeLLDPID(c.sub, []byte(c.in), c.chassis); got != c.want {
			t.Errorf("DecodeLLDPID(%d, %q) = %+v, want %+v", c.sub, c.in, got, c.want)
		}
	}
}

func TestIndexParsers(t *testing.T) {
	if k, err := ParseRemIndex([]uint32{15315603, 414, 20}); err != nil || k.LocalPort != 414 || k.RemIndex != 20 || k.TimeMark != 15315603 {
		t.Errorf("3-part: %+v %v", k, err)
	}
	if k, err := ParseRemIndex([]uint32{84}); err != nil || k.LocalPort != -1 || k.RemIndex != 84 {
		t.Errorf("MikroTik 1-part: %+v %v", k, err)
	}
	if k, err := ParseRemIndex([]uint32{7, 3}); err != nil || k.LocalPort != 7 || k.RemIndex != 3 {
		t.Errorf("TP-Link 2-part: %+v %v", k, err)
	}
	if _, err := ParseRemIndex([]uint32{1, 2, 3, 4}); err == nil {
		t.Error("4-part LLDP index accepted")
	}
	a, _ := ParseRemIndex([]uint32{15315603, 414, 20})
	b, _ := ParseRemIndex([]uint32{0, 414, 20})
	if a.JoinKey() != b.JoinKey() {
		t.Error("time mark must not affect the join key")
	}
	if k, ip, err := ParseManAddrIndex([]uint32{0, 27, 1, 1, 4, 10, 1, 1, 1}); err != nil || ip != "10.1.1.1" || k.LocalPort != 27 {
		t.Errorf("man addr with length: %v %q %v", k, ip, err)
	}
	if _, ip, err := ParseManAddrIndex([]uint32{0, 27, 1, 1, 10, 1, 1, 1}); err != nil || ip != "10.1.1.1" {
		t.Errorf("man addr without length: %q %v", ip, err)
	}
	if _, _, err := ParseManAddrIndex([]uint32{0, 27, 1, 1, 4, 10, 1, 1, 999}); err == nil {
		t.Error("octet 999 accepted")
	}
	if _, app, err := ParseMedPolicyIndex([]uint32{0, 6, 22, 1, 64}); err != nil || app != AppVoice {
		t.Errorf("MED policy BITS index: %d %v", app, err)
	}
	if _, app, err := ParseMedPolicyIndex([]uint32{0, 6, 22, 1}); err != nil || app != AppVoice {
		t.Errorf("MED policy enum index: %d %v", app, err)
	}
	if m, err := ParseMACIndex([]uint32{0, 4, 242, 23, 153, 126}); err != nil || m != "00:04:f2:17:99:7e" {
		t.Errorf("MAC index: %q %v", m, err)
	}
	if id, m, err := ParseQFdbIndex([]uint32{15, 0, 4, 242, 198, 112, 120}); err != nil || id != 15 || m != "00:04:f2:c6:70:78" {
		t.Errorf("Q-FDB index: %d %q %v", id, m, err)
	}
	if _, err := ParseMACIndex([]uint32{0, 4, 256, 1, 1, 1}); err == nil {
		t.Error("MAC octet 256 accepted")
	}
	if ifi, ok := IfIndexFromAliasOID(".1.3.6.1.2.1.2.2.1.1.10011"); !ok || ifi != 10011 {
		t.Errorf("alias OID: %d %v", ifi, ok)
	}
	if _, ok := IfIndexFromAliasOID("1.3.6.1.2.1.47.1.1.1.1.1"); ok {
		t.Error("non-ifIndex alias OID accepted")
	}
}

func TestParseSysDesc(t *testing.T) {
	for in, want := range map[string][2]string{
		"Cisco IP Phone 7941G,V1, SCCP41.9-2-1S": {"Cisco IP Phone 7941G", "SCCP41.9-2-1S"},
		"Shoretel 230g Boot Version: SEVG.3.9.5 on Apr 17 2013 App Version: SEVG.3.9.6 on Nov 12 2013 12:39:24": {"Shoretel 230g", "SEVG.3.9.6"},
		"Polycom;SoundPointIP":       {"Polycom SoundPointIP", ""},
		"Mitel 6867i SIP 6.3.0.1020": {"Mitel 6867i", "SIP 6.3.0.1020"},
		"Yealink SIP-T46S 66.85.0.5": {"Yealink SIP-T46S", "66.85.0.5"},
		"Acme phone 2000":            {"Acme phone 2000", ""},
	} {
		m, f := parseSysDesc(in)
		if m != want[0] || f != want[1] {
			t.Errorf("parseSysDesc(%q) = %q, %q", in, m, f)
		}
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	c := Credentials{User: "u", Level: AuthPriv, AuthProto: "SHA", AuthPass: NewSecret("authsecret1"),
		PrivProto: "AES256C", PrivPass: NewSecret("privsecret1")}
	tg := Target{Address: "127.0.0.1", Creds: c}
	com := Target{Creds: v2("communitysecret")}
	b, _ := json.Marshal([]Target{tg, com})
	out := fmt.Sprintf("%v %+v %#v %s %q %x %v", tg, tg, tg, c.AuthPass, c.PrivPass, c.AuthPass, com) + string(b)
	for _, s := range []string{"authsecret1", "privsecret1", "communitysecret"} {
		if strings.Contains(out, s) {
			t.Errorf("secret %q printed: %s", s, out)
		}
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
	if got := c.redact("bad key authsecret1"); strings.Contains(got, "authsecret1") {
		t.Error("redact missed a secret")
	}
}

func TestCredentialInput(t *testing.T) {
	env := map[string]string{EnvCommunity: "envcom", EnvAuthPass: "envauth123", EnvPrivPass: "envpriv123"}
	getenv := func(k string) string { return env[k] }
	files := map[string]string{"/a": "fileauth123\n", "/p": "filepriv123\r\nignored"}
	read := func(f string) ([]byte, error) {
		if s, ok := files[f]; ok {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("no such file")
	}
	c, err := CredentialInput{Getenv: getenv}.Resolve()
	if err != nil || c.Community.Reveal() != "envcom" || c.IsV3() {
		t.Errorf("community from env: %v %v", c, err)
	}
	c, err = CredentialInput{User: "u", Level: "authpriv", AuthProto: "sha-256", PrivProto: "aes256c",
		AuthPassFile: "/a", PrivPassFile: "/p", Getenv: getenv, ReadFile: read}.Resolve()
	if err != nil || c.AuthPass.Reveal() != "fileauth123" || c.PrivPass.Reveal() != "filepriv123" || c.Level != AuthPriv {
		t.Errorf("v3 from files: %v %v", c, err)
	}
	c, err = CredentialInput{User: "u", AuthProto: "SHA", PrivProto: "AES", Getenv: getenv}.Resolve()
	if err != nil || c.Level != AuthPriv || c.PrivPass.Reveal() != "envpriv123" {
		t.Errorf("v3 from env: %v %v", c, err)
	}
	for _, in := range []CredentialInput{
		{},                          // nothing
		{Community: "c", User: "u"}, // both
		{Level: "authPriv"},         // v3 option without user
		{User: "u", Level: "bogus"}, // level
		{User: "u", AuthProto: "SHA1000", Getenv: getenv}, // protocol
		{User: "u", AuthProto: "SHA", AuthPassFile: "/missing", ReadFile: read},
		{User: "u", Level: AuthNoPriv, AuthProto: "MD5"}, // no passphrase
	} {
		if _, err := in.Resolve(); err == nil {
			t.Errorf("Resolve(%+v) accepted", in)
		}
	}
}
