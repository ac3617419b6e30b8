package http_test

import (
	"bytes"
	"encoding/csv"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/sqlstore/storetest"
)

// AGG-1…3 through the router: a CSV in GBK, an XLSX in a form, JSON rows;
// the report, the rejected rows as CSV, the rows and the batches.
func TestDatasetHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		id := itoa(catalogEntry(t, e, "published"))
		data := "/api/v1/catalog/" + id + "/data"

		gbk, err := simplifiedchinese.GBK.NewEncoder().String("统计年度,人口数\n2024,1200\n")
		if err != nil {
			t.Fatal(err)
		}
		b := mustOK[govdata.Batch](t, e.do(t, req{method: "POST", path: data + "?mode=replace&file_name=" + url.QueryEscape("人口.csv"), as: "officer",
			body: []byte(gbk), header: map[string]string{"Content-Type": "text/csv"}}), 201)
		if b.State != govdata.BatchApplied || b.Report.RowsApplied != 1 || b.FileName != "人口.csv" || b.Format != govdata.FormatCSV {
			t.Fatalf("csv batch %+v", b)
		}

		// An XLSX in the form field file; one row has text in a number column.
		f := excelize.NewFile()
		for i, row := range [][]any{{"统计年度", "人口数"}, {"2025", 1300}, {"2026", "很多"}} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow("Sheet1", cell, &row)
		}
		var xlsx bytes.Buffer
		f.Write(&xlsx)
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		fw, _ := mw.CreateFormFile("file", "人口.xlsx")
		fw.Write(xlsx.Bytes())
		mw.Close()
		x := mustOK[govdata.Batch](t, e.do(t, req{method: "POST", path: data + "?mode=replace", as: "officer", body: form.Bytes(),
			header: map[string]string{"Content-Type": mw.FormDataContentType()}}), 201)
		// The default profile refuses a batch with rejections whole.
		if x.State != govdata.BatchRefused || x.Report.RowsRejected != 1 || x.Format != govdata.FormatXLSX || x.FileName != "人口.xlsx" {
			t.Fatalf("xlsx batch %+v", x)
		}
		rej := e.do(t, req{method: "GET", path: "/api/v1/batches/" + itoa(x.ID) + "/rejected.csv", as: "officer"})
		mustStatus(t, rej, 200)
		want := "\ufeff序号 row,行号 line,原因 reasons,统计年度,人口数\n2,3,人口数：类型不符（type）,2026,很多\n"
		if string(rej.body) != want {
			t.Errorf("rejected.csv:\n%q\nwant\n%q", rej.body, want)
		}

		// JSON rows by API.
		j := mustOK[govdata.Batch](t, e.do(t, req{method: "POST", path: data + "?mode=replace", as: "officer",
			body: `{"rows": [{"统计年度": "2025", "人口数": 1300}, {"统计年度": "2026", "人口数": 1350}]}`}), 201)
		if j.State != govdata.BatchApplied || j.Source != govdata.SourceAPI || j.Report.RowsApplied != 2 {
			t.Fatalf("json batch %+v", j)
		}
		rows := mustOK[govdata.RowList](t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + id + "/rows?limit=1", as: "officer"}), 200)
		if len(rows.Items) != 1 || rows.NextCursor == "" || *rows.Items[0].Values["统计年度"] != "2025" || rows.Items[0].BatchID != j.ID {
			t.Fatalf("rows %+v", rows)
		}
		next := mustOK[govdata.RowList](t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + id + "/rows?limit=1&cursor=" + rows.NextCursor, as: "officer"}), 200)
		if len(next.Items) != 1 || *next.Items[0].Values["统计年度"] != "2026" || next.NextCursor != "" {
			t.Fatalf("second page %+v", next)
		}
		hist := mustOK[map[string][]govdata.DatasetRow](t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + id + "/rows/history?where=" + url.QueryEscape("统计年度:2024"), as: "officer"}), 200)
		if len(hist["items"]) != 1 || hist["items"][0].BatchID != b.ID || hist["items"][0].SupersededBy != j.ID {
			t.Fatalf("history %+v", hist)
		}
		list := mustOK[govdata.BatchList](t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + id + "/batches?state=applied", as: "reviewer"}), 200)
		if len(list.Items) != 2 || list.Items[0].ID != j.ID || list.Items[1].ID != b.ID {
			t.Fatalf("batches %+v", list)
		}
		ds := mustOK[govdata.Dataset](t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + id + "/dataset", as: "reviewer"}), 200)
		if ds.Rows != 2 || ds.LastBatchID != j.ID || len(ds.Columns) != 2 {
			t.Fatalf("dataset %+v", ds)
		}

		// Bad input: clear 4xx, nothing applied.
		mustError(t, e.do(t, req{method: "POST", path: data, as: "officer", body: []byte("<rows/>"), header: map[string]string{"Content-Type": "application/xml"}}), 415, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "POST", path: data + "?mode=merge", as: "officer", body: `{"rows": []}`}), 400, govdata.EINVALID)
		bad := mustError(t, e.do(t, req{method: "POST", path: data + "?mode=replace", as: "officer", body: []byte("年份,人口数\n2025,1\n"),
			header: map[string]string{"Content-Type": "text/csv"}}), 400, govdata.EINVALID)
		if !strings.Contains(bad.Error.Message, "年份") {
			t.Errorf("unknown column: %+v", bad)
		}
		mustError(t, e.do(t, req{method: "POST", path: "/api/v1/catalog/" + itoa(catalogEntry(t, e, "draft")) + "/data", as: "officer", body: `{"rows": []}`}), 409, govdata.ECONFLICT)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + id + "/rows?where=nocolon", as: "officer"}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + id + "/rows?where=" + url.QueryEscape("籍贯:黑龙江"), as: "officer"}), 400, govdata.EINVALID)
		mustError(t, e.do(t, req{method: "GET", path: "/api/v1/batches/999999", as: "officer"}), 404, govdata.ENOTFOUND)
		after := mustOK[govdata.RowList](t, e.do(t, req{method: "GET", path: "/api/v1/catalog/" + id + "/rows", as: "officer"}), 200)
		if len(after.Items) != 2 {
			t.Errorf("rows after bad requests: %+v", after)
		}
	})
}

// CSV injection: the values of rejected rows are the uploader's, and the
// rejected.csv that another person opens in a spreadsheet writes any that
// would be a formula (=, +, -, @, tab, CR first) as text.
func TestRejectedCSVFormulas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		e := newEnv(t, engine, envOptions{})
		id := itoa(catalogEntry(t, e, "published"))
		leads := []string{"=", "+", "-", "@", "\t", "\r"}
		var rows []map[string]string
		for _, lead := range leads {
			rows = append(rows, map[string]string{"统计年度": lead + "1+1", "人口数": lead + "HYPERLINK(\"http://evil.example\")"})
		}
		b := mustOK[govdata.Batch](t, e.do(t, req{method: "POST", path: "/api/v1/catalog/" + id + "/data?mode=replace", as: "officer",
			body: map[string]any{"rows": rows}}), 201)
		if b.Report.RowsRejected != int64(len(leads)) {
			t.Fatalf("batch %+v", b)
		}
		rej := e.do(t, req{method: "GET", path: "/api/v1/batches/" + itoa(b.ID) + "/rejected.csv", as: "officer"})
		mustStatus(t, rej, 200)
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(rej.body), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(records) != len(leads)+1 {
			t.Fatalf("rejected.csv %q", records)
		}
		for i, lead := range leads {
			got := records[i+1][3:]
			if got[0] != "'"+lead+"1+1" || got[1] != "'"+lead+"HYPERLINK(\"http://evil.example\")" {
				t.Errorf("lead %q: %q", lead, got)
			}
		}
	})
}
