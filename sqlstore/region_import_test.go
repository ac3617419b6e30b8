package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// genRegionTree generates n valid regions, each parent before its children:
// provinces (11, 12, 13, …), ten cities each, ten counties per city, twenty
// townships per county and ten villages per township, depth first.
func genRegionTree(n int) []govdata.RegionInput {
	provinces := []string{"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
		"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}
	var out []govdata.RegionInput
	add := func(code, name string) bool {
		if len(out) == n {
			return false
		}
		out = append(out, govdata.RegionInput{Code: code, Name: name})
		return true
	}
	for _, p := range provinces {
		if !add(p+"0000", "省"+p) {
			return out
		}
		for c := 1; c <= 10; c++ {
			city := fmt.Sprintf("%s%02d", p, c)
			if !add(city+"00", "市"+city) {
				return out
			}
			for d := 1; d <= 10; d++ {
				county := fmt.Sprintf("%s%02d", city, d)
				if !add(county, "县"+county) {
					return out
				}
				for tw := 1; tw <= 20; tw++ {
					town := fmt.Sprintf("%s%03d", county, tw)
					if !add(town, "镇"+town) {
						return out
					}
					for v := 1; v <= 10; v++ {
						village := fmt.Sprintf("%s%03d", town, v)
						if !add(village, "村"+village) {
							return out
						}
					}
				}
			}
		}
	}
	return out
}

// regionImportRecords returns the details of the region.import records after seq.
func regionImportRecords(t *testing.T, db *sqlstore.DB, after int64) []map[string]any {
	t.Helper()
	l, err := sqlstore.NewAuditService(db).FindAudit(storetest.System(), govdata.AuditFilter{Action: "region.import", Page: govdata.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, r := range l.Items {
		if r.Seq <= after {
			continue
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(r.Detail), &d); err != nil {
			t.Fatalf("record %d: detail %q: %v", r.Seq, r.Detail, err)
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b map[string]any) int { return int(a["chunk"].(float64) - b["chunk"].(float64)) })
	return out
}

func importAuditHead(t *testing.T, db *sqlstore.DB) int64 {
	t.Helper()
	rows, err := storetest.SQL(t, db).Query(context.Background(), "SELECT seq FROM audit_head WHERE id = 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var seq int64
	for rows.Next() {
		if err := rows.Scan(&seq); err != nil {
			t.Fatal(err)
		}
	}
	return seq
}

// TestImportRegionsChunked: a large import is written parents first in
// chunks, each its own transaction with its own audit record, so that other
// writes commit between them; re-importing it changes nothing.
func TestImportRegionsChunked(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		t.Parallel()
		db := storetest.Open(t, e, nil)
		regions := sqlstore.NewRegionService(db)
		rows := genRegionTree(2500) // 110000 and the first of its cities, counties, townships and villages
		slices.Reverse(rows)        // children before their parents
		// A name given twice: the last one wins, counted as a rename.
		rows = append(rows, govdata.RegionInput{Code: "110101001", Name: "改名镇"})

		before := importAuditHead(t, db)
		var progress []int
		interleaved := false
		res, err := regions.ImportRegionsWith(storetest.System(), rows, sqlstore.RegionImportOptions{
			ChunkSize: 1000,
			Progress: func(done, total int) {
				progress = append(progress, done)
				if total != len(rows) {
					t.Errorf("progress total %d, want %d", total, len(rows))
				}
				if done == 1000 {
					// The store's single writer is free between chunks.
					ctx, cancel := context.WithTimeout(storetest.System(), 10*time.Second)
					defer cancel()
					_, err := regions.CreateRegion(ctx, govdata.RegionInput{Code: "120000", Name: "天津市"})
					interleaved = err == nil
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := (govdata.RegionImportResult{Created: 2500, Renamed: 1}); res != want {
			t.Fatalf("import: %+v, want %+v", res, want)
		}
		if !slices.Equal(progress, []int{1000, 2000, 2501}) {
			t.Fatalf("progress %v, want 1000, 2000, 2501", progress)
		}
		if !interleaved {
			t.Fatalf("another write could not commit between two chunks")
		}
		recs := regionImportRecords(t, db, before)
		if len(recs) != 3 {
			t.Fatalf("%d region.import records, want one per chunk (3): %v", len(recs), recs)
		}
		var sum govdata.RegionImportResult
		for i, d := range recs {
			sum.Created += int(d["created"].(float64))
			sum.Renamed += int(d["renamed"].(float64))
			sum.Unchanged += int(d["unchanged"].(float64))
			if d["chunk"] != float64(i+1) || d["chunks"] != float64(3) || d["first_code"] == nil || d["last_code"] == nil {
				t.Errorf("record of chunk %d: %v", i+1, d)
			}
		}
		if sum != res {
			t.Errorf("the records count %+v, the import %+v", sum, res)
		}
		// The first chunk holds the parents: the province comes first.
		if recs[0]["first_code"] != "110000" || recs[2]["last_code"] == nil {
			t.Errorf("chunk ranges: %v … %v", recs[0], recs[2])
		}
		for code, want := range map[string][2]string{
			"110000":       {"", "省11"},
			"110100":       {"110000", "市1101"},
			"110101":       {"110100", "县110101"},
			"110101001":    {"110101", "改名镇"},
			"110101001001": {"110101001", "村110101001001"},
		} {
			r, err := regions.FindRegionByCode(storetest.System(), code)
			if err != nil || r.ParentCode != want[0] || r.Name != want[1] {
				t.Errorf("%s: %+v, %v; want %s under %q", code, r, err, want[1], want[0])
			}
		}
		if v, err := sqlstore.NewAuditService(db).VerifyAudit(storetest.System(), nil); err != nil || !v.Intact {
			t.Fatalf("verify: %+v, %v", v, err)
		}

		// The same list again: nothing changes, one record per chunk still.
		before = importAuditHead(t, db)
		res, err = regions.ImportRegionsWith(storetest.System(), rows[:2500], sqlstore.RegionImportOptions{ChunkSize: 1000})
		if err != nil || res != (govdata.RegionImportResult{Unchanged: 2499, Renamed: 1}) {
			t.Fatalf("re-import: %+v, %v; want 2499 unchanged and the township renamed back", res, err)
		}
		if n := len(regionImportRecords(t, db, before)); n != 3 {
			t.Fatalf("re-import: %d records, want 3", n)
		}
	})
}

// TestImportRegionsRefusedUpFront: a row whose parent is neither in the file
// nor in the store refuses the whole import before any chunk is written,
// even when it sorts into the last chunk; parents in the store count.
func TestImportRegionsRefusedUpFront(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		t.Parallel()
		db := storetest.Open(t, e, nil)
		regions := sqlstore.NewRegionService(db)
		opts := sqlstore.RegionImportOptions{ChunkSize: 100}
		tree := genRegionTree(1000)
		// Villages of a township that is nowhere, at the end of the file.
		rows := append(slices.Clone(tree), govdata.RegionInput{Code: "110101999001", Name: "孤村"})
		before := importAuditHead(t, db)
		_, err := regions.ImportRegionsWith(storetest.System(), rows, opts)
		var ge *govdata.Error
		if govdata.ErrorCodeOf(err) != govdata.EINVALID || !errors.As(err, &ge) || ge.Details["row"] != len(rows) ||
			ge.Message.Text("en") != fmt.Sprintf("row %d: parent region does not exist: 110101999", len(rows)) {
			t.Fatalf("import with an orphan: %v, want EINVALID naming row %d", err, len(rows))
		}
		if got := importAuditHead(t, db); got != before {
			t.Fatalf("audit head %d, want %d: a refused import writes nothing", got, before)
		}
		if l, _ := regions.FindRegions(storetest.System(), govdata.RegionFilter{}); len(l.Items) != 0 {
			t.Fatalf("regions after a refused import: %d, want none", len(l.Items))
		}

		// The parents of the first part in the store, the rest in the file.
		if _, err := regions.ImportRegionsWith(storetest.System(), tree[:300], opts); err != nil {
			t.Fatal(err)
		}
		rest := slices.Clone(tree[300:])
		slices.Reverse(rest)
		res, err := regions.ImportRegionsWith(storetest.System(), rest, opts)
		if err != nil || res.Created != 700 {
			t.Fatalf("import under stored parents: %+v, %v; want 700 created", res, err)
		}
		// A region already in the store is only renamed, whatever parent
		// the file names for it: 120105 sits under its province, and the
		// file names a city that exists nowhere.
		if _, err := regions.ImportRegionsWith(storetest.System(), []govdata.RegionInput{{Code: "120000", Name: "天津市"}, {Code: "120105", Name: "河北区"}}, opts); err != nil {
			t.Fatal(err)
		}
		renamed := []govdata.RegionInput{{Code: "120105", Name: "河北区（新）", ParentCode: "120100"}}
		if res, err := regions.ImportRegionsWith(storetest.System(), renamed, opts); err != nil || res != (govdata.RegionImportResult{Renamed: 1}) {
			t.Fatalf("rename: %+v, %v; want 1 renamed", res, err)
		}
		// A new one under that missing city is refused.
		_, err = regions.ImportRegionsWith(storetest.System(), []govdata.RegionInput{{Code: "120106", Name: "红桥区", ParentCode: "120100"}}, opts)
		if govdata.ErrorCodeOf(err) != govdata.EINVALID {
			t.Fatalf("new region under a missing parent: %v, want EINVALID", err)
		}
	})
}

// BenchmarkImportRegions imports generated lists (children first) into a
// fresh store per run on every engine. Run with -benchtime=1x for the large
// sizes:
//
//	GOVDATA_TEST_POSTGRES=… go test -run '^$' -bench ImportRegions -benchtime=1x ./sqlstore/
func BenchmarkImportRegions(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		for _, n := range []int{20000, 200000, 665000} { // 665,000: the national list down to villages
			b.Run(fmt.Sprintf("%s/%d", e, n), func(b *testing.B) {
				rows := genRegionTree(n)
				slices.Reverse(rows)
				for range b.N {
					b.StopTimer()
					db := storetest.Open(b, e, nil)
					regions := sqlstore.NewRegionService(db)
					b.StartTimer()
					res, err := regions.ImportRegions(storetest.System(), rows)
					if err != nil || res.Created != n {
						b.Fatalf("import: %+v, %v", res, err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}
