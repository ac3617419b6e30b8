// Package e2e_test runs the real govdata binary: it is built once, started
// on a random port against a fresh store on every engine, driven through
// its HTTP API and its commands, stopped, killed and restarted.
package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// version is stamped into the binary so the tests can see it come back.
const version = "e2e-test"

// bin is the govdata binary TestMain builds.
var bin string

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "govdata-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin = filepath.Join(dir, "govdata")
	build := exec.Command("go", "build", "-o", bin,
		"-ldflags", "-X github.com/govdata/govdata.Version="+version,
		"github.com/govdata/govdata/cmd/govdata")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: build govdata: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// Limits on waiting for the binary. They only bound a hang; nothing waits
// for them to pass.
const (
	startTimeout   = 30 * time.Second
	stopTimeout    = 40 * time.Second
	commandTimeout = 60 * time.Second
)

// store is one deployment's storage: a data folder (the SQLite database on
// SQLite, the master key on both) and, on PostgreSQL, a fresh database.
type store struct {
	engine storetest.Engine
	dir    string
	dsn    string
}

func newStore(t *testing.T, e storetest.Engine) *store {
	t.Helper()
	st := &store{engine: e, dir: t.TempDir()}
	if e == storetest.Postgres {
		st.dsn = storetest.CreateDatabase(t)
	}
	return st
}

// flags select the store on any govdata command.
func (st *store) flags() []string {
	f := []string{"--data", st.dir}
	if st.dsn != "" {
		f = append(f, "--db", st.dsn)
	}
	return f
}

// environ is the test process's environment without any GOVDATA_ setting,
// so that the caller's shell cannot change what a test sees, plus env.
func environ(env ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOVDATA_") {
			out = append(out, kv)
		}
	}
	return append(out, env...)
}

// adminPassword is the sysadmin password the tests choose through
// GOVDATA_ADMIN_PASSWORD when the first-start flow is not under test.
const adminPassword = "Operator-e2e-Pass-1"

var adminEnv = []string{"GOVDATA_ADMIN_PASSWORD=" + adminPassword}

// output collects what a process writes and wakes waiters on each write.
type output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newOutput() *output { return &output{changed: make(chan struct{})} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf.Write(p)
	close(o.changed)
	o.changed = make(chan struct{})
	return len(p), nil
}

// snapshot returns the text so far and a channel closed at the next write.
func (o *output) snapshot() (string, <-chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String(), o.changed
}

func (o *output) String() string { s, _ := o.snapshot(); return s }

// server is a running "govdata serve".
type server struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	URL    string
	Engine string
	stdout *output
	stderr *output
	done   chan struct{} // closed when the process has exited
	hc     *http.Client
}

var listenRE = regexp.MustCompile(`govdata (\S+) listening on (https?://\S+) \((sqlite|postgres), profile (\S+)\)`)

// serverCount numbers the servers of a test in its log.
var serverCount sync.Map // *testing.T → int

// start runs "govdata serve" on the store and waits for its listening
// line. It listens on a random port of 127.0.0.1 unless the address may
// come from elsewhere: args with --addr or --config, env with GOVDATA_ADDR
// or GOVDATA_CONFIG.
// The process is killed when the test ends; its output is logged if the
// test failed.
func start(t *testing.T, st *store, env []string, args ...string) *server {
	t.Helper()
	srv := launch(t, st, env, args...)
	srv.waitListening()
	return srv
}

// launch starts "govdata serve" without waiting for it.
func launch(t *testing.T, st *store, env []string, args ...string) *server {
	t.Helper()
	full := append([]string{"serve"}, st.flags()...)
	if !hasFlag(args, "addr") && !hasFlag(args, "config") && !hasEnv(env, "GOVDATA_ADDR") && !hasEnv(env, "GOVDATA_CONFIG") {
		full = append(full, "--addr", "127.0.0.1:0")
	}
	// The metrics listener of each server on a port of its own: servers
	// of parallel tests must not meet on the default 127.0.0.1:8081.
	if !hasFlag(args, "metrics-addr") && !hasEnv(env, "GOVDATA_METRICS_ADDR") {
		full = append(full, "--metrics-addr", "127.0.0.1:0")
	}
	full = append(full, args...)
	n := 1
	if v, ok := serverCount.Load(t); ok {
		n = v.(int) + 1
	}
	serverCount.Store(t, n)
	srv := &server{
		t: t, name: fmt.Sprintf("server #%d", n),
		cmd:    exec.Command(bin, full...),
		stdout: newOutput(), stderr: newOutput(),
		done: make(chan struct{}),
		// Its own transport: connections to a killed server die with it.
		hc: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}},
	}
	srv.cmd.Env = environ(env...)
	srv.cmd.Stdout, srv.cmd.Stderr = srv.stdout, srv.stderr
	if err := srv.cmd.Start(); err != nil {
		t.Fatalf("start govdata: %v", err)
	}
	go func() {
		srv.cmd.Wait()
		close(srv.done)
	}()
	t.Cleanup(func() {
		if srv.running() {
			srv.cmd.Process.Kill()
			<-srv.done
		}
		srv.hc.CloseIdleConnections()
		if t.Failed() {
			t.Logf("%s: govdata %s\n--- stdout ---\n%s--- stderr ---\n%s", srv.name, strings.Join(full, " "), srv.stdout, srv.stderr)
		}
	})
	return srv
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--"+name || a == "-"+name || strings.HasPrefix(a, "--"+name+"=") || strings.HasPrefix(a, "-"+name+"=") {
			return true
		}
	}
	return false
}

func hasEnv(env []string, name string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, name+"=") {
			return true
		}
	}
	return false
}

func (s *server) running() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// waitListening waits for the listening line and takes the URL from it.
func (s *server) waitListening() {
	s.t.Helper()
	m := s.waitLine(listenRE, "listening")
	if m[1] != version {
		s.t.Errorf("%s: listening line names version %q, want %q", s.name, m[1], version)
	}
	s.URL, s.Engine = m[2], m[3]
}

var metricsRE = regexp.MustCompile(`govdata metrics at (https?://\S+)`)

// metricsURL waits for the line that names the metrics listener and
// returns its URL.
func (s *server) metricsURL() string {
	s.t.Helper()
	return s.waitLine(metricsRE, "metrics")[1]
}

// waitLine waits until the server's output matches re and returns the
// match; it fails the test when the server exits or is silent too long.
func (s *server) waitLine(re *regexp.Regexp, what string) []string {
	s.t.Helper()
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	for {
		out, changed := s.stdout.snapshot()
		if m := re.FindStringSubmatch(out); m != nil {
			return m
		}
		select {
		case <-changed:
		case <-s.done:
			s.t.Fatalf("%s exited before its %s line (%s)", s.name, what, s.cmd.ProcessState)
		case <-deadline.C:
			s.t.Fatalf("%s: no %s line within %s", s.name, what, startTimeout)
		}
	}
}

// signal sends sig to the process.
func (s *server) signal(sig syscall.Signal) {
	if err := s.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		s.t.Errorf("%s: send %v: %v", s.name, sig, err)
	}
}

// wait waits for the process to exit and returns its exit code (-1 when a
// signal ended it).
func (s *server) wait() int {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(stopTimeout):
		s.cmd.Process.Kill()
		<-s.done
		s.t.Fatalf("%s did not exit within %s; killed", s.name, stopTimeout)
	}
	s.hc.CloseIdleConnections()
	return s.cmd.ProcessState.ExitCode()
}

// stop ends the server with SIGTERM and requires a clean exit.
func (s *server) stop() {
	s.t.Helper()
	// A connection the client dialed but never used would hold up the
	// graceful shutdown by 5 s (net/http waits that long for new ones).
	s.hc.CloseIdleConnections()
	s.signal(syscall.SIGTERM)
	if code := s.wait(); code != 0 {
		s.t.Fatalf("%s: exit code %d after SIGTERM, want 0", s.name, code)
	}
}

// kill ends the server with SIGKILL.
func (s *server) kill() {
	s.t.Helper()
	s.signal(syscall.SIGKILL)
	s.wait()
}

var generatedPasswordRE = regexp.MustCompile(`password / 密码:\s+(\S+)`)

// generatedPasswords lists the sysadmin passwords the server printed.
func (s *server) generatedPasswords() []string {
	var pws []string
	for _, m := range generatedPasswordRE.FindAllStringSubmatch(s.stdout.String(), -1) {
		pws = append(pws, m[1])
	}
	return pws
}

// request sends a JSON request with an optional bearer token and returns
// the status and body, or the transport error.
func (s *server) request(ctx context.Context, method, path, token string, in any) (int, []byte, error) {
	return s.requestVia(ctx, s.hc, method, path, token, in)
}

// requestVia is request through the given client.
func (s *server) requestVia(ctx context.Context, hc *http.Client, method, path, token string, in any) (int, []byte, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, body)
	if err != nil {
		return 0, nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, raw, nil
}

// call is request for the test goroutine: a transport error fails the test.
func (s *server) call(method, path, token string, in any) (int, []byte) {
	s.t.Helper()
	status, raw, err := s.request(context.Background(), method, path, token, in)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	return status, raw
}

// mustCall fails the test unless the answer has status want, and decodes
// the body into out when out is not nil.
func (s *server) mustCall(method, path, token string, in any, want int, out any) {
	s.t.Helper()
	status, raw := s.call(method, path, token, in)
	if status != want {
		s.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			s.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

// session is the answer of POST /api/v1/auth/login.
type session struct {
	Token                  string        `json:"token"`
	PasswordChangeRequired bool          `json:"password_change_required"`
	User                   *govdata.User `json:"user"`
}

func (s *server) login(username, password string) session {
	s.t.Helper()
	var sess session
	s.mustCall("POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": password}, http.StatusOK, &sess)
	if sess.Token == "" {
		s.t.Fatalf("login %s: no token", username)
	}
	return sess
}

// changePassword changes the password of the session's user.
func (s *server) changePassword(token, oldPassword, newPassword string) {
	s.t.Helper()
	s.mustCall("POST", "/api/v1/auth/password", token,
		map[string]string{"old_password": oldPassword, "new_password": newPassword}, http.StatusNoContent, nil)
}

// makeSecadmin creates a secadmin with the CLI on the server, as the first
// one is made (三员分立), and returns its signed-in token.
func (s *server) makeSecadmin(st *store, username string) string {
	s.t.Helper()
	const issued, chosen = "Security-Issued-1", "Security-Chosen-2"
	args := append(append([]string{"user", "create"}, st.flags()...), "--name", "安全管理员", "--roles", "secadmin", "--password", issued, username)
	if out, errOut, code := govdataCmd(s.t, nil, args...); code != 0 {
		s.t.Fatalf("govdata user create secadmin: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	s.changePassword(s.login(username, issued).Token, issued, chosen)
	return s.login(username, chosen).Token
}

// confirmRoles has the secadmin confirm every business role the sysadmin
// asked for the account, for its present department (等保 三员分立).
func (s *server) confirmRoles(secToken string, id int64) {
	s.t.Helper()
	var u govdata.User
	path := fmt.Sprintf("/api/v1/users/%d", id)
	s.mustCall("GET", path, secToken, nil, http.StatusOK, &u)
	s.mustCall("POST", path+"/roles/confirm", secToken, govdata.RoleDecision{Roles: u.PendingRoleNames(), DepartmentID: u.DepartmentID}, http.StatusOK, nil)
}

// errorCode is the code of an error envelope.
func errorCode(raw []byte) string {
	var env struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	json.Unmarshal(raw, &env)
	return env.Error.Code
}

// govdataCmd runs a govdata command to its end and returns its output and
// exit code.
func govdataCmd(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = environ(env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
	default:
		t.Fatalf("govdata %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// auditVerify runs "govdata audit verify" on the store.
func auditVerify(t *testing.T, st *store) (stdout, stderr string, code int) {
	t.Helper()
	return govdataCmd(t, nil, append([]string{"audit", "verify"}, st.flags()...)...)
}

// mustVerifyIntact requires "govdata audit verify" to exit 0 and say intact.
func mustVerifyIntact(t *testing.T, st *store) {
	t.Helper()
	out, errOut, code := auditVerify(t, st)
	if code != 0 || !strings.Contains(out, "audit chain intact") {
		t.Fatalf("govdata audit verify: exit %d, want 0 and \"intact\"\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}

// creditCode returns a valid unified social credit code for a government
// body (1 1) in region whose organisation code ends in serial.
func creditCode(t *testing.T, region string, serial int) string {
	t.Helper()
	first := fmt.Sprintf("11%s%09d", region, serial)
	c, ok := govdata.CreditCodeCheckChar(first)
	if !ok {
		t.Fatalf("credit code %s: bad characters", first)
	}
	return first + string(c)
}
