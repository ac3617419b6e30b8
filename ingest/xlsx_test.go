package ingest_test

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/ingest"
	"github.com/govdata/govdata/ingest/ingesttest"
)

func workbook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readXLSX(t *testing.T, data []byte) ([]row, error) {
	t.Helper()
	x, err := ingest.NewXLSX(bytes.NewReader(data), items)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	var out []row
	for {
		r, line, reason, err := x.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, row{line, reason, slices.Clone(r)})
	}
}

func TestXLSX(t *testing.T) {
	data := workbook(t, [][]any{
		{},
		{"住址", "公民身份号码", "姓名"},
		{"哈尔滨市", "11010519491231002X", "张三"},
		{},
		{nil, "110105194912310021", 42},
		{"a", "b", "c", "多余"},
	})
	got, err := readXLSX(t, data)
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{3, "", []string{"11010519491231002X", "张三", "哈尔滨市"}},
		{5, "", []string{"110105194912310021", "42", ""}},
		{6, ingest.ReasonRagged, nil},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].line != want[i].line || got[i].reason != want[i].reason || (want[i].values != nil && !slices.Equal(got[i].values, want[i].values)) {
			t.Errorf("row %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestXLSXRefused(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":          nil,
		"not a zip":      []byte("姓名,公民身份号码\n"),
		"legacy xls":     {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0},
		"no header":      workbook(t, nil),
		"unknown column": workbook(t, [][]any{{"公民身份号码", "籍贯"}}),
		"missing key":    workbook(t, [][]any{{"姓名"}}),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readXLSX(t, data)
			var e *govdata.Error
			if !errors.As(err, &e) || e.Code != govdata.EINVALID {
				t.Fatalf("got %v, want an invalid error", err)
			}
		})
	}
}

func FuzzXLSX(f *testing.F) {
	f.Add(workbook(f, [][]any{{"公民身份号码", "姓名"}, {"1", "张三"}}))
	f.Add([]byte("PK\x03\x04"))
	// The small bombs: nesting, long texts, encodings, lying headers.
	for _, b := range ingesttest.SmallXLSXBombs(f, workbook(f, [][]any{{"公民身份号码", "姓名"}})) {
		f.Add(b.File)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ingest.NewXLSX(bytes.NewReader(data), items)
		if err != nil {
			var e *govdata.Error
			if !errors.As(err, &e) {
				t.Fatalf("not a domain error: %v", err)
			}
			return
		}
		defer x.Close()
		for i := 0; i < 1000; i++ {
			r, _, _, err := x.Next()
			if err != nil {
				var e *govdata.Error
				if err != io.EOF && !errors.As(err, &e) {
					t.Fatalf("not a domain error: %v", err)
				}
				return
			}
			if len(r) != len(items) {
				t.Fatalf("row of %d values", len(r))
			}
		}
	})
}
