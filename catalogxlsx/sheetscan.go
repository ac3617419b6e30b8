package catalogxlsx

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
	"github.com/xuri/excelize/v2"
)

// scanSheet streams a worksheet's XML for what the row iterator cannot
// tell: cells holding formulas (their cached results may be stale, or
// missing when the file was written by a program) and merged cells (their
// value sits in the first cell only, the others read as empty). Both are
// refused within the template's columns; the columns after them are
// ignored on import anyway.
func scanSheet(pkg *workbookPackage, l sheetLayout, errs *cellErrors) error {
	part, ok := pkg.sheets[l.name]
	if !ok {
		return errNotWorkbook
	}
	rc, err := pkg.open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	width := len(l.columns)
	// Rows and cells may leave out their position ("r"); it is then the
	// one after the previous, as excelize reads it. Positions out of order
	// (which Excel never writes) would shift values between columns as
	// excelize reads them, so such a sheet is refused as damaged.
	row, col := 0, 0
	for !errs.full() {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch start.Name.Local {
		case "row":
			next := row + 1
			if r := attr(start, "r"); r != "" {
				n, err := strconv.Atoi(r)
				if err != nil || n <= row {
					return errDisordered
				}
				next = n
			}
			row, col = next, 0
		case "c":
			next := col + 1
			if r := attr(start, "r"); r != "" {
				c, n, err := excelize.CellNameToCoordinates(r)
				if err != nil || n != row || c <= col {
					return errDisordered
				}
				next = c
			}
			col = next
		case "f":
			if col >= 1 && col <= width {
				errs.add(l.name, row, col-1, l.columns[col-1].key, govdata.Message{Msg: MsgFormula})
			}
		case "mergeCell":
			ref := attr(start, "ref")
			if c, r, ok := topLeft(ref); ok && c <= width {
				errs.add(l.name, r, c-1, l.columns[c-1].key, govdata.Message{Msg: MsgMerged, Args: []any{ref}})
			}
		}
	}
	return nil
}

// errDisordered: rows or cells out of order, or out of their row.
var errDisordered = errors.New("catalogxlsx: cells out of order")

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// topLeft reads the first cell of a range "B2:C3" as its 1-based column
// and row. Excel writes ranges left-top first.
func topLeft(ref string) (col, row int, ok bool) {
	first, _, _ := strings.Cut(ref, ":")
	col, row, err := excelize.CellNameToCoordinates(first)
	return col, row, err == nil
}
