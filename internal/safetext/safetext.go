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

// Check refuses text with a NUL, a control character (C0 other than tab,
// and newline unless newlines is set; DEL; C1) or invalid UTF-8, naming the
// character and its position, so the person typing it knows what to fix.
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
	for _, r := range s {
		pos++
		if control(r, newlines) {
			return fmt.Errorf("character %d is a control character (%s), which cannot be stored", pos, Name(r))
		}
	}
	return nil
}

// Name spells a character for an error message: U+001B (ESC).
func Name(r rune) string {
	names := map[rune]string{0: "NUL", 7: "BEL", 8: "BS", 0x1b: "ESC", 0x7f: "DEL", '\r': "CR", '\n': "LF", 0x9b: "CSI", 0x9d: "OSC"}
	if n, ok := names[r]; ok {
		return fmt.Sprintf("U+%04X %s", r, n)
	}
	return fmt.Sprintf("U+%04X", r)
}

// Terminal makes s safe to print on a terminal: every control character
// (and invalid byte) is shown as a visible escape such as \x1b, so an
// escape sequence is printed, not obeyed. Tabs are kept; newlines are kept
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
		case control(r, newlines) || r == '\r':
			if r < 0x100 {
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
	for _, r := range s {
		if control(r, newlines) {
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
