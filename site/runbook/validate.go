package runbook

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"cutover/assets"
	"cutover/site"
)

// ErrBadInput is returned for a step value that fails validation.
var ErrBadInput = errors.New("bad input")

// cleanInput trims what a barcode scanner or keyboard leaves around a value
// (spaces, tabs, CR, LF and other control characters).
func cleanInput(v string) string {
	return strings.TrimFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
}

// Disposition is where a legacy handset goes after it comes out.
type Disposition struct {
	State  assets.State `json:"state"`
	WTNRef string       `json:"wtn_ref,omitempty"`
}

// String is the canonical value kept on the step.
func (d Disposition) String() string {
	if d.WTNRef != "" {
		return string(d.State) + " " + d.WTNRef
	}
	return string(d.State)
}

// ParseDisposition reads "store", "weee WTN-REF" (or "weee:WTN-REF") or
// "lost", and the long names returned_to_store and weee_disposal.
func ParseDisposition(v string) (Disposition, error) {
	s := cleanInput(v)
	word, rest, _ := strings.Cut(strings.Replace(s, ":", " ", 1), " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(word) {
	case "store", "stores", "reuse", "returned_to_store":
		return Disposition{State: assets.StateReturnedToStore}, nil
	case "weee", "weee_disposal":
		if rest == "" {
			return Disposition{}, fmt.Errorf("%w: WEEE disposal needs the waste transfer note reference (e.g. WTN-2024-0117)", ErrBadInput)
		}
		if len(rest) > 40 || strings.ContainsAny(rest, " \t") {
			return Disposition{}, fmt.Errorf("%w: waste transfer note reference %q: want one word of up to 40 characters", ErrBadInput, rest)
		}
		return Disposition{State: assets.StateWEEE, WTNRef: strings.ToUpper(rest)}, nil
	case "lost":
		return Disposition{State: assets.StateLost}, nil
	}
	return Disposition{}, fmt.Errorf("%w: disposition %q: want store, weee WTN-REF or lost", ErrBadInput, s)
}

// ParseReason reads a rollback reason, "failed: …" or "blocked: …"
// (failed when neither is given).
func ParseReason(v string) (site.Status, string, error) {
	s := cleanInput(v)
	to := site.StatusFailed
	for _, st := range []site.Status{site.StatusFailed, site.StatusBlocked} {
		if p := string(st) + ":"; len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			to, s = st, strings.TrimSpace(s[len(p):])
		}
	}
	if len(s) < 3 {
		return "", "", fmt.Errorf("%w: say why the swap was rolled back", ErrBadInput)
	}
	return to, s, nil
}

// ValidateContact checks a site contact's name.
func ValidateContact(v string) (string, error) { return validateName("site contact's name", v) }

// validateName checks a person's name, named in its errors as what (the
// site contact's, or who was told).
func validateName(what, v string) (string, error) {
	s := strings.Join(strings.Fields(cleanInput(v)), " ")
	if len(s) < 2 || len(s) > 80 {
		return "", fmt.Errorf("%w: %s %q: want 2 to 80 characters", ErrBadInput, what, s)
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		} else if !strings.ContainsRune(" .'-", r) {
			return "", fmt.Errorf("%w: %s %q: %q is not part of a name", ErrBadInput, what, s, r)
		}
	}
	if letters < 2 {
		return "", fmt.Errorf("%w: %s %q has no name in it", ErrBadInput, what, s)
	}
	return s, nil
}

// Validate checks and normalises a value for an input step: the value is
// trimmed first, so that a scanner's trailing Enter does no harm. The empty
// value is refused except where the step has a default (keep the DDI; take
// the serial the switch showed), which the engine decides.
func (s Step) Validate(v string) (string, error) {
	v = cleanInput(v)
	var out string
	var err error
	switch s.Field {
	case FieldLegacySerial, FieldNewSerial:
		out, err = assets.NormaliseSerial(v)
	case FieldLegacyTag, FieldNewTag:
		out, err = assets.NormaliseAssetTag(v)
	case FieldCondition:
		out, err = assets.NormaliseCondition(v)
	case FieldDDI:
		if v == "" || strings.EqualFold(v, "keep") {
			return "keep", nil
		}
		out, err = site.NormaliseDDI(v)
	case FieldTeamsDDI:
		out, err = site.NormaliseDDI(v)
	case FieldDisposition:
		var d Disposition
		d, err = ParseDisposition(v)
		out = d.String()
	case FieldContact:
		out, err = ValidateContact(v)
	case FieldTold:
		out, err = validateName("the name of who was told", v)
	case FieldPTTGroup:
		out = strings.Join(strings.Fields(v), " ")
		if n := len([]rune(out)); n < 1 || n > 40 {
			err = fmt.Errorf("%w: push-to-talk group %q: want its name as the phone shows it, up to 40 characters", ErrBadInput, out)
		}
	case FieldReopen:
		out, err = ValidateReopen(v)
	case FieldReason:
		var st site.Status
		var r string
		st, r, err = ParseReason(v)
		out = string(st) + ": " + r
	default:
		return v, nil
	}
	if err != nil {
		if !errors.Is(err, ErrBadInput) {
			err = fmt.Errorf("%w: %s", ErrBadInput, strings.TrimPrefix(err.Error(), assets.ErrBadValue.Error()+": "))
		}
		return "", err // the caller names the position and step
	}
	return out, nil
}
