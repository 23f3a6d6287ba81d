package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// jsonInventory is the JSON form: {"site": {...}, "positions": [{...}]}.
type jsonInventory struct {
	Site      *Site             `json:"site"`
	Positions []json.RawMessage `json:"positions"`
}

func (b *builder) parseJSON(data []byte) {
	var doc jsonInventory
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		line, col := 0, 0
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col = lineCol(data, int(se.Offset))
		case errors.As(err, &te):
			line, col = lineCol(data, int(te.Offset))
		}
		b.problem(line, col, "", "JSON: %v", err)
		return
	}
	if doc.Site != nil {
		code, err := ValidateSiteCode(doc.Site.Code)
		if err != nil && b.opt.Site == "" {
			b.problem(0, 0, "site.code", "%v", err)
			return
		}
		if b.opt.Site != "" && code != "" && code != b.opt.Site {
			b.problem(0, 0, "site.code", "the file is for site %s but --site says %s", code, b.opt.Site)
			return
		}
		if code == "" {
			code = b.opt.Site
		}
		acc := b.site(code)
		acc.inv.SiteDetails = true
		s := &acc.inv.Site
		if n := strings.TrimSpace(doc.Site.Name); n != "" {
			s.Name = n
		}
		s.Address = strings.TrimSpace(doc.Site.Address)
		if d := strings.TrimSpace(doc.Site.CeaseDate); d != "" {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				b.problem(0, 0, "site.cease_date", "bad date %q: want YYYY-MM-DD", d)
			}
			s.CeaseDate = d
		}
		if b.opt.Site == "" {
			b.opt.Site = code
		}
	}
	var cols fieldColumns
	offsets := elementOffsets(data)
	for i, raw := range doc.Positions {
		line := 0
		if i < len(offsets) {
			line, _ = lineCol(data, offsets[i])
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			b.problem(line, 0, "", "position %d is not a JSON object", i+1)
			continue
		}
		var vals fieldValues
		ok := true
		for k, v := range fields {
			if !known(k) {
				b.problem(line, 0, k, "unknown field (known fields: %s)", strings.Join(Columns, ", "))
				ok = false
				continue
			}
			s, err := jsonScalar(v)
			if err != nil {
				b.problem(line, 0, k, "%v", err)
				ok = false
				continue
			}
			vals[colIndex[k]] = s
		}
		if ok {
			b.addRow(line, &vals, &cols)
		}
	}
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
			return "", fmt.Errorf("bad number %s", t)
		}
		return string(t), nil
	}
	return "", fmt.Errorf("want a text value, got %s", abbreviate(string(t), 40))
}

func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// elementOffsets finds the byte offset of each element of the top-level
// "positions" array, so that problems can name a line.
func elementOffsets(data []byte) []int {
	dec := json.NewDecoder(bytes.NewReader(data))
	depth := 0
	inPositions := false
	var offs []int
	for {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return offs
		}
		switch t := tok.(type) {
		case json.Delim:
			if (t == '{' || t == '[') && inPositions && depth == 2 {
				offs = append(offs, skipSpace(data, off))
			}
			if t == '{' || t == '[' {
				depth++
			} else {
				depth--
				if depth == 1 {
					inPositions = false
				}
			}
		case string:
			if depth == 1 && t == "positions" && dec.More() {
				inPositions = true
			}
		default:
			if inPositions && depth == 2 {
				offs = append(offs, skipSpace(data, off))
			}
		}
	}
}

func skipSpace(data []byte, off int) int {
	for off < len(data) && (data[off] == ' ' || data[off] == '\n' || data[off] == '\r' || data[off] == '\t' || data[off] == ',') {
		off++
	}
	return off
}

func lineCol(data []byte, off int) (int, int) {
	if off > len(data) {
		off = len(data)
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}
