package e2e_test

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/govdata/govdata/sqlstore/storetest"
)

// serveFlags are the settings of "govdata serve" that operators rely on;
// each must be documented with its environment variable.
var serveFlags = []string{
	"config", "data", "db", "addr", "master-key-file", "audit-hash", "audit-retention-days", "max-body",
	"secure-cookies", "session-ttl", "password-min-length", "password-min-classes", "password-max-age",
	"lockout-failures", "lockout-duration", "lockout-address-failures", "lockout-address-delay", "lockout-address-max-delay", "shutdown-timeout", "tls-cert", "tls-key", "log-level",
	"metrics-addr", "metrics-token", "source-deny",
}

func TestServeHelp(t *testing.T) {
	stdout, stderr, code := govdataCmd(t, nil, "serve", "--help")
	if code != 0 {
		t.Fatalf("govdata serve --help: exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	help := stdout + stderr
	for _, f := range serveFlags {
		env := "GOVDATA_" + strings.ToUpper(strings.ReplaceAll(f, "-", "_"))
		if !strings.Contains(help, "--"+f+" (env "+env) {
			t.Errorf("help does not document --%s with %s", f, env)
		}
	}
	// Every flag the help lists names its variable.
	for _, line := range strings.Split(help, "\n") {
		if m := regexp.MustCompile(`^\s+--([a-z-]+)\b(.*)`).FindStringSubmatch(line); m != nil && !strings.Contains(m[2], "env GOVDATA_") {
			t.Errorf("help line without its environment variable: %q", line)
		}
	}
	if !strings.Contains(help, "Precedence: flag,") {
		t.Errorf("help does not state the precedence of flag, environment and file")
	}
	if t.Failed() {
		t.Logf("help:\n%s", help)
	}
}

// hostOf is the host of a server's URL.
func hostOf(t *testing.T, srv *server) string {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatalf("listening URL %q: %v", srv.URL, err)
	}
	return u.Hostname()
}

// TestServeConfigPrecedence: a flag beats the environment, which beats the
// config file. The three name different loopback addresses, so the
// listening line tells which one won.
func TestServeConfigPrecedence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		st := newStore(t, e)
		file := filepath.Join(t.TempDir(), "govdata.toml")
		conf := "# govdata settings\naddr = \"127.0.0.3:0\"\nsession-ttl = \"1h\"\nsecure-cookies = false\npassword-min-length = 12\n"
		if err := os.WriteFile(file, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		env := append([]string{"GOVDATA_ADDR=127.0.0.2:0"}, adminEnv...)
		for _, tt := range []struct {
			name string
			env  []string
			args []string
			want string
		}{
			{"flag", env, []string{"--config", file, "--addr", "127.0.0.1:0"}, "127.0.0.1"},
			{"env", env, []string{"--config", file}, "127.0.0.2"},
			{"file", adminEnv, []string{"--config", file}, "127.0.0.3"},
			{"file named by GOVDATA_CONFIG", append([]string{"GOVDATA_CONFIG=" + file}, adminEnv...), nil, "127.0.0.3"},
			{"flag=value form", env, []string{"--config=" + file, "--addr=127.0.0.1:0"}, "127.0.0.1"},
		} {
			srv := start(t, st, tt.env, tt.args...)
			if got := hostOf(t, srv); got != tt.want {
				t.Errorf("%s: listening on %s, want host %s", tt.name, srv.URL, tt.want)
			}
			srv.stop()
		}
	})
}

// TestServeConfigRefused: a config file with an unknown key or a bad value,
// and a bad environment value, stop the server before it starts, naming
// what is wrong.
func TestServeConfigRefused(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name, conf string
		env        []string
		want       string
	}{
		{"unknown key", "addr = \"127.0.0.1:0\"\nadress = \"127.0.0.1:0\"\n", nil, `"adress"`},
		{"config key", "config = \"other.toml\"\n", nil, `"config"`},
		{"bad value", "max-body = \"lots\"\n", nil, "max-body"},
		{"bad environment value", "", []string{"GOVDATA_SHUTDOWN_TIMEOUT=soon"}, "GOVDATA_SHUTDOWN_TIMEOUT"},
		{"not TOML", "addr = \n", nil, "govdata.toml"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "govdata.toml")
			if err := os.WriteFile(file, []byte(tt.conf), 0o600); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := govdataCmd(t, tt.env, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--config", file)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr does not name %s:\n%s", tt.want, stderr)
			}
			if strings.Contains(stdout, "listening") {
				t.Errorf("the server started:\n%s", stdout)
			}
		})
	}
}

// TestMetricsListener: the Prometheus metrics are served on their own
// listener (--metrics-addr), never on the API's address; with
// --metrics-token a scrape needs the bearer token; off serves none.
func TestMetricsListener(t *testing.T) {
	st := newStore(t, storetest.SQLite)
	get := func(url, auth string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}

	srv := start(t, st, adminEnv)
	metrics := srv.metricsURL()
	if u, _ := url.Parse(metrics); u.Hostname() != "127.0.0.1" || u.Path != "/metrics" {
		t.Errorf("metrics at %s, want 127.0.0.1 and /metrics", metrics)
	}
	if code, _ := get(srv.URL+"/healthz", ""); code != 200 {
		t.Fatalf("/healthz: %d", code)
	}
	if code, body := get(metrics, ""); code != 200 || !strings.Contains(body, `govdata_http_requests_total{code="200",method="GET",route="GET /healthz"}`) {
		t.Errorf("GET %s: %d %.300s", metrics, code, body)
	}
	for _, path := range []string{"/metrics", "/metrics/"} {
		if code, body := get(srv.URL+path, ""); code != 404 || strings.Contains(body, "govdata_http_requests_total") {
			t.Errorf("GET %s on the API's address: %d %.200s, want 404", path, code, body)
		}
	}
	srv.stop()

	const token = "scrape-token-for-e2e-0123456789"
	srv = start(t, st, append([]string{"GOVDATA_METRICS_TOKEN=" + token}, adminEnv...), "--metrics-addr", "127.0.0.1:0")
	metrics = srv.metricsURL()
	if code, _ := get(metrics, ""); code != 401 {
		t.Errorf("a scrape without the token: %d, want 401", code)
	}
	if code, _ := get(metrics, "Bearer "+token); code != 200 {
		t.Errorf("a scrape with the token: %d, want 200", code)
	}
	srv.stop()

	srv = start(t, st, adminEnv, "--metrics-addr", "off")
	srv.stop()
	if strings.Contains(srv.stdout.String(), "metrics at") {
		t.Errorf("--metrics-addr off still serves the metrics:\n%s", srv.stdout)
	}
	if _, stderr, code := govdataCmd(t, adminEnv, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--metrics-token", "short"); code == 0 || !strings.Contains(stderr, "--metrics-token") {
		t.Errorf("a short token: exit %d, %s", code, stderr)
	}
}
