package site

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"cutover/internal/safetext"
)

// Columns are the inventory's position field names, in the order the CSV
// export and the documentation use. A CSV header may list them in any
// order, with the site's civic address (CivicColumns) beside them.
var Columns = columnsArray[:fNotes+1]

// knownColumns names every column an inventory may have, for messages.
func knownColumns() string { return strings.Join(columnsArray[:], ", ") }

// maxErrorsShown is how many problems an import prints before it counts
// the rest.
const maxErrorsShown = 100

// Problem is one thing wrong with an inventory file, located by file, line
// and column (the CSV column number, or the JSON field) so that whoever
// keeps the spreadsheet can find it.
type Problem struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"` // 1-based CSV column; 0 when it is the whole row
	Field  string `json:"field,omitempty"`
	Msg    string `json:"message"`
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found in one inventory file. An import with any
// problem writes nothing.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d problem(s) in the inventory; nothing was imported:", len(ps))
	for i, p := range ps {
		if i == maxErrorsShown {
			fmt.Fprintf(&b, "\n  … and %d more", len(ps)-maxErrorsShown)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Inventory is a parsed, normalised and validated inventory file: one or more
// sites and their planned positions.
type Inventory struct {
	File  string
	Sites []SiteInventory
	// Skipped counts rows for other sites, left out because the import was
	// limited to one site.
	Skipped int
	// SHA256 is the hash of the file as it was read.
	SHA256 string
}

// SiteInventory is the part of an inventory file for one site.
type SiteInventory struct {
	Site Site
	// SiteDetails is true when the file gave the site's name, address or
	// cease date (JSON); a CSV names only the code.
	SiteDetails bool
	// CeaseDefault is true when the file gave no cease date, so the site
	// has DefaultCeaseDate: the import says so, and --cease-date sets it.
	CeaseDefault bool
	Positions    []Position
	// Civic is the site's civic address, checked (CivicAddress.Check);
	// empty when the file gave none.
	Civic CivicAddress
}

// ParseOptions steer ParseInventory.
type ParseOptions struct {
	// Site is the site code given on the command line: it fills a missing
	// site column, and limits a multi-site file to that site.
	Site string
}

// ParseInventory reads a CSV or JSON inventory (chosen by the file name's
// extension, else by its first character), normalises every value and checks
// the whole file. It returns either a complete inventory or Problems listing
// everything that is wrong; never part of one.
func ParseInventory(name string, data []byte, opt ParseOptions) (*Inventory, error) {
	return ReadInventory(name, bytes.NewReader(data), opt)
}

// ReadInventory is ParseInventory of a stream, read once and within the
// limits (MaxInventoryBytes, MaxLineBytes, MaxColumns, MaxRows): a file
// over one is refused as soon as it is seen, with its line.
func ReadInventory(name string, r io.Reader, opt ParseOptions) (*Inventory, error) {
	return parseInventory(name, r, opt, nil)
}

var bom = []byte("\xef\xbb\xbf")

// parseInventory is ReadInventory that also hands each good CSV row to
// stream as soon as it is checked, so that an import can write while the
// rest of the file is read. Whether the whole file is good is known only
// from the result.
func parseInventory(name string, r io.Reader, opt ParseOptions, stream func(Position)) (*Inventory, error) {
	base := filepath.Base(name)
	if opt.Site != "" {
		code, err := ValidateSiteCode(opt.Site)
		if err != nil {
			return nil, err
		}
		opt.Site = code
	}
	raw := bufio.NewReaderSize(r, 4096)
	isJSON := strings.EqualFold(filepath.Ext(name), ".json")
	if !isJSON && !strings.EqualFold(filepath.Ext(name), ".csv") {
		head, _ := raw.Peek(4096)
		t := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
		isJSON = len(t) > 0 && t[0] == '{'
	}
	in := newInputReader(raw)
	in.json = isJSON
	br := bufio.NewReaderSize(in, 4096)
	if head, _ := br.Peek(len(bom)); bytes.Equal(head, bom) {
		br.Discard(len(bom))
		in.skipped = int64(len(bom))
	}
	b := newBuilder(base, opt)
	if isJSON {
		b.parseJSON(in, br)
	} else {
		b.stream = stream
		b.parseCSV(br)
	}
	if len(b.probs) == 0 {
		// Read what is left, for the hash and the size limit.
		if _, err := io.Copy(io.Discard, br); err != nil {
			b.readError(err)
		}
	}
	inv, err := b.finish()
	if inv != nil {
		inv.SHA256 = in.SHA256()
	}
	return inv, err
}

// fieldValues holds one row's values, indexed like Columns.
type fieldValues [len(columnsArray)]string

// fieldColumns holds the 1-based file column of each field (0 when the
// file has no such column), indexed like Columns.
type fieldColumns [len(columnsArray)]int

var columnsArray = [...]string{"site", "building", "floor", "room", "label", "role", "plan",
	"legacy_vendor", "legacy_model", "mac", "extension", "ddi", "switch", "port",
	"target_model", "critical", "max_dark_minutes", "notes",
	// The site's civic address (CivicAddress, CivicColumns): the same on
	// every row of a site that gives it.
	"house_number", "street", "city", "postcode", "country", "latitude", "longitude"}

// Field indexes into fieldValues, in the order of Columns.
const (
	fSite = iota
	fBuilding
	fFloor
	fRoom
	fLabel
	fRole
	fPlan
	fLegacyVendor
	fLegacyModel
	fMac
	fExtension
	fDdi
	fSwitch
	fPort
	fTargetModel
	fCritical
	fMaxDarkMinutes
	fNotes
)

// The civic address's fields, in the order of CivicColumns.
const (
	fHouseNumber = fNotes + 1 + iota
	fStreet
	fCity
	fPostcode
	fCountry
	fLatitude
	fLongitude
)

var colIndex = func() map[string]int {
	m := make(map[string]int, len(columnsArray))
	for i, c := range columnsArray {
		m[c] = i
	}
	return m
}()

type siteAcc struct {
	inv   SiteInventory
	seen  map[string]map[string]int // field → value → line first used
	order int
	// civicLine is the line that first gave the site's civic address (0:
	// the JSON site object); civicSet says one was given.
	civicLine int
	civicSet  bool

	// sched is where a CSV first gave each schedule field, whose rows
	// must agree (inventory_schedule.go).
	sched map[string]scheduleSeen
}

type builder struct {
	file      string
	opt       ParseOptions
	sites     map[string]*siteAcc
	order     []string
	skipped   int
	probs     Problems
	dropped   int            // problems past maxProblemsKept in the last row read
	stoppedAt int            // the line where reading stopped for too many problems
	rows      int            // rows read, against MaxRows
	stream    func(Position) // given each row that passed its checks
}

func newBuilder(file string, opt ParseOptions) *builder {
	return &builder{file: file, opt: opt, sites: map[string]*siteAcc{}}
}

func (b *builder) problem(line, col int, field, format string, args ...any) {
	if len(b.probs) >= maxProblemsKept {
		b.dropped++
		return
	}
	b.probs = append(b.probs, Problem{File: b.file, Line: line, Column: col, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// full reports whether the file has so many problems that reading on would
// only repeat them; the parser then stops at that line.
func (b *builder) full(line int) bool {
	if len(b.probs) < maxProblemsKept {
		return false
	}
	b.stoppedAt = line
	return true
}

func (b *builder) site(code string) *siteAcc {
	acc := b.sites[code]
	if acc == nil {
		acc = &siteAcc{inv: SiteInventory{Site: Site{Code: code, Name: code, CeaseDate: DefaultCeaseDate}, CeaseDefault: true},
			seen: map[string]map[string]int{"label": {}, "mac": {}, "extension": {}, "ddi": {}}}
		b.sites[code] = acc
		b.order = append(b.order, code)
	}
	return acc
}

// lineBreaksAllowed reports whether field f may hold a line break: the
// notes keep theirs; in the building, floor and room (a spreadsheet cell
// wrapped by hand) a line break is folded into a space. Every other field
// is one line, and no field may hold any other control character.
func lineBreaksAllowed(f int) bool {
	return f == fNotes || f == fBuilding || f == fFloor || f == fRoom
}

// addRow validates one row given as field → value, with the line and the
// column number of each field for messages.
func (b *builder) addRow(line int, vals *fieldValues, cols *fieldColumns) {
	before := len(b.probs)
	bad := func(f int, format string, args ...any) { b.problem(line, cols[f], columnsArray[f], format, args...) }
	refused := false
	for f, v := range vals {
		if err := safetext.Check(v, lineBreaksAllowed(f)); err != nil {
			bad(f, "%v", err)
			refused = true
			continue
		}
		if f != fNotes && strings.ContainsAny(v, "\r\n") {
			vals[f] = strings.Join(strings.Fields(v), " ") // a cell's line breaks, folded
		}
		if n := utf8.RuneCountInString(vals[f]); n > maxField {
			bad(f, "value is %d characters long; at most %d allowed", n, maxField)
			vals[f] = string([]rune(vals[f])[:maxField])
		}
	}
	if refused {
		return // the row's other checks would only repeat the problem
	}
	get := func(f int) string { return vals[f] }
	code := strings.TrimSpace(get(fSite))
	if code == "" {
		code = b.opt.Site
	}
	if code == "" {
		bad(fSite, "missing site code (add a site column or give --site)")
		return
	}
	code, err := ValidateSiteCode(code)
	if err != nil {
		bad(fSite, "%v", err)
		return
	}
	if b.opt.Site != "" && code != b.opt.Site {
		b.skipped++
		return
	}
	p := Position{Site: code, Status: StatusPlanned}
	trim := func(f int) string { return strings.TrimSpace(get(f)) }
	p.Label = trim(fLabel)
	p.Building, p.Floor, p.Room = trim(fBuilding), trim(fFloor), trim(fRoom)
	p.LegacyModel, p.Switch, p.Port = trim(fLegacyModel), trim(fSwitch), trim(fPort)
	p.TargetModel, p.Notes = trim(fTargetModel), strings.TrimSpace(get(fNotes))
	if p.Label == "" {
		bad(fLabel, "missing label (every position needs a label unique within its site)")
	}
	if v := strings.ToLower(trim(fRole)); v == "" {
		bad(fRole, "missing role")
	} else if r, err := ParseRole(v); err != nil {
		bad(fRole, "%v", err)
	} else {
		p.Role = r
	}
	if v := strings.ToLower(trim(fPlan)); v != "" {
		if pl, err := ParsePlan(v); err != nil {
			bad(fPlan, "%v", err)
		} else {
			p.Plan = pl
		}
	} else if p.Role != "" {
		if pl, ok := DefaultPlan(p.Role); ok {
			p.Plan = pl
		} else {
			bad(fPlan, "role %q has no default plan: give one of %s", p.Role, joinNames(Plans))
		}
	}
	if v := strings.ToLower(trim(fLegacyVendor)); v == "" {
		bad(fLegacyVendor, "missing legacy_vendor (cisco, mitel or other)")
	} else if vd, err := ParseVendor(v); err != nil {
		bad(fLegacyVendor, "%v", err)
	} else {
		p.LegacyVendor = vd
	}
	if v := trim(fMac); v != "" {
		if m, err := NormaliseMAC(v); err != nil {
			bad(fMac, "%v", err)
		} else {
			p.MAC = m
		}
	}
	if v := trim(fExtension); v == "" {
		bad(fExtension, "missing extension")
	} else if e, err := ValidateExtension(v); err != nil {
		bad(fExtension, "%v", err)
	} else {
		p.Extension = e
	}
	if v := trim(fDdi); v != "" {
		if d, err := NormaliseDDI(v); err != nil {
			bad(fDdi, "%v", err)
		} else {
			p.DDI = d
		}
	}
	if p.Port != "" && p.Switch == "" {
		bad(fSwitch, "a port is given but no switch")
	}
	critOK := true
	if c, err := ParseCritical(get(fCritical)); err != nil {
		bad(fCritical, "%v", err)
		critOK = false
	} else {
		p.Critical = c
	}
	if m, err := ParseMaxDarkMinutes(get(fMaxDarkMinutes)); err != nil {
		bad(fMaxDarkMinutes, "%v", err)
	} else {
		p.MaxDarkMinutes = m
	}
	if critOK {
		checkCritical(p, bad)
	}
	acc := b.site(code)
	b.civic(acc, line, CivicAddress{HouseNumber: get(fHouseNumber), Street: get(fStreet), City: get(fCity), Postcode: get(fPostcode),
		Country: get(fCountry), Latitude: get(fLatitude), Longitude: get(fLongitude)}, func(i int) int { return cols[fHouseNumber+i] })
	for _, f := range []int{fLabel, fMac, fExtension, fDdi} {
		var v string
		switch f {
		case fLabel:
			v = strings.ToLower(p.Label)
		case fMac:
			v = p.MAC
		case fExtension:
			v = p.Extension
		case fDdi:
			v = p.DDI
		}
		if v == "" {
			continue
		}
		if first, dup := acc.seen[Columns[f]][v]; dup {
			bad(f, "%s %s is already used at line %d for site %s", Columns[f], quote(get(f)), first, code)
			continue
		}
		acc.seen[Columns[f]][v] = line
	}
	acc.inv.Positions = append(acc.inv.Positions, p)
	if b.stream != nil && len(b.probs) == before {
		b.stream(p)
	}
}

func (b *builder) finish() (*Inventory, error) {
	b.checkSchedules()
	if len(b.probs) > 0 {
		sort.SliceStable(b.probs, func(i, j int) bool {
			a, c := b.probs[i], b.probs[j]
			if a.Line != c.Line {
				return a.Line < c.Line
			}
			return a.Column < c.Column
		})
		if b.stoppedAt > 0 {
			b.probs = append(b.probs, Problem{File: b.file, Line: b.stoppedAt,
				Msg: fmt.Sprintf("reading stopped here after %d problems: fix those first", maxProblemsKept+b.dropped)})
		}
		return nil, b.probs
	}
	inv := &Inventory{File: b.file, Skipped: b.skipped}
	for _, code := range b.order {
		inv.Sites = append(inv.Sites, b.sites[code].inv)
	}
	if len(inv.Sites) == 0 {
		msg := "no positions in the file"
		if b.opt.Site != "" {
			msg = fmt.Sprintf("no positions for site %s in the file", b.opt.Site)
		}
		return nil, Problems{{File: b.file, Msg: msg}}
	}
	return inv, nil
}

func known(name string) bool {
	_, ok := colIndex[name]
	return ok
}

func joinNames[T ~string](all []T) string {
	s := make([]string, len(all))
	for i, a := range all {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}
