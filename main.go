// Command cutover is the field tool for swapping legacy Cisco and Mitel desk
// phones for Avaya phones or Teams numbers, position by position, on site.
package main

import (
	"context"
	"embed"
	"io/fs"
	"os"
	"os/signal"

	"cutover/cli"
	"cutover/internal/platform"
)

// demoSite is the bundled demo station, so that `go run . demo` works from
// any folder.
//
//go:embed testdata/demo
var demoSite embed.FS

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	// Ctrl+C, and on Windows closing the console window too, cancel ctx.
	ctx, stop := signal.NotifyContext(context.Background(), platform.StopSignals...)
	defer stop()
	demo, err := fs.Sub(demoSite, "testdata/demo")
	if err != nil {
		panic(err) // the embedded folder is part of the build
	}
	return cli.Run(ctx, cli.NewEnv(demo), args)
}
