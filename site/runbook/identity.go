package runbook

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"cutover/assets"
	"cutover/internal/safetext"
	"cutover/site"
	"cutover/site/oplog"
)

// The limits on what an engineer types or scans for a step: the hub holds
// every op to the same ones, so a person is told at once, not at sync.
const (
	MaxNote  = oplog.MaxText // characters in a note, a reason or a correction's reason
	MaxValue = oplog.MaxKey  // characters in a scanned or typed value
)

// ErrKnown is returned when a serial, MAC or asset tag scanned for a
// handset is already in the register as another handset: the engineer may
// record it only with an override and a note.
var ErrKnown = errors.New("already in the register")

func checkText(what, v string, limit int, newlines bool) error {
	if n := utf8.RuneCountInString(v); n > limit {
		return fmt.Errorf("%w: the %s is %d characters long; at most %d are kept", ErrBadInput, what, n, limit)
	}
	if err := safetext.Check(v, newlines); err != nil {
		return fmt.Errorf("%w: the %s: %v", ErrBadInput, what, err)
	}
	return nil
}

// identityField is the register field an input step's value names, and
// the kind of handset it belongs to.
func identityField(f Field) (field string, kind assets.Kind, ok bool) {
	switch f {
	case FieldLegacySerial:
		return "serial", assets.KindLegacy, true
	case FieldLegacyTag:
		return "asset tag", assets.KindLegacy, true
	case FieldNewSerial:
		return "serial", assets.KindNew, true
	case FieldNewTag:
		return "asset tag", assets.KindNew, true
	}
	return "", "", false
}

// checkIdentity refuses a serial or asset tag that the register already
// holds for another handset, in any state, at any position, old kit or
// new: one handset, one identity. The handset being recorded is not
// another (the legacy handset already captured at this position, or this
// position's new phone), and a new phone may come out of stock or back
// from a rollback. An override with a note records it anyway.
func checkIdentity(ctx context.Context, tx *site.Tx, id int64, p site.Position, step Step, value string, res Result) error {
	field, kind, ok := identityField(step.Field)
	if !ok || value == "" {
		return nil
	}
	known, err := assets.Known(ctx, tx, field, value)
	if err != nil {
		return err
	}
	for _, a := range known {
		if a.Site == p.Site && strings.EqualFold(a.Position, p.Label) && a.Kind == kind {
			continue // this handset
		}
		if kind == assets.KindNew && a.Kind == assets.KindNew && (a.State == assets.StateInStock || a.State == assets.StateRemoved) {
			continue // a new phone from stock, or back from a rollback
		}
		if a.State == assets.StateInstalled {
			// One serial cannot be installed in two places, even on an
			// engineer's word: the other record must be put right first.
			// Said before any override is offered, so nobody is asked for
			// a note only to be refused.
			return fmt.Errorf("%w: %s %s is %s: one handset cannot be in two places, and no override changes that; if that record is wrong, correct it there first (look back to its step and correct the value)",
				assets.ErrInUse, field, value, a.Where())
		}
		if res.Override {
			continue
		}
		return fmt.Errorf("%w: %s %s is already %s. Scan the handset in front of you; if you are sure it is this one (a relabelled handset), record it with an override and a note: the supervisor is told",
			ErrKnown, field, value, a.Where())
	}
	return nil
}
