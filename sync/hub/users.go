package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"cutover/site"
	"cutover/sync/wire"
)

// Token lifetimes.
const (
	EnrolCodeTTL = 24 * time.Hour
	AccessTTL    = time.Hour
	RefreshTTL   = 45 * 24 * time.Hour
)

// Errors of authentication, mapped to 401/403 by the server.
var (
	ErrBadCode      = errors.New("enrolment code is wrong, used or expired")
	ErrUnauthorized = errors.New("token is missing, wrong, expired or revoked")
	// ErrExpired is a token the hub issued that has run out: routine, not
	// counted as a failed login.
	ErrExpired = fmt.Errorf("%w: expired", ErrUnauthorized)
	ErrNoUser  = errors.New("no such user")
)

// Principal is who a request acts for.
type Principal struct {
	User     string
	Role     string
	Sites    []string // the engineer's sites; empty for other roles
	ClientID string
}

// CanRead reports whether p may pull site.
func (p Principal) CanRead(site string) bool {
	return p.Role != wire.RoleEngineer || p.hasSite(site)
}

// CanWrite reports whether p may push ops for site.
func (p Principal) CanWrite(site string) bool {
	switch p.Role {
	case wire.RoleAdmin:
		return true
	case wire.RoleEngineer:
		return p.hasSite(site)
	}
	return false
}

func (p Principal) hasSite(code string) bool {
	for _, s := range p.Sites {
		if strings.EqualFold(s, code) {
			return true
		}
	}
	return false
}

var userName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func randomToken(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// AddUser creates a user (or, for an existing one, changes the role and
// sites and lifts a revocation) and returns a one-time enrolment code valid
// for EnrolCodeTTL. Only the code's hash is stored.
func (s *Store) AddUser(ctx context.Context, name, role string, sites []string) (string, error) {
	if !userName.MatchString(name) {
		return "", fmt.Errorf("user name %q: use letters, digits, '.', '_', '@' or '-' (up to 64)", name)
	}
	switch role {
	case wire.RoleEngineer, wire.RoleSupervisor, wire.RoleAdmin:
	default:
		return "", fmt.Errorf("role %q: want engineer, supervisor or admin", role)
	}
	var codes []string
	for _, c := range sites {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		code, err := site.ValidateSiteCode(c)
		if err != nil {
			return "", err
		}
		codes = append(codes, code)
	}
	if role == wire.RoleEngineer && len(codes) == 0 {
		return "", errors.New("an engineer needs --sites A,B (the sites they work on)")
	}
	raw := make([]byte, 10)
	rand.Read(raw)
	code := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
	code = code[0:4] + "-" + code[4:8] + "-" + code[8:12] + "-" + code[12:16]
	now := s.Now().Unix()
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.exec(`INSERT INTO users (name, role, sites, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET role = excluded.role, sites = excluded.sites, revoked_at = NULL`,
			name, role, strings.Join(codes, ","), now); err != nil {
			return err
		}
		_, err := t.exec(`INSERT INTO enrol_codes (code_hash, user_name, expires_at) VALUES (?, ?, ?)`,
			hashSecret(normCode(code)), name, now+int64(EnrolCodeTTL/time.Second))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("add user %s: %w", name, err)
	}
	return code, nil
}

func normCode(c string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(c))
}

// RevokeUser revokes a user and deletes every token they hold, so the very
// next request with any of them is refused.
func (s *Store) RevokeUser(ctx context.Context, name string) error {
	now := s.Now().Unix()
	return s.write(ctx, func(t *tx) error {
		res, err := t.exec(`UPDATE users SET revoked_at = ? WHERE name = ?`, now, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %s", ErrNoUser, name)
		}
		if _, err := t.exec(`DELETE FROM tokens WHERE user_name = ?`, name); err != nil {
			return err
		}
		_, err = t.exec(`UPDATE enrol_codes SET used_at = ? WHERE user_name = ? AND used_at IS NULL`, now, name)
		return err
	})
}

// User is a user as listed by `cutover hub user list`.
type User struct {
	Name    string   `json:"name"`
	Role    string   `json:"role"`
	Sites   []string `json:"sites,omitempty"`
	Revoked bool     `json:"revoked"`
	Clients int      `json:"clients"`
}

// Users lists every user.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(`SELECT u.name, u.role, u.sites, u.revoked_at IS NOT NULL,
			(SELECT COUNT(*) FROM clients c WHERE c.user_name = u.name) FROM users u ORDER BY u.name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u User
			var sites string
			if err := rows.Scan(&u.Name, &u.Role, &sites, &u.Revoked, &u.Clients); err != nil {
				return err
			}
			u.Sites = splitSites(sites)
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, err
}

func splitSites(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Enrol redeems a one-time code for a laptop (client id) and returns its
// tokens. A laptop enrolling again under the same user keeps its client row,
// and so its last acknowledged sequence number.
func (s *Store) Enrol(ctx context.Context, req wire.EnrolRequest) (wire.Tokens, error) {
	var out wire.Tokens
	now := s.Now().Unix()
	err := s.write(ctx, func(t *tx) error {
		var user string
		err := t.row(`SELECT user_name FROM enrol_codes WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?`+s.forUpdate(),
			hashSecret(normCode(req.Code)), now).Scan(&user)
		if err == sql.ErrNoRows {
			return ErrBadCode
		}
		if err != nil {
			return err
		}
		if _, err := t.exec(`UPDATE enrol_codes SET used_at = ? WHERE code_hash = ?`, now, hashSecret(normCode(req.Code))); err != nil {
			return err
		}
		var owner string
		err = t.row(`SELECT user_name FROM clients WHERE client_id = ?`, req.ClientID).Scan(&owner)
		switch {
		case err == sql.ErrNoRows:
			if _, err := t.exec(`INSERT INTO clients (client_id, user_name, host, created_at) VALUES (?, ?, ?, ?)`,
				req.ClientID, user, req.Host, now); err != nil {
				return err
			}
		case err != nil:
			return err
		case owner != user:
			return fmt.Errorf("%w: this laptop's database is enrolled for another user", ErrBadCode)
		default:
			if _, err := t.exec(`UPDATE clients SET revoked_at = NULL, host = ? WHERE client_id = ?`, req.Host, req.ClientID); err != nil {
				return err
			}
		}
		out.RefreshToken = randomToken("ctr_")
		out.RefreshExpires = now + int64(RefreshTTL/time.Second)
		if _, err := t.exec(`INSERT INTO tokens (token_hash, kind, client_id, user_name, expires_at, created_at) VALUES (?, 'refresh', ?, ?, ?, ?)`,
			hashSecret(out.RefreshToken), req.ClientID, user, out.RefreshExpires, now); err != nil {
			return err
		}
		return s.issueAccess(t, &out, req.ClientID, user, now)
	})
	return out, err
}

func (s *Store) issueAccess(t *tx, out *wire.Tokens, clientID, user string, now int64) error {
	out.AccessToken = randomToken("cta_")
	out.AccessExpires = now + int64(AccessTTL/time.Second)
	out.ClientID = clientID
	if _, err := t.exec(`INSERT INTO tokens (token_hash, kind, client_id, user_name, expires_at, created_at) VALUES (?, 'access', ?, ?, ?, ?)`,
		hashSecret(out.AccessToken), clientID, user, out.AccessExpires, now); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM tokens WHERE kind = 'access' AND client_id = ? AND expires_at <= ?`, clientID, now); err != nil {
		return err
	}
	var sites string
	if err := t.row(`SELECT name, role, sites FROM users WHERE name = ?`, user).Scan(&out.User, &out.Role, &sites); err != nil {
		return err
	}
	out.Sites = splitSites(sites)
	return nil
}

// Refresh swaps a valid refresh token for a new access token and slides
// the refresh token's expiry.
func (s *Store) Refresh(ctx context.Context, refresh string) (wire.Tokens, error) {
	var out wire.Tokens
	now := s.Now().Unix()
	err := s.write(ctx, func(t *tx) error {
		var clientID, user string
		err := t.row(`SELECT t.client_id, t.user_name FROM tokens t JOIN users u ON u.name = t.user_name
			JOIN clients c ON c.client_id = t.client_id
			WHERE t.token_hash = ? AND t.kind = 'refresh' AND t.expires_at > ? AND u.revoked_at IS NULL AND c.revoked_at IS NULL`,
			hashSecret(refresh), now).Scan(&clientID, &user)
		if err == sql.ErrNoRows {
			return ErrUnauthorized
		}
		if err != nil {
			return err
		}
		out.RefreshExpires = now + int64(RefreshTTL/time.Second)
		if _, err := t.exec(`UPDATE tokens SET expires_at = ? WHERE token_hash = ?`, out.RefreshExpires, hashSecret(refresh)); err != nil {
			return err
		}
		return s.issueAccess(t, &out, clientID, user, now)
	})
	return out, err
}

// Authenticate checks an access token, the user and the laptop on every
// request, so a revocation takes effect at once.
func (s *Store) Authenticate(ctx context.Context, access string) (Principal, error) {
	var p Principal
	var sites string
	err := s.r.QueryRowContext(ctx, s.rebind(`SELECT u.name, u.role, u.sites, t.client_id FROM tokens t
		JOIN users u ON u.name = t.user_name JOIN clients c ON c.client_id = t.client_id
		WHERE t.token_hash = ? AND t.kind = 'access' AND t.expires_at > ? AND u.revoked_at IS NULL AND c.revoked_at IS NULL`),
		hashSecret(access), s.Now().Unix()).Scan(&p.User, &p.Role, &sites, &p.ClientID)
	if err == sql.ErrNoRows {
		var n int
		if s.r.QueryRowContext(ctx, s.rebind(`SELECT COUNT(*) FROM tokens t JOIN users u ON u.name = t.user_name
			JOIN clients c ON c.client_id = t.client_id WHERE t.token_hash = ? AND t.kind = 'access'
			AND u.revoked_at IS NULL AND c.revoked_at IS NULL`), hashSecret(access)).Scan(&n) == nil && n > 0 {
			return p, ErrExpired
		}
		return p, ErrUnauthorized
	}
	if err != nil {
		return p, err
	}
	p.Sites = splitSites(sites)
	return p, nil
}
