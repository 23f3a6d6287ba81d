// Package safetext owns the rules for text that came from someone else (an
// inventory file, a barcode scanner, another laptop through the hub, a
// switch): what a field may hold when it is entered, and how it is escaped
// whenever it is printed, so that stored text can never drive a terminal,
// a spreadsheet or a browser.
package safetext

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Control reports whether r is a control character that no field may hold:
// C0 (except tab and, where allowed, newline), DEL and C1.
func control(r rune, newlines bool) bool {
	switch {
	case r == '\t':
		return false
	case r == '\n' || r == '\r':
		return !newlines
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	}
	return false
}

// zwj is U+200D ZERO WIDTH JOINER.
const zwj = '\u200d'

// refused reports whether the character r at byte i of s may not be stored
// and is escaped wherever it is printed: a control character (control) or
// an invisible format character, Unicode category Cf. Cf holds the
// bidirectional controls (U+202A-202E embeddings and overrides, U+2066-2069
// isolates, U+200E/200F marks, U+061C), which make text read other than it
// is ("port \u202eDEKCOLB" shows as "port BLOCKED"), and the zero-width
// characters (U+200B-200D, U+2060-2064, U+FEFF, the soft hyphen U+00AD,
// tag characters), which make two texts that look the same differ. The one
// exception is U+200D joining two pictographs, as inside an emoji such as
// a family or a profession (it has no direction and shows nothing of its
// own there); anywhere else it is refused like the rest.
func refused(s string, i int, r rune, newlines bool) bool {
	if control(r, newlines) {
		return true
	}
	if r < 0x80 || !unicode.Is(unicode.Cf, r) {
		return false
	}
	return r != zwj || !joinsEmoji(s, i)
}

// joinsEmoji reports whether the U+200D at byte i of s stands between two
// pictographs (a variation selector or skin tone after the first allowed).
func joinsEmoji(s string, i int) bool {
	before := s[:i]
	for {
		r, n := utf8.DecodeLastRuneInString(before)
		if r == '\ufe0f' || r >= 0x1f3fb && r <= 0x1f3ff {
			before = before[:len(before)-n]
			continue
		}
		if !pictograph(r) {
			return false
		}
		break
	}
	next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(zwj):])
	return pictograph(next)
}

// pictograph reports whether r is in the blocks emoji are drawn from.
func pictograph(r rune) bool {
	return r >= 0x1f000 && r <= 0x1faff || r >= 0x2600 && r <= 0x27bf || r >= 0x2300 && r <= 0x23ff ||
		r == 0x2b50 || r == 0x2b55 || r == 0x2b1b || r == 0x2b1c
}

// Check refuses text with a NUL, a control character (C0 other than tab,
// and newline unless newlines is set; DEL; C1), an invisible format
// character (refused) or invalid UTF-8, naming the character and its
// position, so the person typing it knows what to fix.
func Check(s string, newlines bool) error {
	if !utf8.ValidString(s) {
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n <= 1 {
				return fmt.Errorf("byte %d is not UTF-8 text (0x%02x)", utf8.RuneCountInString(s[:i])+1, s[i])
			}
			i += n
		}
	}
	pos := 0
	for i, r := range s {
		pos++
		if control(r, newlines) {
			return fmt.Errorf("character %d is a control character (%s), which cannot be stored", pos, Name(r))
		}
		if refused(s, i, r, newlines) {
			return fmt.Errorf("character %d is an invisible formatting character (%s), which cannot be stored: it makes text read other than it is; delete it and type the text again", pos, Name(r))
		}
	}
	return nil
}

// Name spells a character for an error message: U+001B (ESC).
func Name(r rune) string {
	names := map[rune]string{0: "NUL", 7: "BEL", 8: "BS", 0x1b: "ESC", 0x7f: "DEL", '\r': "CR", '\n': "LF", 0x9b: "CSI", 0x9d: "OSC",
		0x202a: "LEFT-TO-RIGHT EMBEDDING", 0x202b: "RIGHT-TO-LEFT EMBEDDING", 0x202c: "POP DIRECTIONAL FORMATTING",
		0x202d: "LEFT-TO-RIGHT OVERRIDE", 0x202e: "RIGHT-TO-LEFT OVERRIDE", 0x2066: "LEFT-TO-RIGHT ISOLATE",
		0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE", 0x2069: "POP DIRECTIONAL ISOLATE",
		0x200e: "LEFT-TO-RIGHT MARK", 0x200f: "RIGHT-TO-LEFT MARK", 0x061c: "ARABIC LETTER MARK",
		0x200b: "ZERO WIDTH SPACE", 0x200c: "ZERO WIDTH NON-JOINER", 0x200d: "ZERO WIDTH JOINER",
		0x2060: "WORD JOINER", 0xfeff: "ZERO WIDTH NO-BREAK SPACE", 0xad: "SOFT HYPHEN"}
	if n, ok := names[r]; ok {
		return fmt.Sprintf("U+%04X %s", r, n)
	}
	return fmt.Sprintf("U+%04X", r)
}

// Terminal makes s safe to print on a terminal: every control character,
// invisible format character (refused: a bidi override shows as \u202e)
// and invalid byte is shown as a visible escape such as \x1b, so an
// escape sequence is printed, not obeyed, and text reads as it is. Tabs are kept; newlines are kept
// only when newlines is set, a CRLF then becoming LF (a lone CR, which
// would let text overwrite its own line, is escaped).
func Terminal(s string, newlines bool) string {
	if clean(s, newlines) && !strings.ContainsRune(s, '\r') {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\r' && newlines && strings.HasPrefix(s[i+1:], "\n"):
		case refused(s, i, r, newlines) || r == '\r':
			if r < 0x100 && control(r, newlines) || r == '\r' {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// Line is Terminal for a one-line field.
func Line(s string) string { return Terminal(s, false) }

func clean(s string, newlines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			goto slow
		}
	}
	return true
slow:
	if !utf8.ValidString(s) {
		return false
	}
	for i, r := range s {
		if refused(s, i, r, newlines) {
			return false
		}
	}
	return true
}

// CSVCell guards a spreadsheet cell: control characters are escaped as by
// Terminal (newlines kept: CSV quotes them), and a cell a spreadsheet would
// read as a formula (starting with =, +, -, @, or a tab or CR) is prefixed
// with an apostrophe, except a plain number such as -3 or +441234.
func CSVCell(s string) string {
	s = Terminal(s, true)
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if (s[0] == '+' || s[0] == '-') && len(s) > 1 && allDigits(s[1:]) {
			return s
		}
		return "'" + s
	}
	return s
}

func allDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '.' {
			return false
		}
	}
	return true
}

// Markdown makes s safe inside a markdown table cell: control characters
// escaped, HTML's special characters written as entities (so <script> is
// shown, never run), and the characters markdown gives meaning to
// backslash-escaped; newlines become <br>.
func Markdown(s string) string {
	s = Terminal(s, true)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '\n':
			b.WriteString("<br>")
		case '\r':
		case '|', '\\', '`', '*', '_', '[', ']', '#':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Clip shortens s to at most n characters for an error message, marking
// the cut, and escapes it for the terminal.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s = string(r[:n]) + "…"
	}
	return Line(s)
}

// Quote is Clip for a value quoted in an error message: at most n
// characters of s, in Go's double-quoted form (control characters written
// as escapes), with an ellipsis after the quote when s was cut.
func Quote(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return strconv.Quote(s)
	}
	return strconv.Quote(string([]rune(s)[:n])) + "…"
}

// PowerShellLiteral writes s as a PowerShell single-quoted string literal,
// the one form in which PowerShell expands nothing: no $variable, no
// $(subexpression), no backtick escape. A quote inside is doubled,
// including the typographic quotes (U+2018, U+2019, U+201A, U+201B) that
// PowerShell also takes as single quotes, so no text can close the literal
// early. Control characters (line breaks among them) are shown as visible
// escapes, as by Terminal, so a literal is always one line of a script.
func PowerShellLiteral(s string) string {
	s = Terminal(s, false)
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}
