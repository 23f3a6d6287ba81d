package export

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"

	"cutover/internal/safetext"
)

// PSString writes text as a PowerShell expression in pure ASCII: printable
// ASCII runs as single-quoted literals (a ' doubled), every other
// character as its [char] code (two for a character beyond the Basic
// Multilingual Plane), concatenated in parentheses:
// ('SALA PE' + [char]0x00D1 + 'A'). The file then reads the same in
// Windows PowerShell 5.1 (which reads a file without a byte-order mark in
// the ANSI code page, where bytes of UTF-8 can be typographic quotes that
// end a literal) and PowerShell 7 (UTF-8), and no character of the text,
// typographic quotes included, is ever inside a literal but as itself.
// Control characters are shown as safetext.Terminal shows them.
func PSString(s string) string {
	s = safetext.Terminal(s, false)
	var parts []string
	var run strings.Builder
	flush := func() {
		if run.Len() > 0 {
			parts = append(parts, "'"+run.String()+"'")
			run.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r == '\'':
			run.WriteString("''")
		case r >= 0x20 && r < 0x7f:
			run.WriteRune(r)
		default:
			flush()
			if r > 0xffff {
				a, b := utf16.EncodeRune(r)
				parts = append(parts, fmt.Sprintf("[char]0x%04X", a), fmt.Sprintf("[char]0x%04X", b))
			} else {
				parts = append(parts, fmt.Sprintf("[char]0x%04X", r))
			}
		}
	}
	flush()
	switch {
	case len(parts) == 0:
		return "''"
	case len(parts) == 1 && parts[0][0] == '\'':
		return parts[0]
	case parts[0][0] != '\'':
		parts = append([]string{"''"}, parts...) // a string first, so + joins text, never adds numbers
	}
	return "(" + strings.Join(parts, " + ") + ")"
}

// psComment is text for a comment line: one line, ASCII (every other
// character as \uXXXX).
func psComment(s string) string {
	var b strings.Builder
	for _, r := range safetext.Line(s) {
		if r >= 0x20 && r < 0x7f {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, `\u%04X`, r)
		}
	}
	return b.String()
}

// writeLISScript writes the PowerShell script that loads a site's Teams
// emergency locations with the MicrosoftTeams module's cmdlets, as
// Microsoft's reference names their parameters: New-CsOnlineLisCivicAddress
// (-CompanyName -CountryOrRegion -HouseNumber -StreetName -City
// -PostalCode -Latitude -Longitude -Description), New-CsOnlineLisLocation
// (-CivicAddressId -Location), Get-CsOnlineLisLocation (-LocationId),
// Get-CsOnlineLisCivicAddress (-CivicAddressId), Set-CsOnlineLisSwitch
// (-ChassisID -LocationId -Description) and Set-CsOnlineLisPort
// (-ChassisID -PortID -LocationId -Description).
//
// The file is pure ASCII (PSString), so Windows PowerShell 5.1 and
// PowerShell 7 read the same script. Locations are a list of structured
// places (site, building, floor, room) referred to by their index, never
// a hashtable keyed by joined text: two rooms differing in case are one
// location (Place.Same), and ` / ` in a name cannot make two places one.
// Before any change, every LocationId and CivicAddressId given is looked
// up in Teams; if one is missing or not found, the script stops having
// changed nothing. With -CreateLocations it creates the civic address and
// the locations that have no LocationId, then sets the switches and ports.
func writeLISScript(w io.Writer, sites []string, l LIS) error {
	var b bytes.Buffer
	locs := l.Locations()
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Teams emergency locations (LIS), written by cutover export teams-lis. Sites: %s\n", psComment(strings.Join(sites, ", ")))
	p("# Runs in Windows PowerShell 5.1 or PowerShell 7, connected with Connect-MicrosoftTeams.\n")
	p("# Fill in each location's LocationId (Get-CsOnlineLisLocation) below, or run with -CreateLocations\n")
	p("# to create the civic address and the locations that have none. Every LocationId and CivicAddressId\n")
	p("# given is looked up in Teams first; if one is missing or not found, nothing is changed.\n")
	p("[CmdletBinding()]\nparam([switch]$CreateLocations)\n")
	p("Set-StrictMode -Version 2.0\n$ErrorActionPreference = 'Stop'\n\n")
	p("$CivicAddresses = @(\n")
	for _, a := range l.Addresses {
		p("    [pscustomobject]@{ Site = %s; CivicAddressId = ''; CompanyName = %s; CountryOrRegion = %s; HouseNumber = %s; StreetName = %s; City = %s; PostalCode = %s; Latitude = %s; Longitude = %s; Description = %s }\n",
			PSString(a.Site), PSString(a.CompanyName), PSString(a.CountryOrRegion), PSString(a.HouseNumber), PSString(a.StreetName),
			PSString(a.City), PSString(a.PostalCode), PSString(a.Latitude), PSString(a.Longitude), PSString(a.Description))
	}
	p(")\n\n# One entry per place; the switches and ports below name it by its index.\n$Locations = @(\n")
	for i, lc := range locs {
		addr := -1
		for j, a := range l.Addresses {
			if strings.EqualFold(a.Site, lc.Place.Site) {
				addr = j
			}
		}
		p("    [pscustomobject]@{ Index = %d; Address = %d; Site = %s; Building = %s; Floor = %s; Room = %s; Location = %s; LocationId = '' }\n",
			i, addr, PSString(lc.Place.Site), PSString(lc.Place.Building), PSString(lc.Place.Floor), PSString(lc.Place.Room), PSString(lc.Name))
	}
	p(")\n\n")
	b.WriteString(lisPreflight)
	for i, s := range l.Switches {
		if i == 0 {
			b.WriteString("\n# Switches: the chassis ID each one advertises in LLDP (lldpLocChassisId).\n")
		}
		p("Set-CsOnlineLisSwitch -ChassisID %s -LocationId $Locations[%d].LocationId -Description %s\n",
			PSString(s.ChassisID), locationIndex(locs, s.Place), PSString(s.Description))
	}
	for i, pt := range l.Ports {
		if i == 0 {
			b.WriteString("\n# Ports: the port ID each one advertises in LLDP (lldpLocPortId), on its switch's chassis ID.\n")
		}
		p("Set-CsOnlineLisPort -ChassisID %s -PortID %s -LocationId $Locations[%d].LocationId -Description %s\n",
			PSString(pt.ChassisID), PSString(pt.PortID), locationIndex(locs, pt.Place), PSString(pt.Description))
	}
	if len(l.Gaps) > 0 {
		p("\n# Gaps: %s not set (read the switch again, or set them by hand):\n", strconv.Itoa(len(l.Gaps)))
		for _, g := range l.Gaps {
			p("#   %s\n", psComment(g.Site+"/"+g.Position+" on "+g.Switch+" "+g.Port+": "+g.Reason))
		}
		p("Write-Warning '%d switch(es) or port(s) could not be set: see the Gaps comment at the end of this script'\n", len(l.Gaps))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// lisPreflight is the script's fixed middle: look up every ID given
// before any change; create what -CreateLocations asks for.
const lisPreflight = `# Pre-flight: nothing is changed unless every ID given exists in Teams.
$problems = New-Object System.Collections.Generic.List[string]
foreach ($a in $CivicAddresses) {
    if ($a.CivicAddressId -ne '') {
        $found = $null
        try { $found = Get-CsOnlineLisCivicAddress -CivicAddressId $a.CivicAddressId } catch { $found = $null }
        if ($null -eq $found) { $problems.Add('civic address of site ' + $a.Site + ': CivicAddressId ' + $a.CivicAddressId + ' not found in Teams') }
    } elseif ($CreateLocations -and ($a.CompanyName -eq '' -or $a.CountryOrRegion -eq '')) {
        $problems.Add('civic address of site ' + $a.Site + ': CompanyName and CountryOrRegion are needed to create it (or fill in its CivicAddressId)')
    }
}
foreach ($l in $Locations) {
    $where = 'location ' + $l.Index + ' (' + $l.Site + ' ' + $l.Location + ')'
    if ($l.LocationId -eq '') {
        if (-not $CreateLocations) { $problems.Add($where + ': no LocationId (fill it in, or run with -CreateLocations)') }
        elseif ($l.Address -lt 0) { $problems.Add($where + ': no civic address for its site') }
        continue
    }
    if ($null -eq ($l.LocationId -as [guid])) { $problems.Add($where + ': LocationId ' + $l.LocationId + ' is not a GUID'); continue }
    $found = $null
    try { $found = Get-CsOnlineLisLocation -LocationId $l.LocationId } catch { $found = $null }
    if ($null -eq $found) { $problems.Add($where + ': LocationId ' + $l.LocationId + ' not found in Teams (Get-CsOnlineLisLocation)') }
}
if ($problems.Count -gt 0) {
    throw ('Nothing was changed: ' + ($problems -join '; '))
}

if ($CreateLocations) {
    foreach ($a in $CivicAddresses) {
        if ($a.CivicAddressId -ne '') { continue }
        $given = @{ CompanyName = $a.CompanyName; CountryOrRegion = $a.CountryOrRegion }
        foreach ($n in @('HouseNumber', 'StreetName', 'City', 'PostalCode', 'Latitude', 'Longitude', 'Description')) {
            if ($a.$n -ne '') { $given[$n] = $a.$n }
        }
        $made = New-CsOnlineLisCivicAddress @given
        $a.CivicAddressId = [string]$made.CivicAddressId
        $a | Add-Member -NotePropertyName DefaultLocationId -NotePropertyValue ([string]$made.DefaultLocationId) -Force
        Write-Output ('created civic address ' + $a.CivicAddressId + ' for site ' + $a.Site)
    }
    foreach ($l in $Locations) {
        if ($l.LocationId -ne '') { continue }
        $a = $CivicAddresses[$l.Address]
        if ($l.Location -eq '') {
            $id = ''
            if ($a.PSObject.Properties['DefaultLocationId']) { $id = $a.DefaultLocationId }
            if ($id -eq '') { $id = [string](Get-CsOnlineLisCivicAddress -CivicAddressId $a.CivicAddressId).DefaultLocationId }
            $l.LocationId = $id
        } else {
            $made = New-CsOnlineLisLocation -CivicAddressId $a.CivicAddressId -Location $l.Location
            $l.LocationId = [string]$made.LocationId
        }
        Write-Output ('location ' + $l.Index + ' (' + $l.Site + ' ' + $l.Location + '): ' + $l.LocationId)
    }
}
`
