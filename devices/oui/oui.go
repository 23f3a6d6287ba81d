package oui

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed phone_ouis.txt
var table string

// Entry is one row of the phone-vendor OUI table.
type Entry struct {
	OUI    string // "00:1b:4f"
	Family string // cisco, mitel, avaya or other
	// PhoneOnly is true when the vendor's kit on an access port is almost
	// always a phone; false means the MAC needs corroboration (voice VLAN).
	PhoneOnly bool
	Vendor    string
}

var entries = mustParse(table)

func mustParse(s string) map[string]Entry {
	m, err := Parse(s)
	if err != nil {
		panic(err) // the embedded table is part of the source; a test guards it
	}
	return m
}

// Parse reads a table in the format of phone_ouis.txt.
func Parse(s string) (map[string]Entry, error) {
	m := map[string]Entry{}
	for n, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			return nil, fmt.Errorf("oui table line %d: want 4 columns, got %q", n+1, line)
		}
		o := strings.ToLower(f[0])
		if len(o) != 8 || o[2] != ':' || o[5] != ':' {
			return nil, fmt.Errorf("oui table line %d: bad OUI %q", n+1, f[0])
		}
		switch f[1] {
		case "cisco", "mitel", "avaya", "other":
		default:
			return nil, fmt.Errorf("oui table line %d: bad family %q", n+1, f[1])
		}
		if f[2] != "phone" && f[2] != "vendor" {
			return nil, fmt.Errorf("oui table line %d: bad strength %q", n+1, f[2])
		}
		m[o] = Entry{OUI: o, Family: f[1], PhoneOnly: f[2] == "phone", Vendor: strings.Join(f[3:], " ")}
	}
	return m, nil
}

// Lookup finds the entry for a MAC in lower-case colon form
// ("00:1b:4f:12:34:56"). ok is false for vendors not in the table.
func Lookup(mac string) (Entry, bool) {
	if len(mac) < 8 {
		return Entry{}, false
	}
	e, ok := entries[strings.ToLower(mac[:8])]
	return e, ok
}

// Len reports how many OUIs the table holds.
func Len() int { return len(entries) }
