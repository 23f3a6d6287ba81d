package ui

import (
	"errors"
	"fmt"
	"sort"

	"cutover/config"
	"cutover/devices"
	"cutover/internal/safetext"
	"cutover/site"

	tea "github.com/charmbracelet/bubbletea"
)

// What the discovery screen asks for when it is missing: SNMP credentials
// (a profile from the settings file, or typed in once, saved only when the
// engineer names a profile) and the management address of each switch
// (saved for the site and sent to the hub, as `cutover step --switch-addr`).

type (
	// credsSetMsg: the session has new credentials.
	credsSetMsg struct {
		creds devices.Credentials
		from  string
		saved string // the profile saved, if any
		err   error  // saving the profile failed (the credentials still apply)
	}
	// addrSavedMsg: a switch's address was recorded, or is to be read by
	// name (byName).
	addrSavedMsg struct {
		code, name, addr string
		byName           bool
		err              error
	}
)

const enterBelow = "type them in below"

var (
	authProtos = []string{"SHA", "SHA256", "SHA384", "SHA512", "SHA224", "MD5"}
	privProtos = []string{"AES", "AES256", "AES192", "AES256C", "AES192C", "DES"}
	levels     = []string{devices.AuthPriv, devices.AuthNoPriv, devices.NoAuthNoPriv}
)

// profileCreds are a settings file profile's credentials.
func profileCreds(p config.SNMPProfile) devices.Credentials {
	if p.V3User == "" {
		return devices.Credentials{Community: devices.NewSecret(p.Community)}
	}
	return devices.Credentials{User: p.V3User, Level: p.V3Level, AuthProto: p.V3AuthProto, AuthPass: devices.NewSecret(p.V3AuthPass),
		PrivProto: p.V3PrivProto, PrivPass: devices.NewSecret(p.V3PrivPass)}
}

// newCredsForm asks for SNMP credentials: a profile, or v2c / v3 typed in
// with the secrets masked.
func newCredsForm(sh *shared) *form {
	var names []string
	for n := range sh.cfg.SNMP {
		names = append(names, n)
	}
	sort.Strings(names)
	intro := []string{"Used for this session's discovery and every check; nothing is written unless you name a profile to save."}
	f := newForm(sh, "SNMP credentials", submitCreds, intro...)
	manual := func(f *form) bool { return f.value("profile") == enterBelow }
	v2 := func(f *form) bool { return manual(f) && f.value("version") == "v2c" }
	v3 := func(f *form) bool { return manual(f) && f.value("version") == "v3" }
	auth := func(f *form) bool { return v3(f) && f.value("v3 level") != devices.NoAuthNoPriv }
	priv := func(f *form) bool { return v3(f) && f.value("v3 level") == devices.AuthPriv }
	f.pick("profile", append([]string{enterBelow}, names...), 0).show = func(*form) bool { return len(names) > 0 }
	f.pick("version", []string{"v2c", "v3"}, 0).show = manual
	f.text("community", "", "v2c community", true).show = v2
	f.text("v3 user", "", "SNMPv3 user name", false).show = v3
	f.pick("v3 level", levels, 0).show = v3
	f.pick("auth protocol", authProtos, 0).show = auth
	f.text("auth passphrase", "", "at least 8 characters", true).show = auth
	f.pick("privacy protocol", privProtos, 0).show = priv
	f.text("privacy passphrase", "", "at least 8 characters", true).show = priv
	f.text("save as profile", "", "a name to keep them in "+orWord(sh.cfgPath, "the settings file")+" (readable only by you); blank: this session only", false).show = manual
	return f
}

func orWord(s, w string) string {
	if s == "" {
		return w
	}
	return s
}

func submitCreds(f *form) (tea.Cmd, error) {
	sh := f.sh
	if name := f.value("profile"); name != enterBelow && name != "" {
		c := profileCreds(sh.cfg.SNMP[name])
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("profile %s: %v", name, err)
		}
		return func() tea.Msg { return credsSetMsg{creds: c, from: "profile " + name} }, nil
	}
	var c devices.Credentials
	var p config.SNMPProfile
	if f.value("version") == "v2c" {
		c.Community = devices.NewSecret(f.secret("community"))
		p.Community = f.secret("community")
		if c.Community.IsZero() {
			return nil, errors.New("community: type the switches' v2c community")
		}
	} else {
		c.User, c.Level = f.value("v3 user"), f.value("v3 level")
		if c.User == "" {
			return nil, errors.New("v3 user: type the SNMPv3 user name")
		}
		p.V3User, p.V3Level = c.User, c.Level
		if c.Level != devices.NoAuthNoPriv {
			c.AuthProto, c.AuthPass = f.value("auth protocol"), devices.NewSecret(f.secret("auth passphrase"))
			p.V3AuthProto, p.V3AuthPass = c.AuthProto, f.secret("auth passphrase")
		}
		if c.Level == devices.AuthPriv {
			c.PrivProto, c.PrivPass = f.value("privacy protocol"), devices.NewSecret(f.secret("privacy passphrase"))
			p.V3PrivProto, p.V3PrivPass = c.PrivProto, f.secret("privacy passphrase")
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	name := f.value("save as profile")
	if name == "" {
		return func() tea.Msg { return credsSetMsg{creds: c, from: "typed in (not saved)"} }, nil
	}
	if err := safetext.Check(name, false); err != nil {
		return nil, fmt.Errorf("save as profile: %v", err)
	}
	path := sh.cfgPath
	return func() tea.Msg {
		err := config.SaveProfile(path, name, p)
		if err != nil {
			return credsSetMsg{creds: c, from: "typed in (not saved)", err: err}
		}
		return credsSetMsg{creds: c, from: "profile " + name, saved: name}
	}, nil
}

// newAddrForm asks where a switch answers SNMP.
func newAddrForm(sh *shared, code, name, current string) *form {
	f := newForm(sh, "Address of "+name, func(f *form) (tea.Cmd, error) {
		v := f.value("address")
		if v == "" {
			return func() tea.Msg { return addrSavedMsg{code: code, name: name, byName: true} }, nil
		}
		a, err := site.ParseSwitchAddr(name + "=" + v)
		if err != nil {
			return nil, fmt.Errorf("address: %v", err)
		}
		ctx, store, engineer := sh.ctx, sh.store, sh.engineer
		return func() tea.Msg {
			err := store.SetSwitchAddr(ctx, engineer, code, a)
			return addrSavedMsg{code: code, name: name, addr: a.Addr, err: err}
		}, nil
	}, "The switch's management address, HOST[:PORT] (UDP port 161 when left out).",
		"Saved for site "+code+" and sent to the hub on the next sync. Blank: read it by its name.")
	f.text("address", current, "e.g. 10.20.1.2 or kx-sw1.example.net:161", false)
	return f
}

// credsSet takes the credentials a form gave and, when a run was waiting
// for them, starts it.
func (d *discovery) credsSet(msg credsSetMsg) tea.Cmd {
	d.sh.creds, d.sh.credsFrom = msg.creds, msg.from
	cmds := []tea.Cmd{}
	switch {
	case msg.err != nil:
		cmds = append(cmds, func() tea.Msg {
			return failed("saving the SNMP profile (the credentials apply to this session)", msg.err)
		})
	case msg.saved != "":
		cmds = append(cmds, note("SNMP credentials saved as profile %s in %s", msg.saved, d.sh.cfgPath))
	default:
		cmds = append(cmds, note("SNMP credentials set for this session (%s)", d.sh.creds))
	}
	if d.pending {
		cmds = append(cmds, d.run())
	}
	return tea.Batch(cmds...)
}

func (d *discovery) addrSaved(msg addrSavedMsg) tea.Cmd {
	if msg.err != nil {
		d.pending = false
		return func() tea.Msg { return failed("recording the address of "+msg.name, msg.err) }
	}
	for i := range d.switches {
		if d.switches[i].name == msg.name {
			if msg.byName {
				d.switches[i].byName = true
			} else {
				d.switches[i].addr = msg.addr
			}
		}
	}
	cmds := []tea.Cmd{}
	if !msg.byName {
		cmds = append(cmds, note("%s recorded at %s for site %s; it reaches the hub on the next sync", msg.name, msg.addr, d.code))
	}
	if d.pending {
		cmds = append(cmds, d.run())
	}
	return tea.Batch(cmds...)
}
