package catalogxlsx

import (
	"github.com/govdata/govdata"
	"github.com/xuri/excelize/v2"
)

// sheetRow is one non-empty data row: its number as Excel shows it and one
// trimmed text per template column.
type sheetRow struct {
	number int
	cells  []string
}

// checkHeader compares row 1 with the template. A header matches in the
// template's form, "资源名称 (name)", with full-width brackets or other
// spacing, or as its Chinese or its English half alone.
func checkHeader(f *excelize.File, l sheetLayout, errs *cellErrors) error {
	rows, err := f.Rows(l.name)
	if err != nil {
		return err
	}
	defer rows.Close()
	var got []string
	if rows.Next() {
		if got, err = rows.Columns(); err != nil {
			return err
		}
	}
	for i, c := range l.columns {
		have := ""
		if i < len(got) {
			have = comparable(got[i])
		}
		if have != comparable(c.header()) && have != comparable(c.title) && have != comparable(c.key) {
			errs.add(l.name, 1, i, c.key, govdata.Message{Msg: MsgHeaderExpected, Args: []any{c.header()}})
		}
	}
	return rows.Error()
}

// errTooManyRows stops reading a sheet at the first row past its limit.
type errTooManyRows struct{ row int }

func (e errTooManyRows) Error() string { return "catalogxlsx: too many rows" }

// readRows streams a sheet's data rows: row 1 (the header) is skipped, and
// so are rows empty in every template column. Reading stops at the first
// row past the layout's limit, so a sheet of a million rows costs no more
// than one of the limit.
func readRows(f *excelize.File, l sheetLayout) ([]sheetRow, error) {
	rows, err := f.Rows(l.name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sheetRow
	// Each Next is the next row number: excelize also steps through the
	// rows a sheet leaves out.
	for number := 1; rows.Next(); number++ {
		values, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		if number == 1 {
			continue
		}
		cells := make([]string, len(l.columns))
		empty := true
		for i := range min(len(values), len(cells)) {
			cells[i] = clean(values[i])
			empty = empty && cells[i] == ""
		}
		if empty {
			continue
		}
		if len(out) == l.maxRows {
			return nil, errTooManyRows{row: number}
		}
		out = append(out, sheetRow{number: number, cells: cells})
	}
	return out, rows.Error()
}
