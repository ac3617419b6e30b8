package main

import (
	"context"
	"strings"
	"testing"

	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// The profile is chosen at first start and stays; a later --profile is
// ignored with a warning.
func TestProfileChosenAtInit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		c.mustRun("migrate", "--profile", "heilongjiang-2025")
		_, stderr, code := c.run("migrate", "--profile", "default")
		if code != 0 || !strings.Contains(stderr, "--profile is chosen at first start") {
			t.Errorf("second migrate with another profile: exit %d, stderr %q; want 0 and a warning", code, stderr)
		}
		db := c.open()
		if err := db.LoadSettings(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := db.Profile(); got != "heilongjiang-2025" {
			t.Errorf("profile in force = %q, want heilongjiang-2025", got)
		}
	})
}

// A bad profile stops the start with a message naming the file and line.
func TestServeRefusesBadProfile(t *testing.T) {
	c := newCLI(t, storetest.SQLite)
	good, err := profiles.ReadShipped(profiles.Default)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(good), "retention_years: {value: 3,", "retention_years: {value: 3, months: 2,", 1)
	file := writeFile(t, "mine.yaml", strings.Replace(bad, "name: default", "name: mine", 1))
	_, stderr, code := c.run("serve", "--profile", file, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "profile mine.yaml line 14: unknown key months") {
		t.Errorf("serve with a bad profile: exit %d, stderr %q; want 1 naming line 14", code, stderr)
	}
	_, stderr, code = c.run("serve", "--profile", "atlantis-2030", "--addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "no such profile") {
		t.Errorf("serve with an unknown profile: exit %d, stderr %q", code, stderr)
	}
}
