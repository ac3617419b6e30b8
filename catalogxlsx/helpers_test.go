package catalogxlsx_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/catalogxlsx"
	"github.com/govdata/govdata/profiles"
	"github.com/xuri/excelize/v2"
)

func mustProfile(t testing.TB, name string) *govdata.Profile {
	t.Helper()
	p, err := profiles.Shipped(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// book is a workbook made from the template, filled in cell by cell by
// the key in each column's header, as a clerk would.
type book struct {
	t       testing.TB
	f       *excelize.File
	columns map[string]map[string]string // sheet → key → letter
}

func newBook(t testing.TB) *book {
	t.Helper()
	tmpl, err := catalogxlsx.Template()
	if err != nil {
		t.Fatal(err)
	}
	return openBook(t, tmpl)
}

func openBook(t testing.TB, b []byte) *book {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	bk := &book{t: t, f: f, columns: map[string]map[string]string{}}
	for _, sheet := range []string{catalogxlsx.SheetEntries, catalogxlsx.SheetItems} {
		bk.columns[sheet] = map[string]string{}
		header, err := f.GetRows(sheet)
		if err != nil || len(header) == 0 {
			t.Fatalf("sheet %s has no header: %v", sheet, err)
		}
		for i, h := range header[0] {
			open, close := strings.LastIndex(h, "("), strings.LastIndex(h, ")")
			if open < 0 || close < open {
				t.Fatalf("header %q has no key", h)
			}
			col, _ := excelize.ColumnNumberToName(i + 1)
			bk.columns[sheet][h[open+1:close]] = col
		}
	}
	return bk
}

// col is the letter of the column with key on sheet.
func (b *book) col(sheet, key string) string {
	b.t.Helper()
	c, ok := b.columns[sheet][key]
	if !ok {
		b.t.Fatalf("sheet %s has no column %q", sheet, key)
	}
	return c
}

func (b *book) set(sheet string, row int, key string, v any) {
	b.t.Helper()
	if err := b.f.SetCellValue(sheet, b.col(sheet, key)+strconv.Itoa(row), v); err != nil {
		b.t.Fatal(err)
	}
}

// row sets several cells of one row.
func (b *book) row(sheet string, row int, cells map[string]any) {
	b.t.Helper()
	for k, v := range cells {
		b.set(sheet, row, k, v)
	}
}

func (b *book) bytes() []byte {
	b.t.Helper()
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		b.t.Fatal(err)
	}
	return buf.Bytes()
}

func parse(b []byte, p *govdata.Profile) ([]govdata.EntryInput, error) {
	return catalogxlsx.Parse(bytes.NewReader(b), int64(len(b)), p)
}

func mustParse(t testing.TB, b []byte, p *govdata.Profile) []govdata.EntryInput {
	t.Helper()
	got, err := parse(b, p)
	if err != nil {
		_, cells := refusal(t, err)
		t.Fatalf("Parse: %v\ncells: %+v", err, cells)
	}
	return got
}

// refusal checks err is the import's refusal and returns its cells.
func refusal(t testing.TB, err error) (*govdata.Error, []catalogxlsx.CellError) {
	t.Helper()
	var e *govdata.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *govdata.Error", err, err)
	}
	if e.Code != govdata.EINVALID {
		t.Fatalf("code %s, want %s", e.Code, govdata.EINVALID)
	}
	cells, ok := e.Details["errors"].([]catalogxlsx.CellError)
	if !ok {
		t.Fatalf("details %#v, want errors []CellError", e.Details)
	}
	for _, c := range cells {
		if c.Message == "" || c.MessageEN == "" || strings.Contains(c.Message+c.MessageEN, "%!") {
			t.Errorf("cell error %+v lacks a message", c)
		}
	}
	if e.Message.Text("zh") == "" || e.Message.Text("en") == "" || strings.Contains(e.Message.Text("en"), "%!") {
		t.Errorf("message %q / %q", e.Message.Text("zh"), e.Message.Text("en"))
	}
	return e, cells
}

func ptr[T any](v T) *T { return &v }

// Cells of a valid entry and its two items, for the rows to change.
func validEntry(key string) map[string]any {
	return map[string]any{
		"key": key, "name": "企业登记信息", "summary": "市场主体登记的基本信息",
		"classification.category": "3", "classification.subcategory": "01", "classification.group": "001",
		"format": "数据库", "update_cycle": "每日", "share_type": "有条件共享", "share_conditions": "用于行政审批",
		"share_method": "接口", "open_type": "不予开放", "open_conditions": "涉及商业秘密", "grade": "一般", "source_system": "登记系统",
	}
}

func validItem(entryKey, name string) map[string]any {
	return map[string]any{
		"entry_key": entryKey, "name": name, "type": "C", "length": 18, "sensitivity": 1,
		"personal": "否", "key": "否", "region": "否",
	}
}

// validBook has entries "1" (rows 2) and "2" (row 3), each with two items
// (item rows 2–3 and 4–5).
func validBook(t testing.TB) *book {
	b := newBook(t)
	b.row(catalogxlsx.SheetEntries, 2, validEntry("1"))
	b.row(catalogxlsx.SheetEntries, 3, validEntry("2"))
	b.set(catalogxlsx.SheetEntries, 3, "name", "企业年报信息")
	b.row(catalogxlsx.SheetItems, 2, validItem("1", "统一社会信用代码"))
	b.row(catalogxlsx.SheetItems, 3, validItem("1", "企业名称"))
	b.row(catalogxlsx.SheetItems, 4, validItem("2", "统一社会信用代码"))
	b.row(catalogxlsx.SheetItems, 5, validItem("2", "年报年度"))
	return b
}
