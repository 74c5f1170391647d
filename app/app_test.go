package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The services and the worker know no transport: neither they nor anything
// they import is an HTTP or websocket package, so that the worker, the HTTP
// API and the topic policy are three callers of the same services.
func TestServicesAndWorkerKnowNoTransport(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "chorus/app", "chorus/worker").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "chorus/server") || strings.Contains(pkg, "gofiber") || strings.Contains(pkg, "fasthttp") || strings.Contains(pkg, "websocket") {
			t.Errorf("app or worker depends on %s, a transport", pkg)
		}
	}
}
