//go:build benchprofile

package main

// Built only by the benchmark (go run ./bench -server-profile DIR, which
// builds with -tags benchprofile): net/http/pprof on the loopback address
// in CHORUS_BENCH_PPROF, with blocking and lock contention recorded, so
// that a run can show where the server waits as well as where it works.
// A product build has none of this.

import (
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
)

func init() {
	addr := os.Getenv("CHORUS_BENCH_PPROF")
	if addr == "" {
		return
	}
	runtime.SetBlockProfileRate(int(100 * 1000)) // one blocking event per 100 µs waited
	runtime.SetMutexProfileFraction(10)
	go func() { _ = http.ListenAndServe(addr, nil) }()
}
