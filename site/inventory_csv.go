package site

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

func (b *builder) parseCSV(src io.Reader) {
	r := csv.NewReader(src)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		b.problem(1, 0, "", "the file is empty: want a header row naming the columns (%s)", knownColumns())
		return
	}
	if err != nil {
		b.readError(err)
		return
	}
	if len(header) > MaxColumns {
		b.problem(1, 0, "", "the header has %d columns; an inventory has at most %d (known columns: %s)", len(header), MaxColumns, knownColumns())
		return
	}
	index := make([]int, len(header))
	cols := map[string]int{}
	var fcols fieldColumns
	sched := map[int]string{} // the file's schedule columns: index → name
	for i, h := range header {
		index[i] = -1
		name := strings.ToLower(strings.TrimSpace(h))
		if isScheduleColumn(name) {
			for _, n := range sched {
				if n == name {
					b.problem(1, i+1, "", "column %q appears twice", name)
				}
			}
			sched[i] = name
			continue
		}
		if !known(name) {
			b.problem(1, i+1, "", "unknown column %s (known columns: %s, and for the site's schedule %s)", quote(h),
				knownColumns(), strings.Join(ScheduleColumns, ", "))
			continue
		}
		if _, dup := cols[name]; dup {
			b.problem(1, i+1, "", "column %q appears twice", name)
			continue
		}
		cols[name] = i + 1
		index[i] = colIndex[name]
		fcols[colIndex[name]] = i + 1
	}
	for _, need := range []string{"label", "role", "legacy_vendor", "extension"} {
		if _, ok := cols[need]; !ok {
			b.problem(1, 0, "", "required column %q is missing", need)
		}
	}
	if _, ok := cols["site"]; !ok && b.opt.Site == "" {
		b.problem(1, 0, "", "there is no site column: add one or give --site CODE")
	}
	if len(b.probs) > 0 {
		return
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.readError(err)
			return
		}
		line, _ := r.FieldPos(0)
		if b.full(line) {
			return
		}
		if len(rec) != len(header) {
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue // a blank line
			}
			b.problem(line, 0, "", "row has %d fields but the header has %d", len(rec), len(header))
			continue
		}
		if !b.countRow(line) {
			return
		}
		var vals fieldValues
		for i, v := range rec {
			if index[i] >= 0 {
				vals[index[i]] = v
			}
		}
		b.addRow(line, &vals, &fcols)
		if len(sched) > 0 {
			b.scheduleRow(line, vals[fSite], rec, sched)
		}
	}
}

// countRow counts a row against MaxRows; false, with a problem, when there
// is one too many.
func (b *builder) countRow(line int) bool {
	b.rows++
	if b.rows > MaxRows {
		b.probs = append(b.probs, Problem{File: b.file, Line: line,
			Msg: fmt.Sprintf("more than %d rows, the most an inventory may have: split the file by site", MaxRows)})
		return false
	}
	return true
}

// readError records why the file could not be read further: a limit, a
// CSV or JSON syntax error, or the reading itself.
func (b *builder) readError(err error) {
	var le *limitError
	var pe *csv.ParseError
	switch {
	case errors.As(err, &le):
		b.probs = append(b.probs, Problem{File: b.file, Line: le.Line, Msg: le.Error()})
	case errors.As(err, &pe):
		b.problem(pe.Line, pe.Column, "", "CSV: %v", pe.Err)
	default:
		b.problem(0, 0, "", "reading the file: %v", err)
	}
}
