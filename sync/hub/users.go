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

// ErrRevokedUser is `hub user add` of a person who was revoked: it takes
// --reinstate (Reinstate) to let them back.
var ErrRevokedUser = errors.New("was revoked")

// AddUser creates a user (or, for an existing one not revoked, changes the
// role and sites) and returns a one-time enrolment code valid for
// EnrolCodeTTL. Only the code's hash is stored. A revoked user is refused
// (ErrRevokedUser): Reinstate lets them back.
func (s *Store) AddUser(ctx context.Context, name, role string, sites []string) (string, error) {
	return s.addUser(ctx, name, role, sites, false)
}

// Reinstate is AddUser that also lifts a revocation. The tokens revoked
// with the person stay revoked: the code it returns enrols a laptop anew.
func (s *Store) Reinstate(ctx context.Context, name, role string, sites []string) (string, error) {
	return s.addUser(ctx, name, role, sites, true)
}

func (s *Store) addUser(ctx context.Context, name, role string, sites []string, reinstate bool) (string, error) {
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
		var revoked sql.NullInt64
		if err := t.row(`SELECT revoked_at FROM users WHERE name = ?`, name).Scan(&revoked); err != nil && err != sql.ErrNoRows {
			return err
		}
		if revoked.Valid && !reinstate {
			return fmt.Errorf("%s %w on %s: add --reinstate to let them back", name, ErrRevokedUser,
				time.Unix(revoked.Int64, 0).UTC().Format("2006-01-02 15:04 UTC"))
		}
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

// RevokeUser revokes a user and every token they hold, so the very next
// request with any of them is refused, as revoked (the tokens are kept,
// marked, so their laptops can be told so: tokens.go).
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
		if _, err := t.exec(`UPDATE tokens SET revoked_at = ?, revoked_why = 'person revoked' WHERE user_name = ? AND revoked_at IS NULL`, now, name); err != nil {
			return err
		}
		_, err = t.exec(`UPDATE enrol_codes SET used_at = ? WHERE user_name = ? AND used_at IS NULL`, now, name)
		return err
	})
}

// RevokeLaptop cuts off one laptop (client id) of a person and every token
// it holds; the person and their other laptops go on. The laptop's work
// not yet received stays on it; `hub user list` shows it.
func (s *Store) RevokeLaptop(ctx context.Context, name, clientID string) error {
	now := s.Now().Unix()
	return s.write(ctx, func(t *tx) error {
		res, err := t.exec(`UPDATE clients SET revoked_at = ? WHERE client_id = ? AND user_name = ?`, now, clientID, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: %s has no laptop %s", ErrNoUser, name, clientID)
		}
		_, err = t.exec(`UPDATE tokens SET revoked_at = ?, revoked_why = 'laptop revoked' WHERE client_id = ? AND revoked_at IS NULL`, now, clientID)
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
	Laptops []Laptop `json:"laptops,omitempty"`
}

// Laptop is one enrolled laptop as far as the hub knows it.
type Laptop struct {
	ClientID string `json:"client_id"`
	Host     string `json:"host"`
	LastSeen int64  `json:"last_seen,omitempty"` // Unix seconds; 0 if never
	// LastSeq is the last op sequence the hub acknowledged; LocalSeq the
	// highest the laptop said it holds when it was last refused as
	// revoked (RefusedAt).
	LastSeq   int64 `json:"last_seq"`
	LocalSeq  int64 `json:"local_seq,omitempty"`
	RefusedAt int64 `json:"refused_at,omitempty"`
	Revoked   bool  `json:"revoked"` // the laptop, or its person
}

// Unsent reports whether, as far as the hub knows, the laptop holds work
// the hub has not received.
func (l Laptop) Unsent() int64 { return max(0, l.LocalSeq-l.LastSeq) }

// Users lists every user and their laptops.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(`SELECT u.name, u.role, u.sites, u.revoked_at IS NOT NULL,
			(SELECT COUNT(*) FROM clients c WHERE c.user_name = u.name) FROM users u ORDER BY u.name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		at := map[string]int{}
		for rows.Next() {
			var u User
			var sites string
			if err := rows.Scan(&u.Name, &u.Role, &sites, &u.Revoked, &u.Clients); err != nil {
				return err
			}
			u.Sites = splitSites(sites)
			at[u.Name] = len(out)
			out = append(out, u)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		crows, err := t.query(`SELECT user_name, client_id, host, COALESCE(last_seen, 0), last_seq, local_seq,
			COALESCE(refused_at, 0), revoked_at IS NOT NULL FROM clients ORDER BY user_name, created_at, client_id`)
		if err != nil {
			return err
		}
		defer crows.Close()
		for crows.Next() {
			var name string
			var l Laptop
			if err := crows.Scan(&name, &l.ClientID, &l.Host, &l.LastSeen, &l.LastSeq, &l.LocalSeq, &l.RefusedAt, &l.Revoked); err != nil {
				return err
			}
			if i, ok := at[name]; ok {
				l.Revoked = l.Revoked || out[i].Revoked
				out[i].Laptops = append(out[i].Laptops, l)
			}
		}
		return crows.Err()
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
	out.ServerTime = now
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
	return t.row(`SELECT name FROM hub_identity WHERE id = 1`).Scan(&out.HubName)
}
