package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"cutover/internal/safetext"
)

// txt is stored text (from an inventory, another laptop through the hub,
// a switch) as a screen shows it: one line, every control character shown
// as an escape such as \x1b (safetext.Line). Lip Gloss prints strings as
// they are, so views pass stored text through txt where it enters them,
// before it is styled, padded or cut.
func txt(s string) string { return safetext.Line(s) }

// safeFrame is the root's last guard over a whole frame: the SGR
// sequences (colour, bold, reverse) the styles write are kept, and any
// other control character, which only stored text a view forgot to pass
// through txt could have put there, is escaped, so a frame can never move
// the cursor, clear the screen or set the window title.
func safeFrame(s string) string {
	if frameClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			if n := sgrLen(s[i:]); n > 0 {
				b.WriteString(s[i : i+n])
				i += n
				continue
			}
			b.WriteString(`\x1b`)
			i++
		case c < 0x20 && c != '\n' && c != '\t' || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
			i++
		case c >= 0x80:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n <= 1 || r >= 0x80 && r <= 0x9f {
				b.WriteString(safetext.Line(s[i : i+n]))
			} else {
				b.WriteString(s[i : i+n])
			}
			i += n
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// frameClean reports whether s holds nothing safeFrame would change.
func frameClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0x1b:
			n := sgrLen(s[i:])
			if n == 0 {
				return false
			}
			i += n - 1
		case c < 0x20 && c != '\n' && c != '\t' || c == 0x7f:
			return false
		case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f: // C1 in UTF-8
			return false
		}
	}
	return utf8.ValidString(s)
}

// sgrLen is the length of the SGR sequence (ESC [ digits;… m) s starts
// with, or 0.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	for j := 2; j < len(s); j++ {
		switch c := s[j]; {
		case c >= '0' && c <= '9', c == ';', c == ':':
		case c == 'm':
			return j + 1
		default:
			return 0
		}
	}
	return 0
}
