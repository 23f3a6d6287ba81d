package swap

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"cutover/devices"
	"cutover/site"
	"cutover/site/runbook"
)

// SNMPChecker reads a position's port through package devices.
type SNMPChecker struct {
	Creds   devices.Credentials
	Options devices.Options
	// Addrs maps a switch name (as the inventory writes it) to HOST:PORT,
	// before the store's switch address table is asked.
	Addrs map[string]string
	// Store supplies the site's recorded switch addresses; may be nil.
	Store *site.Store
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
	return "", fmt.Errorf("no address for switch %s: give --switch-addr %s=HOST[:PORT]", p.Switch, p.Switch)
}

// Read implements runbook.Checker.
func (c *SNMPChecker) Read(ctx context.Context, p site.Position) (runbook.PortReading, error) {
	r := runbook.PortReading{Switch: p.Switch, Port: p.Port}
	addr, err := c.Addr(ctx, p)
	if err != nil {
		return r, err
	}
	r.Addr = addr
	o := c.Options
	if o.Timeout == 0 {
		o = devices.DefaultOptions()
	}
	pf, phones, err := devices.InspectPort(ctx, devices.Target{Address: addr, Creds: c.Creds}, p.Port, o)
	if err != nil && pf.IfIndex == 0 {
		return r, err
	}
	return Reading(p, addr, pf, phones), err
}

// Reading turns what devices read of a port into a runbook.PortReading.
func Reading(p site.Position, addr string, pf devices.PortFacts, phones []devices.Phone) runbook.PortReading {
	r := runbook.PortReading{Switch: p.Switch, Addr: addr, Port: pf.Name, LinkUp: pf.OperUp, VoiceVLAN: pf.VoiceVLAN}
	if r.Port == "" {
		r.Port = p.Port
	}
	if pf.PoE != nil {
		r.PoE = true
		r.PoEDetection = pf.PoE.Detection
		r.PoEClass = pf.PoE.Class
		r.PoEMW, r.PoEBudgetW, r.PoEUsedW = pf.PoE.PowerMW, pf.PoE.BudgetW, pf.PoE.UsedW
	}
	for _, ph := range phones {
		if r.VoiceVLAN == 0 && ph.VoiceVLAN > 0 {
			r.VoiceVLAN = ph.VoiceVLAN
		}
		r.Phones = append(r.Phones, runbook.SeenPhone{
			Vendor: ph.Vendor, Model: ph.Model, Serial: ph.Serial, MAC: ph.MAC, Name: ph.Name,
			Telephone: slices.Contains(ph.Evidence, devices.EvLLDPTelephone) || slices.Contains(ph.Evidence, devices.EvCDPPhone),
			Sources:   ph.Sources,
		})
	}
	return r
}
