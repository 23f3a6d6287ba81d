// Package assets is the equipment register: every legacy handset taken out
// and every Avaya phone put in, with its serial, MAC, asset tag, where it is
// and what happened to it, and the Avaya stock issued to each site.
//
// The register writes through the caller's transaction (a site.Tx), so that
// a step result and the register change it causes commit together; it
// never imports package site.
package assets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Kind says whether an asset is a legacy handset or a new phone.
type Kind string

// The kinds.
const (
	KindLegacy Kind = "legacy"
	KindNew    Kind = "new"
)

// State is where an asset is in its life.
type State string

// The states. Legacy: installed → removed → returned_to_store |
// weee_disposal | lost. New: in_stock → installed (→ removed on rollback →
// installed again, or back in stock).
const (
	StateInStock         State = "in_stock"
	StateInstalled       State = "installed"
	StateRemoved         State = "removed"
	StateReturnedToStore State = "returned_to_store"
	StateWEEE            State = "weee_disposal"
	StateLost            State = "lost"
)

// Words names the state as people say it: "WEEE disposal", "returned to
// store".
func (s State) Words() string {
	switch s {
	case StateWEEE:
		return "WEEE disposal"
	case StateReturnedToStore:
		return "returned to store"
	case StateInStock:
		return "in stock"
	}
	return string(s)
}

// Disposed reports whether the state is where a legacy handset ends up.
func (s State) Disposed() bool {
	return s == StateReturnedToStore || s == StateWEEE || s == StateLost
}

// CanMove reports whether an asset of kind k may go from state s to state to.
func (k Kind) CanMove(s, to State) bool {
	if k == KindLegacy {
		switch s {
		case StateInstalled:
			return to == StateRemoved
		case StateRemoved:
			// Installed again when a rollback reconnects it.
			return to == StateInstalled || to == StateReturnedToStore || to == StateWEEE || to == StateLost
		}
		return false
	}
	switch s {
	case StateInStock:
		return to == StateInstalled || to == StateLost
	case StateInstalled:
		return to == StateRemoved
	case StateRemoved:
		// A new phone taken out of a reopened position goes back to stores
		// (repair, the supplier) or to WEEE disposal like any handset.
		return to == StateInstalled || to == StateInStock || to == StateLost || to == StateReturnedToStore || to == StateWEEE
	}
	return false
}

// Asset is one item in the register.
type Asset struct {
	ID        int64  `json:"id"`
	Kind      Kind   `json:"kind"`
	Vendor    string `json:"vendor"`
	Model     string `json:"model"`
	Serial    string `json:"serial"`
	MAC       string `json:"mac"`
	AssetTag  string `json:"asset_tag"`
	Site      string `json:"site"`
	Position  string `json:"position"` // label; "" when not at a position
	State     State  `json:"state"`
	Condition string `json:"condition,omitempty"`
	WTNRef    string `json:"wtn_ref,omitempty"` // waste transfer note, for WEEE disposal
	UpdatedAt string `json:"updated_at"`
	UpdatedBy string `json:"updated_by"`
}

// Describe names the asset in words for messages.
func (a Asset) Describe() string {
	parts := []string{}
	for _, s := range []string{a.Vendor, a.Model} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if a.Serial != "" {
		parts = append(parts, "serial "+a.Serial)
	}
	if a.AssetTag != "" {
		parts = append(parts, "tag "+a.AssetTag)
	}
	if len(parts) == 0 && a.MAC != "" {
		parts = append(parts, a.MAC)
	}
	return strings.Join(parts, " ")
}

// Change is one entry in an asset's history.
type Change struct {
	At       string `json:"at"`
	Engineer string `json:"engineer"`
	From     State  `json:"from"`
	To       State  `json:"to"`
	Site     string `json:"site"`
	Position string `json:"position,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Querier reads: a *sql.DB, *sql.Tx or site.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is an open write transaction that knows who is writing and when, and
// appends to the op log (site.Tx satisfies it).
type Tx interface {
	Querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	Op(site, kind, entity, entityID string, payload any) error
	Who() (engineer, now string)
}

// ErrInUse is returned when a serial, MAC or asset tag is already
// installed somewhere else.
var ErrInUse = errors.New("already installed elsewhere")

// ErrBadValue is returned for a serial, asset tag or model that cannot be
// right.
var ErrBadValue = errors.New("bad value")

// clean trims what a barcode scanner or a hurried thumb leaves around a
// value: spaces, tabs, CR and LF, and other control characters.
func clean(v string) string {
	return strings.TrimFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
}

// NormaliseSerial checks a serial number as scanned or typed: 4 to 30
// letters, digits, '-' or '/', no spaces; letters are made upper case.
func NormaliseSerial(v string) (string, error) {
	return code(v, "serial number", 4, 30, "-/")
}

// NormaliseAssetTag checks an asset tag: 3 to 20 letters, digits or '-',
// upper case.
func NormaliseAssetTag(v string) (string, error) {
	return code(v, "asset tag", 3, 20, "-")
}

func code(v, what string, minLen, maxLen int, extra string) (string, error) {
	s := strings.ToUpper(clean(v))
	if s == "" {
		return "", fmt.Errorf("%w: empty %s", ErrBadValue, what)
	}
	if len(s) < minLen || len(s) > maxLen {
		return "", fmt.Errorf("%w: %s %q: want %d to %d characters", ErrBadValue, what, s, minLen, maxLen)
	}
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(extra, r):
		case unicode.IsSpace(r):
			return "", fmt.Errorf("%w: %s %q has a space in it (two scans run together?)", ErrBadValue, what, s)
		default:
			return "", fmt.Errorf("%w: %s %q: %q is not allowed (letters, digits and %q only)", ErrBadValue, what, s, r, extra)
		}
	}
	return s, nil
}

// NormaliseModel writes an Avaya model the way stock is counted: "Avaya
// J179", "j179" and "J179 " are all "J179".
func NormaliseModel(v string) (string, error) {
	s := strings.ToUpper(clean(v))
	s = strings.TrimSpace(strings.TrimPrefix(s, "AVAYA"))
	if s == "" {
		return "", fmt.Errorf("%w: empty model", ErrBadValue)
	}
	if len(s) > 30 || strings.ContainsAny(s, " \t") {
		return "", fmt.Errorf("%w: model %q: want one word such as J179", ErrBadValue, v)
	}
	return s, nil
}

// Conditions are the words an engineer may use for a legacy handset's
// condition.
var Conditions = []string{"good", "worn", "damaged", "faulty"}

// NormaliseCondition checks a condition word.
func NormaliseCondition(v string) (string, error) {
	s := strings.ToLower(clean(v))
	for _, c := range Conditions {
		if s == c {
			return s, nil
		}
	}
	return "", fmt.Errorf("%w: condition %q: want one of %s", ErrBadValue, v, strings.Join(Conditions, ", "))
}
