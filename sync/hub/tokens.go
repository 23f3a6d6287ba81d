package hub

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cutover/sync/wire"
)

// Tokens over a working life (issue 26): a revoked token is kept, marked,
// so its laptop is told it was revoked rather than taken for a guess; a
// refresh token is rotated on every use, and the use of one already
// rotated revokes every token of its laptop as a suspected copy.

var (
	// ErrRevoked is a token the hub issued whose person or laptop an
	// admin revoked: answered 401 "revoked", not counted as a guess.
	ErrRevoked = fmt.Errorf("%w: revoked", ErrUnauthorized)
	// ErrReused is a refresh token used after it was rotated: someone
	// holds a copy. Every token of the laptop is revoked.
	ErrReused = fmt.Errorf("%w (refresh token used twice: suspected copy)", ErrRevoked)
	// ErrRotated is a refresh token used again within RefreshReuseGrace of
	// its rotation: two processes of one laptop refreshing at once. Refused,
	// not counted, nothing revoked; the laptop reads its saved login again.
	ErrRotated = fmt.Errorf("%w: refresh token was just rotated", ErrUnauthorized)
)

// RefreshReuseGrace is how long after its rotation a refresh token's reuse
// is taken for the laptop's other process rather than a copy.
const RefreshReuseGrace = 60 * time.Second

// tokenRow is what the hub knows of a token it issued.
type tokenRow struct {
	clientID, user       string
	expires              int64
	revoked, rotated     sql.NullInt64
	why                  string
	userGone, laptopGone sql.NullInt64
}

const tokenQuery = `SELECT t.client_id, t.user_name, t.expires_at, t.revoked_at, t.revoked_why, t.rotated_at,
	u.revoked_at, c.revoked_at FROM tokens t JOIN users u ON u.name = t.user_name
	JOIN clients c ON c.client_id = t.client_id WHERE t.token_hash = ? AND t.kind = ?`

func (r *tokenRow) scan(row *sql.Row) error {
	return row.Scan(&r.clientID, &r.user, &r.expires, &r.revoked, &r.why, &r.rotated, &r.userGone, &r.laptopGone)
}

func (r *tokenRow) isRevoked() bool { return r.revoked.Valid || r.userGone.Valid || r.laptopGone.Valid }

// Authenticate checks an access token, the user and the laptop on every
// request, so a revocation takes effect at once. It returns the client id
// with ErrRevoked, so the hub can note what the laptop said it holds.
func (s *Store) Authenticate(ctx context.Context, access string) (Principal, error) {
	var p Principal
	var tr tokenRow
	err := tr.scan(s.r.QueryRowContext(ctx, s.rebind(tokenQuery), hashSecret(access), "access"))
	if err == sql.ErrNoRows {
		return p, ErrUnauthorized
	}
	if err != nil {
		return p, err
	}
	p.ClientID = tr.clientID
	switch {
	case tr.isRevoked():
		return p, ErrRevoked
	case tr.expires <= s.Now().Unix():
		return p, ErrExpired
	}
	var sites string
	if err := s.r.QueryRowContext(ctx, s.rebind(`SELECT name, role, sites FROM users WHERE name = ?`), tr.user).
		Scan(&p.User, &p.Role, &sites); err != nil {
		return p, err
	}
	p.Sites = splitSites(sites)
	return p, nil
}

// Refresh swaps a valid refresh token for a new access token and a new
// refresh token (the old one is marked rotated, and is good no more). A
// rotated one used again revokes every token of its laptop and returns
// ErrReused; the client id comes back with it for the log.
func (s *Store) Refresh(ctx context.Context, refresh string) (wire.Tokens, error) {
	var out wire.Tokens
	now := s.Now().Unix()
	// A token the hub never issued is refused by a read, so junk refreshes
	// never queue on the writer.
	var n int
	if err := s.r.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM tokens WHERE token_hash = ? AND kind = 'refresh'`),
		hashSecret(refresh)).Scan(&n); err != nil {
		return out, err
	}
	if n == 0 {
		return out, ErrUnauthorized
	}
	reused := false
	err := s.write(ctx, func(t *tx) error {
		var tr tokenRow
		err := tr.scan(t.row(tokenQuery+s.forUpdate(), hashSecret(refresh), "refresh"))
		if err == sql.ErrNoRows {
			return ErrUnauthorized
		}
		if err != nil {
			return err
		}
		out.ClientID = tr.clientID
		switch {
		case tr.isRevoked():
			return ErrRevoked
		case tr.rotated.Valid && now-tr.rotated.Int64 <= int64(RefreshReuseGrace/time.Second):
			return ErrRotated
		case tr.rotated.Valid:
			reused = true
			_, err := t.exec(`UPDATE tokens SET revoked_at = ?, revoked_why = 'refresh token reused: suspected copy'
				WHERE client_id = ? AND revoked_at IS NULL`, now, tr.clientID)
			return err // committed: the copy and the laptop are both cut off
		case tr.expires <= now:
			return ErrExpired
		}
		if _, err := t.exec(`UPDATE tokens SET rotated_at = ? WHERE token_hash = ?`, now, hashSecret(refresh)); err != nil {
			return err
		}
		out.RefreshToken = randomToken("ctr_")
		out.RefreshExpires = now + int64(RefreshTTL/time.Second)
		if _, err := t.exec(`INSERT INTO tokens (token_hash, kind, client_id, user_name, expires_at, created_at) VALUES (?, 'refresh', ?, ?, ?, ?)`,
			hashSecret(out.RefreshToken), tr.clientID, tr.user, out.RefreshExpires, now); err != nil {
			return err
		}
		// Rotated refresh tokens past their life are no use to anyone.
		if _, err := t.exec(`DELETE FROM tokens WHERE kind = 'refresh' AND client_id = ? AND rotated_at IS NOT NULL AND expires_at <= ?`,
			tr.clientID, now); err != nil {
			return err
		}
		return s.issueAccess(t, &out, tr.clientID, tr.user, now)
	})
	if err == nil && reused {
		return wire.Tokens{ClientID: out.ClientID}, ErrReused
	}
	return out, err
}

// NoteRefused records, for a revoked laptop that tried again, when it did
// and the highest op sequence it said it holds, so `hub user list` can
// show work the hub has not received.
func (s *Store) NoteRefused(ctx context.Context, clientID string, localSeq int64) error {
	return s.write(ctx, func(t *tx) error {
		_, err := t.exec(`UPDATE clients SET refused_at = ?, local_seq = CASE WHEN local_seq < ? THEN ? ELSE local_seq END
			WHERE client_id = ?`, s.Now().Unix(), localSeq, localSeq, clientID)
		return err
	})
}

// HubName is the hub's name, one for every process serving this store.
func (s *Store) HubName(ctx context.Context) (string, error) {
	var n string
	err := s.r.QueryRowContext(ctx, `SELECT name FROM hub_identity WHERE id = 1`).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errors.New("hub store has no name: migration 0006 did not run")
	}
	return n, err
}
