package sqlstore_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
)

// TestFillCatalogForBrowser fills a stopped govdata's SQLite data folder
// with published entries for the console's browser test of a catalog page
// over 100,000 entries (PRODUCT.md §5; web/e2e/catalog-scale.test.mjs),
// which runs it with
//
//	GOVDATA_FILL_CATALOG=<data folder> GOVDATA_FILL_ENTRIES=100000 GOVDATA_FILL_DEPARTMENTS=2,3
//
// Without GOVDATA_FILL_CATALOG it does nothing. The entries are the search
// benchmark's (FillCatalogForTest), written in a few large transactions:
// through the API, 100,000 would take far longer than the test is about.
func TestFillCatalogForBrowser(t *testing.T) {
	dir := os.Getenv("GOVDATA_FILL_CATALOG")
	if dir == "" {
		t.Skip("GOVDATA_FILL_CATALOG not set: only the browser test fills a data folder")
	}
	n, err := strconv.Atoi(os.Getenv("GOVDATA_FILL_ENTRIES"))
	if err != nil || n <= 0 {
		t.Fatalf("GOVDATA_FILL_ENTRIES=%q: want a count", os.Getenv("GOVDATA_FILL_ENTRIES"))
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, sqlstore.Options{DataDir: dir, MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := profiles.Load(profiles.Default)
	if err != nil {
		t.Fatal(err)
	}
	sys := govdata.WithActor(ctx, govdata.SystemActor)
	var depts []*govdata.Department
	for _, s := range strings.Split(os.Getenv("GOVDATA_FILL_DEPARTMENTS"), ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			t.Fatalf("GOVDATA_FILL_DEPARTMENTS: %v", err)
		}
		d, err := sqlstore.NewDepartmentService(db).FindDepartmentByID(sys, id)
		if err != nil {
			t.Fatal(err)
		}
		depts = append(depts, d)
	}
	base := sqlstore.NewBase(db, p, govdata.ChinaTime)
	cat := sqlstore.NewCatalogService(base, sqlstore.NewWorkflowService(base))
	start := time.Now()
	if err := cat.FillCatalogForTest(ctx, n, depts); err != nil {
		t.Fatal(err)
	}
	t.Logf("filled %d entries in %v", n, time.Since(start).Round(time.Millisecond))
}
