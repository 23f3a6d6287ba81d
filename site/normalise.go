package site

import (
	"fmt"
	"strings"
)

// NormaliseMAC turns a MAC address written in any common form into
// lower-case colon form (00:1e:13:8c:9b:30). It accepts colon or dash
// separated octets, Cisco dotted form (001e.138c.9b30), twelve bare hex
// digits, and a Cisco phone device name (SEP001E138C9B30).
func NormaliseMAC(v string) (string, error) {
	s := strings.TrimSpace(v)
	if s == "" {
		return "", fmt.Errorf("empty MAC address")
	}
	orig := s
	if len(s) == 15 && strings.EqualFold(s[:3], "SEP") {
		s = s[3:]
	}
	var hex []byte
	switch {
	case strings.ContainsAny(s, ":-"):
		sep := ":"
		if strings.Contains(s, "-") {
			sep = "-"
		}
		parts := strings.Split(s, sep)
		if len(parts) != 6 {
			return "", fmt.Errorf("bad MAC address %s: want 6 octets", quote(orig))
		}
		for _, p := range parts {
			if len(p) == 1 {
				p = "0" + p
			}
			if len(p) != 2 {
				return "", fmt.Errorf("bad MAC address %s: octet %s", quote(orig), quote(p))
			}
			hex = append(hex, p...)
		}
	case strings.Contains(s, "."):
		parts := strings.Split(s, ".")
		if len(parts) != 3 {
			return "", fmt.Errorf("bad MAC address %s: want three groups of four in dotted form", quote(orig))
		}
		for _, p := range parts {
			if len(p) != 4 {
				return "", fmt.Errorf("bad MAC address %s: group %s", quote(orig), quote(p))
			}
			hex = append(hex, p...)
		}
	default:
		hex = []byte(s)
	}
	if len(hex) != 12 {
		return "", fmt.Errorf("bad MAC address %s: want 12 hex digits", quote(orig))
	}
	var b strings.Builder
	b.Grow(17)
	for i, c := range hex {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			c += 'a' - 'A'
		default:
			return "", fmt.Errorf("bad MAC address %s: %q is not a hex digit", quote(orig), c)
		}
		if i > 0 && i%2 == 0 {
			b.WriteByte(':')
		}
		b.WriteByte(c)
	}
	out := b.String()
	if out == "00:00:00:00:00:00" || out == "ff:ff:ff:ff:ff:ff" {
		return "", fmt.Errorf("bad MAC address %s: not a handset address", quote(orig))
	}
	return out, nil
}

// NormaliseDDI turns a UK direct-dial number written in any common form
// (020 7230 1212, +44 (0)20 7230 1212, 0044 20 7230 1212, 02072301212) into
// E.164 (+442072301212). Anything that is not a valid 11-digit UK
// geographic, non-geographic or mobile number is refused.
func NormaliseDDI(v string) (string, error) {
	orig := strings.TrimSpace(v)
	if orig == "" {
		return "", fmt.Errorf("empty DDI")
	}
	s := orig
	// "(0)" is the national trunk prefix shown beside an international one.
	s = strings.ReplaceAll(s, "(0)", "")
	var digits []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t':
		case c == '+' && len(digits) == 0:
			digits = append(digits, '+')
		default:
			return "", fmt.Errorf("bad DDI %s: unexpected %q", quote(orig), c)
		}
	}
	d := string(digits)
	var national string // 0 + 10 digits
	switch {
	case strings.HasPrefix(d, "+44"):
		national = "0" + d[3:]
	case strings.HasPrefix(d, "+"):
		return "", fmt.Errorf("bad DDI %s: not a UK number", quote(orig))
	case strings.HasPrefix(d, "0044"):
		national = "0" + d[4:]
	case strings.HasPrefix(d, "44") && len(d) == 12:
		national = "0" + d[2:]
	default:
		national = d
	}
	if len(national) != 11 || national[0] != '0' {
		return "", fmt.Errorf("bad DDI %s: a UK number has 11 digits starting with 0", quote(orig))
	}
	switch national[1] {
	case '1', '2', '3', '5', '7', '8', '9':
	default:
		return "", fmt.Errorf("bad DDI %s: no UK number range starts 0%c", quote(orig), national[1])
	}
	return "+44" + national[1:], nil
}

// FormatDDI writes an E.164 UK number in the national form people read
// (+442072301212 → 020 7230 1212).
func FormatDDI(e164 string) string {
	if !strings.HasPrefix(e164, "+44") || len(e164) != 13 {
		return e164
	}
	n := "0" + e164[3:]
	switch n[1] {
	case '2':
		return n[:3] + " " + n[3:7] + " " + n[7:]
	default:
		return n[:5] + " " + n[5:]
	}
}

// ValidateExtension checks an internal extension number: 3 to 7 digits.
func ValidateExtension(v string) (string, error) {
	s := strings.TrimSpace(v)
	if len(s) < 3 || len(s) > 7 {
		return "", fmt.Errorf("bad extension %s: want 3 to 7 digits", quote(v))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", fmt.Errorf("bad extension %s: digits only", quote(v))
		}
	}
	return s, nil
}

// ValidateSiteCode checks a site's short code: 1 to 12 upper-case letters,
// digits or dashes, starting with a letter.
func ValidateSiteCode(v string) (string, error) {
	s := strings.ToUpper(strings.TrimSpace(v))
	if s == "" || len(s) > 12 {
		return "", fmt.Errorf("bad site code %s: want 1 to 12 characters", quote(v))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' && i > 0 || c == '-' && i > 0) {
			return "", fmt.Errorf("bad site code %s: letters, digits and '-' only, starting with a letter", quote(v))
		}
	}
	return s, nil
}
