package main

// Tests that run the real chorus binary as separate processes, as
// production does (Procfile: web, worker), against real servers started by
// the test harness.

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"chorus/testenv"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// chorusBinary is $CHORUS_BIN (what `make test` built), or else the binary
// built once from this package for the test run.
func chorusBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("CHORUS_BIN"); bin != "" {
		return bin
	}
	buildOnce.Do(buildChorus)
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// prebuildChorus starts the build while a test starts its services.
func prebuildChorus() {
	if os.Getenv("CHORUS_BIN") == "" {
		go buildOnce.Do(buildChorus)
	}
}

func buildChorus() {
	if buildDir, buildErr = os.MkdirTemp("", "chorus-bin-"); buildErr != nil {
		return
	}
	builtBin = filepath.Join(buildDir, "chorus")
	out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
	if err != nil {
		buildErr = fmt.Errorf("go build: %v\n%s", err, out)
	}
}

// process is one running chorus process.
type chorusProcess struct {
	t      *testing.T
	role   string
	base   string // http://127.0.0.1:port; empty for a worker
	cmd    *exec.Cmd
	stdout *syncBuffer // JSON logs
	stderr *syncBuffer // what people read (the set-up link)
	exited chan struct{}
	err    error // what Wait returned, once exited is closed
}

// startProcess runs `chorus role` with env (on top of a fresh data
// directory and a free port) and, for a web process, waits until it answers
// /healthz. The process is killed when the test ends. A port taken between
// probing and binding gets the process started again on another.
func startProcess(t *testing.T, bin, role string, env map[string]string) *chorusProcess {
	t.Helper()
	for attempt := 1; ; attempt++ {
		p, err := tryProcess(t, bin, role, env)
		if err == nil {
			return p
		}
		if attempt >= 3 || !strings.Contains(p.stderr.String(), "cannot listen") {
			t.Fatalf("%s: %v\n%s%s", role, err, p.stdout.String(), p.stderr.String())
		}
	}
}

func tryProcess(t *testing.T, bin, role string, env map[string]string) (*chorusProcess, error) {
	port := freePort(t)
	p := &chorusProcess{t: t, role: role, cmd: exec.Command(bin, role), stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "PORT=" + strconv.Itoa(port), "CHORUS_DATA_DIR=" + t.TempDir()}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		return p, err
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("%s process %d logs:\n%s\n%s", role, p.cmd.Process.Pid, tail(p.stdout.String(), 4000), tail(p.stderr.String(), 2000))
		}
	})
	if role == "worker" {
		return p, nil
	}
	p.base = "http://127.0.0.1:" + strconv.Itoa(port)
	if smtp, ok := deploymentMail.Load(env["SMTP_URL"]); ok {
		mailboxes.Store(p.base, smtp)
		t.Cleanup(func() { mailboxes.Delete(p.base) })
	}
	deadline := time.Now().Add(patience)
	for {
		resp, err := http.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			return p, nil
		}
		select {
		case <-p.exited:
			return p, fmt.Errorf("exited before serving: %v", p.err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return p, fmt.Errorf("no answer on /healthz within %v", patience)
		}
	}
}

// kill ends the process with SIGKILL: no shutdown, no goodbye to clients.
func (p *chorusProcess) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// stop ends the process with SIGTERM and waits for its graceful shutdown.
func (p *chorusProcess) stop() {
	p.t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		if p.err != nil {
			p.t.Errorf("%s: stopped with %v", p.role, p.err)
		}
	case <-time.After(ShutdownTimeout + 5*time.Second):
		p.t.Errorf("%s did not stop within the shutdown timeout", p.role)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// mongoEnv names a fresh database on srv.
func mongoEnv(srv testenv.FerretDBServer, name string) map[string]string {
	return map[string]string{"MONGODB_URI": srv.URI + name}
}

// oneDeployment sets what the processes of one deployment share so that
// each accepts the sign-ins of the others, as behind one load balancer:
// the signing keys and the public address (access tokens name it).
func oneDeployment(t *testing.T, env map[string]string) map[string]string {
	seed := make([]byte, 32)
	if _, err := rand.Read(seed); err != nil {
		t.Fatal(err)
	}
	env["JWT_SIGNING_KEYS"] = base64.StdEncoding.EncodeToString(seed)
	env["PUBLIC_URL"] = "http://127.0.0.1"
	// Mail goes to one test SMTP server, where the tests read links the way
	// the recipient does (the outbox shows none).
	smtp := testenv.SMTP(t)
	env["SMTP_URL"] = smtp.URL
	deploymentMail.Store(smtp.URL, smtp)
	return env
}

// deploymentMail holds, by SMTP_URL, the test SMTP server of a deployment
// that oneDeployment set up; each web process started with it is entered
// in mailboxes under its own address.
var deploymentMail sync.Map

// TestJourneyOnMongoDB runs the real binary with MONGODB_URI on FerretDB (a
// MongoDB-protocol server) and goes through a short journey of each
// capability: set-up and an invitation with consent (people), a pledge
// co-edited and commented (pledges), a report a moderator acts on
// (moderation). A restart shows that everything lives in the database.
func TestJourneyOnMongoDB(t *testing.T) {
	prebuildChorus()
	db := testenv.FerretDB(t)
	bin := chorusBinary(t)
	env := oneDeployment(t, mongoEnv(db, "chorus_journey"))
	srv := startProcess(t, bin, "serve", env)
	base := srv.base

	ready := newClient(t, base).do("GET", "/readyz", nil, 200)
	if got := str(ready, "checks", "documents (mongodb)"); got != "ok" {
		t.Fatalf("readyz: got %v, want the MongoDB documents store ok", ready)
	}

	// People: the first coordinator, a moderator, two youth who consent.
	coord, _, panel, group := centreIn(t, base, srv.stderr, "FR")
	birth16 := time.Now().AddDate(-16, -1, 0).Format("2006-01-02")
	mod := joinByMail(t, coord, base, panel, group, "", "mod@example.org", "moderator", "")
	sam, _ := joinFrom(t, coord, base, panel, group, "sam@example.org", birth16, "FR")
	kim, _ := joinFrom(t, coord, base, panel, group, "kim@example.org", birth16, "FR")
	if scopes := kim.do("GET", "/api/me/consents", nil, 200); !strings.Contains(fmt.Sprint(scopes), "participate") {
		t.Fatalf("consents: got %v, want participate", scopes)
	}

	// Pledges: one drafted, its item edited by two people from one version.
	pledgeID := str(sam.do("POST", "/api/groups/"+group+"/pledges", map[string]any{"title": "Youth Pledge", "language": "en"}, 201), "pledge", "id")
	itemID := str(sam.do("POST", "/api/pledges/"+pledgeID+"/items", map[string]any{"heading": "Plain words", "text": "Apps explain rules."}, 201), "item", "id")
	items := "/api/pledges/" + pledgeID + "/items/" + itemID
	sam.do("POST", items+"/edits", map[string]any{"field": "text", "baseVersion": 1, "text": "Apps explain their rules."}, 200)
	merged := kim.do("POST", items+"/edits", map[string]any{"field": "text", "baseVersion": 1, "text": "Apps explain rules clearly."}, 200)
	if got := str(merged, "item", "text"); got != "Apps explain their rules clearly." {
		t.Fatalf("merged edit: got %q, want both changes", got)
	}

	// Moderation: a comment reported, hidden by the moderator.
	mean := str(kim.do("POST", items+"/comments", map[string]any{"text": "Nobody wants to hear what you think"}, 201), "comment", "id")
	sam.do("POST", "/api/reports", map[string]any{"contentType": "pledge_comment", "contentId": mean, "category": "bullying"}, 201)
	cases := mod.do("GET", "/api/moderation/queue?panelId="+panel, nil, 200)["cases"].([]any)
	if len(cases) != 1 {
		t.Fatalf("queue: got %v, want the reported comment", cases)
	}
	caseID := str(cases[0].(map[string]any), "id")
	mod.do("POST", "/api/moderation/cases/"+caseID+"/actions", map[string]any{"action": "hide", "reason": "Unkind to the group"}, 200)
	if _, ok := commentIDs(sam, items)[mean]; ok {
		t.Fatal("a hidden comment is still shown to the group")
	}

	// After a restart on the same database, all of it is still there.
	srv.stop()
	base = startProcess(t, bin, "serve", env).base
	for _, c := range []*client{coord, mod, sam, kim} {
		c.base = base
	}
	if got := str(sam.do("GET", "/api/pledges/"+pledgeID, nil, 200), "pledge", "title"); got != "Youth Pledge" {
		t.Errorf("after restart: pledge title %q", got)
	}
	if c, ok := commentIDs(mod, items)[mean]; !ok || c["hidden"] != true {
		t.Errorf("after restart: the moderator should see the hidden comment: %v", c)
	}
	if audit := coord.do("GET", "/api/moderation/audit?panelId="+panel, nil, 200); !strings.Contains(fmt.Sprint(audit), "Unkind to the group") {
		t.Errorf("after restart: audit lacks the action: %v", audit)
	}
}
