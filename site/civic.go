package site

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"cutover/internal/safetext"
)

// CivicAddress is a site's address in the structured fields an emergency
// location needs (the Teams Location Information Service's civic address:
// house number, street, city, postcode, country, and where given the
// latitude and longitude), as the inventory gives it in both forms: the
// JSON site object's fields and the CSV's columns of the same names.
type CivicAddress struct {
	HouseNumber string `json:"house_number,omitempty"`
	Street      string `json:"street,omitempty"`
	City        string `json:"city,omitempty"`
	Postcode    string `json:"postcode,omitempty"`
	Country     string `json:"country,omitempty"` // ISO 3166-1 alpha-2, upper case (GB)
	Latitude    string `json:"latitude,omitempty"`
	Longitude   string `json:"longitude,omitempty"`
}

// CivicColumns are the civic address's field names in both inventory
// forms, in the order of CivicAddress.
var CivicColumns = []string{"house_number", "street", "city", "postcode", "country", "latitude", "longitude"}

// Empty says whether no field is given.
func (c CivicAddress) Empty() bool { return c == CivicAddress{} }

func (c *CivicAddress) fields() []*string {
	return []*string{&c.HouseNumber, &c.Street, &c.City, &c.Postcode, &c.Country, &c.Latitude, &c.Longitude}
}

// civicLimits bound each field (characters): a house number and a postcode
// are short; a street and a city are at most a field.
var civicLimits = []int{20, maxField, maxField, 16, 2, 20, 20}

// Check normalises a civic address (spaces trimmed and folded, the
// country in capitals, coordinates as numbers) and says what is wrong
// with it, field by field: a country that is not two letters, a
// coordinate out of range or given without the other, a field too long,
// any field given without the country (Teams needs it).
func (c CivicAddress) Check() (CivicAddress, []Problem) {
	var probs []Problem
	bad := func(i int, format string, args ...any) {
		probs = append(probs, Problem{Field: CivicColumns[i], Msg: fmt.Sprintf(format, args...)})
	}
	fs := c.fields()
	for i, f := range fs {
		if err := safetext.Check(*f, false); err != nil {
			bad(i, "%v", err)
			*f = ""
			continue
		}
		*f = strings.Join(strings.Fields(*f), " ")
		if n := utf8.RuneCountInString(*f); n > civicLimits[i] {
			bad(i, "value is %d characters long; at most %d allowed", n, civicLimits[i])
		}
	}
	if c.Empty() {
		return c, probs
	}
	c.Country = strings.ToUpper(c.Country)
	switch {
	case c.Country == "":
		bad(4, "missing country: give the ISO 3166-1 two-letter code (GB) when any part of the address is given")
	case len(c.Country) != 2 || !isUpperLetters(c.Country):
		bad(4, "bad country %s: want the ISO 3166-1 two-letter code (GB)", quote(c.Country))
	}
	for i, lim := range map[int]float64{5: 90, 6: 180} {
		v := *fs[i]
		if v == "" {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < -lim || f > lim || strings.ContainsAny(v, "eEnN") {
			bad(i, "bad %s %s: want decimal degrees from %g to %g", CivicColumns[i], quote(v), -lim, lim)
		}
	}
	if (c.Latitude == "") != (c.Longitude == "") {
		bad(5, "give latitude and longitude together, or neither")
	}
	return c, probs
}

func isUpperLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// civic takes a site's civic address as a row (or the JSON site object,
// line 0) gives it: checked, and the same wherever it is given; col is the
// file column of its i-th field.
func (b *builder) civic(acc *siteAcc, line int, c CivicAddress, col func(i int) int) {
	if c.Empty() {
		return
	}
	c, probs := c.Check()
	for _, p := range probs {
		i := 0
		for k, name := range CivicColumns {
			if name == p.Field {
				i = k
			}
		}
		if line == 0 {
			p.Field = "site." + p.Field
		}
		b.problem(line, col(i), p.Field, "%s", p.Msg)
	}
	if len(probs) > 0 {
		return
	}
	switch {
	case !acc.civicSet:
		acc.inv.Civic, acc.civicLine, acc.civicSet = c, line, true
	case c != acc.inv.Civic:
		where := fmt.Sprintf("line %d", acc.civicLine)
		if acc.civicLine == 0 {
			where = "the site object"
		}
		b.problem(line, col(0), "house_number", "the site's address differs from the one given at %s: give one address per site", where)
	}
}

// CivicFact is the hub's fact that holds a site's civic address as JSON
// (entity "site", the site's code, this attribute): the hub records it
// when it imports a plan, and laptops pull it with the site's other facts.
const CivicFact = "civic_address"

// CivicAddress reads a site's civic address: for a site that came from the
// hub, the hub's (as last pulled); else the one this laptop's import gave
// (empty when none was given).
func (s *Store) CivicAddress(ctx context.Context, code string) (CivicAddress, error) {
	code = strings.ToUpper(code)
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM sync_facts WHERE site = ? AND entity = 'site' AND entity_id = ? AND attr = ?`,
		code, code, CivicFact).Scan(&v)
	if err == sql.ErrNoRows {
		err = s.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, civicKey(code)).Scan(&v)
	}
	if err == sql.ErrNoRows {
		return CivicAddress{}, nil
	}
	if err != nil {
		return CivicAddress{}, err
	}
	var c CivicAddress
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return CivicAddress{}, fmt.Errorf("site %s: the civic address recorded is not readable: %w", code, err)
	}
	return c, nil
}

// civicKey is where a laptop keeps the civic address its own import gave:
// a row of the meta table (no schema change for one small record a site).
func civicKey(code string) string { return "civic_address:" + strings.ToUpper(code) }

// writeCivicAddress records the civic address an import gave for a site;
// an import that gives none leaves the one recorded.
func writeCivicAddress(ctx context.Context, tx *Tx, si SiteInventory) error {
	if si.Civic.Empty() {
		return nil
	}
	b, err := json.Marshal(si.Civic)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		civicKey(si.Site.Code), string(b))
	return err
}
