package cli

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/netip"
	"path/filepath"
	"strings"

	"cutover/config"
	"cutover/sync/hub"
	"cutover/sync/notify"
	"cutover/sync/web"

	"github.com/spf13/pflag"
)

// defaultHubStore is the hub's SQLite file in the data folder.
func (env *Env) defaultHubStore() string {
	return "sqlite:" + filepath.Join(config.DefaultDataDir(env.Getenv), "hub.db")
}

func (env *Env) openHub(ctx context.Context, spec string) (*hub.Store, error) {
	if spec == "" {
		spec = env.defaultHubStore()
	}
	return hub.Open(ctx, spec)
}

func init() {
	var listen, store, cert, key, proxies, notifyURL string
	var lim hub.Limits
	var bodyMiB int64
	register(&Command{
		Name:    "serve",
		Args:    "[--listen ADDR] [--store sqlite:PATH | --store postgres://…] [--tls-cert F --tls-key F] [--trusted-proxy CIDRS] [limits]",
		Summary: "run the central hub that laptops sync with",
		Help: `Serves the sync API (HTTP+JSON under /v1) and the read-only web page (at /:
sign in with a one-time code from 'cutover hub user add') until interrupted, then finishes the
requests in flight and stops. With no --store the hub keeps its data in an
SQLite file in the data folder and needs no other setup; with a PostgreSQL URL
the same hub runs on PostgreSQL.

Without --tls-cert/--tls-key the hub listens on a loopback address only (for
trying it out, or behind a TLS proxy on the same machine). Laptops trust the
hub's certificate through 'cutover login --ca-cert' (your private CA).

Behind a reverse proxy, name it with --trusted-proxy so the failed-login limit
and the log use the client's address from X-Forwarded-For; from anyone else
that header is ignored. The README's Security section lists every limit.

People and plans are managed with 'cutover hub'.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&listen, "listen", "127.0.0.1:8443", "`ADDR` to listen on")
			fs.StringVar(&store, "store", "", "hub `STORE`: sqlite:PATH or postgres://… (default: sqlite file in the data folder)")
			fs.StringVar(&cert, "tls-cert", "", "TLS certificate `FILE` (PEM, with chain)")
			fs.StringVar(&key, "tls-key", "", "TLS private key `FILE` (PEM)")
			fs.StringVar(&notifyURL, "notify-url", "", "webhook `URL` (e.g. a Teams channel's incoming webhook) told when a position is blocked or fails, a conflict opens or a site turns at risk, late or stalled; at most one message per site per hour")
			fs.StringVar(&proxies, "trusted-proxy", "", "reverse proxy `CIDRS` (comma-separated) whose X-Forwarded-For is believed")
			fs.IntVar(&lim.MaxInFlight, "max-in-flight", hub.DefaultMaxInFlight, "authenticated requests served at once; more get 503 (`N`)")
			fs.IntVar(&lim.MaxPreAuth, "max-pre-auth", hub.DefaultMaxPreAuth, "requests without a checked token served at once, bodies in; more get 503 (`N`)")
			fs.IntVar(&lim.MaxPerAddr, "max-per-addr", hub.DefaultMaxPerAddr, "requests in flight from one source address; more get 503 (`N`)")
			fs.Int64Var(&bodyMiB, "body-memory", hub.DefaultBodyMemory>>20, "`MiB` of request bodies held at once; more get 503")
			fs.IntVar(&lim.AuthFailBurst, "auth-fail-burst", hub.DefaultAuthFailBurst, "failed logins per address before 429 (`N`)")
			fs.DurationVar(&lim.AuthFailEvery, "auth-fail-every", hub.DefaultAuthFailEvery, "one more failed login allowed per `DURATION`")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if fs.NArg() != 0 {
				return usagef("takes no arguments")
			}
			if (cert == "") != (key == "") {
				return usagef("--tls-cert and --tls-key go together")
			}
			host, _, err := net.SplitHostPort(listen)
			if err != nil {
				return usagef("--listen %q: want HOST:PORT", listen)
			}
			if ip := net.ParseIP(host); cert == "" && host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				return usagef("--listen %s without TLS would send tokens in clear: give --tls-cert and --tls-key, or listen on 127.0.0.1", listen)
			}
			for _, c := range strings.Split(proxies, ",") {
				if c = strings.TrimSpace(c); c == "" {
					continue
				}
				p, err := netip.ParsePrefix(c)
				if err != nil {
					a, aerr := netip.ParseAddr(c)
					if aerr != nil {
						return usagef("--trusted-proxy %q: want an address or CIDR such as 10.0.0.5 or 10.0.0.0/24", c)
					}
					p = netip.PrefixFrom(a, a.BitLen())
				}
				lim.TrustedProxies = append(lim.TrustedProxies, p.Masked())
			}
			if lim.MaxInFlight < 1 || lim.MaxPreAuth < 1 || lim.MaxPerAddr < 1 || bodyMiB < 1 || lim.AuthFailBurst < 1 || lim.AuthFailEvery <= 0 {
				return usagef("--max-in-flight, --max-pre-auth, --max-per-addr, --body-memory, --auth-fail-burst and --auth-fail-every must be positive")
			}
			lim.BodyMemory = bodyMiB << 20
			if notifyURL != "" {
				if err := notify.CheckURL(notifyURL); err != nil {
					return usagef("--notify-url: %v", err)
				}
			}
			st, err := env.openHub(ctx, store)
			if err != nil {
				return err
			}
			defer st.Close()
			logger := log.New(env.Stderr, "hub: ", log.LstdFlags)
			page := &web.Page{Store: st, Secure: cert != "", Log: logger}
			srv := &hub.Server{Store: st, Limits: lim, Log: logger, Page: page.Handler()}
			if notifyURL != "" {
				n := &notify.Notifier{Store: st, URL: notifyURL, Log: logger}
				nctx, stop := context.WithCancel(ctx)
				defer stop()
				go n.Run(nctx)
			}
			scheme := "http"
			if cert != "" {
				scheme = "https"
			}
			return srv.ListenAndServe(ctx, hub.ServeOptions{Addr: listen, TLSCert: cert, TLSKey: key,
				OnListen: func(a net.Addr) {
					fmt.Fprintf(env.Stdout, "hub listening on %s://%s (store: %s)\n", scheme, a, st.Dialect())
				}})
		},
	})
}
