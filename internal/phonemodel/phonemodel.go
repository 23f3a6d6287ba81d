// Package phonemodel reads a desk phone's model out of the words the phone,
// the switch or a site's inventory use for it, the same way everywhere:
// a CDP platform ("Cisco IP Phone CP-7941G"), what a switch makes of CDP
// in LLDP-MIB ("Cisco IP Phone 7941 running on Cisco IP Phone CP-7941G"),
// an LLDP system description ("Avaya J179 IP Phone 4.0.13.0.6"), an
// LLDP-MED inventory model ("6867i") or an inventory column ("7941").
package phonemodel

import (
	"regexp"
	"strings"
)

// Model is a phone model as read from text. Key is what two texts must
// share to name the same model (the model number without the vendor's
// decorations: "7941", "6867", "J179", "9611"); Name is the model written
// the vendor's way ("CP-7941G", "6867i", "J179", "9611G"); Vendor is cisco,
// mitel or avaya when the text or the model number says so, else "".
type Model struct {
	Vendor string
	Key    string
	Name   string
}

// maxText bounds the text read: descriptions are short; a longer one is
// cut, never scanned whole.
const maxText = 256

var (
	ciscoCP  = regexp.MustCompile(`\bCP-(\d{4})([A-Z]{0,2})\b`)
	ciscoNum = regexp.MustCompile(`\b(?:IP PHONE|PHONE|CISCO)\s+(\d{4})([A-Z]{0,2})\b`)
	avayaJ   = regexp.MustCompile(`\b(J1\d{2})\b`)
	avaya96  = regexp.MustCompile(`\b(9[6]\d{2})(GS|G)?\b`)
	mitel68  = regexp.MustCompile(`\b(6[789]\d{2})(I)?\b`)
	bareNum  = regexp.MustCompile(`\b(?:CP-)?(\d{4})([A-Z]{0,2})\b`)
	vendorIn = []struct {
		re     *regexp.Regexp
		vendor string
	}{
		{regexp.MustCompile(`\bCISCO\b|\bCP-\d{4}|^SEP[0-9A-F]{12}$`), "cisco"},
		{regexp.MustCompile(`\bMITEL\b|\bAASTRA\b|\bSHORETEL\b`), "mitel"},
		{regexp.MustCompile(`\bAVAYA\b|\bIP DESKPHONE\b|\bJ1\d{2}\b`), "avaya"},
	}
)

// Parse reads the model out of one text; ok is false when it names none.
func Parse(text string) (m Model, ok bool) {
	if len(text) > maxText {
		text = text[:maxText]
	}
	t := strings.ToUpper(strings.Join(strings.Fields(text), " "))
	if t == "" {
		return Model{}, false
	}
	for _, v := range vendorIn {
		if v.re.MatchString(t) {
			m.Vendor = v.vendor
			break
		}
	}
	switch m.Vendor {
	case "cisco":
		if s := ciscoCP.FindStringSubmatch(t); s != nil {
			return Model{Vendor: "cisco", Key: s[1], Name: "CP-" + s[1] + s[2]}, true
		}
		// "Cisco IP Phone 7941 running on Cisco IP Phone 7941G": the
		// fullest of the same model's names.
		var best []string
		for _, s := range ciscoNum.FindAllStringSubmatch(t, 4) {
			if best == nil || s[1] == best[1] && len(s[2]) > len(best[2]) {
				best = s
			}
		}
		if best != nil {
			return Model{Vendor: "cisco", Key: best[1], Name: "CP-" + best[1] + best[2]}, true
		}
	case "avaya":
		if s := avayaJ.FindStringSubmatch(t); s != nil {
			return Model{Vendor: "avaya", Key: s[1], Name: s[1]}, true
		}
		if s := avaya96.FindStringSubmatch(t); s != nil {
			return Model{Vendor: "avaya", Key: s[1], Name: s[1] + s[2]}, true
		}
	case "mitel":
		if s := mitel68.FindStringSubmatch(t); s != nil {
			return Model{Vendor: "mitel", Key: s[1], Name: s[1] + strings.ToLower(s[2])}, true
		}
	}
	// No vendor named: the model number alone, as an inventory writes it.
	if s := avayaJ.FindStringSubmatch(t); s != nil {
		return Model{Vendor: "avaya", Key: s[1], Name: s[1]}, true
	}
	if s := mitel68.FindStringSubmatch(t); s != nil && s[2] == "I" {
		return Model{Vendor: "mitel", Key: s[1], Name: s[1] + "i"}, true
	}
	if s := avaya96.FindStringSubmatch(t); s != nil && s[2] != "" {
		return Model{Vendor: "avaya", Key: s[1], Name: s[1] + s[2]}, true
	}
	if s := bareNum.FindStringSubmatch(t); s != nil {
		name := s[1] + s[2]
		if strings.HasPrefix(t, "CP-") {
			name = "CP-" + name
		}
		return Model{Vendor: m.Vendor, Key: s[1], Name: name}, true
	}
	return Model{}, false
}

// Same reports whether two texts name the same model: the same model
// number, from the same vendor when both say which. ok is false when
// either names no model (then nothing can be said).
func Same(a, b string) (same, ok bool) {
	ma, okA := Parse(a)
	mb, okB := Parse(b)
	if !okA || !okB {
		return false, false
	}
	if ma.Vendor != "" && mb.Vendor != "" && ma.Vendor != mb.Vendor {
		return false, true
	}
	return ma.Key == mb.Key, true
}

// Name is the model written the vendor's way, or the text itself (trimmed)
// when it names no model.
func Name(text string) string {
	if m, ok := Parse(text); ok {
		return m.Name
	}
	if len(text) > maxText {
		text = text[:maxText]
	}
	return strings.TrimSpace(text)
}
