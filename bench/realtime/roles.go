package realtime

import (
	"encoding/json"
	"fmt"
	"os"
)

// The benchmark binary re-executes itself as client processes and as the
// baseline server; the role travels in the environment.
const (
	roleEnv          = "CHORUS_BENCH_ROLE"
	argsEnv          = "CHORUS_BENCH_ARGS"
	roleConnWorker   = "conn-worker"
	roleBaselineFans = "fanout-baseline"
)

// MaybeRunRole runs the role this process was started for and exits; it
// returns at once in the parent process. Call it first in main (and in
// TestMain), before flags are parsed.
func MaybeRunRole() {
	role := os.Getenv(roleEnv)
	if role == "" {
		return
	}
	raw := []byte(os.Getenv(argsEnv))
	switch role {
	case roleConnWorker:
		var a connWorkerArgs
		if err := json.Unmarshal(raw, &a); err != nil {
			fmt.Fprintln(os.Stderr, "bench worker:", err)
			os.Exit(2)
		}
		connWorker(a)
	case roleBaselineFans:
		var a baselineArgs
		if err := json.Unmarshal(raw, &a); err != nil {
			fmt.Fprintln(os.Stderr, "bench baseline:", err)
			os.Exit(2)
		}
		baselineServer(a)
	default:
		fmt.Fprintln(os.Stderr, "bench: unknown role", role)
		os.Exit(2)
	}
	os.Exit(0)
}
