package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// adminPassword is the first sysadmin's, given through GOVDATA_ADMIN_PASSWORD.
const adminPassword = "Bench-Operator-Pass-1"

// pprofOverlay is added to cmd/govdata at build time (go build -overlay)
// when -cpuprofile asks for a profile of the server: govdata has no
// profiling endpoint, and the benchmark must not change its sources.
//
//go:embed pprof_overlay.go.txt
var pprofOverlay []byte

// pprofEnv names the address the overlay's profiling endpoint listens on.
const pprofEnv = "GOVDATA_BENCH_PPROF"

// buildGovdata builds the binary at out from the module at root; with
// profiling, the overlay's endpoint is compiled in; userOverlay is a go
// build -overlay file of the caller's (to measure a change before making
// it), merged with that.
func buildGovdata(root, out string, profiling bool, userOverlay, tmp string) error {
	args := []string{"build", "-o", out}
	replace := map[string]string{}
	if userOverlay != "" {
		var ov struct{ Replace map[string]string }
		b, err := os.ReadFile(userOverlay)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &ov); err != nil {
			return fmt.Errorf("%s: %w", userOverlay, err)
		}
		for k, v := range ov.Replace {
			if !filepath.IsAbs(k) {
				k = filepath.Join(root, k)
			}
			replace[k] = v
		}
	}
	if profiling {
		src := filepath.Join(tmp, "bench_pprof.go")
		if err := os.WriteFile(src, pprofOverlay, 0o600); err != nil {
			return err
		}
		replace[filepath.Join(root, "cmd", "govdata", "zz_bench_pprof.go")] = src
	}
	if len(replace) > 0 {
		overlay, err := json.Marshal(map[string]map[string]string{"Replace": replace})
		if err != nil {
			return err
		}
		ov := filepath.Join(tmp, "overlay.json")
		if err := os.WriteFile(ov, overlay, 0o600); err != nil {
			return err
		}
		args = append(args, "-overlay", ov)
	}
	cmd := exec.Command("go", append(args, "./cmd/govdata")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/govdata: %v\n%s", err, out)
	}
	return nil
}

// process is a server the benchmark started: govdata, the baseline or
// the peer.
type process struct {
	name string
	cmd  *exec.Cmd
	URL  string
	// pprofURL is the overlay's profiling endpoint (govdata with -cpuprofile).
	pprofURL string
	done     chan struct{}
	logPath  string
}

var (
	listenRE = regexp.MustCompile(`listening on (https?://\S+)`)
	pprofRE  = regexp.MustCompile(`bench pprof on (\S+)`)
)

// environ is the benchmark's environment without any GOVDATA_ setting
// (the caller's shell must not change the server under test), plus env.
func environ(env ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOVDATA_") {
			out = append(out, kv)
		}
	}
	return append(out, env...)
}

// startProcess runs name with args and waits for its "listening on" line
// (and the profiling line when wantPprof); its output goes to logPath.
func startProcess(ctx context.Context, label, logPath string, env []string, wantPprof bool, name string, args ...string) (*process, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	p := &process{name: label, cmd: exec.Command(name, args...), done: make(chan struct{}), logPath: logPath}
	p.cmd.Env = env
	p.cmd.Stderr = logf
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", label, err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logf, line)
			if m := listenRE.FindStringSubmatch(line); m != nil && p.URL == "" {
				p.URL = m[1]
			}
			if m := pprofRE.FindStringSubmatch(line); m != nil && p.pprofURL == "" {
				p.pprofURL = "http://" + m[1]
			}
			if !signalled && p.URL != "" && (!wantPprof || p.pprofURL != "") {
				signalled = true
				close(ready)
			}
		}
	}()
	go func() {
		p.cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	select {
	case <-ready:
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited before listening (%s); its log: %s", label, p.cmd.ProcessState, tail(logPath))
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	case <-time.After(5 * time.Minute):
		p.stop()
		return nil, fmt.Errorf("%s: no listening line within 5 minutes; its log: %s", label, tail(logPath))
	}
}

// stop ends the process with SIGTERM, then SIGKILL if it lingers.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(40 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// tail is the end of a log file, for an error message.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return "\n" + string(b)
}

// api calls govdata's HTTP API as a signed-in user.
type api struct {
	ctx  context.Context
	base string
	hc   *http.Client
}

// call sends in as JSON (or body as is, with contentType) and decodes a
// response of status want into out.
func (a *api) call(method, path, token string, in any, want int, out any) error {
	var body io.Reader
	contentType := ""
	switch v := in.(type) {
	case nil:
	case upload:
		body, contentType = v.body, v.contentType
	default:
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body, contentType = bytes.NewReader(b), "application/json"
	}
	req, err := http.NewRequestWithContext(a.ctx, method, a.base+path, body)
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, bytes.TrimSpace(raw))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

// upload is a request body sent as is.
type upload struct {
	body        io.Reader
	contentType string
}
