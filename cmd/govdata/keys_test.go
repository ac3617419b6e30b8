package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govdata/govdata/datakey"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// SEC-2: the data keys live in a file beside (not in) the database; keys
// rotate adds a version and keeps every old one.
func TestKeysCommands(t *testing.T) {
	c := newCLI(t, storetest.SQLite)
	if _, stderr, code := c.run("keys show"); code != 1 || !strings.Contains(stderr, "no data keys") {
		t.Fatalf("keys show without a key file: exit %d, %q", code, stderr)
	}
	// serve's first start creates the file (config.dataKeys with keyCreate).
	cfg := newConfig("serve")
	if err := cfg.parse([]string{"--data", c.dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.dataKeys(cfg.logger(), keyCreate); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(c.dir, "data.keys")
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", fi, err)
	}
	if out := c.mustRun("keys show"); !strings.Contains(out, "* 1  sm4-gcm") {
		t.Errorf("keys show: %q", out)
	}
	out := c.mustRun("keys rotate", "--data-key-algorithm", "aes-256-gcm")
	if !strings.Contains(out, "version 2 (aes-256-gcm) is now current") || !strings.Contains(out, "  1  sm4-gcm") || !strings.Contains(out, "* 2  aes-256-gcm") {
		t.Errorf("keys rotate: %q", out)
	}
	k, err := datakey.Load(path)
	if err != nil || k.Current() != 2 || len(k.File().Keys) != 2 {
		t.Fatalf("key file after rotation: %v", err)
	}
	if _, stderr, code := c.run("keys rotate", "--data-key-algorithm", "des"); code != 1 || !strings.Contains(stderr, "des") {
		t.Errorf("rotate to des: exit %d, %q", code, stderr)
	}
	data, _ := os.ReadFile(path)
	t.Setenv(datakey.EnvName, string(data))
	if _, stderr, code := c.run("keys rotate"); code != 1 || !strings.Contains(stderr, datakey.EnvName) {
		t.Errorf("rotate keys from the environment: exit %d, %q", code, stderr)
	}
	if _, _, code := c.run("keys"); code != 2 {
		t.Errorf("keys without a subcommand: exit %d, want 2", code)
	}
}
