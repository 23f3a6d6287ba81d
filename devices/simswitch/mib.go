package simswitch

import (
	"fmt"
	"slices"
)

// MIB is an immutable, sorted set of records served as one view. It is safe
// for concurrent use.
type MIB struct {
	recs []Record
}

// NewMIB builds a MIB from records in any order. When an OID appears more
// than once the first record wins (real recordings contain duplicates).
// Records whose OID or value cannot be encoded are rejected.
func NewMIB(recs []Record) (*MIB, error) {
	for _, r := range recs {
		if err := checkName(r.OID); err != nil {
			return nil, err
		}
		if err := r.Value.check(); err != nil {
			return nil, fmt.Errorf("%s: %w", r.OID, err)
		}
	}
	s := slices.Clone(recs)
	slices.SortStableFunc(s, func(a, b Record) int { return a.OID.Compare(b.OID) })
	s = slices.CompactFunc(s, func(a, b Record) bool { return a.OID.Compare(b.OID) == 0 })
	return &MIB{recs: s}, nil
}

// checkName reports whether o can be a varbind name.
func checkName(o OID) error {
	if len(o) < 2 || o[0] > 2 || (o[0] < 2 && o[1] >= 40) {
		return fmt.Errorf("OID %q cannot be BER-encoded", o)
	}
	return nil
}

// Len is the number of records.
func (m *MIB) Len() int { return len(m.recs) }

// Records returns the records in OID order. The caller must not modify them.
func (m *MIB) Records() []Record { return m.recs }

// search returns the index of the first record >= o.
func (m *MIB) search(o OID) (int, bool) {
	return slices.BinarySearchFunc(m.recs, o, func(r Record, t OID) int { return r.OID.Compare(t) })
}

// Get returns the value at o, or a noSuchObject / noSuchInstance exception.
// The exception is noSuchInstance when the object looks present (o is a
// prefix of a served OID, or a sibling instance of it exists), else noSuchObject.
func (m *MIB) Get(o OID) Value {
	i, found := m.search(o)
	if found {
		return m.recs[i].Value
	}
	if i < len(m.recs) && m.recs[i].OID.HasPrefix(o) {
		return Value{Type: NoSuchInstance}
	}
	if len(o) > 2 {
		parent := o[:len(o)-1]
		if i < len(m.recs) && m.recs[i].OID.HasPrefix(parent) {
			return Value{Type: NoSuchInstance}
		}
		if i > 0 && m.recs[i-1].OID.HasPrefix(parent) {
			return Value{Type: NoSuchInstance}
		}
	}
	return Value{Type: NoSuchObject}
}

// Next returns the first record whose OID is strictly greater than o.
func (m *MIB) Next(o OID) (Record, bool) {
	i, found := m.search(o)
	if found {
		i++
	}
	if i >= len(m.recs) {
		return Record{}, false
	}
	return m.recs[i], true
}
