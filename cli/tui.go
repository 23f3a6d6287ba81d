package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"cutover/site"
	"cutover/ui"

	"github.com/spf13/pflag"
)

// DemoFile is the bundled demo site inside Env.DemoFS.
const DemoFile = "kx.json"

func init() {
	var siteCode string
	register(&Command{
		Name:    "tui",
		Hidden:  true,
		Args:    "[--site CODE]",
		Summary: "open the field TUI (what plain `cutover` does)",
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&siteCode, "site", "", "open this site `CODE`")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			st, err := env.OpenStore()
			if err != nil {
				return err
			}
			defer st.Close()
			return ui.Run(ctx, env.uiOptions(st, siteCode))
		},
	})
	var keep bool
	register(&Command{
		Name:    "demo",
		Args:    "[--keep]",
		Summary: "open the TUI on a fresh temporary database holding a demo police station",
		Help: `Loads the bundled demo site (Kestrel Cross Police Station, KX: 58 positions on
three switches) into a new temporary database and opens the TUI on it. Nothing
touches your own database. With --keep the temporary database is left behind
and its path printed.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.BoolVar(&keep, "keep", false, "keep the demo database afterwards and print its path")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			dir, err := os.MkdirTemp("", "cutover-demo-")
			if err != nil {
				return err
			}
			if !keep {
				defer os.RemoveAll(dir)
			}
			if !fs.Changed("db") {
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
			err = ui.Run(ctx, env.uiOptions(st, "KX"))
			if keep {
				fmt.Fprintf(env.Stderr, "demo database kept at %s\n", env.DBPath)
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
	return st, nil
}

func (env *Env) uiOptions(st *site.Store, siteCode string) ui.Options {
	return ui.Options{Store: st, Engineer: env.Engineer, Site: siteCode, NoColor: env.NoColor, Mouse: env.Mouse,
		In: env.Stdin, Out: env.Stdout, Now: env.Now}
}
