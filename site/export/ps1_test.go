package export_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"cutover/internal/safetext"
	"cutover/site"
	"cutover/site/export"
	"cutover/site/runbook"
)

// The Teams script is checked here on its bytes, as PowerShell would read
// them: pwsh cannot be installed on this machine (no registry it reaches
// ships it), so the test decodes the file both ways Windows PowerShell 5.1
// and PowerShell 7 may (UTF-8, and Windows-1252 for a file without a
// byte-order mark), splits every line by PowerShell's quoting rule (the
// ASCII quote and the four typographic single quotes all open and close a
// literal), evaluates each value expression, and checks the code between
// the values. Where pwsh is on the PATH, it also parses the script.

// isQuote is PowerShell's single quote: ' and U+2018, U+2019, U+201A,
// U+201B.
func isQuote(r rune) bool {
	return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b'
}

// cp1252 decodes bytes as Windows-1252, the ANSI code page Windows
// PowerShell 5.1 reads a file without a BOM in on a UK or US Windows.
func cp1252(b []byte) string {
	high := []rune("€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ")
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c >= 0x80 && c < 0xa0:
			sb.WriteRune(high[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

// psValue evaluates one value expression of the script at the start of s:
// a single-quoted literal, or ('…' + [char]0xHHHH + …). It returns the
// text and the rest of s.
func psValue(t *testing.T, s string) (string, string) {
	t.Helper()
	rs := []rune(s)
	literal := func(i int) (string, int) {
		var v []rune
		for i++; ; i++ {
			if i >= len(rs) {
				t.Fatalf("a literal never ends: %s", s)
			}
			if isQuote(rs[i]) {
				if i+1 < len(rs) && isQuote(rs[i+1]) {
					v = append(v, rs[i+1])
					i++
					continue
				}
				return string(v), i + 1
			}
			v = append(v, rs[i])
		}
	}
	if len(rs) > 0 && isQuote(rs[0]) {
		v, i := literal(0)
		return v, string(rs[i:])
	}
	if len(rs) == 0 || rs[0] != '(' {
		t.Fatalf("not a value: %s", s)
	}
	var units []uint16
	i := 1
	for {
		switch {
		case isQuote(rs[i]):
			v, j := literal(i)
			units = append(units, utf16.Encode([]rune(v))...)
			i = j
		case strings.HasPrefix(string(rs[i:]), "[char]0x"):
			n, err := strconv.ParseUint(string(rs[i+8:i+12]), 16, 16)
			if err != nil {
				t.Fatalf("bad [char]: %s", s)
			}
			units = append(units, uint16(n))
			i += 12
		default:
			t.Fatalf("unexpected %q in %s", string(rs[i:]), s)
		}
		rest := string(rs[i:])
		switch {
		case strings.HasPrefix(rest, " + "):
			i += 3
		case strings.HasPrefix(rest, ")"):
			return string(utf16.Decode(units)), rest[1:]
		default:
			t.Fatalf("unexpected %q in %s", rest, s)
		}
	}
}

// entry reads a `[pscustomobject]@{ K = V; … }` line into its fields.
func entry(t *testing.T, line string) map[string]string {
	t.Helper()
	s := strings.TrimPrefix(strings.TrimSpace(line), "[pscustomobject]@{ ")
	out := map[string]string{}
	for !strings.HasPrefix(s, "}") {
		k, rest, ok := strings.Cut(s, " = ")
		if !ok {
			t.Fatalf("bad entry: %s", line)
		}
		if r, _ := utf8.DecodeRuneInString(rest); r == '(' || isQuote(r) {
			out[k], s = psValue(t, rest)
		} else {
			n := strings.IndexAny(rest, ";}")
			out[k], s = strings.TrimSpace(rest[:n]), rest[n:]
		}
		s = strings.TrimPrefix(strings.TrimPrefix(s, ";"), " ")
	}
	return out
}

// codeOf is a script line with each value (a literal or a parenthesised
// concatenation) replaced by V.
func codeOf(t *testing.T, line string) string {
	t.Helper()
	var b strings.Builder
	for rest := line; ; {
		i := strings.IndexFunc(rest, func(r rune) bool { return isQuote(r) || r == '(' })
		if i < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i])
		b.WriteString("V")
		_, rest = psValue(t, rest[i:])
	}
}

// checkScript checks a teams-lis script for the positions it was written
// from: the properties Windows PowerShell 5.1 and 7 need.
func checkScript(t *testing.T, script []byte, positions []site.Position) {
	t.Helper()
	for i, c := range script {
		if c >= 0x80 {
			t.Fatalf("byte %d is 0x%02x: the script must be ASCII to read the same in 5.1 and 7", i, c)
		}
	}
	if !utf8.Valid(script) || cp1252(script) != string(script) {
		t.Fatal("the script reads differently as UTF-8 and as Windows-1252")
	}
	text := string(script)
	// Every place is one entry, equal places (without case) one only.
	var places []export.Place
	for _, p := range positions {
		pl := export.Place{Site: p.Site, Building: p.Building, Floor: p.Floor, Room: p.Room}
		dup := false
		for _, q := range places {
			dup = dup || q.Same(pl)
		}
		if !dup {
			places = append(places, pl)
		}
	}
	var locs []map[string]string
	names := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "    [pscustomobject]@{ Index = ") {
			e := entry(t, line)
			locs = append(locs, e)
			k := strings.ToLower(e["Site"] + "\x00" + e["Location"])
			if names[k] {
				t.Errorf("two locations named %q", e["Location"])
			}
			names[k] = true
		}
	}
	for _, pl := range places {
		found := 0
		for _, e := range locs {
			if e["Building"] == safetext.Terminal(pl.Building, false) && e["Floor"] == safetext.Terminal(pl.Floor, false) &&
				e["Room"] == safetext.Terminal(pl.Room, false) {
				found++
			}
		}
		if found != 1 {
			t.Errorf("place %q / %q / %q is %d location entries; want 1", pl.Building, pl.Floor, pl.Room, found)
		}
	}
	// Every Set- line is the cmdlet, its parameters and values, the
	// LocationId by index; the values whole, whatever the text.
	want := map[string]*regexp.Regexp{
		"Set-CsOnlineLisSwitch": regexp.MustCompile(`^Set-CsOnlineLisSwitch -ChassisID V -LocationId \$Locations\[\d+\]\.LocationId -Description V$`),
		"Set-CsOnlineLisPort":   regexp.MustCompile(`^Set-CsOnlineLisPort -ChassisID V -PortID V -LocationId \$Locations\[\d+\]\.LocationId -Description V$`),
	}
	firstChange, preflight, stop := -1, strings.Index(text, "Get-CsOnlineLisLocation -LocationId"), strings.Index(text, "throw ('Nothing was changed")
	for _, cmd := range []string{"\nSet-CsOnlineLis", "New-CsOnlineLisCivicAddress @", "New-CsOnlineLisLocation -"} {
		if i := strings.Index(text, cmd); i >= 0 && (firstChange < 0 || i < firstChange) {
			firstChange = i
		}
	}
	if preflight < 0 || stop < preflight || firstChange < stop {
		t.Errorf("the pre-flight (Get-CsOnlineLisLocation, then stop) must come before any change: %d, %d, %d", preflight, stop, firstChange)
	}
	for _, line := range strings.Split(text, "\n") {
		cmd, _, _ := strings.Cut(line, " ")
		re, ok := want[cmd]
		if !ok {
			continue
		}
		if code := codeOf(t, line); !re.MatchString(code) {
			t.Errorf("line's code is %q\n%s", code, line)
		}
	}
	if pwsh, err := exec.LookPath("pwsh"); err == nil {
		path := filepath.Join(t.TempDir(), "lis.ps1")
		must(t, os.WriteFile(path, script, 0o644))
		cmd := fmt.Sprintf(`$e = $null; [void][System.Management.Automation.Language.Parser]::ParseFile('%s', [ref]$null, [ref]$e); if ($e.Count) { $e; exit 1 }`, path)
		if out, err := exec.Command(pwsh, "-NoProfile", "-Command", cmd).CombinedOutput(); err != nil {
			t.Errorf("pwsh does not parse the script: %v\n%s", err, out)
		}
	}
}

// TestTeamsScriptReadsTheSameInWindowsPowerShellAnd7: rooms that differ
// only in case are one location; a non-ASCII room (SALA PEÑA, whose Ñ in
// UTF-8 holds a byte Windows-1252 reads as a typographic quote), ` / `
// inside names, every kind of single quote, a character beyond the BMP
// and bidi controls all come through the script as ASCII, each value
// whole, and the script looks every LocationId up before it changes
// anything.
func TestTeamsScriptReadsTheSameInWindowsPowerShellAnd7(t *testing.T) {
	rooms := []struct{ b, f, r string }{
		{"Main", "2", "CID office"}, {"Main", "2", "CID Office"}, {"MAIN", "2", "cid OFFICE"},
		{"Main", "1", "SALA PEÑA"}, {"Main", "1", "Sala Peña"},
		{"A / B", "C", "D"}, {"A", "B / C", "D"}, {"A", "B", "C / D"},
		{"O'Brien's wing", "‘1’", "‚low‛ room"}, {"Annex 😀", "G", "\u202eevil"},
		{"Ωmega", "", ""}, {"", "", ""},
	}
	var positions []site.Position
	read := []site.SwitchLLDP{{Switch: "10.0.0.1:161", SysName: "kx-sw1", ChassisID: "00:5d:73:41:01:00", ChassisIDSubtype: 4}}
	for i, r := range rooms {
		port := fmt.Sprintf("Gi1/0/%d", i+1)
		positions = append(positions, site.Position{Site: "KX", Label: fmt.Sprintf("PE-%02d", i+1), Plan: site.PlanTeamsDDI,
			Building: r.b, Floor: r.f, Room: r.r, Switch: "kx-sw1", Port: port})
		read[0].Ports = append(read[0].Ports, site.ObservedPort{Port: port, PortID: port, PortIDSubtype: 5})
	}
	l := runbook.BuildLIS(site.Site{Code: "KX", Name: "Kestrel Cross ‘KX’", Address: "1 Peña Road"}, site.CivicAddress{HouseNumber: "1", Street: "Peña Road", City: "London", Postcode: "N1 9ZZ", Country: "GB"}, positions, read, nil, nil, false)
	if len(l.Ports) != len(rooms) || len(l.Gaps) != 0 {
		t.Fatalf("%d ports, gaps %+v", len(l.Ports), l.Gaps)
	}
	locs := l.Locations()
	if len(locs) != 9 { // the switch's (the site's), CID office, SALA PEÑA, three ` / ` places, O'Brien's, Annex, Ωmega; "" is the site's
		var got []string
		for _, lc := range locs {
			got = append(got, lc.Name)
		}
		t.Errorf("%d locations; want 9: %q", len(locs), got)
	}
	var b bytes.Buffer
	must(t, export.WriteLIS(&b, "ps1", []string{"KX"}, l))
	checkScript(t, b.Bytes(), positions)

	// The load files name the same locations: one row each, names unique
	// without case, every port's LocationKey one of them.
	files, err := export.WriteLISFiles(l)
	must(t, err)
	load := func(name string) [][]string {
		for _, f := range files {
			if f.Name == name {
				recs, err := csv.NewReader(bytes.NewReader(f.Data)).ReadAll()
				must(t, err)
				return recs
			}
		}
		t.Fatalf("no %s", name)
		return nil
	}
	keys, names := map[string]bool{}, map[string]bool{}
	for _, r := range load(export.FileLocations)[1:] {
		keys[r[7]] = true
		if n := strings.ToLower(r[3] + "\x00" + r[1]); names[n] {
			t.Errorf("locations.csv names %q twice", r[1])
		} else {
			names[n] = true
		}
	}
	if len(keys) != len(locs) {
		t.Errorf("locations.csv has %d locations; want %d", len(keys), len(locs))
	}
	for _, r := range load(export.FilePorts)[1:] {
		if !keys[r[4]] {
			t.Errorf("ports.csv names location %q, not in locations.csv", r[4])
		}
	}
	if !strings.Contains(b.String(), `('SALA PE' + [char]0x00D1 + 'A')`) {
		t.Errorf("SALA PEÑA is not written with its [char] code:\n%s", b.String())
	}
	if !strings.Contains(b.String(), `[char]0xD83D + [char]0xDE00`) {
		t.Errorf("the emoji is not written as its UTF-16 pair")
	}
}

// TestPSStringRoundTrips: every value reads back as the text it was made
// from (control characters shown as safetext.Terminal shows them).
func TestPSStringRoundTrips(t *testing.T) {
	for _, s := range append([]string{"", "'", "''", "‘’‚‛", "Ñ", "a\u2019); iex 'calc'; (\u2018", "😀x", "\x1b[2J"}, hostileText...) {
		got, rest := psValue(t, export.PSString(s))
		if got != safetext.Terminal(s, false) || rest != "" {
			t.Errorf("PSString(%q) reads back as %q (rest %q)", s, got, rest)
		}
		for _, c := range []byte(export.PSString(s)) {
			if c >= 0x80 || c < 0x20 {
				t.Errorf("PSString(%q) holds byte 0x%02x", s, c)
			}
		}
	}
}
