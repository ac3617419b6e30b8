package catalogxlsx

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Template returns the import template: the instructions sheet and the two
// data sheets with their headers, text-formatted code columns and
// drop-downs, and no data.
func Template() ([]byte, error) {
	f, err := newWorkbook(false)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("catalogxlsx: write template: %w", err)
	}
	return buf.Bytes(), nil
}

// newWorkbook builds the template's sheets; an export also gets the
// read-only columns after the template's on the entries sheet.
func newWorkbook(export bool) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", SheetInstructions); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("catalogxlsx: name sheet: %w", err)
	}
	st, err := newStyles(f)
	if err == nil {
		err = writeInstructions(f, st)
	}
	for _, l := range layouts {
		if err != nil {
			break
		}
		var extra []column
		if export && l.name == SheetEntries {
			extra = exportColumns
		}
		err = formatSheet(f, st, l, extra)
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("catalogxlsx: build workbook: %w", err)
	}
	return f, nil
}

// styles are the few cell styles of the workbook.
type styles struct {
	header, readOnlyHeader, readOnly, title, bold, wrap, text int
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	defs := []struct {
		id    *int
		style excelize.Style
	}{
		{&st.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, NumFmt: 49,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}}},
		{&st.readOnlyHeader, excelize.Style{Font: &excelize.Font{Bold: true, Color: "595959"}, Border: border, NumFmt: 49,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}}},
		{&st.readOnly, excelize.Style{Font: &excelize.Font{Color: "595959"}, NumFmt: 49,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}}},
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.bold, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&st.wrap, excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		// "@", Excel's text format: what is typed stays as typed, so "01"
		// keeps its zero and "1-2" does not become a date.
		{&st.text, excelize.Style{NumFmt: 49}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return st, err
		}
		*d.id = id
	}
	return st, nil
}

// formatSheet writes a data sheet's header row, widths, formats and
// drop-downs. Validations cover the rows the limits allow.
func formatSheet(f *excelize.File, st styles, l sheetLayout, extra []column) error {
	if _, err := f.NewSheet(l.name); err != nil {
		return err
	}
	all := append(append([]column(nil), l.columns...), extra...)
	headers := make([]any, len(all))
	for i, c := range all {
		headers[i] = c.header()
		col := letter(i)
		if err := f.SetColWidth(l.name, col, col, c.width); err != nil {
			return err
		}
		style := st.text
		switch {
		case i >= len(l.columns):
			style = st.readOnly
		case c.kind == kindInteger || c.kind == kindNumber:
			style = 0
		}
		if style != 0 {
			if err := f.SetColStyle(l.name, col, style); err != nil {
				return err
			}
		}
	}
	if err := f.SetSheetRow(l.name, "A1", &headers); err != nil {
		return err
	}
	if err := f.SetCellStyle(l.name, "A1", l.lastLetter()+"1", st.header); err != nil {
		return err
	}
	if len(extra) > 0 {
		if err := f.SetCellStyle(l.name, letter(len(l.columns))+"1", letter(len(all)-1)+"1", st.readOnlyHeader); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(l.name, 1, 30); err != nil {
		return err
	}
	if err := f.SetPanes(l.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, c := range l.columns {
		if err := addValidation(f, l, i, c); err != nil {
			return err
		}
	}
	return nil
}

// addValidation gives a column its drop-down, or for a length a range.
// A value outside the list is stopped in Excel; files written by programs
// may still use the English codes, which Parse reads too.
func addValidation(f *excelize.File, l sheetLayout, i int, c column) error {
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(letter(i) + "2:" + letter(i) + strconv.Itoa(l.maxRows+1))
	switch {
	case c.vocab != nil:
		if err := dv.SetDropList(c.vocab.offered()); err != nil {
			return err
		}
		zh, _ := c.vocab.describe()
		dv.SetError(excelize.DataValidationErrorStyleStop, c.title, "请从下拉列表中选择："+zh)
		if c.vocab.showCodes && c.key == "type" {
			dv.SetInput(c.title, zh)
		}
	case c.kind == kindInteger:
		if err := dv.SetRange(0, 1_000_000, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, c.title, "请填写 0 到 1000000 之间的整数")
	default:
		return nil
	}
	return f.AddDataValidation(l.name, dv)
}
