package http_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/catalogxlsx"
	"github.com/govdata/govdata/ingest/ingesttest"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// An XLSX bomb (issue 11, item 5) through the router: a dataset upload and
// a catalog import are each refused with a 400 naming the part and the
// limit, and change nothing: no batch applied, no row, no entry.
func TestXLSXBombsHTTP(t *testing.T) {
	xlsx := map[string]string{"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
	// The incident's bomb: shared strings of a million texts, unzipping
	// without end; then the small ones (nesting, long texts, encodings,
	// lying headers).
	incident := func(base []byte) ingesttest.Bomb {
		return ingesttest.Bomb{Name: "a million shared strings", Saying: "共享字符串", File: ingesttest.With(t, base, "xl/sharedStrings.xml", func(w io.Writer) {
			io.WriteString(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
			io.WriteString(w, strings.Repeat("<si><t>x</t></si>", 1<<20+1))
			io.WriteString(w, "</sst>")
		})}
	}
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"统计年度", "人口数"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"2025", 1300})
	var dataBook bytes.Buffer
	if err := f.Write(&dataBook); err != nil {
		t.Fatal(err)
	}
	var catalogBook bytes.Buffer
	if err := catalogxlsx.Write(&catalogBook, []*govdata.Entry{{EntryInput: catalogInput("道路运输许可信息")}}); err != nil {
		t.Fatal(err)
	}
	dataBombs := append(ingesttest.SmallXLSXBombs(t, dataBook.Bytes()), incident(dataBook.Bytes()))
	catalogBombs := append(ingesttest.SmallXLSXBombs(t, catalogBook.Bytes()), incident(catalogBook.Bytes()))

	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		id := itoa(catalogEntry(t, e, "published"))
		data := "/api/v1/catalog/" + id + "/data"
		// The unbombed files are read.
		b := mustOK[govdata.Batch](t, e.do(t, req{method: "POST", path: data + "?mode=replace", as: "officer", body: dataBook.Bytes(), header: xlsx}), 201)
		if b.State != govdata.BatchApplied || b.Report.RowsApplied != 1 {
			t.Fatalf("the workbook itself: %+v", b)
		}
		entries := mustOK[govdata.EntryList](t, e.do(t, req{method: "GET", path: "/api/v1/catalog?limit=1", as: "officer"}), 200).Total

		for _, bomb := range dataBombs {
			r := mustError(t, e.do(t, req{method: "POST", path: data + "?mode=replace", as: "officer", body: bomb.File, header: xlsx}), 400, govdata.EINVALID)
			if bomb.Saying != "" && !strings.Contains(r.Error.Message, bomb.Saying) {
				t.Errorf("data, %s: %q, want it to say %q", bomb.Name, r.Error.Message, bomb.Saying)
			}
		}
		for _, bomb := range catalogBombs {
			r := mustError(t, e.do(t, req{method: "POST", path: "/api/v1/catalog/import", as: "officer", body: bomb.File, header: xlsx}), 400, govdata.EINVALID)
			if bomb.Saying != "" && !strings.Contains(r.Error.Message, bomb.Saying) {
				t.Errorf("import, %s: %q, want it to say %q", bomb.Name, r.Error.Message, bomb.Saying)
			}
		}

		applied := mustOK[govdata.BatchList](t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + id + "/batches?state=applied", as: "officer"}), 200)
		if len(applied.Items) != 1 || applied.Items[0].ID != b.ID {
			t.Errorf("applied batches after the bombs: %+v", applied.Items)
		}
		ds := mustOK[govdata.Dataset](t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + id + "/dataset", as: "officer"}), 200)
		if ds.Rows != 1 || ds.LastBatchID != b.ID {
			t.Errorf("dataset after the bombs: %+v", ds)
		}
		if after := mustOK[govdata.EntryList](t, e.do(t, req{method: "GET", path: "/api/v1/catalog?limit=1", as: "officer"}), 200).Total; after != entries {
			t.Errorf("%d entries after the bombs, %d before", after, entries)
		}
	})
}
