package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"cutover/assets"
	"cutover/config"
	"cutover/devices"
	"cutover/laptop"
	"cutover/site"
	"cutover/swap"
	"cutover/sync/client"
	"cutover/ui"

	"github.com/spf13/pflag"
)

// DemoFile is the bundled demo site inside Env.DemoFS.
const DemoFile = "kx.json"

func init() {
	var siteCode string
	var creds snmpCredFlags
	register(&Command{
		Name:     "tui",
		Terminal: true,
		Hidden:   true,
		Args:     "[--site CODE]",
		Summary:  "open the field TUI (what plain `cutover` does)",
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&siteCode, "site", "", "open this site `CODE`")
			creds.add(fs)
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if err := env.needTerminal("", "; for text, see cutover status --site CODE or cutover report"); err != nil {
				return err
			}
			c, err := creds.resolve(env)
			if err != nil && snmpFlagsGiven(fs) {
				return err
			}
			st, err := env.OpenStore()
			if err != nil {
				return err
			}
			defer st.Close()
			opt := env.uiOptions(st, siteCode)
			// Without credentials the TUI still opens: the discovery
			// screen asks for them (a profile, or typed in once). The
			// runbook's SNMP checks use the flags' credentials.
			chk := &swap.SNMPChecker{Store: st, Creds: c}
			opt.Swap = &swap.Runner{Store: st, Checker: chk}
			opt.Discover = tuiDiscoverer(env, st)
			if c.Validate() == nil {
				opt.Creds, opt.CredsFrom = c, credsFrom(env, fs, creds)
			}
			// With a hub login, sync in the background: at start, every 30 s,
			// soon after each step recorded, and on a backoff timer after a
			// failure. The dashboard shows its status from the store.
			if syncer, err := env.Syncer(st); err == nil && st.ReadOnly() == "" { // a read-only database cannot take what a sync brings
				loop := client.NewLoop(syncer)
				opt.Swap.AfterRecord = loop.Kick
				opt.Hub, opt.HubRole = syncer.Client.Credentials().Hub, syncer.Client.Credentials().Role
				ctx, stop := context.WithCancel(ctx)
				done := make(chan struct{})
				go func() { defer close(done); loop.Run(ctx) }()
				defer func() { stop(); <-done }()
			}
			return ui.Run(ctx, opt)
		},
	})
	var keep bool
	register(&Command{
		Name:     "demo",
		Terminal: true,
		Args:     "[--keep]",
		Summary:  "open the TUI on a fresh temporary database holding a demo police station",
		Help: `Loads the bundled demo site (Kestrel Cross Police Station, KX: 58 positions on
three switches) into a new temporary database and opens the TUI on it. Nothing
touches your own database. With --keep the temporary database is left behind
and its path printed.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.BoolVar(&keep, "keep", false, "keep the demo database afterwards and print its path")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if err := env.needTerminal("demo", ""); err != nil {
				return err
			}
			dir, err := os.MkdirTemp("", "cutover-demo-")
			if err != nil {
				return err
			}
			if !keep {
				defer os.RemoveAll(dir)
			}
			// --db may come before the command (then only the top flag set
			// saw it) or after it; without it, never the default database.
			if !fs.Changed("db") && env.DBPath == filepath.Join(config.DefaultDataDir(env.Getenv), "cutover.db") {
				env.DBPath = filepath.Join(dir, "demo.db")
			}
			st, err := loadDemo(ctx, env)
			if err != nil {
				return err
			}
			defer st.Close()
			// The demo's simulated switches (see demo_switches.go).
			sw, err := startDemoSwitches(ctx, env, st, "KX")
			if err != nil {
				return err
			}
			defer sw.Close()
			opt := env.uiOptions(st, "KX")
			opt.Swap = demoRunner(st, sw)
			opt.Discover = tuiDiscoverer(env, st)
			opt.Creds, opt.CredsFrom = devices.Credentials{Community: devices.NewSecret(laptop.DemoCommunity)}, "the demo's switches"
			err = ui.Run(ctx, opt)
			switch {
			case keep || filepath.Dir(env.DBPath) != dir:
				fmt.Fprintf(env.Stderr, "demo database kept at %s: 'cutover --db %s' opens it again\n", env.DBPath, env.DBPath)
			default:
				fmt.Fprintf(env.Stderr, "demo database discarded, with what was recorded in it; 'cutover demo --keep' keeps the next one\n")
			}
			return err
		},
	})
}

// loadDemo imports the bundled demo site into env's database.
func loadDemo(ctx context.Context, env *Env) (*site.Store, error) {
	if env.DemoFS == nil {
		return nil, fmt.Errorf("this build has no demo site")
	}
	data, err := fs.ReadFile(env.DemoFS, DemoFile)
	if err != nil {
		return nil, fmt.Errorf("demo site: %w", err)
	}
	inv, err := site.ParseInventory(DemoFile, data, site.ParseOptions{})
	if err != nil {
		return nil, fmt.Errorf("demo site: %w", err)
	}
	st, err := env.OpenStore()
	if err != nil {
		return nil, err
	}
	if _, err := st.Import(ctx, env.Engineer, inv, data, site.SiteOverrides{}); err != nil {
		st.Close()
		return nil, fmt.Errorf("demo site: %w", err)
	}
	if err := issueDemoStock(ctx, st, env.Engineer, inv); err != nil {
		st.Close()
		return nil, fmt.Errorf("demo site: %w", err)
	}
	return st, nil
}

// issueDemoStock records the Avaya phones issued to the demo site, as the
// stores team would: one per position that keeps a phone, by model, and
// two spares of each (a replacement when a phone dies), so that its stock
// reads as a real site's does.
func issueDemoStock(ctx context.Context, st *site.Store, engineer string, inv *site.Inventory) error {
	for _, si := range inv.Sites {
		need := map[string]int{}
		for _, p := range si.Positions {
			if site.KeepsPhone(p.Plan) {
				m, err := assets.NormaliseModel(p.TargetModel)
				if err != nil {
					m = "J179"
				}
				need[m]++
			}
		}
		models := make([]string, 0, len(need))
		for m := range need {
			models = append(models, m)
		}
		sort.Strings(models)
		for _, m := range models {
			err := st.Write(ctx, engineer, func(tx *site.Tx) error {
				_, err := assets.IssueStock(ctx, tx, si.Site.Code, m, need[m]+2, false)
				return err
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func (env *Env) uiOptions(st *site.Store, siteCode string) ui.Options {
	return ui.Options{Store: st, Engineer: env.Engineer, Site: siteCode, NoColor: env.NoColor, Theme: env.theme(), Mouse: env.Mouse,
		In: env.Stdin, Out: env.Stdout, Now: env.Now, Config: env.Config, ConfigPath: env.ConfigPath}
}

// snmpFlagsGiven reports whether any SNMP credential flag was set, so that
// a TUI opened without them still opens.
func snmpFlagsGiven(fs *pflag.FlagSet) bool {
	for _, n := range snmpFlagNames {
		if fs.Changed(n) {
			return true
		}
	}
	return false
}

var snmpFlagNames = []string{"community", "v3-user", "v3-level", "v3-auth", "v3-auth-pass-file", "v3-priv", "v3-priv-pass-file", "snmp-profile"}

func isSNMPFlag(name string) bool {
	for _, n := range snmpFlagNames {
		if n == name {
			return true
		}
	}
	return false
}

// credsFrom says, in words, where the TUI's credentials came from.
func credsFrom(env *Env, fs *pflag.FlagSet, f snmpCredFlags) string {
	switch {
	case f.profile != "":
		return "profile " + f.profile
	case snmpFlagsGiven(fs):
		return "the command line"
	case env.Getenv(devices.EnvCommunity) != "":
		return "$" + devices.EnvCommunity
	}
	return ""
}

// tuiDiscoverer is the TUI's discovery: the same steps as `cutover discover
// --site` (switches at their recorded addresses, reconciled with the
// inventory, stored as observations), with the credentials the screen
// holds and progress sent to it.
func tuiDiscoverer(env *Env, st *site.Store) ui.Discoverer {
	return func(ctx context.Context, code string, switches []string, creds devices.Credentials, progress func(devices.Progress)) ([]devices.SwitchResult, devices.Reconciliation, error) {
		var rec devices.Reconciliation
		if err := creds.Validate(); err != nil {
			return nil, rec, fmt.Errorf("no usable SNMP credentials: %w (c on the discovery screen gives them)", err)
		}
		o := devices.DefaultOptions()
		o.Progress = progress
		return swap.DiscoverSite(ctx, st, env.Engineer, code, switches, creds, o)
	}
}
