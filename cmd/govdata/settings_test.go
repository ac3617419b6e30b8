package main

import (
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/govdata/govdata/sqlstore/storetest"
)

// TestAuditRetentionMinimum: a retention under three years is refused at
// start, from a flag, the environment or the file, before anything is made.
func TestAuditRetentionMinimum(t *testing.T) {
	c := newCLI(t, storetest.SQLite)
	for _, tt := range []struct {
		name string
		env  string
		args []string
	}{
		{"flag", "", []string{"--audit-retention-days", "365"}},
		{"flag, one day short", "", []string{"--audit-retention-days", "1095"}},
		{"environment", "1000", nil},
		{"file", "", []string{"--config", writeFile(t, "govdata.toml", "audit-retention-days = 30\n")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("GOVDATA_AUDIT_RETENTION_DAYS", tt.env)
			}
			for _, cmd := range []string{"migrate", "audit verify"} {
				stdout, stderr, code := c.run(cmd, tt.args...)
				if code != 1 || stdout != "" {
					t.Errorf("%s: exit %d, stdout %q; want 1", cmd, code, stdout)
				}
				for _, want := range []string{"--audit-retention-days", "at least three years", "1096", "SX-22", "HLJ-28", "SEC-1"} {
					if !strings.Contains(stderr, want) {
						t.Errorf("%s: stderr does not say %q: %s", cmd, want, stderr)
					}
				}
			}
			if got := dirEntries(t, c.dir); len(got) != 0 {
				t.Errorf("files made by a refused start: %v", got)
			}
		})
	}
	// Three years are accepted and stored.
	c.mustRun("migrate", "--audit-retention-days", "1096")
	db := c.open()
	if err := db.LoadSettings(t.Context()); err != nil || db.AuditRetentionDays() != 1096 {
		t.Errorf("stored retention %d (%v), want 1096", db.AuditRetentionDays(), err)
	}
}

// TestInitSettingsWarning: the audit hash and retention are fixed at init.
// Given again with other values (flag, environment or file), they change
// nothing and a warning says the store's values stay in force; left at
// their defaults they warn of nothing.
func TestInitSettingsWarning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		_, stderr, _ := c.run("migrate", "--audit-hash", "sha256", "--audit-retention-days", "2000")
		if strings.Contains(stderr, "stays in force") {
			t.Errorf("first migrate warns: %s", stderr)
		}
		for _, tt := range []struct {
			name string
			cmd  string
			env  map[string]string
			args []string
			want []string // the settings warned of
		}{
			{"defaults", "migrate", nil, nil, nil},
			{"same values", "migrate", nil, []string{"--audit-hash", "sha256", "--audit-retention-days", "2000"}, nil},
			{"hash flag equal to the default", "migrate", nil, []string{"--audit-hash", "sm3"}, []string{"audit-hash"}},
			{"retention from the environment", "migrate", map[string]string{"GOVDATA_AUDIT_RETENTION_DAYS": "1500"}, nil, []string{"audit-retention-days"}},
			{"both from the file", "user create", nil, []string{"--config", writeFile(t, "g.toml", "audit-hash = \"sm3\"\naudit-retention-days = 3000\n"),
				"--name", "审计", "--roles", "auditor", "shenji"}, []string{"audit-hash", "audit-retention-days"}},
			{"audit verify", "audit verify", nil, []string{"--audit-hash", "sm3"}, []string{"audit-hash"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				for k, v := range tt.env {
					t.Setenv(k, v)
				}
				stdout, stderr, code := c.run(tt.cmd, tt.args...)
				if code != 0 {
					t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
				}
				var got []string
				for _, line := range strings.Split(stderr, "\n") {
					if !strings.Contains(line, "stays in force") {
						continue
					}
					switch {
					case strings.Contains(line, "--audit-hash") && strings.Contains(line, "in_force=sha256"):
						got = append(got, "audit-hash")
					case strings.Contains(line, "--audit-retention-days") && strings.Contains(line, "in_force=2000"):
						got = append(got, "audit-retention-days")
					default:
						t.Errorf("warning %q", line)
					}
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("warnings of %v, want %v; stderr:\n%s", got, tt.want, stderr)
				}
				if tt.cmd == "audit verify" && !strings.Contains(stdout, "sha256") {
					t.Errorf("verify does not use the store's hash: %s", stdout)
				}
			})
		}
		db := c.open()
		if err := db.LoadSettings(t.Context()); err != nil || db.AuditHash() != "sha256" || db.AuditRetentionDays() != 2000 {
			t.Errorf("stored settings %s, %d (%v); want sha256, 2000", db.AuditHash(), db.AuditRetentionDays(), err)
		}
	})
}

// TestTrustedProxiesSetting: --trusted-proxies takes addresses and CIDR
// ranges, from the flag or the environment, and refuses anything else.
func TestTrustedProxiesSetting(t *testing.T) {
	cleanEnv(t)
	c := newConfig("serve")
	if err := c.parse(nil); err != nil || len(c.trustedProxies) != 0 {
		t.Fatalf("default: %v, %v; want none", c.trustedProxies, err)
	}
	c = newConfig("serve")
	if err := c.parse([]string{"--trusted-proxies", "10.0.0.0/8, 192.0.2.7,2001:db8::/32,::1, ::ffff:10.1.0.0/112, 192.0.2.9/24"}); err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"), netip.MustParsePrefix("2001:db8::/32"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("192.0.2.0/24"),
	}
	if !slices.Equal(c.trustedProxies, want) {
		t.Errorf("parsed %v, want %v", c.trustedProxies, want)
	}
	t.Setenv("GOVDATA_TRUSTED_PROXIES", "172.16.0.0/12")
	c = newConfig("serve")
	if err := c.parse(nil); err != nil || !slices.Equal(c.trustedProxies, []netip.Prefix{netip.MustParsePrefix("172.16.0.0/12")}) {
		t.Errorf("from the environment: %v, %v", c.trustedProxies, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0", "fe80::1%eth0"} {
		c := newConfig("serve")
		c.setOutput(io.Discard)
		err := c.parse([]string{"--trusted-proxies", "10.0.0.1," + bad})
		if err == nil || !strings.Contains(err.Error(), "trusted-proxies") || !strings.Contains(err.Error(), bad) {
			t.Errorf("--trusted-proxies %s: %v, want an error naming it", bad, err)
		}
	}
	// Through the command: exit 1 before anything starts.
	dir := t.TempDir()
	_, stderr, code := runArgs(t, "serve", "--data", dir, "--trusted-proxies", "nonsense")
	if code != 1 || !strings.Contains(stderr, "nonsense") {
		t.Errorf("serve with a bad --trusted-proxies: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "govdata.db")); !os.IsNotExist(err) {
		t.Errorf("a refused serve made a database: %v", err)
	}
}

// Background-work settings that cannot work stop the start before the
// store is touched, naming the setting.
func TestServeRefusesBadBackgroundSettings(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sweep-interval", "0s"}, "--sweep-interval must be positive"},
		{[]string{"--delivery-interval", "-1s"}, "--delivery-interval must be positive"},
		{[]string{"--reminder-days", "-1"}, "--reminder-days must be 0 to 30"},
		{[]string{"--verify-rate", "0"}, "--verify-rate must be positive"},
		{[]string{"--verify-burst", "0"}, "--verify-burst at least 1"},
		{[]string{"--verify-miss-run", "0"}, "--verify-miss-run must be at least 1"},
		{[]string{"--verify-miss-window", "0s"}, "--verify-miss-window positive"},
		{[]string{"--smtp-addr", "mail.gov.cn", "--smtp-from", "noreply@data.gov.cn"}, "is not host:port"},
		{[]string{"--smtp-addr", "mail.gov.cn:25"}, "sender address"},
		{[]string{"--smtp-addr", "mail.gov.cn:465", "--smtp-from", "noreply@data.gov.cn", "--smtp-tls", "ssl"}, "none of starttls, tls, none"},
		{[]string{"--smtp-addr", "mail.gov.cn:465", "--smtp-from", "noreply@data.gov.cn", "--smtp-ca-file", "/nonexistent/ca.pem"}, "--smtp-ca-file"},
		{[]string{"--public-url", "ftp://data.gov.cn"}, "--public-url must be an http or https address"},
	} {
		c := newCLI(t, storetest.SQLite)
		_, stderr, code := c.run("serve", append([]string{"--addr", "127.0.0.1:0"}, tc.args...)...)
		if code != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("serve %v: exit %d, stderr %q; want 1 and %q", tc.args, code, stderr, tc.want)
		}
		if got := dirEntries(t, c.dir); len(got) != 0 {
			t.Errorf("serve %v made files before refusing: %v", tc.args, got)
		}
	}
}
