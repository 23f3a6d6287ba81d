package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"cutover/internal/platform"
	"cutover/site/runbook"

	"github.com/spf13/pflag"
)

func init() {
	var code, format, out string
	var fromHub, excel bool
	register(&Command{
		Name:    "report",
		Args:    "--site CODE [--format csv|json|markdown] [--out FILE] [--from-hub] [--excel]",
		Summary: "a row per position: status, steps, handsets, numbers, disposition",
		Help: `Writes the site's cutover report: a row per position with role, plan, status,
steps done and total, legacy MAC and serial, new model, serial and MAC, DDI
state, disposition of the legacy handset, engineers and times.

  markdown  the site handover document, with a summary at the top (default)
  csv       for the central team (times in whole seconds, RFC 3339 with the
            local offset; --excel adds a byte-order mark for spreadsheets)
  json      for scripts

--out writes the file whole or not at all (a temporary file renamed into
place); without it the report goes to standard output. The format follows
the --out extension (.csv, .json, .md) when --format is not given.

--from-hub asks the hub this laptop is logged in to instead: what the central
inventory knows of the site from every laptop's work, in the same columns and
words, by the same rules, written by the same writer (a disputed fact says
who recorded each value, a resolved one who resolved it). Engineers get their
own sites; supervisors and admins any.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&code, "site", "", "site `CODE`")
			fs.StringVar(&format, "format", "", "`FORMAT`: csv, json or markdown")
			fs.BoolVar(&fromHub, "from-hub", false, "report what the central hub knows of the site (every laptop's work) instead of this laptop's database")
			fs.StringVar(&out, "out", "", "write to `FILE` instead of standard output")
			fs.BoolVar(&excel, "excel", false, "csv: begin with a UTF-8 byte-order mark, for spreadsheets")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if code == "" {
				return usagef("--site is required")
			}
			f, err := reportFormat(format, out)
			if err != nil {
				return err
			}
			var rep runbook.Report
			from := ""
			if fromHub {
				c, err := env.hubClient("")
				if err != nil {
					return err
				}
				if rep, err = c.HandoverReport(ctx, strings.ToUpper(code)); err != nil {
					return err
				}
				from = " from the hub"
			} else {
				st, err := env.OpenExisting()
				if err != nil {
					return err
				}
				defer st.Close()
				if rep, err = runbook.BuildReport(ctx, st, code, env.Now()); err != nil {
					return err
				}
			}
			rep.GeneratedBy = env.Engineer
			var buf bytes.Buffer
			if err := writeReport(&buf, rep, f, excel); err != nil {
				return err
			}
			summary := fmt.Sprintf("report for %s%s (%d positions, %d done)", rep.Site.Code, from, len(rep.Rows), rep.Done)
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

// reportFormat picks a report's format: --format, else the --out
// extension, else markdown.
func reportFormat(format, out string) (string, error) {
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
		return "", usagef("--format %q: want csv, json or markdown", format)
	}
	return f, nil
}

// writeReport is the one writer of a site report, the laptop's and the
// hub's alike: csv (with a byte-order mark when excel), json or markdown.
func writeReport(w io.Writer, rep runbook.Report, format string, excel bool) error {
	switch format {
	case "csv":
		if excel {
			if _, err := io.WriteString(w, runbook.ExcelBOM); err != nil {
				return err
			}
		}
		return rep.WriteCSV(w)
	case "json":
		return rep.WriteJSON(w)
	}
	return rep.WriteMarkdown(w)
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
