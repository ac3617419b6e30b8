package sqlstore_test

import (
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
