package swap

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"cutover/devices"
	"cutover/site"
	"cutover/site/runbook"
)

// SNMPChecker reads a position's port through package devices.
type SNMPChecker struct {
	// Creds are the session's credentials; SetCreds replaces them (the
	// TUI, when the engineer types them in for discovery).
	Creds   devices.Credentials
	mu      sync.Mutex
	Options devices.Options
	// Addrs maps a switch name (as the inventory writes it) to HOST:PORT,
	// before the store's switch address table is asked.
	Addrs map[string]string
	// Store supplies the site's recorded switch addresses; may be nil.
	Store *site.Store
}

// SetCreds makes creds the credentials of every later check.
func (c *SNMPChecker) SetCreds(creds devices.Credentials) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Creds = creds
}

func (c *SNMPChecker) creds() devices.Credentials {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Creds
}

// Addr returns where a position's switch answers SNMP.
func (c *SNMPChecker) Addr(ctx context.Context, p site.Position) (string, error) {
	if p.Switch == "" || p.Port == "" {
		return "", fmt.Errorf("position %s has no switch and port in the inventory", p.Label)
	}
	for name, a := range c.Addrs {
		if strings.EqualFold(name, p.Switch) {
			return a, nil
		}
	}
	if c.Store != nil {
		a, err := c.Store.SwitchAddrOf(ctx, p.Site, p.Switch)
		if err != nil {
			return "", err
		}
		if a != "" {
			return a, nil
		}
	}
	return "", fmt.Errorf("switch %s: %w", p.Switch, ErrNoSwitchAddr)
}

// ErrNoSwitchAddr is wrapped when a position's switch has no address on
// this laptop (none given, none discovered, none from the hub): like
// missing credentials, the check asks for it and records nothing.
var ErrNoSwitchAddr = errors.New("no SNMP address known on this laptop")

// Read implements runbook.Checker.
func (c *SNMPChecker) Read(ctx context.Context, p site.Position) (runbook.PortReading, error) {
	r := runbook.PortReading{Switch: p.Switch, Port: p.Port}
	addr, err := c.Addr(ctx, p)
	if err != nil {
		return r, err
	}
	r.Addr = addr
	creds := c.creds()
	if err := creds.Validate(); err != nil {
		return r, err
	}
	o := c.Options
	if o.Timeout == 0 {
		o = devices.DefaultOptions()
	}
	pf, phones, err := devices.InspectPort(ctx, devices.Target{Address: addr, Creds: creds}, p.Port, o)
	if err != nil && pf.IfIndex == 0 {
		return r, err
	}
	return Reading(p, addr, pf, phones), err
}

// Reading turns what devices read of a port into a runbook.PortReading,
// saying per fact whether the switch reported it: link from IF-MIB; PoE
// from POWER-ETHERNET-MIB, else the phone's LLDP-MED power request; the
// voice VLAN from the switch's voice VLAN MIB, else the phone's LLDP-MED
// network policy, else the VLAN its MAC was learned on. A table the
// switch does not implement is "not reported", never "off".
func Reading(p site.Position, addr string, pf devices.PortFacts, phones []devices.Phone) runbook.PortReading {
	r := runbook.PortReading{Switch: p.Switch, Addr: addr, Port: pf.Name, LinkUp: pf.OperUp, VoiceVLAN: pf.VoiceVLAN}
	if r.Port == "" {
		r.Port = p.Port
	}
	if pf.OperStatus == 0 {
		r.NotReported = append(r.NotReported, runbook.FactLink)
	}
	if pf.PoE != nil {
		r.PoE = true
		r.PoEDetection = pf.PoE.Detection
		r.PoEClass = pf.PoE.Class
		r.PoEMW, r.PoEBudgetW, r.PoEUsedW = pf.PoE.PowerMW, pf.PoE.BudgetW, pf.PoE.UsedW
	}
	medPower := 0
	for _, ph := range phones {
		switch {
		case r.VoiceVLAN > 0:
		case ph.MEDVoiceVLAN > 0:
			r.VoiceVLAN, r.VoiceVLANFrom = ph.MEDVoiceVLAN, runbook.FromLLDPMED
		case ph.VoiceVLAN > 0:
			r.VoiceVLAN, r.VoiceVLANFrom = ph.VoiceVLAN, runbook.FromMACTable
		}
		if medPower == 0 && ph.MEDPowerMW > 0 {
			medPower = ph.MEDPowerMW
		}
		r.Phones = append(r.Phones, runbook.SeenPhone{
			Vendor: ph.Vendor, Model: ph.Model, Serial: ph.Serial, MAC: ph.MAC, Name: ph.Name,
			Telephone: slices.Contains(ph.Evidence, devices.EvLLDPTelephone) || slices.Contains(ph.Evidence, devices.EvCDPPhone),
			Sources:   ph.Sources,
		})
	}
	if !pf.PoEKnown && pf.PoE == nil {
		if medPower > 0 {
			r.PoE, r.PoEFrom, r.PoEMW = true, runbook.FromLLDPMED, &medPower
		} else {
			r.NotReported = append(r.NotReported, runbook.FactPoE)
		}
	}
	if !pf.VoiceVLANKnown && r.VoiceVLAN == 0 {
		r.NotReported = append(r.NotReported, runbook.FactVoiceVLAN)
	}
	return r
}
