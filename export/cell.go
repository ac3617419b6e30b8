package export

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"
)

// number is a plain decimal number: a spreadsheet reads it as a number,
// never as a formula, so a negative amount keeps its sign unquoted.
var number = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// Cell is s as the text of a cell of a file a person opens in a
// spreadsheet: text that Excel, WPS or LibreOffice would take for a formula
// (=, +, -, @ first, or a tab or carriage return before one) gets a leading
// apostrophe, which they show as text and do not evaluate. The values were
// written by one department (a catalog entry, a dataset row, a rejected
// line of an upload) and are opened by another (CSV injection, SEC-5).
// The one rule for every CSV govdata writes; XLSX cells are typed strings
// and need none.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) && !number.MatchString(s) {
		return "'" + s
	}
	return s
}

// CSV is a csv.Writer whose every field, headers included, passes through
// Cell.
type CSV struct {
	*csv.Writer
	buf []string
}

// NewCSV writes CSV records to w, each field made safe by Cell.
func NewCSV(w io.Writer) *CSV { return &CSV{Writer: csv.NewWriter(w)} }

// Write writes one record, each field through Cell.
func (c *CSV) Write(record []string) error {
	c.buf = c.buf[:0]
	for _, f := range record {
		c.buf = append(c.buf, Cell(f))
	}
	return c.Writer.Write(c.buf)
}
