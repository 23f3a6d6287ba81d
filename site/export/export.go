// Package export writes what the platform teams need from a site's cutover,
// from what was found and done on site: the legacy handsets to retire from
// the call managers (retire), the Avaya phones in service (install), the
// fate of every legacy extension and DDI (numbers), and the Teams emergency
// locations keyed by switch chassis and port (teams-lis).
//
// The package holds the rows and their writers only; the laptop
// (runbook.Export*) and the hub (hub.Store.Export) fill them from their
// own stores, so both write the same columns by the same rules. Every
// output is deterministic: rows sorted, columns fixed, no time of writing.
// Inventory text is hostile: free-text CSV cells go through
// safetext.CSVCell, identifiers must be plain (PlainID), and script values
// are written by PSString in pure ASCII; nothing is ever concatenated into
// a script raw. What an export cannot write is a Gap, never left out
// silently.
package export

import (
	"fmt"
	"sort"
	"strings"

	"cutover/site"
)

// Kind is what is exported.
type Kind string

// The kinds.
const (
	KindRetire   Kind = "retire"
	KindInstall  Kind = "install"
	KindNumbers  Kind = "numbers"
	KindTeamsLIS Kind = "teams-lis"
)

// Kinds lists every kind.
var Kinds = []Kind{KindRetire, KindInstall, KindNumbers, KindTeamsLIS}

// ParseKind checks a kind's name.
func ParseKind(v string) (Kind, error) {
	for _, k := range Kinds {
		if strings.EqualFold(v, string(k)) {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown export %q: want retire, install, numbers or teams-lis", v)
}

// Formats lists the formats a kind is written in, the first the default.
func (k Kind) Formats() []string {
	switch k {
	case KindRetire:
		return []string{"csv", "json", "cisco-bat"}
	case KindTeamsLIS:
		return []string{"csv", "json", "ps1"}
	}
	return []string{"csv", "json"}
}

// CheckFormat says whether kind k is written in format f.
func (k Kind) CheckFormat(f string) error {
	for _, g := range k.Formats() {
		if f == g {
			return nil
		}
	}
	return fmt.Errorf("export %s: format %q: want %s", k, f, strings.Join(k.Formats(), ", "))
}

// Retire is one legacy handset taken off a site, for the legacy
// call-manager administrators.
type Retire struct {
	Site     string `json:"site"`
	Position string `json:"position"`
	Building string `json:"building"`
	Floor    string `json:"floor"`
	Room     string `json:"room"`
	Vendor   string `json:"vendor"`
	Model    string `json:"model"`
	// DeviceName is the handset's name in its call manager: Cisco "SEP"
	// and the MAC in capitals, Mitel the MAC (12 hex digits); "" without
	// a MAC.
	DeviceName string `json:"device_name"`
	MAC        string `json:"mac"`
	Serial     string `json:"serial"`
	AssetTag   string `json:"asset_tag"`
	Extension  string `json:"extension"`
	DDI        string `json:"ddi"` // E.164, the legacy DDI
	RemovedAt  string `json:"removed_at"`
	RemovedBy  string `json:"removed_by"`
	// Disposition is returned_to_store, weee_disposal or lost; removed
	// while the handset waits for one.
	Disposition string `json:"disposition"`
	WTNRef      string `json:"wtn_ref,omitempty"`
}

// Install is one new Avaya phone in service.
type Install struct {
	Site        string `json:"site"`
	Position    string `json:"position"`
	Building    string `json:"building"`
	Floor       string `json:"floor"`
	Room        string `json:"room"`
	Plan        string `json:"plan"`
	Model       string `json:"model"`
	Serial      string `json:"serial"`
	MAC         string `json:"mac"` // from the verify step's LLDP-MED reading, else the register
	AssetTag    string `json:"asset_tag"`
	Extension   string `json:"extension"`
	DDI         string `json:"ddi"` // E.164, the DDI that rings it
	PoEClass    *int   `json:"poe_class"`
	Switch      string `json:"switch"`
	Port        string `json:"port"`
	VoiceVLAN   int    `json:"voice_vlan"` // 0 when not read
	InstalledAt string `json:"installed_at"`
	InstalledBy string `json:"installed_by"`
	PTT         bool   `json:"ptt"`
	PTTGroup    string `json:"ptt_group,omitempty"` // what the group call step recorded
}

// The fates of a legacy number.
const (
	FateKept        = "kept"        // the legacy DDI rings the new Avaya phone
	FateReplaced    = "replaced"    // the Avaya phone has a DDI from the new range
	FateTeams       = "teams"       // the user has a Teams DDI in return
	FateSurrendered = "surrendered" // nothing replaces it
	FateWithdrawn   = "withdrawn"   // the position left the plan
	FatePending     = "pending"     // nothing recorded yet
	FateDisputed    = "disputed"    // two laptops recorded it differently; nothing is given up until an admin settles it
)

// Fates lists the fates in ledger order.
var Fates = []string{FateKept, FateReplaced, FateTeams, FateSurrendered, FateWithdrawn, FatePending, FateDisputed}

// Number is one position's legacy extension and DDI and what became of
// them.
type Number struct {
	Site          string `json:"site"`
	Position      string `json:"position"`
	Extension     string `json:"extension"`
	ExtensionFate string `json:"extension_fate"` // kept, surrendered, pending, withdrawn
	LegacyDDI     string `json:"legacy_ddi"`     // E.164; "" when the position had none
	Fate          string `json:"fate"`
	NewDDI        string `json:"new_ddi,omitempty"`   // the Avaya phone's new DDI
	TeamsDDI      string `json:"teams_ddi,omitempty"` // the user's Teams DDI
	At            string `json:"recorded_at,omitempty"`
	By            string `json:"recorded_by,omitempty"`
	// Cease is set when the legacy DDI can be ceased with the carrier: it
	// is surrendered (runbook.SurrendersLegacyDDI) and no position uses it
	// again.
	Cease bool `json:"cease_with_carrier"`
}

// DuplicateDDI is a DDI recorded at more than one position: an error for
// the number-management team to settle.
type DuplicateDDI struct {
	DDI    string   `json:"ddi"`
	Places []string `json:"places"` // SITE/POSITION (what), sorted
}

// Numbers is the DDI ledger.
type Numbers struct {
	Rows       []Number       `json:"numbers"`
	Totals     map[string]int `json:"totals"` // by fate, every fate listed
	Cease      []string       `json:"cease_with_carrier"`
	Duplicates []DuplicateDDI `json:"duplicates"`
}

// Use is one place a number is in use, for the ledger's duplicate check.
type Use struct {
	DDI, Site, Position, What string
}

// BuildNumbers finishes a ledger: rows sorted, the DDIs to cease (a
// surrendered legacy DDI that no use names), totals by fate, and every DDI
// that uses name at two positions. surrendered says whether a row's legacy
// DDI is surrendered by the one rule; uses are the numbers in use across
// what the caller holds (the force, on the hub).
func BuildNumbers(rows []Number, surrendered func(Number) bool, uses []Use) Numbers {
	SortRows(rows, func(r Number) (string, string) { return r.Site, r.Position })
	inUse := map[string][]Use{}
	for _, u := range uses {
		if u.DDI != "" {
			inUse[u.DDI] = append(inUse[u.DDI], u)
		}
	}
	n := Numbers{Rows: rows, Totals: map[string]int{}, Cease: []string{}, Duplicates: []DuplicateDDI{}}
	for _, f := range Fates {
		n.Totals[f] = 0
	}
	for i := range n.Rows {
		r := &n.Rows[i]
		n.Totals[r.Fate]++
		if r.LegacyDDI != "" && surrendered(*r) && len(inUse[r.LegacyDDI]) == 0 {
			r.Cease = true
			n.Cease = append(n.Cease, r.LegacyDDI)
		}
	}
	sort.Strings(n.Cease)
	for ddi, us := range inUse {
		places := map[string]bool{}
		for _, u := range us {
			places[u.Site+"/"+u.Position] = true
		}
		if len(places) < 2 {
			continue
		}
		d := DuplicateDDI{DDI: ddi}
		for _, u := range us {
			d.Places = append(d.Places, u.Site+"/"+u.Position+" ("+u.What+")")
		}
		sort.Strings(d.Places)
		n.Duplicates = append(n.Duplicates, d)
	}
	sort.Slice(n.Duplicates, func(i, j int) bool { return n.Duplicates[i].DDI < n.Duplicates[j].DDI })
	return n
}

// TeamsID writes an LLDP chassis or port ID in the form the Teams LIS
// takes: a MAC subtype (chassis 4, port 3) as upper-case hex pairs joined
// by hyphens, anything else as the switch gave it.
func TeamsID(id string, subtype int, chassis bool) string {
	mac := 3
	if chassis {
		mac = 4
	}
	if subtype == mac {
		if hex := strings.ReplaceAll(strings.ReplaceAll(id, ":", ""), "-", ""); len(hex) == 12 {
			var b strings.Builder
			for i := 0; i < 12; i += 2 {
				if i > 0 {
					b.WriteByte('-')
				}
				b.WriteString(strings.ToUpper(hex[i : i+2]))
			}
			return b.String()
		}
	}
	return id
}

// SortRows sorts rows by site, then by position as people read labels: P2
// before P10.
func SortRows[T any](rows []T, key func(T) (string, string)) {
	sort.SliceStable(rows, func(i, j int) bool {
		si, pi := key(rows[i])
		sj, pj := key(rows[j])
		if si != sj {
			return si < sj
		}
		return site.LabelLess(pi, pj)
	})
}

// NumberFate is the one mapping from where a position's numbers stand (a
// runbook DDI state and extension state, as recorded on the laptop and
// the hub) to the ledger's fates: the DDI's fate, and the extension's.
// recorded is set when the number step or the surrender recorded anything.
func NumberFate(withdrawn bool, ddiState, extState string, recorded bool) (fate, extFate string) {
	if withdrawn {
		return FateWithdrawn, FateWithdrawn
	}
	extFate = extState
	if extFate == "" {
		extFate = FatePending
	}
	switch ddiState {
	case "kept":
		fate = FateKept
	case "new":
		fate = FateReplaced
	case "teams":
		fate = FateTeams
	case "surrendered":
		fate = FateSurrendered
	case "none":
		// No legacy DDI: the extension's fate is the position's.
		switch {
		case extState == "surrendered":
			fate = FateSurrendered
		case recorded:
			fate = FateKept
		default:
			fate = FatePending
		}
	default:
		fate = FatePending
	}
	return fate, extFate
}
