package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"cutover/devices"
	"cutover/swap"

	"github.com/spf13/pflag"
)

// snmpCredFlags are the credential flags of `cutover discover`; any command
// that talks SNMP can add them and call resolve.
type snmpCredFlags struct {
	in      devices.CredentialInput
	profile string
}

func (f *snmpCredFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.in.Community, "community", "", "SNMP v2c `COMMUNITY` (visible to other users in ps: prefer $"+devices.EnvCommunity+")")
	fs.StringVar(&f.in.User, "v3-user", "", "SNMPv3 `USER` (selects SNMPv3)")
	fs.StringVar(&f.in.Level, "v3-level", "", "SNMPv3 `LEVEL`: authPriv, authNoPriv or noAuthNoPriv (default from the protocols given)")
	fs.StringVar(&f.in.AuthProto, "v3-auth", "", "SNMPv3 auth `PROTO`: MD5, SHA, SHA224, SHA256, SHA384, SHA512")
	fs.StringVar(&f.in.AuthPassFile, "v3-auth-pass-file", "", "`FILE` whose first line is the v3 auth passphrase (else $"+devices.EnvAuthPass+")")
	fs.StringVar(&f.in.PrivProto, "v3-priv", "", "SNMPv3 privacy `PROTO`: DES, AES, AES192, AES256, AES192C, AES256C (C = Cisco key extension)")
	fs.StringVar(&f.in.PrivPassFile, "v3-priv-pass-file", "", "`FILE` whose first line is the v3 privacy passphrase (else $"+devices.EnvPrivPass+")")
	fs.StringVar(&f.profile, "snmp-profile", "", "named SNMP credential `PROFILE` from the config file (which only you may read)")
}

// resolve turns the flags, the environment and the config profile into
// credentials. Mistakes are usage errors; no message quotes a secret.
func (f *snmpCredFlags) resolve(env *Env) (devices.Credentials, error) {
	in := f.in
	in.Getenv, in.ReadFile = env.Getenv, os.ReadFile
	if f.profile != "" {
		if env.Config == nil || env.Config.SNMP == nil {
			return devices.Credentials{}, usagef("--snmp-profile %q: the config file has no SNMP profiles", f.profile)
		}
		p, ok := env.Config.SNMP[f.profile]
		if !ok {
			return devices.Credentials{}, usagef("--snmp-profile %q: no such profile in %s", f.profile, env.ConfigPath)
		}
		if in.Community == "" && in.User == "" {
			in.Community, in.User, in.Level, in.AuthProto, in.PrivProto = p.Community, p.V3User, p.V3Level, p.V3AuthProto, p.V3PrivProto
			getenv := in.Getenv
			in.Getenv = func(k string) string {
				switch {
				case k == devices.EnvAuthPass && p.V3AuthPass != "":
					return p.V3AuthPass
				case k == devices.EnvPrivPass && p.V3PrivPass != "":
					return p.V3PrivPass
				}
				return getenv(k)
			}
		}
	}
	c, err := in.Resolve()
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return c, err
		}
		return c, usagef("%w", err)
	}
	return c, nil
}

func init() {
	var switches []string
	var code string
	var asJSON bool
	var creds snmpCredFlags
	o := devices.DefaultOptions()
	register(&Command{
		Name:    "discover",
		Args:    "(--switch HOST[:PORT]... | --site CODE) [--json] [credentials]",
		Summary: "find the phones on switches by SNMP (CDP, LLDP, LLDP-MED, MAC tables)",
		Help: `Reads each switch over SNMP (read-only: never a SET) and lists the desk phones
on its ports, with the evidence that made each one a phone. Switches are read in
parallel (--concurrency), one session each; a switch that fails is reported and
the others complete.

Credentials: --community, or $` + devices.EnvCommunity + `, for SNMP v2c; or --v3-user with
--v3-level, --v3-auth, --v3-priv and the passphrases in files (--v3-auth-pass-file,
--v3-priv-pass-file) or in $` + devices.EnvAuthPass + ` / $` + devices.EnvPrivPass + `; or --snmp-profile NAME
from the config file. Secrets never appear in output, logs or the database.

With --site, the switches default to the site inventory's switches (at the
addresses recorded with 'cutover step --switch-addr', else their names); the
phones found are stored as timed observations and reconciled with the planned
positions: matched, moved (seen on another port), unexpected, missing.

Exit status: 0 when every switch answered, 1 when some failed, 2 for bad usage.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringArrayVar(&switches, "switch", nil, "switch to read, `HOST[:PORT]` (UDP, default port 161); repeatable")
			fs.StringVar(&code, "site", "", "site `CODE`: read its switches, store and reconcile the result")
			fs.BoolVar(&asJSON, "json", false, "print one JSON document on stdout")
			fs.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "switches read at once (`N`)")
			fs.DurationVar(&o.Timeout, "timeout", o.Timeout, "SNMP request timeout (`DURATION`, e.g. 2s)")
			fs.IntVar(&o.Retries, "retries", o.Retries, "retries per SNMP request (`N`)")
			fs.DurationVar(&o.SwitchTimeout, "switch-timeout", o.SwitchTimeout, "hard time cap per switch (`DURATION`)")
			creds.add(fs)
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if fs.NArg() != 0 {
				return usagef("unexpected arguments %v", fs.Args())
			}
			if len(switches) == 0 && code == "" {
				return usagef("give --switch HOST[:PORT] (repeatable) or --site CODE")
			}
			if o.Concurrency < 1 || o.Retries < 0 || o.Timeout <= 0 || o.SwitchTimeout <= 0 {
				return usagef("--concurrency must be at least 1, --retries at least 0, and the timeouts positive")
			}
			for _, s := range switches {
				if err := checkSwitchAddr(s); err != nil {
					return usagef("--switch %q: %v", s, err)
				}
			}
			c, err := creds.resolve(env)
			if err != nil {
				return err
			}
			return runDiscover(ctx, env, code, switches, c, o, asJSON)
		},
	})
}

func checkSwitchAddr(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if strings.Contains(err.Error(), "missing port") {
			host, port = strings.Trim(s, "[]"), "161"
		} else {
			return err
		}
	}
	if host == "" {
		return errors.New("no host")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("bad UDP port %q", port)
	}
	return nil
}

func runDiscover(ctx context.Context, env *Env, code string, switches []string, creds devices.Credentials, o devices.Options, asJSON bool) error {
	// names maps an address read to the switch's name in the inventory
	// (with --site): output names switches as the inventory does.
	names := switchNames{}
	o.Progress = func(p devices.Progress) {
		sw := names.of(p.Switch)
		switch {
		case !p.Done && p.Fraction == 0:
			fmt.Fprintf(env.Stderr, "discover: reading %s …\n", sw)
		case !p.Done: // how far it has got: the TUI draws it; a log line per 5 % would be noise
		case p.Err != "":
			fmt.Fprintf(env.Stderr, "discover: %s failed after %s: %s\n", sw, p.Elapsed.Round(time.Millisecond), p.Err)
		default:
			fmt.Fprintf(env.Stderr, "discover: %s: %d phone(s) in %s (%d SNMP requests)\n", sw, p.Phones, p.Elapsed.Round(time.Millisecond), p.Requests)
		}
	}
	var results []devices.SwitchResult
	var rec *devices.Reconciliation
	if code != "" {
		st, err := env.OpenStore()
		if err != nil {
			return err
		}
		defer st.Close()
		if _, err := st.Site(ctx, code); err != nil {
			return usagef("--site %s: %v", code, err)
		}
		addrs, err := st.SwitchAddrs(ctx, code)
		if err != nil {
			return err
		}
		for _, a := range addrs {
			names[strings.ToLower(a.Addr)] = a.Switch
		}
		res, r, err := swap.DiscoverSite(ctx, st, env.Engineer, code, switches, creds, o)
		if err != nil && res == nil {
			return usagef("%v: give --switch", err)
		}
		if err != nil {
			return err
		}
		results, rec = res, &r
	} else {
		targets := make([]devices.Target, len(switches))
		for i, s := range switches {
			targets[i] = devices.Target{Address: s, Creds: creds}
		}
		results = devices.Discover(ctx, targets, o)
	}
	if asJSON {
		doc := map[string]any{"switches": results}
		if rec != nil {
			doc["reconciliation"] = reconciliationJSON(*rec)
		}
		enc := json.NewEncoder(env.Stdout)
		if err := enc.Encode(doc); err != nil {
			return err
		}
	} else {
		printDiscovery(env.Stdout, results, names)
		if rec != nil {
			printReconciliation(env.Stdout, *rec, names)
		}
	}
	failed := 0
	for _, r := range results {
		if r.Error != "" {
			failed++
		}
	}
	if failed > 0 {
		fmt.Fprintf(env.Stderr, "discover: %d of %d switch(es) failed\n", failed, len(results))
		return errQuiet{code: 1}
	}
	return nil
}

func reconciliationJSON(r devices.Reconciliation) map[string]any {
	type pos struct {
		Label       string `json:"label"`
		Switch      string `json:"switch,omitempty"`
		Port        string `json:"port,omitempty"`
		MAC         string `json:"mac,omitempty"`
		SeenSwitch  string `json:"seen_switch,omitempty"`
		SeenPort    string `json:"seen_port,omitempty"`
		SeenMAC     string `json:"seen_mac,omitempty"`
		MatchedBy   string `json:"matched_by,omitempty"`
		SeenSysName string `json:"seen_sys_name,omitempty"`
	}
	conv := func(ms []devices.Match) []pos {
		out := []pos{}
		for _, m := range ms {
			out = append(out, pos{Label: m.Expected.Label, Switch: m.Expected.Switch, Port: m.Expected.Port, MAC: m.Expected.MAC,
				SeenSwitch: m.Seen.Switch, SeenPort: m.Seen.Phone.Port, SeenMAC: m.Seen.Phone.MAC, MatchedBy: m.By, SeenSysName: m.Seen.SysName})
		}
		return out
	}
	exp := func(es []devices.Expected) []pos {
		out := []pos{}
		for _, e := range es {
			out = append(out, pos{Label: e.Label, Switch: e.Switch, Port: e.Port, MAC: e.MAC})
		}
		return out
	}
	unexpected := []pos{}
	for _, s := range r.Unexpected {
		unexpected = append(unexpected, pos{SeenSwitch: s.Switch, SeenPort: s.Phone.Port, SeenMAC: s.Phone.MAC, SeenSysName: s.SysName})
	}
	leftover := []pos{}
	for _, l := range r.Leftover {
		leftover = append(leftover, pos{Label: l.Label, SeenSwitch: l.Seen.Switch, SeenPort: l.Seen.Phone.Port, SeenMAC: l.Seen.Phone.MAC, SeenSysName: l.Seen.SysName})
	}
	return map[string]any{"matched": conv(r.Matched), "moved": conv(r.Moved), "unexpected": unexpected, "leftover": leftover,
		"missing": exp(r.Missing), "unchecked": exp(r.Unchecked)}
}

// switchNames maps a lower-case address to the inventory's switch name.
type switchNames map[string]string

// of is the switch's inventory name, or addr itself when it has none.
func (n switchNames) of(addr string) string {
	if name := n[strings.ToLower(addr)]; name != "" {
		return name
	}
	return addr
}

func printDiscovery(w io.Writer, results []devices.SwitchResult, names switchNames) {
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(w)
		}
		title := names.of(r.Switch)
		if title != r.Switch {
			title += " at " + r.Switch
		}
		if r.SysName != "" {
			title += " (" + r.SysName + ")"
		}
		if r.Error != "" {
			fmt.Fprintf(w, "%s: FAILED: %s\n", title, r.Error)
			if len(r.Phones) == 0 {
				continue
			}
		} else {
			fmt.Fprintf(w, "%s: %d phone(s)\n", title, len(r.Phones))
		}
		if len(r.Phones) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  PORT\tMAC\tIP\tVENDOR\tMODEL\tNAME\tVLAN V/A\tPOE\tSEEN BY")
		for _, p := range r.Phones {
			port := p.Port
			if port == "" {
				port = "?"
			}
			poe := "-"
			if p.PoEClass != nil {
				poe = fmt.Sprintf("class %d", *p.PoEClass)
			}
			if p.PoEMW != nil {
				poe += fmt.Sprintf(" %.1fW", float64(*p.PoEMW)/1000)
				poe = strings.TrimPrefix(poe, "- ")
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%d/%d\t%s\t%s\n", port, orDash(p.MAC), orDash(p.IP), p.Vendor, orDash(p.Model),
				orDash(p.Name), p.VoiceVLAN, p.AccessVLAN, poe, strings.Join(p.Sources, "+"))
		}
		tw.Flush()
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func printReconciliation(w io.Writer, r devices.Reconciliation, names switchNames) {
	fmt.Fprintf(w, "\nReconciliation: %d matched, %d moved, %d unexpected, %d missing, %d unchecked\n",
		len(r.Matched), len(r.Moved), len(r.Unexpected), len(r.Missing), len(r.Unchecked))
	for _, m := range r.Moved {
		fmt.Fprintf(w, "  moved      %s: planned %s %s, seen %s %s (%s)\n", m.Expected.Label, m.Expected.Switch, m.Expected.Port,
			names.of(m.Seen.Switch), orDash(m.Seen.Phone.Port), m.Seen.Phone.MAC)
	}
	for _, l := range r.Leftover {
		fmt.Fprintf(w, "  leftover   %s: its legacy handset is recorded as taken out, but seen on %s %s (%s)\n", l.Label,
			names.of(l.Seen.Switch), orDash(l.Seen.Phone.Port), l.Seen.Phone.MAC)
	}
	for _, s := range r.Unexpected {
		fmt.Fprintf(w, "  unexpected %s %s: %s %s %s\n", names.of(s.Switch), orDash(s.Phone.Port), orDash(s.Phone.MAC), s.Phone.Vendor, s.Phone.Model)
	}
	for _, e := range r.Missing {
		fmt.Fprintf(w, "  missing    %s: planned %s %s %s\n", e.Label, e.Switch, e.Port, e.MAC)
	}
	for _, e := range r.Unchecked {
		fmt.Fprintf(w, "  unchecked  %s: switch %s not read\n", e.Label, orDash(e.Switch))
	}
}
