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

// TestPostgresPlansForValues: a catalog search is planned for its own
// words each time it runs (a prepared search keeps one plan for rare and
// common words alike, CAT-5), while every other read is prepared once per
// connection so that PostgreSQL may keep its generic plan (a data-service
// call, PRODUCT.md §5). The store leaves plan_cache_mode as the server or the
// --db URL sets it.
func TestPostgresPlansForValues(t *testing.T) {
	if storetest.PostgresDSN() == "" {
		t.Skip("no PostgreSQL")
	}
	dsn := storetest.CreateDatabase(t)
	for _, tc := range []struct{ dsn, want string }{{dsn, "auto"}, {dsn + "&plan_cache_mode=force_custom_plan", "force_custom_plan"}} {
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
		const search = "SELECT c.entry_id FROM catalog_search c WHERE c.status <> 'revoked' ORDER BY c.updated_at DESC LIMIT 1"
		for _, forValues := range []bool{true, false} {
			n, err := db.PreparedForTest(context.Background(), search, 7, forValues)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 0, false: 1}[forValues]; n != want {
				t.Errorf("planned for values %v: %d prepared statements, want %d", forValues, n, want)
			}
		}
		db.Close()
	}
}
