package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"cutover/assets"
	"cutover/laptop"
	"cutover/site"

	"github.com/spf13/pflag"
)

func init() {
	var code, model string
	var issued, set int
	var asJSON bool
	register(&Command{
		Name:    "stock",
		Args:    "--site CODE [--model MODEL (--issued N | --set N)] [--json]",
		Summary: "record Avaya phones issued to a site; show issued against installed",
		Help: `Without --model, lists the site's Avaya stock by model: issued by stores,
installed (from the equipment register) and on hand.

  cutover stock --site KX --model J179 --issued 12   12 more J179s arrived
  cutover stock --site KX --model J179 --set 10      correct the issued total

The model may be written "Avaya J179", "j179" or "J179".`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&code, "site", "", "site `CODE`")
			fs.StringVar(&model, "model", "", "Avaya `MODEL`, e.g. J179")
			fs.IntVar(&issued, "issued", 0, "`N` more phones of the model issued to the site")
			fs.IntVar(&set, "set", 0, "set the issued total of the model to `N` (a correction)")
			fs.BoolVar(&asJSON, "json", false, "print as JSON")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if code == "" {
				return usagef("--site is required")
			}
			change := fs.Changed("issued") || fs.Changed("set")
			if fs.Changed("issued") && fs.Changed("set") {
				return usagef("give --issued or --set, not both")
			}
			if change && model == "" {
				return usagef("--issued and --set need --model")
			}
			if model != "" && !change {
				return usagef("--model needs --issued N or --set N")
			}
			if fs.Changed("issued") && issued <= 0 {
				return usagef("--issued %d: give the number of phones that arrived (1 or more)", issued)
			}
			if fs.Changed("set") && set < 0 {
				return usagef("--set %d: cannot be negative", set)
			}
			st, err := env.OpenStore()
			if err != nil {
				return err
			}
			defer st.Close()
			s, err := st.Site(ctx, code)
			if err != nil {
				return err
			}
			if change {
				if _, err := assets.NormaliseModel(model); err != nil {
					return usagef("--model: %v", err)
				}
				err := st.Write(ctx, env.Engineer, func(tx *site.Tx) error {
					n, add := set, false
					if fs.Changed("issued") {
						n, add = issued, true
					}
					_, err := assets.IssueStock(ctx, tx, s.Code, model, n, add)
					return err
				})
				if err != nil {
					return err
				}
			}
			lines, err := laptop.Stock(ctx, st, s.Code)
			if err != nil {
				return err
			}
			if asJSON {
				if lines == nil {
					lines = []assets.StockLine{}
				}
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(lines)
			}
			if len(lines) == 0 {
				fmt.Fprintf(env.Stdout, "No Avaya stock recorded for %s.\n", s.Code)
				return nil
			}
			fmt.Fprintf(env.Stdout, "%-8s %7s %9s %9s %7s\n", "MODEL", "ISSUED", "INSTALLED", "SENT BACK", "ON HAND")
			for _, l := range lines {
				warn := ""
				if l.OnHand < 0 {
					warn = "  more installed than issued: record the stock issued"
				}
				fmt.Fprintf(env.Stdout, "%-8s %7d %9d %9d %7d%s\n", l.Model, l.Issued, l.Installed, l.Returned, l.OnHand, warn)
			}
			return nil
		},
	})
}
