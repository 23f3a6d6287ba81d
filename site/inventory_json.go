package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cutover/internal/safetext"
)

// The JSON form is {"site": {...}, "positions": [{...}, ...]}. It is read
// as a stream, a position at a time: only the values are kept.

// pendingRow is a position read before the "site" object that steers how
// rows are taken.
type pendingRow struct {
	line int
	vals fieldValues
}

func (b *builder) parseJSON(in *inputReader, r io.Reader) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	fail := func(line int, err error) {
		var le *limitError
		var se *json.SyntaxError
		col := 0
		switch {
		case errors.As(err, &le):
			b.readError(err)
			return
		case errors.As(err, &se):
			line, col = in.lineAt(se.Offset + in.skipped)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			line, col = in.lineAt(dec.InputOffset() + in.skipped)
			err = errors.New("unexpected end of JSON input")
		}
		b.problem(line, col, "", "JSON: %v", err)
	}
	if tok, err := dec.Token(); err != nil {
		fail(0, err)
		return
	} else if tok != json.Delim('{') {
		b.problem(1, 0, "", `JSON: want an object {"site": {…}, "positions": […]}`)
		return
	}
	siteDone := false
	var pending []pendingRow
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			fail(0, err)
			return
		}
		key, _ := tok.(string)
		line, _ := in.lineAt(dec.InputOffset() + in.skipped)
		switch key {
		case "site":
			var form *struct {
				Site
				CivicAddress // the address's fields beside the site's own
			}
			if err := dec.Decode(&form); err != nil {
				fail(line, err)
				return
			}
			var site *Site
			if form != nil {
				site = &form.Site
			}
			if !b.jsonSite(site) {
				return
			}
			if form != nil {
				b.civic(b.site(b.opt.Site), 0, form.CivicAddress, func(int) int { return 0 })
			}
			siteDone = true
			for _, p := range pending {
				b.addRow(p.line, &p.vals, &fieldColumns{})
			}
			pending = nil
		case "positions":
			if tok, err := dec.Token(); err != nil {
				fail(line, err)
				return
			} else if tok == nil {
				continue // null: no positions
			} else if tok != json.Delim('[') {
				b.problem(line, 0, "positions", "want an array of positions")
				return
			}
			for i := 1; dec.More(); i++ {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					fail(line, err)
					return
				}
				line = in.elementLine()
				if b.full(line) || !b.countRow(line) {
					return
				}
				vals, ok := b.jsonPosition(line, i, raw)
				switch {
				case !ok:
				case siteDone:
					b.addRow(line, &vals, &fieldColumns{})
				default:
					pending = append(pending, pendingRow{line, vals})
				}
			}
			if _, err := dec.Token(); err != nil { // the closing ]
				fail(line, err)
				return
			}
		default:
			b.problem(line, 0, "", `JSON: unknown field %s (the file holds "site" and "positions")`, quote(key))
			return
		}
	}
	if _, err := dec.Token(); err != nil { // the closing }
		fail(0, err)
		return
	}
	for _, p := range pending {
		b.addRow(p.line, &p.vals, &fieldColumns{})
	}
}

// jsonSite takes the "site" object: its code steers which rows are taken.
func (b *builder) jsonSite(site *Site) bool {
	if site == nil {
		return true
	}
	for _, f := range []struct {
		name, v  string
		newlines bool
	}{{"site.code", site.Code, false}, {"site.name", site.Name, false}, {"site.address", site.Address, true}, {"site.cease_date", site.CeaseDate, false}} {
		if err := safetext.Check(f.v, f.newlines); err != nil {
			b.problem(0, 0, f.name, "%v", err)
			return false
		}
		if utf8.RuneCountInString(f.v) > maxField {
			b.problem(0, 0, f.name, "value is %d characters long; at most %d allowed", utf8.RuneCountInString(f.v), maxField)
			return false
		}
	}
	code, err := ValidateSiteCode(site.Code)
	if err != nil && b.opt.Site == "" {
		b.problem(0, 0, "site.code", "%v", err)
		return false
	}
	if b.opt.Site != "" && code != "" && code != b.opt.Site {
		b.problem(0, 0, "site.code", "the file is for site %s but --site says %s", code, b.opt.Site)
		return false
	}
	if code == "" {
		code = b.opt.Site
	}
	acc := b.site(code)
	acc.inv.SiteDetails = true
	s := &acc.inv.Site
	if n := strings.TrimSpace(site.Name); n != "" {
		s.Name = n
	}
	s.Address = strings.Join(strings.Fields(site.Address), " ")
	if d := strings.TrimSpace(site.CeaseDate); d != "" {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			b.problem(0, 0, "site.cease_date", "bad date %s: want YYYY-MM-DD", quote(d))
		}
		s.CeaseDate = d
		acc.inv.CeaseDefault = false
	}
	b.jsonSchedule(acc, site)
	if b.opt.Site == "" {
		b.opt.Site = code
	}
	return true
}

// jsonPosition reads the fields of the i-th position.
func (b *builder) jsonPosition(line, i int, raw json.RawMessage) (fieldValues, bool) {
	var vals fieldValues
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		b.problem(line, 0, "", "position %d is not a JSON object", i)
		return vals, false
	}
	ok := true
	for k, v := range fields {
		if !known(k) {
			b.problem(line, 0, "", "unknown field %s (known fields: %s)", quote(k), knownColumns())
			ok = false
			continue
		}
		s, err := jsonScalar(v)
		if b := string(bytes.TrimSpace(v)); k == "critical" && (b == "true" || b == "false") {
			s, err = b, nil // the one field a JSON true or false may give
		}
		if err != nil {
			b.problem(line, 0, k, "%v", err)
			ok = false
			continue
		}
		vals[colIndex[k]] = s
	}
	return vals, ok
}

// jsonScalar accepts a string, a number (extensions are often written as
// numbers) or null.
func jsonScalar(v json.RawMessage) (string, error) {
	t := bytes.TrimSpace(v)
	if len(t) == 0 || string(t) == "null" {
		return "", nil
	}
	switch t[0] {
	case '"':
		var s string
		err := json.Unmarshal(t, &s)
		return s, err
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if _, err := strconv.ParseFloat(string(t), 64); err != nil {
			return "", fmt.Errorf("bad number %s", safetext.Clip(string(t), quoteChars))
		}
		return string(t), nil
	}
	return "", fmt.Errorf("want a text value, got %s", safetext.Clip(string(t), 40))
}
