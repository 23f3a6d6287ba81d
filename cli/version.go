package cli

import (
	"context"
	"fmt"

	"cutover/internal/version"

	"github.com/spf13/pflag"
)

func init() {
	register(&Command{
		Name:    "version",
		Summary: "print this cutover's version, commit and build date (also --version)",
		Help: `Prints one line: the version, the commit it was built from and when it was
built (stamped by scripts/release.sh), and the Go toolchain and platform. A
binary built without the stamps (go build, go run) reports what Go recorded:
the module version or "devel", the checkout's commit and its time.`,
		Run: func(ctx context.Context, env *Env, fs *pflag.FlagSet) error {
			if fs.NArg() != 0 {
				return usagef("takes no arguments")
			}
			fmt.Fprintln(env.Stdout, version.Get())
			return nil
		},
	})
}
