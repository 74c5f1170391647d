package realtime

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// ProfileTag is the build tag that gives the server net/http/pprof on a
// loopback port (server/benchprofile.go); only the benchmark builds with it.
const ProfileTag = "benchprofile"

// Profiler fetches the server's profiles while a workload runs: CPU,
// blocking and lock contention over the run, and the goroutines halfway
// through (where they wait). Files go to Dir, named by the run.
type Profiler struct {
	Dir string
	wg  sync.WaitGroup
}

// ProfileServer starts a server with pprof on a free loopback port
// (the binary must be built with ProfileTag).
func ProfileServer(bin, dataDir string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s, err := StartServerWith(bin, dataDir, "CHORUS_BENCH_PPROF=127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return nil, err
	}
	s.pprof = "http://127.0.0.1:" + strconv.Itoa(port)
	return s, nil
}

// Run profiles srv for d from now, in the background; Wait waits for the files.
func (p *Profiler) Run(ctx context.Context, srv *Server, name string, d time.Duration) {
	if p == nil || srv.pprof == "" {
		return
	}
	secs := strconv.Itoa(max(1, int(d.Seconds())))
	fetch := func(file, path string, after time.Duration) {
		defer p.wg.Done()
		if sleepCtx(ctx, after) != nil {
			return
		}
		if err := p.fetch(ctx, srv.pprof+path, filepath.Join(p.Dir, name+"."+file)); err != nil {
			fmt.Fprintf(os.Stderr, "bench: profile %s: %v\n", file, err)
		}
	}
	p.wg.Add(4)
	go fetch("cpu.pprof", "/debug/pprof/profile?seconds="+secs, 0)
	go fetch("block.pprof", "/debug/pprof/block?seconds="+secs, 0)
	go fetch("mutex.pprof", "/debug/pprof/mutex?seconds="+secs, 0)
	go fetch("goroutines.txt", "/debug/pprof/goroutine?debug=1", d/2)
}

// Wait waits until every profile started is written.
func (p *Profiler) Wait() {
	if p != nil {
		p.wg.Wait()
	}
}

func (p *Profiler) fetch(ctx context.Context, url, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
