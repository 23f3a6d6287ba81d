package devices

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Discover reads every target, at most o.Concurrency at a time, one SNMP
// session per switch. Results come back in target order. A switch that
// fails has Error set; the others complete.
func Discover(ctx context.Context, targets []Target, o Options) []SwitchResult {
	o = o.withDefaults()
	results := make([]SwitchResult, len(targets))
	var mu sync.Mutex
	progress := func(p Progress) {
		if o.Progress != nil {
			mu.Lock()
			defer mu.Unlock()
			o.Progress(p)
		}
	}
	sem := make(chan struct{}, o.Concurrency)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i] = SwitchResult{Switch: t.Address, Phones: []Phone{},
					Error: fmt.Sprintf("switch %s: cancelled before it was read", t.Address)}
				return
			}
			defer func() { <-sem }()
			progress(Progress{Switch: t.Address})
			last := 0
			results[i] = discoverOne(ctx, t, o, func(done, total int) {
				if pct := done * 100 / max(total, 1); pct >= last+5 && pct < 100 { // every 5 %
					last = pct
					progress(Progress{Switch: t.Address, Fraction: float64(pct) / 100})
				}
			})
			r := &results[i]
			progress(Progress{Switch: t.Address, Done: true, Phones: len(r.Phones), Err: r.Error,
				Elapsed: time.Duration(r.ElapsedMS) * time.Millisecond, Requests: r.Requests})
		}()
	}
	wg.Wait()
	return results
}

// discoverOne reads one switch under the per-switch time cap. It never
// panics: a panic in decoding becomes the switch's error.
func discoverOne(ctx context.Context, t Target, o Options, report func(done, total int)) (res SwitchResult) {
	start := time.Now()
	res = SwitchResult{Switch: t.Address, Phones: []Phone{}}
	var s *session
	defer func() {
		if p := recover(); p != nil {
			res.Error = fmt.Sprintf("switch %s: internal error while decoding its answers: %v", t.Address, p)
			res.Warnings = append(res.Warnings, t.Creds.redact(string(debug.Stack())))
		}
		if s != nil {
			res.Requests = s.requests
			res.Warnings = append(res.Warnings, s.warnings...)
			s.close()
		}
		res.ElapsedMS = time.Since(start).Milliseconds()
		res.Error = t.Creds.redact(res.Error)
	}()
	ctx, cancel := context.WithTimeout(ctx, o.SwitchTimeout)
	defer cancel()
	var err error
	s, err = newSession(t.Address, t.Creds, o)
	if err != nil {
		res.Error = t.Creds.redact(err.Error())
		return res
	}
	s.progress = report
	r, err := collect(ctx, s)
	res.SysName, res.SysDescr, res.SysObjectID = r.sysName, r.sysDescr, r.sysObjectID
	res.Warnings = append(res.Warnings, r.warnings...)
	if err != nil {
		res.Error = err.Error()
		if isUnanswered(err) {
			return res
		}
	}
	warn := func(f string, a ...any) {
		res.Warnings = append(res.Warnings, fmt.Sprintf("switch %s: ", t.Address)+fmt.Sprintf(f, a...))
	}
	res.Phones, res.Ports = identify(r, warn)
	if len(r.locChassis) > 0 && r.locChassisSub > 0 {
		res.LLDPChassisID, res.LLDPChassisIDSubtype = DecodeLLDPID(r.locChassisSub, r.locChassis, true).Text, int(r.locChassisSub)
	}
	return res
}

// InspectPort reads one switch and returns the facts and phones of one
// port, named by ifName, ifDescr (case-insensitive) or ifIndex. It reuses
// the full collection, so it costs as much as discovering the switch.
func InspectPort(ctx context.Context, t Target, port string, o Options) (PortFacts, []Phone, error) {
	o = o.withDefaults()
	res := discoverOne(ctx, t, o, nil)
	if res.Error != "" && len(res.Ports) == 0 {
		return PortFacts{}, nil, errors.New(res.Error)
	}
	pf, ok := FindPort(res.Ports, port)
	if !ok {
		return PortFacts{}, nil, fmt.Errorf("switch %s has no port named %q", t.Address, port)
	}
	var phones []Phone
	for _, p := range res.Phones {
		if p.IfIndex == pf.IfIndex {
			phones = append(phones, p)
		}
	}
	if res.Error != "" {
		return pf, phones, errors.New(res.Error)
	}
	return pf, phones, nil
}

// FindPort looks a port up by ifName or ifDescr (as written, then by the
// one port-name rule, SamePort: Gig1/0/3 finds Gi1/0/3) or ifIndex.
func FindPort(ports []PortFacts, name string) (PortFacts, bool) {
	for _, p := range ports {
		if strings.EqualFold(p.Name, name) || strings.EqualFold(p.Descr, name) {
			return p, true
		}
	}
	for _, p := range ports {
		if SamePort(name, p.Name) || SamePort(name, p.Descr) {
			return p, true
		}
	}
	if n, err := strconv.Atoi(name); err == nil {
		for _, p := range ports {
			if p.IfIndex == n {
				return p, true
			}
		}
	}
	return PortFacts{}, false
}
