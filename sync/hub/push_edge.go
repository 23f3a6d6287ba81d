package hub

import (
	"context"
	"cutover/site/runbook"
	"errors"
	"strings"

	"cutover/internal/storeerr"
	"cutover/sync/wire"
)

// What push hands the domain rules, and what it does when a rule's store
// write fails: kept apart from push.go so the push logic reads on its own.

// codeApplyFailed is an op a domain rule could not write for a reason of
// the store's. The server logs the store's words and tells the client only
// that it failed (server.go).
const codeApplyFailed = "apply_failed" // as push.go writes it

// asUser is the op as the domain rules apply it: who did it is the person
// the access token was issued to, whatever the laptop wrote. The laptop's
// engineer name stays in the journal, and beside the person as a label.
func asUser(op wire.Op, p Principal) wire.Op {
	op.Engineer = p.User
	return op
}

// laptopLabel is the laptop's engineer name when it says something other
// than the authenticated person; "" when it is the same.
func laptopLabel(op wire.Op, p Principal) string {
	l := strings.TrimSpace(clip(op.Engineer, 128))
	if strings.EqualFold(l, p.User) {
		return ""
	}
	return l
}

// DisplayName is the person, with the laptop's label beside it if
// different: "alice (laptop: Bob)".
func DisplayName(user, label string) string { return runbook.Who(user, label) }

// journalMessage is the journal's message on a laptop's op: for an
// apply_failed op, the store's own words, which the hub logs.
func (s *Store) journalMessage(ctx context.Context, clientID string, seq int64) string {
	var m string
	s.r.QueryRowContext(ctx, s.rebind(`SELECT message FROM op_journal WHERE client_id = ? AND client_seq = ?`), clientID, seq).Scan(&m)
	return m
}

// abortsPush reports whether a rule's error must fail the whole push (it
// is rolled back and the laptop sends it again) instead of rejecting the
// one op: a full disk or a timeout says nothing about the op, and rejecting
// it would lose the work.
func abortsPush(err error) bool {
	return storeerr.DiskFull(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
