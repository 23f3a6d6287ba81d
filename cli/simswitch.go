package cli

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"strconv"

	"cutover/devices/simswitch"

	"github.com/spf13/pflag"
)

func init() {
	var listen, community string
	var demo bool
	register(&Command{
		Name:    "simswitch",
		Args:    "[--listen 127.0.0.1:PORT] FILE.snmprec|FILE.walk [FILE…] | --demo",
		Summary: "serve simulated switches over SNMP v2c on loopback (tests and demos)",
		Help: `Serves MIB files over SNMP v2c (GET, GETNEXT, GETBULK) on a loopback UDP port until
interrupted. Each FILE is one view whose community is the file name without its
extension, as with snmpsimd: "C3560@500.snmprec" answers community "C3560@500".
FILE is a .snmprec recording or, for any other extension, an "snmpwalk -On" capture.

--demo serves the demo site's three switches (kx-sw1, kx-sw2, kx-sw3) on consecutive
ports from --listen, under --community (Cisco per-VLAN views as COMMUNITY@VLAN).
Only loopback addresses are accepted.`,
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVar(&listen, "listen", "127.0.0.1:11161", "loopback UDP `ADDR:PORT` to serve on (port 0 picks a free one)")
			fs.BoolVar(&demo, "demo", false, "serve the demo site's switches")
			fs.StringVar(&community, "community", "public", "community `NAME` of the --demo switches")
		},
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if err := simswitch.CheckLoopback(listen); err != nil {
				return usagef("--listen: %v", err)
			}
			if demo {
				if fs.NArg() != 0 {
					return usagef("--demo takes no files")
				}
				return serveDemoSwitches(ctx, env, listen, community)
			}
			if fs.NArg() == 0 {
				return usagef("give at least one .snmprec or snmpwalk file, or --demo")
			}
			return serveFiles(ctx, env, listen, fs.Args())
		},
	})
}

func serveFiles(ctx context.Context, env *Env, listen string, files []string) error {
	views := map[string]*simswitch.MIB{}
	for _, f := range files {
		m, err := simswitch.LoadFile(f)
		if err != nil {
			return err
		}
		c := simswitch.Community(f)
		if _, dup := views[c]; dup {
			return usagef("two files give community %q", c)
		}
		views[c] = m
	}
	a, err := simswitch.Listen(ctx, listen, views)
	if err != nil {
		return err
	}
	defer a.Close()
	for _, f := range files {
		fmt.Fprintf(env.Stdout, "serving %s on %s community %s (%d objects)\n", f, a.Addr(), simswitch.Community(f), views[simswitch.Community(f)].Len())
	}
	fmt.Fprintln(env.Stdout, "ready; press Ctrl-C to stop")
	<-ctx.Done()
	fmt.Fprintf(env.Stderr, "stopped after %d requests\n", a.Requests())
	return nil
}

func serveDemoSwitches(ctx context.Context, env *Env, listen, community string) error {
	if env.DemoFS == nil {
		return fmt.Errorf("this build has no demo site")
	}
	data, err := fs.ReadFile(env.DemoFS, DemoFile)
	if err != nil {
		return fmt.Errorf("demo site: %w", err)
	}
	specs, err := simswitch.DemoSpecs(data)
	if err != nil {
		return fmt.Errorf("demo site: %w", err)
	}
	host, portText, _ := net.SplitHostPort(listen)
	port, err := strconv.Atoi(portText)
	if err != nil {
		return usagef("--listen: bad port %q", portText)
	}
	var total func() uint64
	for i, sp := range specs {
		addr := net.JoinHostPort(host, "0")
		if port != 0 {
			addr = net.JoinHostPort(host, strconv.Itoa(port+i))
		}
		sw, err := simswitch.Start(ctx, addr, community, sp)
		if err != nil {
			return err
		}
		defer sw.Close()
		prev := total
		total = func() uint64 {
			n := sw.Agent().Requests()
			if prev != nil {
				n += prev()
			}
			return n
		}
		extra := ""
		for _, v := range sp.FDBVLANs() {
			extra += fmt.Sprintf(" %s@%d", community, v)
		}
		if extra != "" {
			extra = " (per-VLAN FDB:" + extra + ")"
		}
		fmt.Fprintf(env.Stdout, "%s on %s community %s%s\n", sp.SysName, sw.Addr(), community, extra)
	}
	fmt.Fprintln(env.Stdout, "ready; press Ctrl-C to stop")
	<-ctx.Done()
	fmt.Fprintf(env.Stderr, "stopped after %d requests\n", total())
	return nil
}
