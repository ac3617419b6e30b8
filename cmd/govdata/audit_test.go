package main

import (
	"context"
	"database/sql"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// withoutMasterKey removes GOVDATA_MASTER_KEY for the rest of the test.
func withoutMasterKey(t *testing.T) {
	t.Helper()
	t.Setenv("GOVDATA_MASTER_KEY", "")
	os.Unsetenv("GOVDATA_MASTER_KEY")
}

// dirEntries lists the files of a folder (none when it does not exist).
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// tablesOf counts the tables of a PostgreSQL database.
func tablesOf(t *testing.T, dsn string) int {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAuditNotAStore: the audit commands check a store without changing it.
// On an empty folder or database they refuse with a clear message and exit
// 1, and leave no tables, no database file and no master key behind.
func TestAuditNotAStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		for _, args := range [][]string{{"verify"}, {"checkpoint"}, {"verify", "--checkpoint", "cp.json"}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				c := newCLI(t, e)
				withoutMasterKey(t)
				data := filepath.Join(c.dir, "data") // not there yet
				flags := []string{"--data", data}
				if c.dsn != "" {
					flags = append(flags, "--db", c.dsn)
				}
				stdout, stderr, code := runArgs(t, append(append([]string{"audit"}, args...), flags...)...)
				if code != 1 || !strings.Contains(stderr, "not a govdata database: no migrations applied") || stdout != "" {
					t.Errorf("audit %v on an empty store: exit %d, stdout %q, stderr %q; want 1 and \"not a govdata database\"", args, code, stdout, stderr)
				}
				if got := dirEntries(t, data); len(got) != 0 {
					t.Errorf("files left in --data: %v, want none", got)
				}
				if c.dsn != "" {
					if n := tablesOf(t, c.dsn); n != 0 {
						t.Errorf("%d tables in the database, want none", n)
					}
				}
			})
		}
	})
	// An existing folder without a database: the same, and it stays empty.
	c := newCLI(t, storetest.SQLite)
	withoutMasterKey(t)
	_, stderr, code := c.run("audit verify")
	if code != 1 || !strings.Contains(stderr, "holds no govdata store") {
		t.Errorf("audit verify on an empty folder: exit %d, stderr %q", code, stderr)
	}
	if got := dirEntries(t, c.dir); len(got) != 0 {
		t.Errorf("files left in the empty folder: %v, want none", got)
	}
}

// TestAuditMasterKey: only serve creates the master key. verify needs none;
// checkpoint and verify --checkpoint need the existing one and fail clearly
// without it, creating nothing.
func TestAuditMasterKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		c := newCLI(t, e)
		withoutMasterKey(t)
		keyFile := filepath.Join(c.dir, "master.key")
		noKey := func(after string) {
			t.Helper()
			if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
				t.Fatalf("after %s: %s exists (%v), want no master key", after, keyFile, err)
			}
		}
		c.mustRun("migrate")
		noKey("migrate")
		c.mustRun("user create", "--name", "审计", "--roles", "auditor", "shenji")
		c.mustRun("regions import", writeFile(t, "r.csv", "230000,黑龙江省\n"))
		noKey("user create and regions import")
		// migrate loads the shipped holidays (one record), then a user and a region.
		if out := c.mustRun("audit verify"); !strings.HasPrefix(out, "audit chain intact: 3 records") {
			t.Errorf("audit verify without a key: %q", out)
		}
		noKey("audit verify")
		for _, cmd := range []struct {
			name string
			args []string
		}{
			{"audit checkpoint", nil},
			{"audit verify", []string{"--checkpoint", writeFile(t, "cp.json", "{}")}},
		} {
			stdout, stderr, code := c.run(cmd.name, cmd.args...)
			if code != 1 || !strings.Contains(stderr, "no master key") || !strings.Contains(stderr, "GOVDATA_MASTER_KEY") || stdout != "" {
				t.Errorf("%s without a key: exit %d, stdout %q, stderr %q; want 1 and \"no master key\"", cmd.name, code, stdout, stderr)
			}
			noKey(cmd.name)
		}
		if head := auditRecords(t, c); head != 3 {
			t.Errorf("%d audit records, want 3: a refused checkpoint records nothing", head)
		}

		// serve's first start creates the key; the commands then use it.
		conf := newConfig("serve")
		conf.setOutput(io.Discard)
		if err := conf.parse(c.storeFlags()); err != nil {
			t.Fatal(err)
		}
		db, err := openStore(context.Background(), conf, sqlstore.Hooks{}, keyCreate)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		b, err := os.ReadFile(keyFile)
		if k, _ := hex.DecodeString(strings.TrimSpace(string(b))); err != nil || len(k) != 32 {
			t.Fatalf("master key after serve's open: %q, %v", b, err)
		}
		cp := filepath.Join(t.TempDir(), "cp.json")
		c.mustRun("audit checkpoint", "--out", cp)
		if out := c.mustRun("audit verify", "--checkpoint", cp); !strings.Contains(out, "1 checkpoint(s) held") {
			t.Errorf("verify --checkpoint: %q", out)
		}
	})
}

// auditRecords counts the audit records of the CLI's store.
func auditRecords(t *testing.T, c *cli) int64 {
	t.Helper()
	rows, err := storetest.OpenSQL(t, sqlstore.Options{DataDir: c.dir, DSN: c.dsn}).Query(context.Background(), "SELECT count(*) FROM audit_log")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	return n
}
