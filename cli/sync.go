package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"cutover/site"
	"cutover/sync/client"

	"github.com/spf13/pflag"
)

// Syncer builds the sync engine for st from the saved credentials; the TUI
// starts client.NewLoop(syncer) with it to sync in the background.
func (env *Env) Syncer(st *site.Store) (*client.Syncer, error) {
	path := client.CredentialsPath(env.ConfigPath, env.Getenv)
	creds, err := client.LoadCredentials(path)
	if err != nil {
		return nil, err
	}
	c, err := client.New(creds, nil)
	if err != nil {
		return nil, err
	}
	c.Save = func(cr *client.Credentials) error { return cr.Save(path) }
	c.Load = func() (*client.Credentials, error) { return client.LoadCredentials(path) }
	if env.Config != nil && env.Config.Hub != "" {
		// The configured hub serves this login if it is the same hub
		// (its name), whichever of its processes the address reaches.
		if u, err := client.CheckHubURL(env.Config.Hub); err == nil {
			if have, _ := client.CheckHubURL(creds.Hub); have != u {
				if err := c.Adopt(context.Background(), u); err != nil {
					return nil, err
				}
			}
		}
	}
	return &client.Syncer{Store: st, Client: c, Engineer: env.Engineer}, nil
}

func init() {
	var asJSON bool
	register(&Command{
		Name:    "sync",
		Args:    "[--json]",
		Summary: "push this laptop's work to the hub and pull every site's changes",
		Help: `Pushes every change the hub has not acknowledged yet, then pulls the changes of
every site on this laptop, and prints what happened. Changes the hub refused
or found in conflict stay on this laptop, listed by 'cutover conflicts'.
Safe to interrupt at any point: nothing is lost or sent twice.`,
		Flags: func(fs *pflag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print JSON") },
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if fs.NArg() != 0 {
				return usagef("takes no arguments")
			}
			return runSync(ctx, env, asJSON, nil)
		},
	})
	var siteCode string
	register(&Command{
		Name:    "pull",
		Args:    "--site CODE [--json]",
		Summary: "download a site's plan and progress from the hub",
		Help: `Brings a site from the hub onto this laptop: the first time a whole snapshot
(resumed if the download is cut), afterwards only what changed. Planned
attributes come from the hub; field results recorded here and not yet pushed
are kept.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&siteCode, "site", "", "site `CODE` to pull")
			fs.BoolVar(&asJSON, "json", false, "print JSON")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if fs.NArg() != 0 || siteCode == "" {
				return usagef("needs --site CODE and no arguments")
			}
			code, err := site.ValidateSiteCode(siteCode)
			if err != nil {
				return usagef("%v", err)
			}
			return runSync(ctx, env, asJSON, []string{code})
		},
	})
}

func runSync(ctx context.Context, env *Env, asJSON bool, only []string) error {
	st, err := env.OpenStore()
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := env.Syncer(st)
	if err != nil {
		return err
	}
	var rep client.Report
	if only != nil {
		for _, c := range only {
			if err = s.PullSite(ctx, c, &rep); err != nil {
				break
			}
			rep.Sites = append(rep.Sites, c)
		}
	} else {
		rep, err = s.Sync(ctx)
	}
	status, serr := client.ReadStatus(ctx, st)
	if serr != nil && err == nil {
		err = serr
	}
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		out := map[string]any{"report": rep, "status": status}
		if err != nil {
			out["error"] = err.Error()
		}
		enc.Encode(out)
	} else {
		printReport(env.Stdout, rep, status)
	}
	return err
}

func printReport(w io.Writer, rep client.Report, st client.Status) {
	if rep.Pushed > 0 {
		fmt.Fprintf(w, "pushed %d: %d applied, %d in conflict, %d rejected", rep.Pushed, rep.Applied, rep.Conflicts, rep.Rejected)
		if rep.Duplicates > 0 {
			fmt.Fprintf(w, " (%d were already on the hub)", rep.Duplicates)
		}
		fmt.Fprintln(w)
	}
	if len(rep.Sites) > 0 {
		fmt.Fprintf(w, "pulled %d change(s) for %s", rep.Pulled, strings.Join(rep.Sites, ", "))
		if rep.Snapshots > 0 {
			fmt.Fprintf(w, " (%d first download(s))", rep.Snapshots)
		}
		fmt.Fprintln(w)
	}
	if rep.ClockNotBelieved > 0 {
		fmt.Fprintf(w, "! the hub did not believe this laptop's clock for %d change(s) and used the time it received them: set the laptop's date and time\n",
			rep.ClockNotBelieved)
	}
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(w, "not on the hub for you, kept local only: %s\n", strings.Join(rep.Skipped, ", "))
	}
	fmt.Fprintf(w, "pending: %d", st.Pending)
	if st.OpenConflicts > 0 {
		fmt.Fprintf(w, "; open conflicts: %d (see 'cutover conflicts')", st.OpenConflicts)
	}
	if st.Rejected > 0 {
		fmt.Fprintf(w, "; refused by the hub: %d (see 'cutover conflicts --rejected')", st.Rejected)
	}
	fmt.Fprintln(w)
}
