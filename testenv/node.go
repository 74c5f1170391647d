package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// WebModule returns node and the directory of an npm package installed in
// web/node_modules (what `make test` installs with `npm ci`), for tests that
// run the browser's code against the server's. root is the repository root.
// Without them the test is skipped, or fails when services are required.
func WebModule(t testing.TB, root, pkg string) (node, dir string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "node is not installed: this test runs the browser's code")
	}
	dir = filepath.Join(root, "web", "node_modules", pkg)
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil {
		missing(t, "web/node_modules/"+pkg+" is missing: run `cd web && npm ci` (make test does)")
	}
	return node, dir
}
