package site

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// SwitchAddr is where one of a site's switches answers SNMP.
type SwitchAddr struct {
	Switch string `json:"switch"`
	Addr   string `json:"addr"` // host:port
}

// ParseSwitchAddr reads "NAME=HOST[:PORT]" (port 161 when left out).
func ParseSwitchAddr(v string) (SwitchAddr, error) {
	name, addr, ok := strings.Cut(strings.TrimSpace(v), "=")
	name, addr = strings.TrimSpace(name), strings.TrimSpace(addr)
	if !ok || name == "" || addr == "" {
		return SwitchAddr{}, fmt.Errorf("switch address %q: want NAME=HOST[:PORT], e.g. kx-sw1=127.0.0.1:16101", v)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = addr, "161"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return SwitchAddr{}, fmt.Errorf("switch address %q: bad UDP port %q", v, port)
	}
	if host == "" {
		return SwitchAddr{}, fmt.Errorf("switch address %q: no host", v)
	}
	return SwitchAddr{Switch: name, Addr: net.JoinHostPort(host, port)}, nil
}

// SetSwitchAddr records where a site's switch answers SNMP.
func (s *Store) SetSwitchAddr(ctx context.Context, engineer, code string, a SwitchAddr) error {
	code = strings.ToUpper(code)
	return s.Write(ctx, engineer, func(tx *Tx) error {
		if _, ok, err := getSite(ctx, tx, code); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("site %s: %w", code, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO switch_addresses (site, switch, addr, updated_at, updated_by) VALUES (?,?,?,?,?)
			ON CONFLICT (site, switch) DO UPDATE SET addr=excluded.addr, updated_at=excluded.updated_at, updated_by=excluded.updated_by`,
			code, a.Switch, a.Addr, tx.Now, tx.Engineer); err != nil {
			return err
		}
		return tx.Op(code, "switch.addr.v1", "switch", a.Switch, map[string]any{"addr": a.Addr})
	})
}

// SwitchAddrOf returns where a site's switch answers SNMP; "" when not
// recorded.
func (s *Store) SwitchAddrOf(ctx context.Context, code, name string) (string, error) {
	var addr string
	err := s.r.QueryRowContext(ctx, `SELECT addr FROM switch_addresses WHERE site = ? AND switch = ?`,
		strings.ToUpper(code), name).Scan(&addr)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return addr, err
}

// SwitchAddrs lists a site's recorded switch addresses.
func (s *Store) SwitchAddrs(ctx context.Context, code string) ([]SwitchAddr, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT switch, addr FROM switch_addresses WHERE site = ? ORDER BY switch`, strings.ToUpper(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SwitchAddr
	for rows.Next() {
		var a SwitchAddr
		if err := rows.Scan(&a.Switch, &a.Addr); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
