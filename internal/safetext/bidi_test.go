package safetext

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
)

// invisible holds every bidi control and the zero-width characters issue
// 26 names, each inside text where it would change what a reader sees.
var invisible = []rune{0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c,
	0x200b, 0x200c, 0x200d, 0xfeff, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x00ad, 0xe0041}

func hasFormat(s string) bool {
	for i, r := range s {
		if unicode.Is(unicode.Cf, r) && !(r == zwj && joinsEmoji(s, i)) {
			return true
		}
	}
	return false
}

func TestCheckRefusesInvisibleFormatCharacters(t *testing.T) {
	for _, r := range invisible {
		s := "port " + string(r) + "DEKCOLB"
		err := Check(s, true)
		if err == nil || !strings.Contains(err.Error(), "character 6") || !strings.Contains(err.Error(), "invisible formatting character") {
			t.Errorf("Check(%q): %v, want refused naming character 6", s, err)
		}
	}
	err := Check("\u202enimda", false)
	if err == nil || !strings.Contains(err.Error(), "U+202E RIGHT-TO-LEFT OVERRIDE") || !strings.Contains(err.Error(), "character 1") {
		t.Errorf("an engineer label reading as admin: %v", err)
	}
	// Emoji keep their joiner: a family, a profession with skin tone, a
	// rainbow flag. A joiner anywhere else is refused.
	for _, ok := range []string{"👨\u200d👩\u200d👧", "👩🏽\u200d🚒", "🏳\ufe0f\u200d🌈", "done ✅", "Café"} {
		if err := Check(ok, false); err != nil {
			t.Errorf("Check(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"a\u200db", "\u200d👩", "👩\u200d", "👩\u200d\u200d👩", "A\u200d👩"} {
		if err := Check(bad, false); err == nil {
			t.Errorf("Check(%q) accepted a joiner outside an emoji", bad)
		}
	}
}

func TestEveryRendererEscapesInvisibleCharacters(t *testing.T) {
	for _, r := range invisible {
		s := "port " + string(r) + "DEKCOLB"
		var w bytes.Buffer
		tw := NewWriter(&w)
		tw.Write([]byte(s))
		tw.Flush()
		for name, out := range map[string]string{"Line": Line(s), "Terminal": Terminal(s, true), "CSVCell": CSVCell(s),
			"Markdown": Markdown(s), "PowerShellLiteral": PowerShellLiteral(s), "Clip": Clip(s, 80), "Quote": Quote(s, 80),
			"Writer": w.String()} {
			if hasFormat(out) {
				t.Errorf("%s(%q) = %q holds the character raw", name, s, out)
			}
			if !strings.Contains(out, `\u`) && !strings.Contains(out, `\U`) && !strings.Contains(out, `\x`) {
				t.Errorf("%s(%q) = %q does not show the character as an escape", name, s, out)
			}
		}
	}
	if got := Line("port \u202eDEKCOLB"); got != `port \u202eDEKCOLB` {
		t.Errorf("Line = %q", got)
	}
	if got := PowerShellLiteral("\u2066admin\u2069"); got != `'\u2066admin\u2069'` {
		t.Errorf("PowerShellLiteral = %q", got)
	}
	family := "👨\u200d👩\u200d👧 on site"
	for name, out := range map[string]string{"Line": Line(family), "CSVCell": CSVCell(family), "Markdown": Markdown(family)} {
		if out != family {
			t.Errorf("%s changed an emoji family: %q", name, out)
		}
	}
}
