package sqlstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// openUnmigrated opens a store of engine e without migrating it.
func openUnmigrated(t *testing.T, e storetest.Engine, o sqlstore.Options) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), o)
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestLoadSettings: LoadSettings reads the init-time settings without
// changing anything, and tells a database that is not a govdata store.
func TestLoadSettings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		t.Parallel()
		ctx := context.Background()
		o := storetest.Options()
		if e == storetest.Postgres {
			o.DSN = storetest.CreateDatabase(t)
		} else {
			o.DataDir = t.TempDir()
		}

		// Never migrated: refused, and still nothing there afterwards.
		db := openUnmigrated(t, e, o)
		for range 2 {
			if err := db.LoadSettings(ctx); !errors.Is(err, sqlstore.ErrNotGovdata) ||
				!strings.Contains(err.Error(), "not a govdata database: no migrations applied") {
				t.Fatalf("LoadSettings on an empty database: %v, want ErrNotGovdata", err)
			}
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		db.Close()

		// The first Migrate initialised the defaults (sm3, three years).
		// Re-opened with other values, the store's stay in force, for
		// LoadSettings and Migrate alike.
		o2 := o
		o2.AuditHash, o2.AuditRetentionDays = govdata.HashSHA256, 2000
		db = openUnmigrated(t, e, o2)
		if err := db.LoadSettings(ctx); err != nil {
			t.Fatal(err)
		}
		if db.AuditHash() != govdata.HashSM3 || db.AuditRetentionDays() != sqlstore.MinAuditRetentionDays {
			t.Errorf("LoadSettings: %s, %d days; want the store's sm3, %d", db.AuditHash(), db.AuditRetentionDays(), sqlstore.MinAuditRetentionDays)
		}
		if err := db.Migrate(ctx); err != nil || db.AuditHash() != govdata.HashSM3 || db.AuditRetentionDays() != sqlstore.MinAuditRetentionDays {
			t.Errorf("Migrate: %s, %d days, %v; want the store's sm3, %d", db.AuditHash(), db.AuditRetentionDays(), err, sqlstore.MinAuditRetentionDays)
		}

		// A meta table without the setting is not a govdata store either.
		if err := storetest.OpenSQL(t, o2).Exec(ctx, "DELETE FROM meta WHERE key = 'audit_hash'"); err != nil {
			t.Fatal(err)
		}
		if err := db.LoadSettings(ctx); !errors.Is(err, sqlstore.ErrNotGovdata) {
			t.Errorf("LoadSettings without audit_hash: %v, want ErrNotGovdata", err)
		}
	})
}

// TestAuditRetentionRefused: a store is never initialised with a retention
// under three years (SX-22, HLJ-28, SEC-1).
func TestAuditRetentionRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		t.Parallel()
		o := storetest.Options()
		if e == storetest.Postgres {
			o.DSN = storetest.CreateDatabase(t)
		} else {
			o.DataDir = t.TempDir()
		}
		o.AuditRetentionDays = sqlstore.MinAuditRetentionDays - 1
		db := openUnmigrated(t, e, o)
		err := db.Migrate(context.Background())
		if err == nil || !strings.Contains(err.Error(), "SX-22") {
			t.Fatalf("Migrate with %d days: %v, want a refusal citing SX-22", o.AuditRetentionDays, err)
		}
	})
}

// TestMustExist: a store opened with MustExist creates no SQLite file or folder.
func TestMustExist(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	o := storetest.Options()
	o.DataDir, o.MustExist = dir, true
	if _, err := sqlstore.Open(context.Background(), o); !errors.Is(err, sqlstore.ErrNotGovdata) {
		t.Fatalf("Open: %v, want ErrNotGovdata", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the data folder was made: %v", err)
	}
}
