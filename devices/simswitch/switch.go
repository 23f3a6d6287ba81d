package simswitch

import (
	"context"
	"net"
	"sync"
)

// Switch is a running simulated switch: an Agent serving a Spec whose port
// neighbours can be changed while it runs. It is safe for concurrent use.
type Switch struct {
	mu        sync.Mutex
	spec      Spec
	community string
	agent     *Agent
}

// Start renders spec and serves it on addr ("127.0.0.1:0" picks a free
// port) under community (plus community@vlan views for Cisco style).
func Start(ctx context.Context, addr, community string, spec Spec, opts ...Option) (*Switch, error) {
	sp := spec.Clone()
	views, err := sp.Views(community)
	if err != nil {
		return nil, err
	}
	a, err := Listen(ctx, addr, views, opts...)
	if err != nil {
		return nil, err
	}
	return &Switch{spec: sp, community: community, agent: a}, nil
}

// Addr is the bound UDP address.
func (s *Switch) Addr() *net.UDPAddr { return s.agent.Addr() }

// Agent is the underlying SNMP agent (for request counters).
func (s *Switch) Agent() *Agent { return s.agent }

// Close stops the switch.
func (s *Switch) Close() error { return s.agent.Close() }

// Spec returns a copy of the current description.
func (s *Switch) Spec() Spec {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.spec.Clone()
}

// SetNeighbour replaces what is plugged into a port (nil removes it): its
// CDP, LLDP and LLDP-MED rows, FDB entries and PoE state change in one
// atomic swap of the served views, so a walk sees either the old or the new
// device on each request, never a half-written row set.
func (s *Switch) SetNeighbour(portName string, n *Neighbour) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.spec.Clone()
	if err := next.SetNeighbour(portName, n); err != nil {
		return err
	}
	views, err := next.Views(s.community)
	if err != nil {
		return err
	}
	s.agent.SetViews(views)
	s.spec = next
	return nil
}

// ClearNeighbour removes the device plugged into a port.
func (s *Switch) ClearNeighbour(portName string) error { return s.SetNeighbour(portName, nil) }
