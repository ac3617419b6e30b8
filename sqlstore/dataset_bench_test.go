package sqlstore_test

// The ingest benchmark (AGG-1; issue 5: a 1,000,000-row, 10-column CSV with
// two format rules; SQLite ≥ 200,000 rows/s, PostgreSQL ≥ 60 % of a raw
// COPY of the same file measured in the same run):
//
//	GOVDATA_TEST_POSTGRES='postgres://…' go test ./sqlstore -run '^$' -bench DatasetIngest -benchtime 1x
//
// -ingest-rows changes the size. Each op loads the file with mode=replace
// through DatasetService.Ingest (read, check, stage, swap) and reports rows
// per second and the peak Go heap in use while it ran; on PostgreSQL a raw
// COPY of the same file into a table of ten text columns runs first.
// "sealed" adds one item at sensitivity 4 (SM4-GCM and a blind index).

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

var benchIngestRows = flag.Int("ingest-rows", 1_000_000, "rows of the ingest benchmark's CSV")

// benchItems: ten items, citizen_id and phone formats, the id the key.
func benchItems(sealed bool) []govdata.Item {
	items := []govdata.Item{
		{Name: "公民身份号码", Type: govdata.ItemChar, Length: 18, Sensitivity: 2, Key: true, Rules: &govdata.Rules{Required: true, Format: govdata.FormatCitizenID}},
		{Name: "姓名", Type: govdata.ItemChar, Length: 50, Sensitivity: 2},
		{Name: "联系电话", Type: govdata.ItemChar, Length: 20, Sensitivity: 2, Rules: &govdata.Rules{Format: govdata.FormatPhone}},
		{Name: "行政区划代码", Type: govdata.ItemChar, Length: 6, Sensitivity: 1, Region: true},
		{Name: "住址", Type: govdata.ItemChar, Length: 200, Sensitivity: 2},
		{Name: "工作单位", Type: govdata.ItemChar, Length: 100, Sensitivity: 1},
		{Name: "登记日期", Type: govdata.ItemDate, Sensitivity: 1},
		{Name: "参保状态", Type: govdata.ItemChar, Length: 10, Sensitivity: 1},
		{Name: "缴费基数", Type: govdata.ItemMoney, Length: 12, Sensitivity: 1},
		{Name: "备注", Type: govdata.ItemChar, Length: 200, Sensitivity: 1},
	}
	if sealed {
		items[1].Sensitivity = 4
		items[1].Personal = true
	}
	return items
}

// writeBenchCSV writes rows distinct valid rows.
func writeBenchCSV(b *testing.B, rows int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "公民身份号码,姓名,联系电话,行政区划代码,住址,工作单位,登记日期,参保状态,缴费基数,备注")
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	const check = "10X98765432"
	start := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < rows; i++ {
		birth := start.AddDate(0, 0, i%20000).Format("20060102")
		id := fmt.Sprintf("230102%s%03d", birth, i/20000%1000)
		sum := 0
		for j, w := range weights {
			sum += int(id[j]-'0') * w
		}
		id += string(check[sum%11])
		fmt.Fprintf(w, "%s,张%d,1380013%04d,230102,黑龙江省哈尔滨市道里区中央大街%d号,哈尔滨市第%d中学,2024-%02d-%02d,正常,%d.50,\n",
			id, i, i%10000, i%500, i%90, i%12+1, i%28+1, 3000+i%5000)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

// peakHeap samples the Go heap in use until stop is closed.
func peakHeap(stop <-chan struct{}) *atomic.Uint64 {
	var peak atomic.Uint64
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return &peak
}

func BenchmarkDatasetIngest(b *testing.B) {
	path := writeBenchCSV(b, *benchIngestRows)
	for _, e := range storetest.Engines(b) {
		for _, sealed := range []bool{false, true} {
			name := string(e)
			if sealed {
				name += "/sealed"
			}
			b.Run(name, func(b *testing.B) {
				f := &datasetFixture{catalogFixture: newCatalogFixture(b, e, profiles.Default)}
				f.ds = sqlstore.NewDatasetService(f.base)
				f.officer = f.as(govdata.RoleOfficer, f.cityPolice)
				in := entryInput("社会保险参保信息")
				in.Items = benchItems(sealed)
				f.entry = f.publish(b, f.officer, f.cityBureau, in)
				copyRate := 0.0
				if e == storetest.Postgres && !sealed {
					copyRate = copyBaseline(b, f.db, path)
				}
				b.ResetTimer()
				for b.Loop() {
					file, err := os.Open(path)
					if err != nil {
						b.Fatal(err)
					}
					runtime.GC()
					stop := make(chan struct{})
					peak := peakHeap(stop)
					start := time.Now()
					batch, err := f.ds.Ingest(f.officer, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace,
						Source: govdata.SourceUpload, Format: govdata.FormatCSV, FileName: "bench.csv", Body: file})
					d := time.Since(start)
					close(stop)
					file.Close()
					if err != nil {
						b.Fatal(err)
					}
					if batch.State != govdata.BatchApplied || batch.Report.RowsApplied != int64(*benchIngestRows) {
						b.Fatalf("batch %+v", batch)
					}
					b.ReportMetric(float64(*benchIngestRows)/d.Seconds(), "rows/s")
					b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
					if copyRate > 0 {
						b.ReportMetric(copyRate, "copy-rows/s")
						b.ReportMetric(100*float64(*benchIngestRows)/d.Seconds()/copyRate, "%-of-copy")
					}
				}
			})
		}
	}
}

// copyBaseline reports PostgreSQL's own COPY of the file into ten text
// columns, as rows/s.
func copyBaseline(b *testing.B, db *sqlstore.DB, path string) float64 {
	b.Helper()
	ctx := context.Background()
	if err := storetest.SQL(b, db).Exec(ctx, "CREATE TABLE copy_baseline (c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT, c8 TEXT, c9 TEXT, c10 TEXT)"); err != nil {
		b.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer file.Close()
	start := time.Now()
	n, err := db.CopyCSVForTest(ctx, "copy_baseline", file)
	if err != nil || n != int64(*benchIngestRows) {
		b.Fatalf("COPY: %d rows, %v", n, err)
	}
	return float64(n) / time.Since(start).Seconds()
}
