package export

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"cutover/site"
)

// CivicAddress is a site's address in the fields of the Teams cmdlet
// New-CsOnlineLisCivicAddress (CompanyName and CountryOrRegion are the
// cmdlet's required parameters; the others are given when known).
type CivicAddress struct {
	Site            string `json:"site"`
	CompanyName     string `json:"CompanyName"`
	HouseNumber     string `json:"HouseNumber"`
	StreetName      string `json:"StreetName"`
	City            string `json:"City"`
	PostalCode      string `json:"PostalCode"`
	CountryOrRegion string `json:"CountryOrRegion"` // ISO 3166-1 alpha-2
	Latitude        string `json:"Latitude"`
	Longitude       string `json:"Longitude"`
	Description     string `json:"Description"`
}

// Place is where a Teams emergency location is: a site and the building,
// floor and room in it. Two places are one location when their parts are
// equal without regard to case (Teams, PowerShell and people read `CID
// office` and `CID Office` as one room); the parts are never joined into
// one string to be compared, so ` / ` inside a name cannot make two
// places one.
type Place struct {
	Site     string `json:"site"`
	Building string `json:"building"`
	Floor    string `json:"floor"`
	Room     string `json:"room"`
}

// Same says whether two places are one location.
func (p Place) Same(q Place) bool { return p.key() == q.key() }

// key is the place's identity: each part trimmed and case-folded, kept
// apart by a byte no text holds.
func (p Place) key() string {
	parts := []string{p.Site, p.Building, p.Floor, p.Room}
	for i, s := range parts {
		parts[i] = fold(strings.TrimSpace(s))
	}
	return strings.Join(parts, "\x00")
}

// fold maps every letter to one member of its case-folding orbit (the
// rule of strings.EqualFold), so that equal keys are equal without case.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		return min
	}, s)
}

// Words is the place in words: building / floor / room, the parts given.
func (p Place) Words() string {
	var parts []string
	for _, s := range []string{p.Building, p.Floor, p.Room} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " / ")
}

// LISSwitch is one switch of a site for the Teams Location Information
// Service: its chassis ID as LLDP gives it, located at the building its
// positions share (else the site).
type LISSwitch struct {
	Site             string `json:"site"`
	Switch           string `json:"switch"`
	ChassisID        string `json:"chassis_id"` // in the form Teams takes (a MAC as AA-BB-CC-DD-EE-FF)
	ChassisIDSubtype int    `json:"chassis_id_subtype"`
	Place            Place  `json:"place"`
	Description      string `json:"description"`
}

// LISPort is one access port serving a position.
type LISPort struct {
	Site          string `json:"site"`
	Position      string `json:"position"`
	Switch        string `json:"switch"`
	Port          string `json:"port"`
	ChassisID     string `json:"chassis_id"`
	PortID        string `json:"port_id"` // exactly as the switch advertises it (a MAC in the Teams form)
	PortIDSubtype int    `json:"port_id_subtype"`
	Place         Place  `json:"place"`
	Description   string `json:"description"`
}

// LISGap is a switch or port the export could not key: listed, never
// guessed.
type LISGap = Gap

// LIS is the Teams emergency locations of one or more sites.
type LIS struct {
	Addresses []CivicAddress `json:"civic_addresses"`
	Switches  []LISSwitch    `json:"switches"`
	Ports     []LISPort      `json:"ports"`
	Gaps      []LISGap       `json:"gaps"`
}

// LISLocation is one Teams location to create under its site's civic
// address (New-CsOnlineLisLocation -Location Name), or the civic
// address's default location for a place with no building, floor or room.
type LISLocation struct {
	Place Place  `json:"place"`
	Name  string `json:"Location"`
}

// Locations lists the distinct places the switches and ports are at, in
// the order they are first named (switches, then ports), each with the
// name it is created under. Names are unique within a site without regard
// to case: a second place whose words read the same (a ` / ` inside a
// name) gets its number after it.
func (l LIS) Locations() []LISLocation {
	var out []LISLocation
	seen := map[string]bool{}
	names := map[string]int{}
	add := func(p Place) {
		if seen[p.key()] {
			return
		}
		seen[p.key()] = true
		name := p.Words()
		if name != "" {
			k := fold(p.Site) + "\x00" + fold(name)
			names[k]++
			if n := names[k]; n > 1 {
				name = fmt.Sprintf("%s (%d)", name, n)
			}
		}
		out = append(out, LISLocation{Place: p, Name: name})
	}
	for _, s := range l.Switches {
		add(s.Place)
	}
	for _, p := range l.Ports {
		add(p.Place)
	}
	return out
}

// LocationKey is the key of the i-th location in locations.csv (L1, L2,
// …), by which switches.csv and ports.csv name theirs.
func LocationKey(i int) string { return fmt.Sprintf("L%d", i+1) }

// locationIndex is the index in locs of the location at place p.
func locationIndex(locs []LISLocation, p Place) int {
	for i, l := range locs {
		if l.Place.Same(p) {
			return i
		}
	}
	return -1
}

// The teams-lis load files, written by WriteLISFiles: one per cmdlet, with
// the cmdlet's parameter names as the header, and the gaps beside them.
const (
	FileCivicAddresses = "civic-addresses.csv"
	FileLocations      = "locations.csv"
	FileSwitches       = "switches.csv"
	FilePorts          = "ports.csv"
	FileGaps           = "gaps.csv"
)

// LISFileNames lists the load files in the order they are loaded.
var LISFileNames = []string{FileCivicAddresses, FileLocations, FileSwitches, FilePorts, FileGaps}

// File is one file of an export written as several.
type File struct {
	Name string
	Data []byte
}

// WriteLISFiles writes the teams-lis load files: civic-addresses.csv
// (New-CsOnlineLisCivicAddress), locations.csv (New-CsOnlineLisLocation's
// CivicAddressId and Location, then the LocationId it returns, the Site,
// Building, Floor and Room it stands for, and its Key), switches.csv
// (Set-CsOnlineLisSwitch) and ports.csv (Set-CsOnlineLisPort), headed by
// the cmdlets' parameter names with the LocationKey of the location row
// last, and gaps.csv. The CivicAddressId and LocationId columns are the
// Teams GUIDs, empty until the administrator has them (the ps1 script
// creates and uses them itself). A location with no Location (the
// site's switches) is the civic address's DefaultLocationId. Identifiers (chassis and port IDs) are written as they are,
// never formula-guarded: BuildLIS lets only plain identifiers through
// (PlainID); the free text (names, descriptions) is guarded.
func WriteLISFiles(l LIS) ([]File, error) {
	locs := l.Locations()
	var out []File
	add := func(name string, header []string, rows [][]string, guard []bool) error {
		var b bytes.Buffer
		if err := writeCSVGuarded(&b, header, rows, guard); err != nil {
			return err
		}
		out = append(out, File{Name: name, Data: b.Bytes()})
		return nil
	}
	var recs [][]string
	for _, a := range l.Addresses {
		recs = append(recs, []string{a.CompanyName, a.CountryOrRegion, a.HouseNumber, a.StreetName, a.City, a.PostalCode,
			a.Latitude, a.Longitude, a.Description, a.Site})
	}
	if err := add(FileCivicAddresses, []string{"CompanyName", "CountryOrRegion", "HouseNumber", "StreetName", "City", "PostalCode",
		"Latitude", "Longitude", "Description", "Site"}, recs, nil); err != nil {
		return nil, err
	}
	recs = nil
	for i, lc := range locs {
		recs = append(recs, []string{"", lc.Name, "", lc.Place.Site, lc.Place.Building, lc.Place.Floor, lc.Place.Room, LocationKey(i)})
	}
	if err := add(FileLocations, []string{"CivicAddressId", "Location", "LocationId", "Site", "Building", "Floor", "Room", "Key"}, recs, nil); err != nil {
		return nil, err
	}
	recs = nil
	for _, s := range l.Switches {
		recs = append(recs, []string{s.ChassisID, "", s.Description, LocationKey(locationIndex(locs, s.Place))})
	}
	if err := add(FileSwitches, []string{"ChassisID", "LocationId", "Description", "LocationKey"}, recs, []bool{false, false, true, false}); err != nil {
		return nil, err
	}
	recs = nil
	for _, p := range l.Ports {
		recs = append(recs, []string{p.ChassisID, p.PortID, "", p.Description, LocationKey(locationIndex(locs, p.Place))})
	}
	if err := add(FilePorts, []string{"ChassisID", "PortID", "LocationId", "Description", "LocationKey"}, recs, []bool{false, false, false, true, false}); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := WriteGaps(&b, l.Gaps); err != nil {
		return nil, err
	}
	out = append(out, File{Name: FileGaps, Data: b.Bytes()})
	return out, nil
}

// WriteLIS writes the Teams emergency locations as json or ps1; csv is
// the load files of WriteLISFiles, one named by file ("" for ports.csv).
func WriteLIS(w io.Writer, format string, sites []string, l LIS) error {
	return WriteLISFile(w, format, "", sites, l)
}

// WriteLISFile is WriteLIS choosing which csv load file to write.
func WriteLISFile(w io.Writer, format, file string, sites []string, l LIS) error {
	switch format {
	case "json":
		l.Addresses, l.Switches, l.Ports, l.Gaps = nonNil(l.Addresses), nonNil(l.Switches), nonNil(l.Ports), nonNil(l.Gaps)
		return writeJSON(w, KindTeamsLIS, sites, struct {
			LIS
			Locations []LISLocation `json:"locations"`
		}{l, nonNil(l.Locations())}, nil)
	case "ps1":
		return writeLISScript(w, sites, l)
	}
	if file == "" {
		file = FilePorts
	}
	files, err := WriteLISFiles(l)
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.Name == file {
			_, err := w.Write(f.Data)
			return err
		}
	}
	return fmt.Errorf("teams-lis: no load file %q: want one of %s", file, strings.Join(LISFileNames, ", "))
}

// PlainID says whether an LLDP identifier can go into a load file and a
// script as it is: letters and digits first, then letters, digits and
// / . _ : - and spaces (Gi1/0/1, 00-5D-73-41-01-00, GigabitEthernet1/0/1),
// at most 255 bytes. Anything else is a gap, not a guarded cell: the
// cmdlet must receive the ID exactly.
func PlainID(id string) bool {
	if id == "" || len(id) > 255 {
		return false
	}
	for i, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case i > 0 && strings.ContainsRune("/._:- ", r):
		default:
			return false
		}
	}
	return true
}

// SortGaps orders gaps by site, then position (switch gaps first), then
// switch and port.
func SortGaps(gs []Gap) {
	sort.SliceStable(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if a.Site != b.Site {
			return a.Site < b.Site
		}
		if a.Position != b.Position {
			return site.LabelLess(a.Position, b.Position)
		}
		if a.Switch != b.Switch {
			return site.LabelLess(a.Switch, b.Switch)
		}
		return site.LabelLess(a.Port, b.Port)
	})
}
