package safetext

import (
	"strings"
	"testing"
)

// hostile holds text with every kind of character a field must not carry
// to a terminal: a window-title OSC ending in BEL, a screen wipe, C1 CSI
// and OSC, DEL, NUL and a byte that is not UTF-8.
var hostile = []string{
	"Room\x1b]0;pwned\x07",
	"L\x1b[2J\x1b[HCLEARED",
	"a\u009b31mb\u009d0;x\u009c",
	"del\x7f nul\x00 bs\x08 cr\r",
	"bad \xff\xfe byte",
}

func raw(s string, newlines bool) bool {
	for _, r := range s {
		if control(r, newlines) {
			return true
		}
	}
	return strings.ContainsRune(s, '\uFFFD') && !strings.Contains(s, "\\x")
}

func TestCheckRefusesControlCharacters(t *testing.T) {
	for _, s := range hostile {
		if err := Check(s, true); err == nil {
			t.Errorf("Check(%q) accepted it", s)
		}
	}
	for _, ok := range []string{"", "Front counter", "tab\there", "Café — 2nd floor", "+44 20 7230 1212"} {
		if err := Check(ok, false); err != nil {
			t.Errorf("Check(%q): %v", ok, err)
		}
	}
	if err := Check("line one\nline two", true); err != nil {
		t.Errorf("a note with a newline: %v", err)
	}
	err := Check("line one\nline two", false)
	if err == nil || !strings.Contains(err.Error(), "character 9") || !strings.Contains(err.Error(), "LF") {
		t.Errorf("newline in a one-line field: %v", err)
	}
	if err := Check("ab\x00", false); err == nil || !strings.Contains(err.Error(), "character 3") || !strings.Contains(err.Error(), "NUL") {
		t.Errorf("NUL: %v", err)
	}
}

func TestEscapersLeaveNoRawControlBytes(t *testing.T) {
	for _, s := range hostile {
		for name, out := range map[string]string{"Line": Line(s), "Terminal": Terminal(s, true), "CSVCell": CSVCell(s),
			"Markdown": Markdown(s), "Clip": Clip(s, 80), "Quote": Quote(s, 80)} {
			for i := 0; i < len(out); i++ {
				if c := out[i]; c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
					t.Errorf("%s(%q) = %q: raw byte 0x%02x", name, s, out, c)
				}
			}
			if raw(out, true) {
				t.Errorf("%s(%q) = %q holds a control character", name, s, out)
			}
		}
	}
	if got := Line("L\x1b[2J"); got != `L\x1b[2J` {
		t.Errorf("Line = %q", got)
	}
	if got := Line("plain text"); got != "plain text" {
		t.Errorf("clean text changed: %q", got)
	}
}

func TestCSVCellGuardsFormulas(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://x","y")`: `'=HYPERLINK("http://x","y")`,
		"+cmd|' /C calc'!A0":         "'+cmd|' /C calc'!A0",
		"-2+3":                       "'-2+3",
		"@SUM(A1)":                   "'@SUM(A1)",
		"+442072301212":              "+442072301212",
		"-3":                         "-3",
		"Front counter":              "Front counter",
	} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkdownShowsHTMLAsText(t *testing.T) {
	got := Markdown("<script>alert(1)</script> | x")
	if strings.Contains(got, "<script") || strings.Contains(got, " | ") {
		t.Errorf("Markdown = %q", got)
	}
}

func TestClipAndQuoteBoundTheInput(t *testing.T) {
	long := strings.Repeat("x", 10_000) + "\x1b"
	if got := Clip(long, 80); len([]rune(got)) != 81 {
		t.Errorf("Clip kept %d characters", len([]rune(got)))
	}
	q := Quote(long, 40)
	if q != `"`+strings.Repeat("x", 40)+`"…` {
		t.Errorf("Quote = %q", q)
	}
	if got := Quote("a\x1bb", 40); got != `"a\x1bb"` {
		t.Errorf("Quote = %s", got)
	}
}

// TestWriterEscapesAcrossWrites: whatever the split of the writes, the
// output is the escaped text and a character cut in two is kept whole.
func TestWriterEscapesAcrossWrites(t *testing.T) {
	in := "Room\x1b]0;pwned\x07 — café\r\nnext\rline \xff\u009b2J\ttab\n"
	want := Terminal(in, true)
	for size := 1; size <= len(in); size++ {
		var b strings.Builder
		w := NewWriter(&b)
		for i := 0; i < len(in); i += size {
			n, err := w.Write([]byte(in[i:min(i+size, len(in))]))
			if err != nil || n != min(size, len(in)-i) {
				t.Fatalf("write: %d, %v", n, err)
			}
		}
		w.Flush()
		if b.String() != want {
			t.Fatalf("writes of %d bytes: %q, want %q", size, b.String(), want)
		}
	}
	var b strings.Builder
	w := NewWriter(&b)
	w.Write([]byte("cut \xe2\x80"))
	w.Flush()
	if b.String() != `cut \xe2\x80` {
		t.Errorf("flushed %q", b.String())
	}
}

func isPSQuote(r rune) bool {
	return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b'
}

// psLiteral reads one single-quoted literal at the start of s by
// PowerShell's rule (a quote ends it unless another quote follows, the
// pair standing for the second) and returns its value and the rest.
func psLiteral(t *testing.T, s string) (string, string) {
	t.Helper()
	rs := []rune(s)
	if len(rs) == 0 || !isPSQuote(rs[0]) {
		t.Fatalf("%q does not start with a quote", s)
	}
	var v []rune
	for i := 1; i < len(rs); i++ {
		if isPSQuote(rs[i]) {
			if i+1 < len(rs) && isPSQuote(rs[i+1]) {
				v = append(v, rs[i+1])
				i++
				continue
			}
			return string(v), string(rs[i+1:])
		}
		v = append(v, rs[i])
	}
	t.Fatalf("%q: the literal never ends", s)
	return "", ""
}

func TestPowerShellLiteralCannotBeEscaped(t *testing.T) {
	cases := append([]string{"", "plain", "it's", "'; Remove-Item -Recurse C:\\ ; '", "$(Invoke-Expression 'calc')",
		"`$env:PATH", "a\u2019; Stop-Computer; \u2018b", "\u201a\u201b''", "line1\nline2\r\n'$(x)'", "@'\nhere\n'@",
		"=cmd|' /C calc'!A0", "\"double\" $x"}, hostile...)
	for _, s := range cases {
		lit := PowerShellLiteral(s)
		if strings.ContainsAny(lit, "\r\n") {
			t.Errorf("%q: the literal spans lines: %q", s, lit)
		}
		v, rest := psLiteral(t, lit+" -Next")
		if rest != " -Next" {
			t.Errorf("%q: the literal %q ends early; left %q", s, lit, rest)
		}
		if v != Terminal(s, false) {
			t.Errorf("%q: reads back as %q", s, v)
		}
	}
}
