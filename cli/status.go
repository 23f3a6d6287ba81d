package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"cutover/site"

	"github.com/spf13/pflag"
)

func init() {
	register(&Command{
		Name:    "sites",
		Args:    "",
		Summary: "list the sites in the local database with their progress",
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if fs.NArg() != 0 {
				return usagef("takes no arguments")
			}
			sums, err := summaries(ctx, env, "")
			if err != nil {
				return err
			}
			if len(sums) == 0 {
				fmt.Fprintln(env.Stdout, "No sites yet: load one with 'cutover import FILE' (or try 'cutover demo').")
				return nil
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SITE\tNAME\tDONE\tPOSITIONS\tCEASE DATE\tDAYS LEFT")
			for _, s := range sums {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", s.Code, s.Name, s.Done, s.Active, s.CeaseDate, daysLeft(s.DaysLeft))
			}
			return tw.Flush()
		},
	})
	var siteCode string
	var asJSON bool
	register(&Command{
		Name:    "status",
		Args:    "[--site CODE] [--json]",
		Summary: "counts by plan and status for each site, and days to its cease date",
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&siteCode, "site", "", "only this site `CODE`")
			fs.BoolVar(&asJSON, "json", false, "print JSON")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if fs.NArg() != 0 {
				return usagef("takes no arguments")
			}
			sums, err := summaries(ctx, env, siteCode)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				if sums == nil {
					sums = []site.SiteSummary{}
				}
				return enc.Encode(map[string]any{"sites": sums})
			}
			printStatus(env.Stdout, sums)
			return nil
		},
	})
}

func summaries(ctx context.Context, env *Env, code string) ([]site.SiteSummary, error) {
	st, err := env.OpenExisting()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Summaries(ctx, code, env.Now())
}

// daysLeftWords is daysLeft in a sentence: "12 days left", "today",
// "920 days overdue".
func daysLeftWords(d int) string {
	switch {
	case d < 0:
		return fmt.Sprintf("%d days overdue", -d)
	case d == 0:
		return "today"
	case d == 1:
		return "1 day left"
	}
	return fmt.Sprintf("%d days left", d)
}

func daysLeft(d int) string {
	switch {
	case d < 0:
		return fmt.Sprintf("%d overdue", -d)
	case d == 0:
		return "today"
	}
	return fmt.Sprint(d)
}

func printStatus(w io.Writer, sums []site.SiteSummary) {
	if len(sums) == 0 {
		fmt.Fprintln(w, "No sites yet: load one with 'cutover import FILE'.")
		return
	}
	for i, s := range sums {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s  %s\n", s.Code, s.Name)
		fmt.Fprintf(w, "  cease date %s (%s): %d of %d done\n", s.CeaseDate, daysLeftWords(s.DaysLeft), s.Done, s.Active)
		var plans, statuses []string
		for _, p := range site.Plans {
			plans = append(plans, fmt.Sprintf("%s %d", p, s.ByPlan[p]))
		}
		for _, st := range site.Statuses {
			if n := s.ByStatus[st]; n > 0 {
				statuses = append(statuses, fmt.Sprintf("%s %s %d", st.Symbol(), st, n))
			}
		}
		fmt.Fprintf(w, "  by plan:   %s\n", strings.Join(plans, ", "))
		fmt.Fprintf(w, "  by status: %s\n", strings.Join(statuses, ", "))
	}
}
