package site

import "testing"

func TestNormaliseMAC(t *testing.T) {
	good := map[string]string{
		"00:1e:13:8c:9b:30":    "00:1e:13:8c:9b:30",
		"00-1E-13-8C-9B-30":    "00:1e:13:8c:9b:30",
		"001e.138c.9b30":       "00:1e:13:8c:9b:30",
		"001E138C9B30":         "00:1e:13:8c:9b:30",
		"SEP001E138C9B30":      "00:1e:13:8c:9b:30",
		"sep001e138c9b30":      "00:1e:13:8c:9b:30",
		"  08:00:0F:6A:10:0B ": "08:00:0f:6a:10:0b",
		"0:4:f2:17:99:7e":      "00:04:f2:17:99:7e", // single-digit octets as some tools print them
	}
	for in, want := range good {
		got, err := NormaliseMAC(in)
		if err != nil || got != want {
			t.Errorf("NormaliseMAC(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{"", "zz", "00:1e:13:8c:9b", "00:1e:13:8c:9b:30:11", "001e.138c.9b3", "001E138C9B3G",
		"SEP001E138C9B3", "00:1e-13:8c:9b:30", "001e:138c:9b30", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff",
		"00:1e:13:8c:9b:300", "SEPXX1E138C9B30", "00 1e 13 8c 9b 30"}
	for _, in := range bad {
		if got, err := NormaliseMAC(in); err == nil {
			t.Errorf("NormaliseMAC(%q) = %q; want an error", in, got)
		}
	}
}

func TestNormaliseDDI(t *testing.T) {
	good := map[string]string{
		"020 7230 1212":       "+442072301212",
		"+44 (0)20 7230 1212": "+442072301212",
		"+44 20 7230 1212":    "+442072301212",
		"02072301212":         "+442072301212",
		"0044 20 7230 1212":   "+442072301212",
		"442072301212":        "+442072301212",
		"(020) 7230-1212":     "+442072301212",
		"+442072301212":       "+442072301212",
		"0161 496 0000":       "+441614960000",
		"0300 123 4567":       "+443001234567",
		"07700 900123":        "+447700900123",
		" 020.7230.1212 ":     "+442072301212",
	}
	for in, want := range good {
		got, err := NormaliseDDI(in)
		if err != nil || got != want {
			t.Errorf("NormaliseDDI(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{"", "020", "020 7230 121", "020 7230 12123", "+1 212 555 0100", "+33 1 23 45 67 89",
		"0420 7230 1212", "06123 456789", "2072301212", "020 7230 12a2", "020 7230 1212 x12", "++442072301212",
		"0044 (0) 20 7230 12", "+44 (0)020 7230 1212"}
	for _, in := range bad {
		if got, err := NormaliseDDI(in); err == nil {
			t.Errorf("NormaliseDDI(%q) = %q; want an error", in, got)
		}
	}
}

func TestFormatDDI(t *testing.T) {
	for in, want := range map[string]string{"+442072301212": "020 7230 1212", "+441614960000": "01614 960000", "x": "x"} {
		if got := FormatDDI(in); got != want {
			t.Errorf("FormatDDI(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestValidateExtension(t *testing.T) {
	for _, in := range []string{"123", "1234567", " 31006 "} {
		if _, err := ValidateExtension(in); err != nil {
			t.Errorf("ValidateExtension(%q): %v", in, err)
		}
	}
	for _, in := range []string{"", "12", "12345678", "12a4", "-123", "1 23", "１２３"} {
		if _, err := ValidateExtension(in); err == nil {
			t.Errorf("ValidateExtension(%q): want an error", in)
		}
	}
}

func TestValidateSiteCode(t *testing.T) {
	for in, want := range map[string]string{"KX": "KX", "kx": "KX", "N-17": "N-17", " ab3 ": "AB3"} {
		if got, err := ValidateSiteCode(in); err != nil || got != want {
			t.Errorf("ValidateSiteCode(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "1KX", "-K", "K X", "ABCDEFGHIJKLM", "K/X"} {
		if _, err := ValidateSiteCode(in); err == nil {
			t.Errorf("ValidateSiteCode(%q): want an error", in)
		}
	}
}

func TestDefaultPlan(t *testing.T) {
	want := map[Role]Plan{RoleFrontCounter: PlanAvayaFixed, RoleCustodySuite: PlanAvayaFixed, RoleReception: PlanAvayaFixed,
		RoleDoorAccess: PlanAvayaFixed, RoleCTOpsPTT: PlanAvayaPTT, RolePersonal: PlanTeamsDDI,
		RoleHotDesk: PlanRemove, RoleMeetingRoom: PlanRemove}
	for _, r := range Roles {
		p, ok := DefaultPlan(r)
		if r == RoleOther {
			if ok {
				t.Errorf("role other has default plan %q; want none", p)
			}
			continue
		}
		if !ok || p != want[r] {
			t.Errorf("DefaultPlan(%s) = %q, %v; want %q", r, p, ok, want[r])
		}
	}
}

func TestStatusMoves(t *testing.T) {
	allowed := [][2]Status{{StatusPlanned, StatusDiscovered}, {StatusDiscovered, StatusInProgress}, {StatusPlanned, StatusInProgress},
		{StatusInProgress, StatusDone}, {StatusInProgress, StatusFailed}, {StatusInProgress, StatusBlocked},
		{StatusFailed, StatusInProgress}, {StatusBlocked, StatusInProgress}, {StatusPlanned, StatusWithdrawn},
		{StatusWithdrawn, StatusPlanned}}
	refused := [][2]Status{{StatusDone, StatusWithdrawn}, {StatusInProgress, StatusWithdrawn}, {StatusDone, StatusPlanned},
		{StatusPlanned, StatusDone}, {StatusFailed, StatusWithdrawn}, {StatusDone, StatusInProgress}, {StatusPlanned, StatusPlanned}}
	for _, m := range allowed {
		if !m[0].CanMove(m[1]) {
			t.Errorf("%s → %s refused; want allowed", m[0], m[1])
		}
	}
	for _, m := range refused {
		if m[0].CanMove(m[1]) {
			t.Errorf("%s → %s allowed; want refused", m[0], m[1])
		}
	}
}
