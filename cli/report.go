package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cutover/internal/platform"
	"cutover/site/runbook"

	"github.com/spf13/pflag"
)

func init() {
	var code, format, out string
	var fromHub bool
	register(&Command{
		Name:    "report",
		Args:    "--site CODE [--format csv|json|markdown] [--out FILE]",
		Summary: "a row per position: status, steps, handsets, numbers, disposition",
		Help: `Writes the site's cutover report: a row per position with role, plan, status,
steps done and total, legacy MAC and serial, new model, serial and MAC, DDI
state, disposition of the legacy handset, engineers and times.

  markdown  the site handover document, with a summary at the top (default)
  csv       for the central team
  json      for scripts

--out writes the file whole or not at all (a temporary file renamed into
place); without it the report goes to standard output. The format follows
the --out extension (.csv, .json, .md) when --format is not given.

--from-hub asks the hub this laptop is logged in to instead: what the central
inventory knows of the site from every laptop's work (status, steps of the
latest attempt, handsets and where the legacy ones went, numbers, open
conflicts). Engineers get their own sites; supervisors and admins any.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&code, "site", "", "site `CODE`")
			fs.StringVar(&format, "format", "", "`FORMAT`: csv, json or markdown")
			fs.BoolVar(&fromHub, "from-hub", false, "report what the central hub knows of the site (every laptop's work) instead of this laptop's database")
			fs.StringVar(&out, "out", "", "write to `FILE` instead of standard output")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if code == "" {
				return usagef("--site is required")
			}
			f := strings.ToLower(format)
			if f == "" {
				switch strings.ToLower(filepath.Ext(out)) {
				case ".csv":
					f = "csv"
				case ".json":
					f = "json"
				default:
					f = "markdown"
				}
			}
			if f == "md" {
				f = "markdown"
			}
			if f != "csv" && f != "json" && f != "markdown" {
				return usagef("--format %q: want csv, json or markdown", format)
			}
			var buf bytes.Buffer
			summary := ""
			if fromHub {
				c, err := env.hubClient("")
				if err != nil {
					return err
				}
				hrep, err := c.SiteReport(ctx, strings.ToUpper(code))
				if err != nil {
					return err
				}
				if err := writeHubReport(&buf, hrep, f); err != nil {
					return err
				}
				summary = fmt.Sprintf("report for %s from the hub (%d positions)", hrep.Site, len(hrep.Rows))
			} else {
				st, err := env.OpenExisting()
				if err != nil {
					return err
				}
				defer st.Close()
				rep, err := runbook.BuildReport(ctx, st, code, env.Now())
				if err != nil {
					return err
				}
				rep.GeneratedBy = env.Engineer
				switch f {
				case "csv":
					err = rep.WriteCSV(&buf)
				case "json":
					err = rep.WriteJSON(&buf)
				default:
					err = rep.WriteMarkdown(&buf)
				}
				if err != nil {
					return err
				}
				summary = fmt.Sprintf("report for %s (%d positions, %d done)", rep.Site.Code, len(rep.Rows), rep.Done)
			}
			if out == "" {
				_, err := env.Stdout.Write(buf.Bytes())
				return err
			}
			if err := writeFileAtomic(out, buf.Bytes()); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "%s written to %s\n", summary, out)
			return nil
		},
	})
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder, synced and renamed, so that a reader never sees half a report.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := platform.ReplaceFile(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
