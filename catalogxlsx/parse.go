package catalogxlsx

import (
	"errors"
	"io"

	"github.com/govdata/govdata"
)

// layouts are the data sheets in the order they are read.
var layouts = []sheetLayout{entriesLayout, itemsLayout}

// Parse reads an uploaded workbook in the template's layout and returns
// every entry with its items, each passing govdata.ValidateEntry under p.
// It is all or none (CAT-6): on any problem it returns no entries and an
// EINVALID *govdata.Error whose Details["errors"] is a []CellError naming
// the sheet, row and column of each cell to fix (at most MaxCellErrors).
//
// The file is refused whole when it is empty, not an .xlsx (a CSV, an
// .xls, any other zip), unzips to more than MaxUnzipBytes or is otherwise
// a zip bomb (ingest.CheckXLSX: too many parts, a part held in memory too
// large, too many shared strings or XML elements, XML nested too deep or a
// text too long; refused before it is inflated), lacks a sheet,
// has headers other than the template's, holds formulas or merged cells
// in the template's columns, or has more than MaxEntryRows entry rows or
// MaxItemRows item rows. Rows are streamed and reading stops at the first
// row past a limit. Wrong headers, then formulas and merged cells, are
// reported before any value: until they are fixed the values are not
// what the clerk sees.
func Parse(r io.ReaderAt, size int64, p *govdata.Profile) (entries []govdata.EntryInput, err error) {
	defer func() {
		// excelize parses untrusted XML; should it panic on a malformed
		// file, the file is refused rather than the server brought down.
		if recover() != nil {
			entries, err = nil, refuse(MsgUnreadable)
		}
	}()
	u, err := openUpload(r, size)
	if err != nil {
		return nil, err
	}
	defer u.close()

	for _, l := range layouts {
		if _, ok := u.pkg.sheets[l.name]; !ok {
			return nil, refuse(MsgSheetMissing, l.name)
		}
	}
	var errs cellErrors
	for _, l := range layouts {
		if err := checkHeader(u.file, l, &errs); err != nil {
			return nil, refuse(MsgUnreadable)
		}
	}
	if !errs.empty() {
		return nil, errs.errWith(MsgWrongTemplate)
	}

	rows := make([][]sheetRow, len(layouts))
	for i, l := range layouts {
		if rows[i], err = readRows(u.file, l); err != nil {
			var tooMany errTooManyRows
			if errors.As(err, &tooMany) {
				m := govdata.Message{Msg: MsgTooManyRows, Args: []any{l.name, l.maxRows}}
				return nil, refusal(m, []CellError{{Sheet: l.name, Row: tooMany.row,
					Message: m.Text("zh"), MessageEN: m.Text("en")}})
			}
			return nil, refuse(MsgUnreadable)
		}
	}
	// Formulas and merged cells are looked for only in sheets within the
	// limits, since the merged cells are listed after the last row.
	for _, l := range layouts {
		if err := scanSheet(u.pkg, l, &errs); err != nil {
			return nil, refuse(MsgUnreadable)
		}
	}
	if !errs.empty() {
		return nil, errs.err()
	}
	if len(rows[0]) == 0 {
		return nil, refuse(MsgNoEntries)
	}

	b := newBatch(p, &errs)
	b.addEntries(rows[0])
	b.addItems(rows[1])
	if err := b.validate(p); err != nil {
		return nil, err
	}
	if !errs.empty() {
		return nil, errs.err()
	}
	return b.inputs(), nil
}
