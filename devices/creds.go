package devices

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// Secret holds a community or passphrase. Every way of printing it (fmt
// verbs, JSON) shows "***"; Reveal is the only way to read it.
type Secret struct{ v string }

// NewSecret wraps a secret value.
func NewSecret(s string) Secret { return Secret{v: s} }

// Reveal returns the secret. Call it only to hand the value to SNMP.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == "" }

func (s Secret) String() string {
	if s.v == "" {
		return ""
	}
	return "***"
}

// GoString redacts %#v.
func (s Secret) GoString() string { return `devices.Secret{"` + s.String() + `"}` }

// Format redacts every fmt verb, including %q and %x.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, s.String())
}

// MarshalJSON redacts the secret.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// Security levels for SNMPv3.
const (
	NoAuthNoPriv = "noAuthNoPriv"
	AuthNoPriv   = "authNoPriv"
	AuthPriv     = "authPriv"
)

// Credentials select SNMP v2c (Community) or v3 USM (User set).
type Credentials struct {
	Community Secret // v2c community; used when User is empty
	User      string // v3 user name: selects SNMPv3
	Level     string // NoAuthNoPriv, AuthNoPriv or AuthPriv
	AuthProto string // MD5, SHA, SHA224, SHA256, SHA384, SHA512
	AuthPass  Secret
	PrivProto string // DES, AES, AES192, AES256, AES192C, AES256C
	PrivPass  Secret
	// Context is the v3 context name for ordinary reads ("" on most agents).
	Context string
	// VLANContext is the v3 context used for a Cisco per-VLAN bridge table,
	// with {vlan} replaced by the VLAN number; default "vlan-{vlan}".
	VLANContext string
}

// IsV3 reports whether these are SNMPv3 credentials.
func (c Credentials) IsV3() bool { return c.User != "" }

// String describes the credentials without any secret.
func (c Credentials) String() string {
	if !c.IsV3() {
		if c.Community.IsZero() {
			return "v2c (no community)"
		}
		return "v2c community ***"
	}
	s := fmt.Sprintf("v3 user %s %s", c.User, c.Level)
	if c.AuthProto != "" && c.Level != NoAuthNoPriv {
		s += " auth " + c.AuthProto
	}
	if c.PrivProto != "" && c.Level == AuthPriv {
		s += " priv " + c.PrivProto
	}
	if c.Context != "" {
		s += " context " + c.Context
	}
	return s
}

// GoString redacts %#v.
func (c Credentials) GoString() string { return "devices.Credentials{" + c.String() + "}" }

// MarshalJSON writes only the non-secret parts.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf("%q", c.String())), nil
}

var authProtos = map[string]gosnmp.SnmpV3AuthProtocol{
	"MD5": gosnmp.MD5, "SHA": gosnmp.SHA, "SHA1": gosnmp.SHA, "SHA224": gosnmp.SHA224,
	"SHA256": gosnmp.SHA256, "SHA384": gosnmp.SHA384, "SHA512": gosnmp.SHA512,
}

var privProtos = map[string]gosnmp.SnmpV3PrivProtocol{
	"DES": gosnmp.DES, "AES": gosnmp.AES, "AES128": gosnmp.AES, "AES192": gosnmp.AES192,
	"AES256": gosnmp.AES256, "AES192C": gosnmp.AES192C, "AES256C": gosnmp.AES256C,
}

func protoKey(s string) string {
	return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToUpper(s))
}

// NormalizeLevel accepts a security level in any case and returns its
// canonical spelling.
func NormalizeLevel(s string) (string, error) {
	for _, l := range []string{NoAuthNoPriv, AuthNoPriv, AuthPriv} {
		if strings.EqualFold(s, l) {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown SNMPv3 level %q (want authPriv, authNoPriv or noAuthNoPriv)", s)
}

// ErrNoCredentials is returned when no community or SNMPv3 user is given.
var ErrNoCredentials = errors.New("no SNMP credentials: give a community or an SNMPv3 user")

// Validate checks that the credentials are complete and the protocols known.
func (c Credentials) Validate() error {
	if !c.IsV3() {
		if c.Community.IsZero() {
			return ErrNoCredentials
		}
		return nil
	}
	lvl, err := NormalizeLevel(c.Level)
	if err != nil {
		return err
	}
	if lvl != NoAuthNoPriv {
		if _, ok := authProtos[protoKey(c.AuthProto)]; !ok {
			return fmt.Errorf("unknown SNMPv3 auth protocol %q (want MD5, SHA, SHA224, SHA256, SHA384 or SHA512)", c.AuthProto)
		}
		if len(c.AuthPass.Reveal()) < 8 {
			return errors.New("SNMPv3 auth passphrase missing or shorter than 8 characters")
		}
	}
	if lvl == AuthPriv {
		if _, ok := privProtos[protoKey(c.PrivProto)]; !ok {
			return fmt.Errorf("unknown SNMPv3 privacy protocol %q (want DES, AES, AES192, AES256, AES192C or AES256C)", c.PrivProto)
		}
		if len(c.PrivPass.Reveal()) < 8 {
			return errors.New("SNMPv3 privacy passphrase missing or shorter than 8 characters")
		}
	}
	return nil
}

// apply configures a gosnmp session with these credentials.
func (c Credentials) apply(g *gosnmp.GoSNMP) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if !c.IsV3() {
		g.Version = gosnmp.Version2c
		g.Community = c.Community.Reveal()
		return nil
	}
	lvl, _ := NormalizeLevel(c.Level)
	usm := &gosnmp.UsmSecurityParameters{UserName: c.User}
	g.Version = gosnmp.Version3
	g.SecurityModel = gosnmp.UserSecurityModel
	g.ContextName = c.Context
	switch lvl {
	case NoAuthNoPriv:
		g.MsgFlags = gosnmp.NoAuthNoPriv
	case AuthNoPriv:
		g.MsgFlags = gosnmp.AuthNoPriv
	case AuthPriv:
		g.MsgFlags = gosnmp.AuthPriv
	}
	if lvl != NoAuthNoPriv {
		usm.AuthenticationProtocol = authProtos[protoKey(c.AuthProto)]
		usm.AuthenticationPassphrase = c.AuthPass.Reveal()
	}
	if lvl == AuthPriv {
		usm.PrivacyProtocol = privProtos[protoKey(c.PrivProto)]
		usm.PrivacyPassphrase = c.PrivPass.Reveal()
	}
	g.SecurityParameters = usm
	return nil
}

// vlanContext returns the v3 context name for a VLAN.
func (c Credentials) vlanContext(vlan int) string {
	t := c.VLANContext
	if t == "" {
		t = "vlan-{vlan}"
	}
	return strings.ReplaceAll(t, "{vlan}", fmt.Sprint(vlan))
}

// redact removes every secret of c from s (defence in depth for error
// texts that come from libraries).
func (c Credentials) redact(s string) string {
	for _, sec := range []Secret{c.Community, c.AuthPass, c.PrivPass} {
		if v := sec.Reveal(); len(v) >= 3 {
			s = strings.ReplaceAll(s, v, "***")
		}
	}
	return s
}

// CredentialInput is what a command line offers for credentials: flag
// values, and functions to read the environment and secret files. Inputs
// resolves it into Credentials so that every command parses them the same.
type CredentialInput struct {
	Community                         string // --community (discouraged: visible in ps)
	User, Level, AuthProto, PrivProto string
	AuthPassFile, PrivPassFile        string
	Getenv                            func(string) string
	ReadFile                          func(string) ([]byte, error)
}

// Environment variables that may hold secrets.
const (
	EnvCommunity = "CUTOVER_SNMP_COMMUNITY"
	EnvAuthPass  = "CUTOVER_V3_AUTH_PASS"
	EnvPrivPass  = "CUTOVER_V3_PRIV_PASS"
)

// Resolve builds Credentials: the community from the flag or
// CUTOVER_SNMP_COMMUNITY; v3 passphrases from the files (first line) or
// CUTOVER_V3_AUTH_PASS / CUTOVER_V3_PRIV_PASS. Errors never quote a secret.
func (in CredentialInput) Resolve() (Credentials, error) {
	getenv := in.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var c Credentials
	if in.User == "" {
		if in.Level != "" || in.AuthProto != "" || in.PrivProto != "" || in.AuthPassFile != "" || in.PrivPassFile != "" {
			return c, errors.New("SNMPv3 options given without --v3-user")
		}
		com := in.Community
		if com == "" {
			com = getenv(EnvCommunity)
		}
		c.Community = NewSecret(com)
		return c, c.Validate()
	}
	if in.Community != "" {
		return c, errors.New("give either --community or --v3-user, not both")
	}
	c.User, c.AuthProto, c.PrivProto = in.User, strings.ToUpper(in.AuthProto), strings.ToUpper(in.PrivProto)
	c.Level = in.Level
	if c.Level == "" {
		switch {
		case in.PrivProto != "":
			c.Level = AuthPriv
		case in.AuthProto != "":
			c.Level = AuthNoPriv
		default:
			c.Level = NoAuthNoPriv
		}
	}
	lvl, err := NormalizeLevel(c.Level)
	if err != nil {
		return c, err
	}
	c.Level = lvl
	read := func(file, env, what string) (Secret, error) {
		if file == "" {
			return NewSecret(getenv(env)), nil
		}
		if in.ReadFile == nil {
			return Secret{}, fmt.Errorf("cannot read the %s passphrase file", what)
		}
		b, err := in.ReadFile(file)
		if err != nil {
			return Secret{}, fmt.Errorf("reading the %s passphrase file %s: %w", what, file, err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return NewSecret(strings.TrimRight(line, "\r")), nil
	}
	if lvl != NoAuthNoPriv {
		if c.AuthPass, err = read(in.AuthPassFile, EnvAuthPass, "auth"); err != nil {
			return c, err
		}
	}
	if lvl == AuthPriv {
		if c.PrivPass, err = read(in.PrivPassFile, EnvPrivPass, "privacy"); err != nil {
			return c, err
		}
	}
	return c, c.Validate()
}
