package sqlstore_test

// The open download benchmark (OPN-1): a 1,000,000-row CSV download of an
// unconditionally open dataset (ten items, one de-identified), streamed
// from one read snapshot. It reports MB/s, rows/s and the peak Go heap in
// use while the file was written — flat whatever the size (figures, not
// assertions):
//
//	GOVDATA_TEST_POSTGRES='postgres://…' go test ./sqlstore -run '^$' -bench OpenDownload -benchtime 1x
//
// -ingest-rows changes the size (the rows are loaded once per engine).

import (
	"io"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/profiles"
	"github.com/govdata/govdata/sqlstore"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// countingWriter counts what a download writes, and throws it away.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

func BenchmarkOpenDownload(b *testing.B) {
	path := writeBenchCSV(b, *benchIngestRows)
	for _, e := range storetest.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			f := &openFixture{catalogFixture: newCatalogFixture(b, e, profiles.Default)}
			officer := f.as(govdata.RoleOfficer, f.cityPolice)
			in := entryInput("社会保险参保信息（开放）")
			in.OpenType, in.OpenConditions = govdata.OpenUnconditional, ""
			in.Items = benchItems(false)
			in.Items[2].Personal, in.Items[2].Open = true, govdata.ItemOpenDeidentified // the phone: level 2, served null
			f.entry = f.publish(b, officer, f.cityBureau, in)
			f.ds = sqlstore.NewDatasetService(f.base)
			file, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			batch, err := f.ds.Ingest(officer, govdata.IngestRequest{EntryID: f.entry.ID, Mode: govdata.IngestReplace,
				Source: govdata.SourceUpload, Format: govdata.FormatCSV, FileName: "bench.csv", Body: file})
			file.Close()
			if err != nil || batch.Report.RowsApplied != int64(*benchIngestRows) {
				b.Fatalf("ingest: %+v %v", batch, err)
			}
			masks := sqlstore.NewMaskService(f.db)
			data := sqlstore.NewDataService(f.base, masks, sqlstore.NewSourceService(f.base, f.ds, nil))
			f.open = sqlstore.NewOpenDataService(f.base, data, masks, f.cat.OpenCatalog())
			f.open.AnonBurst = 1 << 30
			b.ResetTimer()
			for b.Loop() {
				runtime.GC()
				stop := make(chan struct{})
				peak := peakHeap(stop)
				start := time.Now()
				out, err := f.open.Download(anonymous(), f.entry.ResourceCode, "csv")
				if err != nil {
					b.Fatal(err)
				}
				var w countingWriter
				if err := out.WriteTo(&w); err != nil {
					b.Fatal(err)
				}
				d := time.Since(start)
				close(stop)
				if out.Rows != int64(*benchIngestRows) {
					b.Fatalf("%d rows counted", out.Rows)
				}
				b.ReportMetric(float64(w.n)/(1<<20)/d.Seconds(), "MB/s")
				b.ReportMetric(float64(out.Rows)/d.Seconds(), "rows/s")
				b.ReportMetric(float64(w.n)/(1<<20), "file-MB")
				b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
			}
		})
	}
}
