// Command chorus runs the Chorus server.
//
//	chorus [serve]      web and worker in one process (the default)
//	chorus web          HTTP API, websocket and the web app
//	chorus worker       background work (media processing, mail, reminders)
//	chorus demo         serve, after seeding an empty store with a sample workspace
//	chorus rotate-keys  sign new access tokens with a new key (old tokens stay valid until they expire)
//	chorus config-table print the configuration table for the README
//
// Configuration comes from environment variables only; see README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "chorus:", err)
		os.Exit(1)
	}
}
