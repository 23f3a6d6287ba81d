package oplog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"cutover/internal/safetext"
)

// Limits every op obeys, on the laptop before it is logged (Append) and on
// the hub before it is applied: what passes here can always be stored on
// both hub stores and served back to every laptop.
const (
	// MaxText is the longest free text (a note, a reason), in characters.
	MaxText = 2000
	// MaxEvidence is the largest evidence of a step result, in bytes of JSON.
	MaxEvidence = 16 << 10
	// MaxDepth is the deepest nesting of evidence (the evidence object is
	// level 1) and of any payload below its top-level object.
	MaxDepth = 8
	// MaxKey is the longest short identifier: a serial, a MAC, an asset
	// tag, a step key, an attribute name, a state word.
	MaxKey = 128
	// MaxLabel is the longest position label, switch name or observed
	// value (the inventory's longest field).
	MaxLabel = 500
	// MaxEntityID is the longest entity id of an op.
	MaxEntityID = 512
	// MaxEngineer is the longest engineer name.
	MaxEngineer = 128
	// MaxPayload is the largest payload of most kinds, in bytes.
	MaxPayload = 64 << 10
	// MaxBulkPayload is the largest payload of a discovery or import
	// record, in bytes: well under the hub's request limit.
	MaxBulkPayload = 1 << 20
	// MaxList is the most items in a list field.
	MaxList = 20000
)

// ErrInvalid is wrapped by every error of Check and CheckOp.
var ErrInvalid = errors.New("invalid op")

// ftype is what a payload field holds.
type ftype int

const (
	tLine  ftype = iota // one line of text
	tText               // free text: newlines and tabs allowed
	tInt                // a JSON integer
	tBool               // true or false
	tEnum               // one of a fixed set of words ("" allowed unless required)
	tJSON               // any JSON value, bounded in size and depth (evidence, counts)
	tLines              // a list of one-line strings
	tList               // a list of objects, bounded in size and depth
)

type field struct {
	t        ftype
	max      int      // characters for text, bytes for JSON, items for lists
	enum     []string // tEnum
	required bool
}

// schema is one op kind's payload: its known fields and their bounds.
type schema struct {
	fields   map[string]field
	maxBytes int
}

func line(n int) field   { return field{t: tLine, max: n} }
func need(f field) field { f.required = true; return f }
func enum(v ...string) field {
	return field{t: tEnum, enum: v}
}

var (
	statuses = []string{"planned", "discovered", "in_progress", "done", "failed", "blocked", "withdrawn"}
	text     = field{t: tText, max: MaxText}
	count    = field{t: tInt}
	flag     = field{t: tBool}
)

// schemas are the op kinds this program writes, with their payloads.
var schemas = map[string]schema{
	"position.status.v1": {fields: map[string]field{
		"from": enum(statuses...), "to": need(enum(statuses...)), "reason": text}},
	"position.observe.v1": {fields: map[string]field{
		"attr": need(line(64)), "value": line(MaxLabel)}},
	"position.plan_dropped.v1": {fields: map[string]field{
		"file": line(MaxLabel), "status": enum(statuses...)}},
	"step.result.v1": {maxBytes: MaxEvidence + 4*MaxText + 1024, fields: map[string]field{
		"step": need(line(64)), "attempt": count, "outcome": need(enum("pass", "fail", "skip")),
		"value": line(MaxText), "note": text, "evidence": {t: tJSON, max: MaxEvidence}, "override": flag}},
	"step.correction.v1": {fields: map[string]field{
		"step": need(line(64)), "attempt": count, "value": need(line(MaxText)), "was": line(MaxText), "reason": need(text),
		"override": flag}},
	"step.reopen.v1": {fields: map[string]field{"step": need(line(64)), "reason": text}},
	"asset.install.v1": {fields: map[string]field{
		"kind": need(enum("legacy", "new")), "vendor": line(64), "model": line(MaxKey), "serial": line(MaxKey),
		"mac": line(64), "asset_tag": line(MaxKey), "position": need(line(MaxLabel)), "condition": line(64),
		"from": line(64), "override": flag}},
	"asset.relabel.v1": {fields: map[string]field{
		"kind": enum("legacy", "new"), "serial": line(MaxKey), "mac": line(64), "asset_tag": line(MaxKey),
		"position": line(MaxLabel), "state": line(64), "was": line(MaxKey + 8), "override": flag}},
	"asset.state.v1": {fields: map[string]field{
		"kind": enum("legacy", "new"), "from": line(64), "to": need(line(64)), "note": text, "wtn_ref": line(MaxKey), "position": line(MaxLabel),
		"serial": line(MaxKey), "mac": line(64), "asset_tag": line(MaxKey)}},
	"asset.dispose.v1": {fields: map[string]field{
		"kind": enum("legacy", "new"), "from": line(64), "to": need(enum("returned_to_store", "weee_disposal", "lost")), "note": text,
		"wtn_ref": line(MaxKey), "position": line(MaxLabel), "serial": line(MaxKey), "mac": line(64),
		"asset_tag": line(MaxKey)}},
	"asset.condition.v1": {fields: map[string]field{
		"condition": need(line(64)), "position": line(MaxLabel), "serial": line(MaxKey), "mac": line(64),
		"asset_tag": line(MaxKey)}},
	"number.ddi.v1": {fields: map[string]field{
		"ddi_state": need(enum("pending", "none", "kept", "new", "teams", "surrendered")), "ddi": line(32),
		"teams_ddi": line(32), "extension": line(32), "extension_state": enum("kept", "surrendered"),
		"legacy_ddi": line(32), "reason": text}},
	"note.add.v1":         {fields: map[string]field{"text": need(text)}},
	"conflict.resolve.v1": {fields: map[string]field{"resolution": need(text), "value": line(MaxLabel)}},
	"switch.addr.v1":      {fields: map[string]field{"addr": need(line(255))}},
	"plan.proposal.v1": {fields: map[string]field{
		"proposal": need(enum("move", "add", "not_ours")), "label": line(MaxLabel), "switch": line(MaxLabel),
		"port": line(MaxLabel), "mac": line(64), "role": line(64), "plan": line(64), "vendor": line(MaxKey),
		"model": line(MaxKey), "note": text}},
	"stock.issued.v1": {fields: map[string]field{
		"model": need(line(MaxKey)), "issued": count, "previous": count}},
	"discovery.v1": {maxBytes: MaxBulkPayload, fields: map[string]field{
		"discovery": count, "switches": count, "failed": count, "phones": count,
		"counts": {t: tJSON, max: 4096}, "verdicts": {t: tList, max: MaxList}}},
	// What a switch said of itself in LLDP in a discovery, for the Teams
	// emergency locations the hub exports.
	"switch.lldp.v1": {maxBytes: MaxBulkPayload, fields: map[string]field{
		"discovery": count, "switch": need(line(MaxLabel)), "sys_name": line(MaxLabel), "chassis_id": line(MaxLabel),
		"chassis_id_subtype": count, "ports": {t: tList, max: MaxList}}},
	"site.import.v1": {maxBytes: MaxBulkPayload, fields: map[string]field{
		"file": line(MaxLabel), "sha256": line(64), "added": count, "changed": count, "unchanged": count,
		"withdrawn": count, "reinstated": count, "kept": {t: tLines, max: MaxList}}},
}

// Kinds lists the op kinds with a schema, sorted.
func Kinds() []string {
	out := make([]string, 0, len(schemas))
	for k := range schemas {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Known reports whether kind has a schema. Other well-formed kinds (a newer
// laptop's) are held to the generic bounds only.
func Known(kind string) bool { _, ok := schemas[kind]; return ok }

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Check validates an op's payload against its kind's schema: a JSON object
// of known fields of the right types within their bounds, no NUL or other
// control character (newlines and tabs only in free text), valid UTF-8.
// A kind without a schema must still be a bounded object of clean text.
func Check(kind string, payload []byte) error {
	sc, known := schemas[kind]
	limit := MaxPayload
	if sc.maxBytes > 0 {
		limit = sc.maxBytes
	}
	if len(payload) > limit {
		return invalid("%s payload is %d bytes; at most %d", kind, len(payload), limit)
	}
	if !utf8.Valid(payload) {
		return invalid("%s payload is not valid UTF-8", kind)
	}
	if d := Depth(payload); d > MaxDepth+1 {
		return invalid("%s payload is nested %d levels deep; at most %d", kind, d, MaxDepth+1)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(payload, &top); err != nil || top == nil {
		return invalid("%s payload must be a JSON object", kind)
	}
	if !known {
		if err := cleanJSON(kind, payload); err != nil {
			return invalid("%v", err)
		}
		return nil
	}
	for name, raw := range top {
		f, ok := sc.fields[name]
		if !ok {
			return invalid("%s: unknown field %q", kind, clip(name))
		}
		if err := f.check(raw); err != nil {
			return invalid("%s %s: %v", kind, name, err)
		}
	}
	for name, f := range sc.fields {
		if !f.required {
			continue
		}
		raw, ok := top[name]
		if !ok || string(raw) == "null" || string(raw) == `""` {
			return invalid("%s: %s is required", kind, name)
		}
	}
	return nil
}

func (f field) check(raw json.RawMessage) error {
	if string(raw) == "null" {
		return nil
	}
	switch f.t {
	case tLine, tText, tEnum:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return errors.New("want a string")
		}
		if f.t == tEnum {
			if s == "" || contains(f.enum, s) {
				return nil
			}
			return fmt.Errorf("%q: want one of %s", clip(s), strings.Join(f.enum, ", "))
		}
		return CheckText(s, f.max, f.t == tText)
	case tInt:
		var n int64
		if err := json.Unmarshal(raw, &n); err != nil {
			return errors.New("want an integer")
		}
		if n < -1<<40 || n > 1<<40 {
			return errors.New("out of range")
		}
		return nil
	case tBool:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return errors.New("want true or false")
		}
		return nil
	case tJSON:
		if len(raw) > f.max {
			return fmt.Errorf("%d bytes; at most %d", len(raw), f.max)
		}
		if d := Depth(raw); d > MaxDepth {
			return fmt.Errorf("nested %d levels deep; at most %d", d, MaxDepth)
		}
		return cleanJSON("value", raw)
	case tLines:
		var l []string
		if err := json.Unmarshal(raw, &l); err != nil {
			return errors.New("want a list of strings")
		}
		if len(l) > f.max {
			return fmt.Errorf("%d items; at most %d", len(l), f.max)
		}
		for _, s := range l {
			if err := CheckText(s, MaxLabel, false); err != nil {
				return err
			}
		}
		return nil
	case tList:
		var l []json.RawMessage
		if err := json.Unmarshal(raw, &l); err != nil {
			return errors.New("want a list")
		}
		if len(l) > f.max {
			return fmt.Errorf("%d items; at most %d", len(l), f.max)
		}
		return cleanJSON("list", raw)
	}
	return errors.New("unknown field type")
}

// CheckText checks one string: valid UTF-8, at most max characters, and
// clean (CheckControl).
func CheckText(s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("%d characters; at most %d", n, max)
	}
	return CheckControl(s, multiline)
}

// CheckControl refuses NUL, C0 control characters (tab always allowed,
// newlines only when multiline), DEL and C1 control characters: the
// program's one rule for text (internal/safetext).
func CheckControl(s string, multiline bool) error { return safetext.Check(s, multiline) }

// cleanJSON checks every string (keys and values) of a JSON value.
func cleanJSON(what string, raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("%s: %v", what, err)
		}
		if s, ok := tok.(string); ok {
			if err := CheckText(s, MaxText, true); err != nil {
				return fmt.Errorf("%s: a string: %v", what, err)
			}
		}
	}
}

// Depth is the deepest nesting of arrays and objects in a JSON text,
// counted without decoding it.
func Depth(b []byte) int {
	d, deepest, inStr, esc := 0, 0, false, false
	for _, c := range b {
		switch {
		case inStr && esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case inStr && c == '"':
			inStr = false
		case inStr:
		case c == '"':
			inStr = true
		case c == '[' || c == '{':
			d++
			deepest = max(deepest, d)
		case c == ']' || c == '}':
			d--
		}
	}
	return deepest
}

var kindRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.v[0-9]{1,3}$`)

// CheckOp validates an op's envelope (kind, entity, id, engineer, time) and
// its payload. The hub checks the op id and site code itself as well.
func CheckOp(op Op) error {
	if len(op.Kind) > 64 || !kindRE.MatchString(op.Kind) {
		return invalid("kind %q: want a dotted lower-case name ending in .vN", clip(op.Kind))
	}
	for _, c := range []struct {
		name, v string
		max     int
	}{{"site", op.Site, 16}, {"entity", op.Entity, 64}, {"entity id", op.EntityID, MaxEntityID}, {"engineer", op.Engineer, MaxEngineer}} {
		if strings.TrimSpace(c.v) == "" {
			return invalid("%s %s: empty", op.Kind, c.name)
		}
		if err := CheckText(c.v, c.max, false); err != nil {
			return invalid("%s %s: %v", op.Kind, c.name, err)
		}
	}
	if op.ObservedAt != "" {
		if _, err := time.Parse(time.RFC3339Nano, op.ObservedAt); err != nil || len(op.ObservedAt) > 64 {
			return invalid("%s observed_at %q is not RFC 3339", op.Kind, clip(op.ObservedAt))
		}
	}
	return Check(op.Kind, op.Payload)
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// clip shortens a client's string for an error message (which quotes it
// with %q, so control characters show escaped): at most 40 characters.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}
