package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

func TestMigrationListsMatch(t *testing.T) {
	lite, err := sqlstore.MigrationNames("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sqlstore.MigrationNames("postgres")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lite, pg) || len(lite) == 0 {
		t.Fatalf("migrations differ: sqlite %v, postgres %v", lite, pg)
	}
}

func TestOpenAndMigrate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		db := storetest.Open(t, e, nil)
		if got := db.Engine(); got != string(e) {
			t.Fatalf("engine = %q, want %q", got, e)
		}
	})
}

// A data folder whose name holds characters a file: URI reserves opens
// the file it names, not one cut at the '#' or '?'.
func TestDataFolderWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "数据#1?x%20")
	opts := storetest.Options()
	opts.DataDir = dir
	db := storetest.Open(t, storetest.SQLite, &opts)
	db.Close()
	if _, err := os.Stat(filepath.Join(dir, "govdata.db")); err != nil {
		t.Fatalf("the store is not in %s: %v", dir, err)
	}
}

// PostgreSQL plans each statement for its values (a prepared search would
// otherwise keep one plan for rare and common words alike); a URL's own
// setting wins.
func TestPostgresPlansForValues(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("no PostgreSQL")
	}
	dsn := storetest.CreateDatabase(t)
	for _, tc := range []struct{ dsn, want string }{{dsn, "force_custom_plan"}, {dsn + "&plan_cache_mode=auto", "auto"}} {
		opts := storetest.Options()
		opts.DSN = tc.dsn
		db := storetest.Open(t, storetest.Postgres, &opts)
		got, err := db.SettingForTest(context.Background(), "plan_cache_mode")
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s: plan_cache_mode %q, want %q", tc.dsn, got, tc.want)
		}
		db.Close()
	}
}
