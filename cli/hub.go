package cli

import (
	"context"
	"fmt"
	"strings"

	"cutover/site"
	"cutover/sync/hub"
	"cutover/sync/wire"

	"github.com/spf13/pflag"
)

func init() {
	var store, siteCode, role, sites, format, out string
	var exportAll, allPorts, reinstate, webCode bool
	var laptop string
	var sched site.Schedule
	var conflictFlags hubConflictFlags
	register(&Command{
		Name:    "hub",
		Args:    "conflicts [resolve ID --resolution TEXT [--value V]] [--site CODE] [--json] | import FILE [--site CODE] [--start-date D] [--cease-date D] [--wave W] | report --site CODE [--format F] | export KIND (--site CODE | --all) [--format F] [--out FILE] | user add NAME --role engineer|supervisor|admin [--sites A,B] [--reinstate] [--web] | user revoke NAME [--laptop CLIENT_ID] | user list | restored  [--store STORE]",
		Summary: "manage the hub: load site plans, add and revoke people",
		Help: `Works on the hub's store directly (run it on the hub's machine, as its admin):

  cutover hub import FILE [--start-date D] [--cease-date D] [--wave W]
                                load or update site plans (same formats and checks
                                as 'cutover import'); laptops get them on their
                                next pull, field results are never overwritten;
                                the flags give the schedule of every site the
                                file does not (CSV columns start_date, cease_date,
                                wave; JSON "site" fields of the same names)
  cutover hub report --site CODE [--format csv|json|markdown]
                                what the hub knows of a site's cutover, a row
                                per position (the central team's CSV)
  cutover hub export retire|install|numbers|teams-lis (--site CODE | --all)
                                the exports of 'cutover export' from what every
                                laptop pushed (--all: every site); numbers checks
                                duplicate DDIs across the force
  cutover hub conflicts [--site CODE] [--all] [--json]
                                every open conflict on the hub, in words (who,
                                when, which values), with no laptop and no pull
  cutover hub conflicts resolve ID --resolution TEXT [--value V] [--site CODE]
                                settle one as admin (ID: the id, 8 or more of its
                                first characters, or POSITION:STEP with --site)
  cutover hub user add NAME --role ROLE [--sites A,B] [--reinstate] [--web]
                                add a person (or change their role and sites) and
                                print a one-time code, valid 24 hours, that enrols
                                a laptop or signs in to the web page (--web: said
                                for a browser); a revoked person needs --reinstate
  cutover hub user revoke NAME [--laptop CLIENT_ID]
                                revoke at once every token the person holds, or
                                (--laptop) one lost laptop's, keeping the person
  cutover hub user list         list people and their laptops: last seen, last
                                acknowledged op, and work the hub knows a revoked
                                laptop holds and has not received
  cutover hub restored          after restoring the hub's store from a backup:
                                new epochs, so every laptop downloads its sites
                                again and pushes what the backup lost

Roles: engineer (pushes and pulls their own sites), supervisor (reads every
site, cannot push), admin (loads plans, resolves any conflict).`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&store, "store", "", "hub `STORE`: sqlite:PATH or postgres://… (default: sqlite file in the data folder)")
			fs.StringVar(&siteCode, "site", "", "import: site `CODE` for a file without a site column, or the one site to take; report: the site")
			fs.StringVar(&format, "format", "csv", "report: `FORMAT` csv, json or markdown")
			fs.StringVar(&role, "role", "", "user add: `ROLE` engineer, supervisor or admin")
			fs.StringVar(&sites, "sites", "", "user add: the engineer's site `CODES`, comma-separated")
			fs.BoolVar(&exportAll, "all", false, "export: every site; conflicts: the resolved ones too")
			fs.BoolVar(&allPorts, "all-ports", false, "export teams-lis: the port of every active position")
			fs.StringVar(&out, "out", "", "export: write to `FILE` instead of standard output")
			fs.BoolVar(&conflictFlags.json, "json", false, "conflicts: print JSON")
			fs.StringVar(&conflictFlags.resolution, "resolution", "", "conflicts resolve: what was decided, in words")
			fs.StringVar(&conflictFlags.value, "value", "", "conflicts resolve: the value, branch or place that stands")
			fs.StringVar(&laptop, "laptop", "", "user revoke: only this laptop's `CLIENT_ID` (see 'user list')")
			fs.BoolVar(&reinstate, "reinstate", false, "user add: let a revoked person back")
			fs.BoolVar(&webCode, "web", false, "user add: the code is for signing in to the web page (the same kind of code; worded for a browser)")
			fs.StringVar(&sched.StartDate, "start-date", "", "import: the planned start `DATE` (YYYY-MM-DD) of every site the file gives none")
			fs.StringVar(&sched.CeaseDate, "cease-date", "", "import: the cease `DATE` (YYYY-MM-DD) of every site the file gives none")
			fs.StringVar(&sched.Wave, "wave", "", "import: the `WAVE` of every site the file gives none")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			args := fs.Args()
			if len(args) == 0 {
				return usagef("want import FILE, or user add|revoke|list")
			}
			switch {
			case args[0] == "conflicts":
				return hubConflicts(ctx, env, store, args[1:], siteCode, exportAll, conflictFlags)
			case args[0] == "import" && len(args) == 2:
				if err := sched.Check(); err != nil {
					return usagef("%v", err)
				}
				return hubImport(ctx, env, store, args[1], siteCode, sched)
			case args[0] == "report" && len(args) == 1:
				if siteCode == "" {
					return usagef("hub report needs --site CODE")
				}
				f, err := reportFormat(format, "")
				if err != nil {
					return err
				}
				st, err := env.openHub(ctx, store)
				if err != nil {
					return err
				}
				defer st.Close()
				rep, err := st.HandoverReport(ctx, hub.Principal{User: env.Engineer, Role: wire.RoleAdmin}, strings.ToUpper(siteCode), env.Now())
				if err != nil {
					return err
				}
				rep.GeneratedBy = env.Engineer
				return writeReport(env.Stdout, rep, f, false)
			case args[0] == "export" && len(args) == 2:
				if fs.Changed("format") {
					return hubExport(ctx, env, store, args[1], siteCode, format, out, exportAll, allPorts)
				}
				return hubExport(ctx, env, store, args[1], siteCode, "", out, exportAll, allPorts)
			case args[0] == "user":
				return hubUser(ctx, env, store, args[1:], userOpts{role: role, sites: sites, laptop: laptop, reinstate: reinstate, web: webCode})
			case args[0] == "restored" && len(args) == 1:
				st, err := env.openHub(ctx, store)
				if err != nil {
					return err
				}
				defer st.Close()
				n, err := st.RotateEpochs(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "%d site(s) have a new epoch: laptops will download them again and push what the backup lost\n", n)
				return nil
			}
			return usagef("unknown hub command %q: want import FILE, user add NAME, user revoke NAME or user list", strings.Join(args, " "))
		},
	})
}

func hubImport(ctx context.Context, env *Env, store, file, siteCode string, sched site.Schedule) error {
	data, err := readInventory(file)
	if err != nil {
		return err
	}
	inv, err := parseInventoryFile(env, file, data, site.ParseOptions{Site: siteCode})
	if err != nil {
		return err
	}
	inv.ApplySchedule(sched)
	st, err := env.openHub(ctx, store)
	if err != nil {
		return err
	}
	defer st.Close()
	results, err := st.ImportPlan(ctx, env.Engineer, inv, data)
	if err != nil {
		return err
	}
	printImport(env.Stdout, results, inv.Skipped, " (a conflict is open for each)")
	ceaseNotice(env, inv, func(code string) string { return st.CeaseDate(ctx, code) },
		"cutover hub import FILE --cease-date YYYY-MM-DD, or a cease_date column")
	return nil
}
