package hub

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Sign-in to the hub's web page (sync/web): a person's one-time code (the
// code `hub user add` prints) is redeemed for who they are, with no laptop
// enrolled; the page keeps the session and asks WebPrincipal on every
// request, so a revoked person or a changed role or site list takes effect
// at once.

// RedeemWebCode uses up a one-time code and returns whose it was.
func (s *Store) RedeemWebCode(ctx context.Context, code string) (string, error) {
	var user string
	now := s.Now().Unix()
	err := s.write(ctx, func(t *tx) error {
		err := t.row(`SELECT user_name FROM enrol_codes WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?`+s.forUpdate(),
			hashSecret(normCode(code)), now).Scan(&user)
		if err == sql.ErrNoRows {
			return ErrBadCode
		}
		if err != nil {
			return err
		}
		_, err = t.exec(`UPDATE enrol_codes SET used_at = ? WHERE code_hash = ?`, now, hashSecret(normCode(code)))
		return err
	})
	if err != nil {
		return "", err
	}
	if _, err := s.WebPrincipal(ctx, user); err != nil {
		return "", err
	}
	return user, nil
}

// WebPrincipal is who a signed-in person is now: their role and sites as
// the users table has them; ErrUnauthorized once they are revoked.
func (s *Store) WebPrincipal(ctx context.Context, user string) (Principal, error) {
	p := Principal{User: user, ClientID: "web"}
	var sites string
	var revoked sql.NullInt64
	err := s.read(ctx, func(t *tx) error {
		return t.row(`SELECT role, sites, revoked_at FROM users WHERE name = ?`, user).Scan(&p.Role, &sites, &revoked)
	})
	switch {
	case err == sql.ErrNoRows:
		return p, fmt.Errorf("%w: no user %s", ErrUnauthorized, user)
	case err != nil:
		return p, err
	case revoked.Valid:
		return p, fmt.Errorf("%w: %s was revoked on %s", ErrUnauthorized, user, time.Unix(revoked.Int64, 0).UTC().Format(time.DateOnly))
	}
	p.Sites = splitSites(sites)
	return p, nil
}
