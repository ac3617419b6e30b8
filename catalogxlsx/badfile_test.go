package catalogxlsx_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/catalogxlsx"
	"github.com/govdata/govdata/ingest/ingesttest"
	"github.com/xuri/excelize/v2"
)

// zipOf writes a zip of the named parts.
func zipOf(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rezip copies a zip, replacing parts by name and adding through extra.
func rezip(t testing.TB, b []byte, replace map[string]string, extra func(zw *zip.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if body, ok := replace[f.Name]; ok {
			_, err = io.WriteString(w, body)
		} else {
			var rc io.ReadCloser
			if rc, err = f.Open(); err == nil {
				_, err = io.Copy(w, rc)
				rc.Close()
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if extra != nil {
		extra(zw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseRefusesFiles(t *testing.T) {
	valid := validBook(t).bytes()
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 4088)...)
	tests := []struct {
		name   string
		file   []byte
		saying string
	}{
		{"an empty file", nil, "空的"},
		{"random bytes", random, "不是 Excel 工作簿"},
		{"a CSV", []byte("\ufeff序号 (key),资源名称 (name)\r\n1,企业登记信息\r\n"), "不是 Excel 工作簿"},
		{"an .xls", xls, ".xls"},
		{"a zip of text", zipOf(t, map[string]string{"hello.txt": "你好"}), "不是 Excel 工作簿"},
		{"a word document", zipOf(t, map[string]string{
			"_rels/.rels":                  `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
			"word/document.xml":            `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>`,
			"word/_rels/document.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`,
		}), "不是 Excel 工作簿"},
		{"half a workbook", valid[:len(valid)/2], "不是 Excel 工作簿"},
		{"a damaged workbook", rezip(t, valid, map[string]string{"xl/workbook.xml": "<workbook><sheets><sheet"}, nil), "已损坏"},
		{"a zip bomb", rezip(t, valid, nil, func(zw *zip.Writer) {
			// A part that says it unzips to 1 GiB: refused on what it
			// declares, before anything is inflated.
			var small bytes.Buffer
			fw, _ := flate.NewWriter(&small, flate.BestCompression)
			fw.Write(make([]byte, 1<<20))
			fw.Close()
			w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/media/image1.png", Method: zip.Deflate,
				CompressedSize64: uint64(small.Len()), UncompressedSize64: 1 << 30})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(small.Bytes())
		}), "超过 200 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(tt.file, nil)
			if got != nil || err == nil {
				t.Fatalf("Parse returned %d entries and %v", len(got), err)
			}
			e, cells := refusal(t, err)
			if msg := e.Message.Text("zh"); !strings.Contains(msg, tt.saying) {
				t.Errorf("message %q, want it to say %q", msg, tt.saying)
			}
			if len(cells) != 0 {
				t.Errorf("cells %+v for a whole-file refusal", cells)
			}
		})
	}
}

// A real zip bomb: its parts unzip honestly to more than the limit.
func TestParseRefusesZipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses 210 MB")
	}
	bomb := rezip(t, validBook(t).bytes(), nil, func(zw *zip.Writer) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/media/zeros.bin", Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		zeros := make([]byte, 1<<20)
		for range 210 {
			w.Write(zeros)
		}
	})
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	_, err := parse(bomb, nil)
	e, _ := refusal(t, err)
	if !strings.Contains(e.Message.Text("zh"), "超过 200 MB") {
		t.Errorf("message %q", e.Message.Text("zh"))
	}
}

func TestParseRefusesSheets(t *testing.T) {
	tests := []struct {
		name   string
		change func(b *book)
		saying string
		cells  []catalogxlsx.CellError // Sheet, Row, Column, Field; the message must name Message
	}{
		{"no entries sheet", func(b *book) { b.f.DeleteSheet(entries) }, "缺少工作表“资源”", nil},
		{"no items sheet", func(b *book) { b.f.SetSheetName(items, "Sheet2") }, "缺少工作表“信息项”", nil},
		{"a changed header", func(b *book) { b.f.SetCellValue(entries, "C1", "摘要") }, "表头与目录导入模板不一致",
			[]catalogxlsx.CellError{{Sheet: entries, Row: 1, Column: "C", Field: "summary", Message: "资源摘要 (summary)"}}},
		{"an inserted column", func(b *book) { b.f.InsertCols(items, "B", 1) }, "表头与目录导入模板不一致",
			[]catalogxlsx.CellError{{Sheet: items, Row: 1, Column: "B", Field: "name", Message: "信息项名称 (name)"}}},
		{"no header at all", func(b *book) {
			b.f.RemoveRow(items, 1)
		}, "表头与目录导入模板不一致",
			[]catalogxlsx.CellError{{Sheet: items, Row: 1, Column: "A", Field: "entry_key", Message: "资源序号 (entry_key)"}}},
		{"merged cells", func(b *book) { b.f.MergeCell(entries, "B2", "B3") }, "1 处错误",
			[]catalogxlsx.CellError{{Sheet: entries, Row: 2, Column: "B", Field: "name", Message: "B2:B3"}}},
		{"formulas", func(b *book) {
			b.f.SetCellFormula(entries, "C2", `"市场主体"&"登记"`)
			b.f.SetCellFormula(items, "D3", "9+9")
		}, "2 处错误", []catalogxlsx.CellError{
			{Sheet: entries, Row: 2, Column: "C", Field: "summary", Message: "公式"},
			{Sheet: items, Row: 3, Column: "D", Field: "length", Message: "公式"}}},
		{"no entries", func(b *book) {
			for _, sheet := range []string{entries, items} {
				for row := 5; row >= 2; row-- {
					b.f.RemoveRow(sheet, row)
				}
			}
		}, "没有可导入的资源", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := validBook(t)
			tt.change(b)
			got, err := parse(b.bytes(), nil)
			if got != nil || err == nil {
				t.Fatalf("Parse returned %d entries and %v", len(got), err)
			}
			e, cells := refusal(t, err)
			if msg := e.Message.Text("zh"); !strings.Contains(msg, tt.saying) {
				t.Errorf("message %q, want it to say %q", msg, tt.saying)
			}
			if len(tt.cells) > 0 && len(cells) < len(tt.cells) || len(tt.cells) == 0 && len(cells) > 0 {
				t.Fatalf("cells %+v, want %+v", cells, tt.cells)
			}
			for i, want := range tt.cells {
				got := cells[i]
				if got.Sheet != want.Sheet || got.Row != want.Row || got.Column != want.Column || got.Field != want.Field ||
					!strings.Contains(got.Message, want.Message) {
					t.Errorf("cell %d: %+v, want %+v", i, got, want)
				}
			}
		})
	}
}

// Formulas and merged cells after the template's columns are notes of the
// clerk's own; the import ignores those columns.
func TestParseIgnoresColumnsAfterTemplate(t *testing.T) {
	b := validBook(t)
	b.f.SetCellValue(entries, "Z1", "备注")
	b.f.SetCellFormula(entries, "Z2", "1+1")
	b.f.MergeCell(items, "X2", "Y5")
	if got := mustParse(t, b.bytes(), nil); len(got) != 2 {
		t.Fatalf("%d entries", len(got))
	}
}

// templateHeaders reads row 1 of each data sheet of the template.
func templateHeaders(t testing.TB) map[string][]any {
	t.Helper()
	b := newBook(t)
	out := map[string][]any{}
	for _, sheet := range []string{entries, items} {
		rows, err := b.f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range rows[0] {
			out[sheet] = append(out[sheet], h)
		}
	}
	return out
}

// bigBook streams a workbook with n rows on one data sheet, each valid
// enough to count, past the point where a limit must stop the reading.
func bigBook(t testing.TB, sheet string, n int) []byte {
	t.Helper()
	headers := templateHeaders(t)
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", entries)
	f.NewSheet(items)
	for _, s := range []string{entries, items} {
		if s == sheet {
			continue
		}
		h := headers[s]
		f.SetSheetRow(s, "A1", &h)
		f.SetSheetRow(s, "A2", &[]any{"1", "企业登记信息"})
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", headers[sheet]); err != nil {
		t.Fatal(err)
	}
	for row := 2; row <= n+1; row++ {
		if err := sw.SetRow("A"+strconv.Itoa(row), []any{"1", "项" + strconv.Itoa(row)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A sheet past its limit is refused at the first row past it, with a
// message to split the upload; the single error, on that row, shows the
// reading stopped there rather than going on to check the rows after it.
func TestParseRefusesTooManyRows(t *testing.T) {
	tests := []struct {
		sheet string
		rows  int
		limit int
	}{
		{entries, catalogxlsx.MaxEntryRows + 1, catalogxlsx.MaxEntryRows},
		{items, 100_000, catalogxlsx.MaxItemRows},
	}
	for _, tt := range tests {
		t.Run(tt.sheet, func(t *testing.T) {
			_, err := parse(bigBook(t, tt.sheet, tt.rows), nil)
			e, cells := refusal(t, err)
			msg := e.Message.Text("zh")
			if !strings.Contains(msg, "超过 "+strconv.Itoa(tt.limit)+" 行") || !strings.Contains(msg, "拆分") {
				t.Errorf("message %q", msg)
			}
			want := catalogxlsx.CellError{Sheet: tt.sheet, Row: tt.limit + 2}
			if len(cells) != 1 || cells[0].Sheet != want.Sheet || cells[0].Row != want.Row {
				t.Fatalf("cells %+v, want one on %s row %d", cells, want.Sheet, want.Row)
			}
		})
	}
}

// Whatever bytes arrive, Parse answers with entries or a refusal: never a
// panic, never another error.
func TestParseSurvivesDamage(t *testing.T) {
	valid := validBook(t).bytes()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		b := bytes.Clone(valid)
		for range 1 + rng.IntN(8) {
			b[rng.IntN(len(b))] = byte(rng.UintN(256))
		}
		if i%10 == 0 {
			b = b[:rng.IntN(len(b))]
		}
		if _, err := parse(b, nil); err != nil {
			var e *govdata.Error
			if !errors.As(err, &e) || e.Code != govdata.EINVALID {
				t.Fatalf("damage %d: %v", i, err)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(validBook(f).bytes())
	f.Add([]byte("序号,资源名称\n1,企业\n"))
	f.Add([]byte{})
	// The small bombs: nesting, long texts, encodings, lying headers.
	for _, b := range ingesttest.SmallXLSXBombs(f, validBook(f).bytes()) {
		f.Add(b.File)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := parse(b, nil); err != nil {
			var e *govdata.Error
			if !errors.As(err, &e) || e.Code != govdata.EINVALID {
				t.Fatalf("%v", err)
			}
		}
	})
}

// sheetXML returns the XML of the items sheet and its part name.
func sheetXML(t testing.TB, b []byte) (part, xml string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet3.xml" { // 说明, 资源, 信息项
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !strings.Contains(string(body), `<row r="5"`) {
			t.Fatalf("sheet3 is not the items sheet: %v", err)
		}
		return f.Name, string(body)
	}
	t.Fatal("no sheet3")
	return "", ""
}

// Cells out of order would be read into the wrong columns (excelize
// appends them as they come), so a sheet with them is refused as damaged;
// positions left out are read in order.
func TestParseCellPositions(t *testing.T) {
	valid := validBook(t).bytes()
	part, sheet := sheetXML(t, valid)
	tests := []struct {
		name     string
		old, new string
		accepted bool
	}{
		{"a row before the one above", `<row r="5"`, `<row r="3"`, false},
		{"a negative row", `<row r="5"`, `<row r="-5"`, false},
		{"a cell moved to the last column", `r="A5"`, `r="XFD5"`, false},
		{"a cell of another row", `r="A5"`, `r="A6"`, false},
		{"a cell without a column", `r="A5"`, `r="5A"`, false},
		{"a row past Excel's last", `<row r="5"`, `<row r="2000000"`, false},
		{"a row without its position", `<row r="5"`, `<row`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(sheet, tt.old) {
				t.Fatalf("the sheet has no %s", tt.old)
			}
			b := rezip(t, valid, map[string]string{part: strings.Replace(sheet, tt.old, tt.new, 1)}, nil)
			got, err := parse(b, nil)
			if tt.accepted {
				if err != nil || len(got) != 2 || len(got[1].Items) != 2 {
					t.Fatalf("Parse: %d entries, %v", len(got), err)
				}
				return
			}
			e, _ := refusal(t, err)
			if !strings.Contains(e.Message.Text("zh"), "已损坏") {
				t.Errorf("message %q", e.Message.Text("zh"))
			}
		})
	}
}
