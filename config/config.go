// Package config owns cutover's per-user settings file: the engineer's name,
// named SNMP credential profiles, the hub address and the TUI's theme. Files holding secrets
// must be readable only by their owner (mode 0600 on Unix, an access list
// granting the current user only on Windows) or they are refused.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"cutover/internal/platform"
	"cutover/internal/safetext"
)

// SNMPProfile is a named set of switch credentials.
type SNMPProfile struct {
	Community    string `json:"community,omitempty"`
	V3User       string `json:"v3_user,omitempty"`
	V3Level      string `json:"v3_level,omitempty"`
	V3AuthProto  string `json:"v3_auth,omitempty"`
	V3AuthPass   string `json:"v3_auth_pass,omitempty"`
	V3PrivProto  string `json:"v3_priv,omitempty"`
	V3PrivPass   string `json:"v3_priv_pass,omitempty"`
	TimeoutMilli int    `json:"timeout_ms,omitempty"`
}

// HasSecrets reports whether the profile holds a community or passphrase.
func (p SNMPProfile) HasSecrets() bool {
	return p.Community != "" || p.V3AuthPass != "" || p.V3PrivPass != ""
}

// Config is the settings file's content.
type Config struct {
	Engineer string `json:"engineer,omitempty"`
	Hub      string `json:"hub,omitempty"`
	// Theme is the TUI's colours: "auto" (ask the terminal; the default),
	// "light" or "dark". The --theme flag overrides it.
	Theme string                 `json:"theme,omitempty"`
	SNMP  map[string]SNMPProfile `json:"snmp_profiles,omitempty"`

	path string
}

// Path is where the file was read from ("" when there was none).
func (c *Config) Path() string { return c.path }

// DefaultPath is config.json in the per-user settings folder:
// $XDG_CONFIG_HOME/cutover, else ~/.config/cutover; on Windows
// %APPDATA%\cutover.
func DefaultPath(getenv func(string) string) string {
	if d := platform.ConfigDir(getenv); d != "" {
		return filepath.Join(d, "config.json")
	}
	return ""
}

// DefaultDataDir is the folder of the site database: $XDG_DATA_HOME/cutover,
// else ~/.local/share/cutover; on Windows %LOCALAPPDATA%\cutover.
func DefaultDataDir(getenv func(string) string) string { return platform.DataDir(getenv) }

// Load reads the settings file. A missing file is an empty config. A file
// with SNMP secrets that others can read is refused.
func Load(path string) (*Config, error) {
	c := &Config{}
	if path == "" {
		return c, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("config %s: not valid JSON: %w", path, err)
	}
	c.path = path
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	for name, p := range c.SNMP {
		if !p.HasSecrets() {
			continue
		}
		if err := CheckPrivate(path); err != nil {
			return nil, fmt.Errorf("config %s holds SNMP profile %q with secrets: %w", path, name, err)
		}
	}
	return c, nil
}

// check refuses a value with a control character: the engineer name is
// recorded on every change and shown on every laptop after a sync.
func (c *Config) check() error {
	type kv struct{ key, v string }
	vals := []kv{{"engineer", c.Engineer}, {"hub", c.Hub}}
	for name, p := range c.SNMP {
		pre := "snmp_profiles." + name + "."
		vals = append(vals, kv{"snmp_profiles", name}, kv{pre + "community", p.Community}, kv{pre + "v3_user", p.V3User},
			kv{pre + "v3_level", p.V3Level}, kv{pre + "v3_auth", p.V3AuthProto}, kv{pre + "v3_auth_pass", p.V3AuthPass},
			kv{pre + "v3_priv", p.V3PrivProto}, kv{pre + "v3_priv_pass", p.V3PrivPass})
	}
	for _, f := range vals {
		if err := safetext.Check(f.v, false); err != nil {
			return fmt.Errorf("%s: %v", safetext.Quote(f.key, 60), err)
		}
	}
	switch strings.ToLower(strings.TrimSpace(c.Theme)) {
	case "", "auto", "light", "dark":
	default:
		return fmt.Errorf("theme %s: want auto, light or dark", safetext.Quote(c.Theme, 40))
	}
	return nil
}

// CheckPrivate refuses a file that anyone but its owner can read or write:
// on Unix its mode must be 0600, on Windows its access list must grant the
// current user only.
func CheckPrivate(path string) error { return platform.CheckPrivate(path) }

// SaveProfile adds or replaces the SNMP profile name in the settings file
// at path, keeping every other setting in it. The file holds secrets, so it
// is written private to the user (mode 0600, its folder 0700; on Windows an
// access list granting the user only) through a temporary file renamed into
// place; an existing file others can read is refused, not widened.
func SaveProfile(path, name string, p SNMPProfile) error {
	if path == "" {
		return errors.New("no settings file: give --config FILE or set $HOME")
	}
	if name == "" {
		return errors.New("an SNMP profile needs a name")
	}
	for _, v := range []string{name, p.Community, p.V3User, p.V3Level, p.V3AuthProto, p.V3AuthPass, p.V3PrivProto, p.V3PrivPass} {
		if err := safetext.Check(v, false); err != nil {
			return fmt.Errorf("SNMP profile %s: %v", safetext.Quote(name, 40), err)
		}
	}
	doc := map[string]json.RawMessage{}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("config %s: %w", path, err)
	default:
		if err := CheckPrivate(path); err != nil {
			return fmt.Errorf("config %s: %w", path, err)
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return fmt.Errorf("config %s: not valid JSON: %w", path, err)
		}
	}
	profiles := map[string]SNMPProfile{}
	if raw, ok := doc["snmp_profiles"]; ok {
		if err := json.Unmarshal(raw, &profiles); err != nil {
			return fmt.Errorf("config %s: snmp_profiles: %w", path, err)
		}
	}
	profiles[name] = p
	raw, err := json.Marshal(profiles)
	if err != nil {
		return err
	}
	doc["snmp_profiles"] = raw
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := platform.MkdirPrivate(filepath.Dir(path)); err != nil {
		return err
	}
	return platform.WritePrivateFile(path, append(out, '\n'))
}
