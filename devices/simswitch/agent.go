package simswitch

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxMsgSize is the default largest response the agent sends: an
// Ethernet MTU minus IP and UDP headers, like many switch agents.
const DefaultMaxMsgSize = 1472

// maxBulkVarbinds caps the varbinds of one GETBULK response whatever its size.
const maxBulkVarbinds = 1000

// Agent is an SNMP v2c agent serving MIB views on a loopback UDP socket.
// Views are selected by community string; "public@110" is just another
// community, which is how Cisco's community-string indexing is simulated.
// An Agent is safe for concurrent use.
type Agent struct {
	conn     *net.UDPConn
	views    atomic.Pointer[map[string]*MIB]
	served   atomic.Uint64
	dropped  atomic.Uint64
	maxMsg   int
	latency  time.Duration
	closing  atomic.Bool
	done     chan struct{}
	stopOnce sync.Once
}

// Option configures an Agent.
type Option func(*Agent)

// WithMaxMsgSize sets the largest response in bytes (at least 484).
func WithMaxMsgSize(n int) Option {
	return func(a *Agent) { a.maxMsg = max(n, 484) }
}

// WithLatency delays every response by d, to imitate a slow switch CPU.
func WithLatency(d time.Duration) Option {
	return func(a *Agent) { a.latency = d }
}

// newAgent returns an agent without a socket (used by Listen and by tests).
func newAgent(views map[string]*MIB, opts ...Option) *Agent {
	a := &Agent{maxMsg: DefaultMaxMsgSize, done: make(chan struct{})}
	for _, o := range opts {
		o(a)
	}
	a.SetViews(views)
	return a
}

// CheckLoopback returns an error unless addr ("host:port") names a loopback
// address. Host names are resolved; an empty host is refused.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "" {
		return fmt.Errorf("listen address %q: give a loopback host such as 127.0.0.1", addr)
	}
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	ip, ok := netip.AddrFromSlice(ua.IP)
	if !ok || !ip.Unmap().IsLoopback() {
		return fmt.Errorf("listen address %q is not a loopback address: the simulated switch only serves 127.0.0.0/8 or ::1", addr)
	}
	return nil
}

// Listen starts an agent on addr (for example "127.0.0.1:0" for a free port)
// serving views by community. It stops when ctx ends or Close is called.
func Listen(ctx context.Context, addr string, views map[string]*MIB, opts ...Option) (*Agent, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	conn, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, fmt.Errorf("simswitch: %w", err)
	}
	a := newAgent(views, opts...)
	a.conn = conn
	go a.serve()
	go func() {
		select {
		case <-ctx.Done():
			a.Close()
		case <-a.done:
		}
	}()
	return a, nil
}

// Addr is the bound UDP address.
func (a *Agent) Addr() *net.UDPAddr { return a.conn.LocalAddr().(*net.UDPAddr) }

// Requests is the number of requests answered so far.
func (a *Agent) Requests() uint64 { return a.served.Load() }

// Dropped is the number of datagrams dropped (malformed, unsupported or with an unknown community).
func (a *Agent) Dropped() uint64 { return a.dropped.Load() }

// SetViews atomically replaces all views.
func (a *Agent) SetViews(views map[string]*MIB) {
	m := maps.Clone(views)
	if m == nil {
		m = map[string]*MIB{}
	}
	a.views.Store(&m)
}

// SetView atomically adds or replaces one view; a nil MIB removes it.
func (a *Agent) SetView(community string, m *MIB) {
	for {
		old := a.views.Load()
		nv := maps.Clone(*old)
		if m == nil {
			delete(nv, community)
		} else {
			nv[community] = m
		}
		if a.views.CompareAndSwap(old, &nv) {
			return
		}
	}
}

// View returns the MIB served for community, or nil.
func (a *Agent) View(community string) *MIB { return (*a.views.Load())[community] }

// Close stops the agent and waits for its loop to end.
func (a *Agent) Close() error {
	var err error
	a.stopOnce.Do(func() {
		a.closing.Store(true)
		err = a.conn.Close()
		<-a.done
	})
	return err
}

func (a *Agent) serve() {
	defer close(a.done)
	buf := make([]byte, 65535)
	for {
		n, from, err := a.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if a.closing.Load() || errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		resp := a.handle(buf[:n])
		if resp == nil {
			continue
		}
		if a.latency > 0 {
			time.Sleep(a.latency)
		}
		_, _ = a.conn.WriteToUDPAddrPort(resp, from)
	}
}

// handle answers one datagram; nil means no reply.
func (a *Agent) handle(pkt []byte) []byte {
	req, err := decodeRequest(pkt)
	if err != nil {
		a.dropped.Add(1)
		return nil
	}
	view := a.View(req.community)
	if view == nil {
		a.dropped.Add(1)
		return nil
	}
	a.served.Add(1)
	budget := a.maxMsg - responseOverhead(req.community)
	var vbs [][]byte
	size := 0
	add := func(o OID, v Value) bool {
		vb := encodeVarbind(o, v)
		if size+len(vb) > budget {
			return false
		}
		vbs = append(vbs, vb)
		size += len(vb)
		return true
	}
	tooBig := func() []byte {
		return encodeResponse(req.community, req.requestID, errTooBig, 0, nil)
	}
	switch req.pduType {
	case pduSet:
		for _, o := range req.oids {
			vbs = append(vbs, encodeVarbind(o, Value{Type: Null}))
		}
		idx := 0
		if len(req.oids) > 0 {
			idx = 1
		}
		return encodeResponse(req.community, req.requestID, errNoAccess, idx, vbs)
	case pduGet:
		for _, o := range req.oids {
			if !add(o, view.Get(o)) {
				return tooBig()
			}
		}
	case pduGetNext:
		for _, o := range req.oids {
			r, ok := view.Next(o)
			if !ok {
				r = Record{OID: o, Value: Value{Type: EndOfMibView}}
			}
			if !add(r.OID, r.Value) {
				return tooBig()
			}
		}
	case pduGetBulk:
		nonRep := int(min(max(req.nonRep, 0), int64(len(req.oids))))
		maxRep := int(min(max(req.maxRep, 0), maxBulkVarbinds))
		for _, o := range req.oids[:nonRep] {
			r, ok := view.Next(o)
			if !ok {
				r = Record{OID: o, Value: Value{Type: EndOfMibView}}
			}
			if !add(r.OID, r.Value) {
				return tooBig()
			}
		}
		last := append([]OID(nil), req.oids[nonRep:]...)
		if len(last) == 0 {
			break
		}
		filledOne := false
	reps:
		for rep := 0; rep < maxRep; rep++ {
			allEnd := true
			for j, o := range last {
				r, ok := view.Next(o)
				if !ok {
					r = Record{OID: o, Value: Value{Type: EndOfMibView}}
				} else {
					allEnd = false
				}
				if len(vbs) >= maxBulkVarbinds || !add(r.OID, r.Value) {
					break reps
				}
				filledOne = true
				last[j] = r.OID
			}
			if allEnd {
				break
			}
		}
		if !filledOne && maxRep > 0 {
			return tooBig()
		}
	}
	return encodeResponse(req.community, req.requestID, 0, 0, vbs)
}
