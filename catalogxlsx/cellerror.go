package catalogxlsx

import (
	"slices"
	"strings"

	"github.com/govdata/govdata"
)

// CellError points a clerk at one cell to fix. A refused import lists them
// in its error's Details["errors"].
type CellError struct {
	Sheet     string `json:"sheet"`
	Row       int    `json:"row"`     // 1-based, as Excel shows it
	Column    string `json:"column"`  // the letter, "C"; empty when the error is about the whole row
	Field     string `json:"field"`   // the column's JSON key, "classification.group"; empty with Column
	Message   string `json:"message"` // Chinese
	MessageEN string `json:"message_en"`
}

// cellErrors collects the errors of one upload: the first per cell, up to
// MaxCellErrors. A clerk fixes a cell once, so a second complaint about it
// (the catalog's rule after this package's own) would only be noise.
type cellErrors struct {
	list      []CellError
	seen      map[cellAt]bool
	truncated bool
}

type cellAt struct {
	sheet  string
	row    int
	column string
}

// add records an error at a cell (col 0-based), unless the cell has one.
func (c *cellErrors) add(sheet string, row, col int, field string, m govdata.Message) {
	cell := cellAt{sheet: sheet, row: row, column: letter(col)}
	if c.seen[cell] {
		return
	}
	if len(c.list) >= MaxCellErrors {
		c.truncated = true
		return
	}
	if c.seen == nil {
		c.seen = map[cellAt]bool{}
	}
	c.seen[cell] = true
	c.list = append(c.list, CellError{Sheet: sheet, Row: row, Column: cell.column, Field: field,
		Message: m.Text("zh"), MessageEN: m.Text("en")})
}

func (c *cellErrors) full() bool  { return c.truncated }
func (c *cellErrors) empty() bool { return len(c.list) == 0 }

// err is the refusal: EINVALID, a message that counts the errors, and the
// cells in sheet, row and column order.
func (c *cellErrors) err() error {
	m := govdata.Message{Msg: MsgCellErrors, Args: []any{len(c.list)}}
	if c.truncated {
		m = govdata.Message{Msg: MsgCellErrorsCap, Args: []any{len(c.list)}}
	}
	return refusal(m, c.sorted())
}

// errWith is the refusal with a message of its own.
func (c *cellErrors) errWith(m govdata.Msg) error {
	return refusal(govdata.Message{Msg: m}, c.sorted())
}

func (c *cellErrors) sorted() []CellError {
	sheetOrder := map[string]int{SheetEntries: 1, SheetItems: 2}
	slices.SortStableFunc(c.list, func(a, b CellError) int {
		if d := sheetOrder[a.Sheet] - sheetOrder[b.Sheet]; d != 0 {
			return d
		}
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		if len(a.Column) != len(b.Column) {
			return len(a.Column) - len(b.Column)
		}
		return strings.Compare(a.Column, b.Column)
	})
	return c.list
}

// refusal is the one error shape of an import.
func refusal(m govdata.Message, cells []CellError) *govdata.Error {
	if cells == nil {
		cells = []CellError{}
	}
	return &govdata.Error{Code: govdata.EINVALID, Message: m, Details: map[string]any{"errors": cells}}
}

// refuse is a refusal of the whole file, with no cell to point at.
func refuse(m govdata.Msg, args ...any) *govdata.Error {
	return refusal(govdata.Message{Msg: m, Args: args}, nil)
}
