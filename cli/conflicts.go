package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"cutover/laptop"
	"cutover/site"
	"cutover/sync/client"
	"cutover/sync/wire"

	"github.com/spf13/pflag"
)

func init() {
	var siteCode, resolution, value string
	var all, rejected, asJSON bool
	register(&Command{
		Name:    "conflicts",
		Args:    "[--site CODE] [--all] [--rejected] [--json] | resolve ID --resolution TEXT [--value V]",
		Summary: "list what needs attention after a sync, and resolve conflicts",
		Help: `Lists the open conflict records pulled from the hub: one serial installed in
two places, two engineers seeing different values, an observation that
contradicts the plan, work on a withdrawn position, and so on. With --rejected
it lists instead this laptop's changes the hub refused or found in conflict,
with the hub's reason, so the work can be entered again.

  cutover conflicts resolve ID --resolution "re-checked: label says XYZ" --value XYZ

records the resolution as a change that is pushed on the next sync (an ID
8 or more of its first or last characters are enough). Admins may resolve any conflict;
engineers may settle disputed observations at their own sites.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&siteCode, "site", "", "only this site `CODE`")
			fs.BoolVar(&all, "all", false, "include resolved conflicts")
			fs.BoolVar(&rejected, "rejected", false, "list this laptop's refused changes instead")
			fs.BoolVar(&asJSON, "json", false, "print JSON")
			fs.StringVar(&resolution, "resolution", "", "resolve: what was decided, in words")
			fs.StringVar(&value, "value", "", "resolve: the value that stands (disputed observations, dispositions)")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			st, err := env.OpenStore()
			if err != nil {
				return err
			}
			defer st.Close()
			if fs.NArg() > 0 {
				if fs.Arg(0) != "resolve" || fs.NArg() != 2 {
					return usagef("want: conflicts resolve ID --resolution TEXT")
				}
				if strings.TrimSpace(resolution) == "" {
					return usagef("resolve needs --resolution TEXT")
				}
				id, err := findConflict(ctx, st, fs.Arg(1))
				if err != nil {
					return &ExitError{Code: 2, Err: err}
				}
				role := "" // the hub login's role, when this laptop has one
				if creds, err := client.LoadCredentials(client.CredentialsPath(env.ConfigPath, env.Getenv)); err == nil {
					role = creds.Role
				}
				if err := client.ResolveAs(ctx, st, env.Engineer, role, id, resolution, value); err != nil {
					if errors.Is(err, client.ErrNotYours) {
						return &ExitError{Code: 2, Err: err}
					}
					return err
				}
				fmt.Fprintf(env.Stdout, "resolution of %s recorded; it reaches the hub on the next 'cutover sync'\n", id)
				return nil
			}
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			if rejected {
				ops, err := client.Refused(ctx, st)
				if err != nil {
					return err
				}
				if asJSON {
					return enc.Encode(map[string]any{"refused": ops})
				}
				if len(ops) == 0 {
					fmt.Fprintln(env.Stdout, "The hub has refused none of this laptop's changes.")
					return nil
				}
				tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "SEQ\tSITE\tKIND\tON\tWHEN\tOUTCOME\tWHY")
				for _, o := range ops {
					why := o.Message
					if why == "" {
						why = o.Code
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s %s\t%s\t%s\t%s\n", o.Seq, o.Site, o.Kind, o.Entity, o.EntityID, o.ObservedAt, o.State, why)
				}
				return tw.Flush()
			}
			cs, err := laptop.Conflicts(ctx, st, siteCode, all)
			if err != nil {
				return err
			}
			if asJSON {
				return enc.Encode(map[string]any{"conflicts": cs})
			}
			if len(cs) == 0 {
				fmt.Fprintln(env.Stdout, "No open conflicts (as of the last sync).")
				return nil
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSITE\tKIND\tON\tSTATUS\tWHAT")
			for _, c := range cs {
				status := c.Status
				if c.LocalStatus != "" {
					status += " (" + c.LocalStatus + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\t%s\n", c.ID, c.Site, c.Kind, c.Entity, c.EntityID, status, conflictWhat(c))
			}
			return tw.Flush()
		},
	})
}

// findConflict accepts a whole conflict id, or 8 or more of its first or
// last characters when only one conflict has them.
func findConflict(ctx context.Context, st *site.Store, prefix string) (string, error) {
	cs, err := laptop.Conflicts(ctx, st, "", true)
	if err != nil {
		return "", err
	}
	var hits []string
	for _, c := range cs {
		if c.ID == prefix {
			return c.ID, nil
		}
		if wire.MatchesID(c.ID, prefix) {
			hits = append(hits, c.ID)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return "", fmt.Errorf("no conflict %q on this laptop (run 'cutover sync' first; give 8 or more of its first or last characters)", prefix)
	}
	return "", fmt.Errorf("conflict id %q is ambiguous: %s", prefix, strings.Join(hits, ", "))
}
