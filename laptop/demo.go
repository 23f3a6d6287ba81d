package laptop

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"

	"cutover/assets"
	"cutover/devices/simswitch"
	"cutover/site"
	"cutover/site/runbook"
)

// DemoCommunity is the SNMP v2c community of the demo's simulated switches.
const DemoCommunity = "public"

// DemoSwitches are the demo site's simulated switches, running on loopback
// while `cutover demo` runs, with hooks that make the physical steps real:
// once the swap is confirmed the port shows the new Avaya phone (LLDP-MED
// model and serial) and the legacy handset goes; a removal empties the
// port; a rollback's reconnect puts the legacy handset back.
type DemoSwitches struct {
	mu       sync.Mutex
	switches map[string]*simswitch.Switch
	original map[string]simswitch.Spec
	replaced map[string]int    // replacements unboxed per position
	staged   map[string]string // the spare port a position's new phone is staged on
}

// StartDemoSwitches starts the switches DemoSpecs builds from the demo
// inventory JSON, each on its own free port of 127.0.0.1.
func StartDemoSwitches(ctx context.Context, inventoryJSON []byte) (*DemoSwitches, error) {
	specs, err := simswitch.DemoSpecs(inventoryJSON)
	if err != nil {
		return nil, fmt.Errorf("demo switches: %w", err)
	}
	d := &DemoSwitches{switches: map[string]*simswitch.Switch{}, original: map[string]simswitch.Spec{}}
	for _, sp := range specs {
		sw, err := simswitch.Start(ctx, "127.0.0.1:0", DemoCommunity, sp)
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("demo switch %s: %w", sp.SysName, err)
		}
		d.switches[strings.ToLower(sp.SysName)] = sw
		d.original[strings.ToLower(sp.SysName)] = sp.Clone()
	}
	return d, nil
}

// Addrs maps each switch name to its loopback HOST:PORT.
func (d *DemoSwitches) Addrs() map[string]string {
	out := map[string]string{}
	for name, sw := range d.switches {
		out[name] = sw.Addr().String()
	}
	return out
}

// Record stores the switches' addresses in the site's switch address
// table, so that automatic steps find them.
func (d *DemoSwitches) Record(ctx context.Context, st *site.Store, engineer, code string) error {
	for name, addr := range d.Addrs() {
		if err := st.SetSwitchAddr(ctx, engineer, code, site.SwitchAddr{Switch: name, Addr: addr}); err != nil {
			return err
		}
	}
	return nil
}

// Restore puts the switches in the state the site's recorded field work
// left them: a position past its swap shows its new phone (an Avaya plan;
// the replacement the register holds, for a position reopened since) or an
// empty port (a removal), so that a demo restarted after some swaps shows
// what the runbooks recorded.
func (d *DemoSwitches) Restore(ctx context.Context, st *site.Store, code string) error {
	expect, err := runbook.SiteExpectations(ctx, st, code)
	if err != nil {
		return err
	}
	ps, err := site.PositionRows(ctx, st.DB(), code)
	if err != nil {
		return err
	}
	for _, r := range ps {
		p := r.Position
		if e, ok := expect[strings.ToLower(p.Label)]; ok && e.LegacyGone && d.Switch(p.Switch) != nil {
			if err := d.OnSwapConfirmed(ctx, p); err != nil {
				return err
			}
			if err := d.restoreReplacement(ctx, st, r.ID, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// restoreReplacement shows on a reopened position's port the replacement
// the register holds there, when it is one the demo unboxed.
func (d *DemoSwitches) restoreReplacement(ctx context.Context, st *site.Store, id int64, p site.Position) error {
	a, ok, err := assets.AtPositionIn(ctx, st.DB(), id, assets.KindNew, assets.StateInstalled)
	if err != nil || !ok || a.Serial == "" || strings.EqualFold(a.Serial, DemoPhone(p).Serial) {
		return err
	}
	for n := 1; n <= 50; n++ {
		if ph := demoPhoneN(p, n); strings.EqualFold(ph.Serial, a.Serial) {
			d.mu.Lock()
			if d.replaced == nil {
				d.replaced = map[string]int{}
			}
			d.replaced[demoKey(p)] = n
			d.mu.Unlock()
			return d.Switch(p.Switch).SetNeighbour(p.Port, &ph)
		}
	}
	return nil
}

// Switch returns a running switch by name (nil when not running).
func (d *DemoSwitches) Switch(name string) *simswitch.Switch {
	return d.switches[strings.ToLower(name)]
}

// Close stops every switch.
func (d *DemoSwitches) Close() error {
	var errs []error
	for _, sw := range d.switches {
		errs = append(errs, sw.Close())
	}
	return errors.Join(errs...)
}

// DemoPhone is the Avaya phone the demo "unboxes" for a position: a fixed
// serial and MAC (Avaya OUI 00:1b:4f) made from the site and label, so that a
// rerun of the demo shows the same phone.
func DemoPhone(p site.Position) simswitch.Neighbour {
	h := fnv.New32a()
	h.Write([]byte(strings.ToUpper(p.Site + "/" + p.Label)))
	v := h.Sum32()
	model := strings.TrimSpace(strings.TrimPrefix(p.TargetModel, "Avaya "))
	if model == "" {
		model = "J179"
	}
	serial := fmt.Sprintf("23WZ%08d", v%100000000)
	mac := fmt.Sprintf("00:1b:4f:%02x:%02x:%02x", byte(v>>16), byte(v>>8), byte(v))
	return simswitch.AvayaPhone(model, serial, mac)
}

// OnSwapConfirmed is a Runner hook: an Avaya plan's port now shows the
// position's demo phone; any other plan's port is emptied.
func (d *DemoSwitches) OnSwapConfirmed(_ context.Context, p site.Position) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	sw := d.Switch(p.Switch)
	if sw == nil {
		return fmt.Errorf("demo: no simulated switch %s", p.Switch)
	}
	if p.Plan == site.PlanAvayaFixed || p.Plan == site.PlanAvayaPTT {
		d.unstage(sw, demoKey(p))
		n := DemoPhone(p)
		return sw.SetNeighbour(p.Port, &n)
	}
	return sw.ClearNeighbour(p.Port)
}

// OnReplaced is a Runner hook: a reopened position's port now shows a
// replacement phone, another each time (the one staged, if it was).
func (d *DemoSwitches) OnReplaced(_ context.Context, p site.Position) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	sw := d.Switch(p.Switch)
	if sw == nil {
		return fmt.Errorf("demo: no simulated switch %s", p.Switch)
	}
	if d.replaced == nil {
		d.replaced = map[string]int{}
	}
	k := demoKey(p)
	d.replaced[k]++
	d.unstage(sw, k)
	n := demoPhoneN(p, d.replaced[k])
	return sw.SetNeighbour(p.Port, &n)
}

// OnStage is a Runner hook, before the staging check reads the spare port
// the engineer named: the demo plugs the position's new phone (or, for a
// reopened position, its next replacement) into that port, as the
// engineer did. A port the switch does not have is left to the check.
func (d *DemoSwitches) OnStage(_ context.Context, p site.Position, port string, replacement bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	sw := d.Switch(p.Switch)
	if sw == nil {
		return nil
	}
	k := demoKey(p)
	n := DemoPhone(p)
	if replacement {
		n = demoPhoneN(p, d.replaced[k]+1)
	}
	d.unstage(sw, k)
	if err := sw.SetNeighbour(port, &n); err != nil {
		return nil // no such port: the check says so
	}
	if d.staged == nil {
		d.staged = map[string]string{}
	}
	d.staged[k] = port
	return nil
}

// unstage empties the spare port a position's phone was staged on: the
// swap moved it to the position's own port.
func (d *DemoSwitches) unstage(sw *simswitch.Switch, k string) {
	if port, ok := d.staged[k]; ok {
		_ = sw.ClearNeighbour(port)
		delete(d.staged, k)
	}
}

func demoKey(p site.Position) string { return strings.ToUpper(p.Site + "/" + p.Label) }

// demoPhoneN is the nth replacement the demo unboxes for a position.
func demoPhoneN(p site.Position, n int) simswitch.Neighbour {
	q := p
	q.Label = fmt.Sprintf("%s#%d", p.Label, n)
	return DemoPhone(q)
}

// OnReconnect is a Runner hook: the port shows its legacy handset again.
func (d *DemoSwitches) OnReconnect(_ context.Context, p site.Position) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	sw := d.Switch(p.Switch)
	if sw == nil {
		return fmt.Errorf("demo: no simulated switch %s", p.Switch)
	}
	orig := d.original[strings.ToLower(p.Switch)]
	for _, port := range orig.Ports {
		if port.Name == p.Port {
			return sw.SetNeighbour(p.Port, port.Neighbour)
		}
	}
	return fmt.Errorf("demo: switch %s has no port %s", p.Switch, p.Port)
}
