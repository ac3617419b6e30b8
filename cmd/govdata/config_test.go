package main

import (
	"strings"
	"testing"
	"time"
)

// TestConfigPrecedence: a flag beats the environment, which beats the
// config file, which beats the default; each setting on its own.
func TestConfigPrecedence(t *testing.T) {
	cleanEnv(t)
	file := writeFile(t, "govdata.toml", `
addr = "127.0.0.3:3"
session-ttl = "3h"
max-body = 333
secure-cookies = false
log-level = "warn"
`)
	t.Setenv("GOVDATA_ADDR", "127.0.0.2:2")
	t.Setenv("GOVDATA_SESSION_TTL", "2h")
	c := newConfig("serve")
	if err := c.parse([]string{"--config", file, "--addr", "127.0.0.1:1"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		got, want any
	}{
		{"addr (flag, env, file)", c.addr, "127.0.0.1:1"},
		{"session-ttl (env, file)", c.sessionTTL, 2 * time.Hour},
		{"max-body (file)", c.maxBody, int64(333)},
		{"secure-cookies (file)", c.secureCookies, false},
		{"log-level (file)", c.logLevel, "warn"},
		{"shutdown-timeout (default)", c.shutdown, 30 * time.Second},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}

	// The file may be named by GOVDATA_CONFIG.
	t.Setenv("GOVDATA_CONFIG", file)
	c = newConfig("serve")
	if err := c.parse(nil); err != nil {
		t.Fatal(err)
	}
	if c.addr != "127.0.0.2:2" || c.maxBody != 333 {
		t.Errorf("with GOVDATA_CONFIG: addr %q, max-body %d; want the environment's address and the file's body limit", c.addr, c.maxBody)
	}
}

func TestConfigRefused(t *testing.T) {
	cleanEnv(t)
	for _, tt := range []struct {
		name, file string
		env        map[string]string
		want       string
	}{
		{"unknown key", "adress = \"127.0.0.1:0\"\n", nil, `unknown setting "adress"`},
		{"config key in the file", "config = \"x.toml\"\n", nil, `unknown setting "config"`},
		{"bad file value", "lockout-failures = \"many\"\n", nil, "lockout-failures"},
		{"bad environment value", "", map[string]string{"GOVDATA_SESSION_TTL": "a while"}, "GOVDATA_SESSION_TTL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			err := newConfig("serve").parse([]string{"--config", writeFile(t, "govdata.toml", tt.file)})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parse: %v, want an error saying %s", err, tt.want)
			}
		})
	}
	// Through the command: exit 1 and the message.
	file := writeFile(t, "govdata.toml", "adress = \"127.0.0.1:0\"\n")
	_, stderr, code := runArgs(t, "serve", "--data", t.TempDir(), "--config", file)
	if code != 1 || !strings.Contains(stderr, `"adress"`) {
		t.Errorf("serve with an unknown setting: exit %d, stderr %q; want 1 naming it", code, stderr)
	}
}
