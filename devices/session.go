package devices

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"
)

// bulkLevels is the max-repetitions ladder: on a timeout the session steps
// down one level (0 means GETNEXT) and stays there for the rest of the switch.
var bulkLevels = []int{20, 10, 5, 0}

// maxColumnsPerRequest bounds the cursors in one request. The varbinds asked
// for per request are about 3 × max-repetitions, so they shrink with the level.
const maxColumnsPerRequest = 60

// session is one SNMP conversation with one switch. It is not safe for
// concurrent use; Discover gives every switch its own.
type session struct {
	addr     string
	creds    Credentials
	g        *gosnmp.GoSNMP
	level    int // index into bulkLevels
	requests int // PDUs sent, retries included
	answered bool
	warnings []string
	// progress, when set, hears after each round of a walk how many of its
	// columns are read to their end.
	progress func(done, total int)
}

func splitHostPort(addr string) (string, uint16, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		if strings.Contains(err.Error(), "missing port") {
			return strings.Trim(addr, "[]"), 161, nil
		}
		return "", 0, fmt.Errorf("bad switch address %q: %v", addr, err)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return "", 0, fmt.Errorf("bad switch address %q: port %q", addr, port)
	}
	return host, uint16(p), nil
}

func newSession(addr string, creds Credentials, o Options) (*session, error) {
	host, port, err := splitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if host == "" {
		return nil, fmt.Errorf("bad switch address %q: no host", addr)
	}
	s := &session{addr: addr, creds: creds}
	g := &gosnmp.GoSNMP{
		Target:             host,
		Port:               port,
		Transport:          "udp",
		Timeout:            o.Timeout,
		Retries:            o.Retries,
		ExponentialTimeout: false,
		MaxOids:            maxColumnsPerRequest,
		Context:            context.Background(),
	}
	if err := creds.apply(g); err != nil {
		return nil, err
	}
	g.OnSent = func(*gosnmp.GoSNMP) { s.requests++ }
	if err := g.Connect(); err != nil {
		return nil, fmt.Errorf("switch %s: %s", addr, creds.redact(err.Error()))
	}
	s.g = g
	return s, nil
}

func (s *session) close() {
	if s.g != nil && s.g.Conn != nil {
		_ = s.g.Conn.Close()
	}
}

func (s *session) warnf(format string, a ...any) {
	s.warnings = append(s.warnings, s.creds.redact(fmt.Sprintf(format, a...)))
}

// unansweredError is the error of a switch that never answered.
type unansweredError struct{ msg string }

func (e *unansweredError) Error() string { return e.msg }

func isUnanswered(err error) bool {
	var u *unansweredError
	return errors.As(err, &u)
}

// wrapErr turns a transport error into a message that names the switch and
// never includes a secret.
func (s *session) wrapErr(ctx context.Context, what string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return fmt.Errorf("switch %s: time limit reached while reading %s", s.addr, what)
		}
		return fmt.Errorf("switch %s: cancelled while reading %s", s.addr, what)
	}
	if isTimeout(err) {
		if !s.answered {
			return &unansweredError{fmt.Sprintf("switch %s: no SNMP answer (timeout %s, %d retries): the switch may be unreachable, or the community/SNMPv3 credentials may be wrong",
				s.addr, s.g.Timeout, s.g.Retries)}
		}
		return fmt.Errorf("switch %s: stopped answering while reading %s", s.addr, what)
	}
	if strings.Contains(err.Error(), "connection refused") {
		return &unansweredError{fmt.Sprintf("switch %s: no SNMP agent listening (connection refused): the switch may be unreachable or SNMP not enabled", s.addr)}
	}
	return fmt.Errorf("switch %s: bad SNMP answer while reading %s: %s", s.addr, what, s.creds.redact(err.Error()))
}

func isTimeout(err error) bool {
	if errors.Is(err, gosnmp.ErrMaxRetriesExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || strings.Contains(err.Error(), "timeout")
}

// get fetches scalars; missing objects are absent from the result.
func (s *session) get(ctx context.Context, oids []string) (map[string]gosnmp.SnmpPDU, error) {
	s.g.Context = ctx
	pkt, err := s.g.Get(oids)
	if err != nil {
		return nil, s.wrapErr(ctx, "the system group", err)
	}
	s.answered = true
	out := map[string]gosnmp.SnmpPDU{}
	for _, v := range pkt.Variables {
		if v.Type == gosnmp.NoSuchObject || v.Type == gosnmp.NoSuchInstance || v.Type == gosnmp.EndOfMibView || v.Type == gosnmp.Null {
			continue
		}
		out[strings.TrimPrefix(v.Name, ".")] = v
	}
	return out, nil
}

// column is one walk in progress.
type column struct {
	root   string // without leading dot
	cursor string
	last   []uint32
	done   bool
}

// walk reads several subtrees (table columns) at once: each request carries
// one cursor per unfinished column, so a single GETBULK advances many
// columns and a column that is absent costs one varbind, not one request.
// fn gets the column number and the sub-identifiers after the root.
// With probe set, a timeout before the walk's first answer is returned as
// an error without lowering max-repetitions.
func (s *session) walk(ctx context.Context, what string, roots []string, probe bool, fn func(col int, sub []uint32, v gosnmp.SnmpPDU)) error {
	gotAnswer := false
	cols := make([]*column, len(roots))
	for i, r := range roots {
		r = strings.TrimPrefix(r, ".")
		cols[i] = &column{root: r, cursor: r}
	}
	for {
		var active []int
		finished := 0
		for i, c := range cols {
			if c.done {
				finished++
			} else if len(active) < maxColumnsPerRequest {
				active = append(active, i)
			}
		}
		if s.progress != nil {
			s.progress(finished, len(cols))
		}
		if len(active) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return s.wrapErr(ctx, what, err)
		}
		oids := make([]string, len(active))
		for i, ci := range active {
			oids[i] = cols[ci].cursor
		}
		s.g.Context = ctx
		lvl := bulkLevels[s.level]
		var pkt *gosnmp.SnmpPacket
		var err error
		if lvl == 0 {
			pkt, err = s.g.GetNext(oids)
		} else {
			rep := max(1, min(lvl, 3*lvl/len(active)))
			pkt, err = s.g.GetBulk(oids, 0, uint32(rep))
		}
		if err != nil {
			if isTimeout(err) && s.answered && (gotAnswer || !probe) && ctx.Err() == nil && s.level < len(bulkLevels)-1 {
				s.level++
				if next := bulkLevels[s.level]; next > 0 {
					s.warnf("switch %s: timeout reading %s, max-repetitions lowered to %d", s.addr, what, next)
				} else {
					s.warnf("switch %s: timeout reading %s, falling back to GETNEXT", s.addr, what)
				}
				continue
			}
			return s.wrapErr(ctx, what, err)
		}
		s.answered, gotAnswer = true, true
		if pkt.Error != gosnmp.NoError {
			if pkt.Error == gosnmp.TooBig && s.level < len(bulkLevels)-1 {
				s.level++
				continue
			}
			if idx := int(pkt.ErrorIndex); idx >= 1 && idx <= len(active) {
				c := cols[active[(idx-1)%len(active)]]
				c.done = true
				s.warnf("switch %s: agent error %s on %s", s.addr, pkt.Error, c.root)
				continue
			}
			for _, ci := range active {
				cols[ci].done = true
			}
			s.warnf("switch %s: agent error %s while reading %s", s.addr, pkt.Error, what)
			continue
		}
		if len(pkt.Variables) == 0 {
			for _, ci := range active {
				cols[ci].done = true
			}
			continue
		}
		for i, v := range pkt.Variables {
			c := cols[active[i%len(active)]]
			if c.done {
				continue
			}
			name := strings.TrimPrefix(v.Name, ".")
			if v.Type == gosnmp.EndOfMibView || v.Type == gosnmp.NoSuchObject || v.Type == gosnmp.NoSuchInstance ||
				!strings.HasPrefix(name, c.root+".") {
				c.done = true
				continue
			}
			sub, err := ParseOID(name[len(c.root)+1:])
			if err != nil || (c.last != nil && compareOID(sub, c.last) <= 0) {
				s.warnf("switch %s: agent returned OIDs out of order under %s; column cut short", s.addr, c.root)
				c.done = true
				continue
			}
			c.last, c.cursor = sub, name
			fn(active[i%len(active)], sub, v)
		}
	}
}

func compareOID(a, b []uint32) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

// inVLAN runs fn with the session switched to a Cisco per-VLAN bridge
// instance: community@vlan for v2c, context vlan-N for v3.
func (s *session) inVLAN(vlan int, fn func() error) error {
	if s.creds.IsV3() {
		old := s.g.ContextName
		s.g.ContextName = s.creds.vlanContext(vlan)
		defer func() { s.g.ContextName = old }()
	} else {
		old := s.g.Community
		s.g.Community = old + "@" + strconv.Itoa(vlan)
		defer func() { s.g.Community = old }()
	}
	return fn()
}

// elapsedSince is time.Since, kept separate for readability in results.
func elapsedSince(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }
