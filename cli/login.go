package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"cutover/sync/client"

	"github.com/spf13/pflag"
)

func init() {
	var hubURL, code, caFile string
	register(&Command{
		Name:    "login",
		Args:    "--hub URL --code CODE [--ca-cert FILE]",
		Summary: "enrol this laptop with the hub using a one-time code",
		Help: `Redeems the enrolment code an admin printed with 'cutover hub user add' and
stores this laptop's credentials in hub-credentials.json next to the config
file (readable only by you; never in the site database). With --ca-cert only certificates
issued by that CA (your private CA) are trusted for the hub; the file's PEM is
kept with the credentials. There is no option to skip certificate checks.

Work done before logging in is kept and pushed on the first 'cutover sync'.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&hubURL, "hub", "", "the hub's `URL`, e.g. https://hub.example:8443")
			fs.StringVar(&code, "code", "", "the one-time enrolment `CODE`")
			fs.StringVar(&caFile, "ca-cert", "", "PEM `FILE` of the CA that issued the hub's certificate")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if fs.NArg() != 0 {
				return usagef("takes no arguments")
			}
			if hubURL == "" && env.Config != nil {
				hubURL = env.Config.Hub
			}
			if hubURL == "" || code == "" {
				return usagef("needs --hub URL and --code CODE")
			}
			u, err := client.CheckHubURL(hubURL)
			if err != nil {
				return usagef("%v", err)
			}
			var ca []byte
			if caFile != "" {
				if ca, err = os.ReadFile(caFile); err != nil {
					return err
				}
			}
			httpc, err := client.NewHTTPClient(ca)
			if err != nil {
				return usagef("--ca-cert %s: %v", caFile, err)
			}
			st, err := env.OpenStore()
			if err != nil {
				return err
			}
			defer st.Close()
			id, err := client.ClientID(ctx, st, env.Engineer)
			if err != nil {
				return err
			}
			host, _ := os.Hostname()
			creds, err := client.Enrol(ctx, httpc, u, code, id, host)
			if err != nil {
				return err
			}
			creds.CACert = string(ca)
			path := client.CredentialsPath(env.ConfigPath, env.Getenv)
			if err := creds.Save(path); err != nil {
				return fmt.Errorf("save credentials: %w", err)
			}
			if err := client.SetCredentialsPath(ctx, st, env.Engineer, path); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "Logged in to %s as %s (%s)", u, creds.User, creds.Role)
			if len(creds.Sites) > 0 {
				fmt.Fprintf(env.Stdout, "; sites: %s", strings.Join(creds.Sites, ", "))
			}
			fmt.Fprintf(env.Stdout, ".\nCredentials saved in %s\n", path)
			return nil
		},
	})
}
