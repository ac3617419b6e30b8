package catalogxlsx

import (
	"github.com/govdata/govdata"
)

// rowReader turns the cells of one row into values. A cell it cannot read
// is reported at once and read as empty; the catalog's own rules then see
// an empty value, and their complaint about the same cell is dropped.
type rowReader struct {
	layout sheetLayout
	row    sheetRow
	errs   *cellErrors
}

func (r rowReader) cell(key string) (string, int) {
	i := r.layout.index(key)
	return r.row.cells[i], i
}

func (r rowReader) fail(i int, m govdata.Msg, args ...any) {
	r.errs.add(r.layout.name, r.row.number, i, r.layout.columns[i].key, govdata.Message{Msg: m, Args: args})
}

// text is a cell as written (names, descriptions, conditions).
func (r rowReader) text(key string) string {
	s, _ := r.cell(key)
	return s
}

// code is a cell of digits or codes, full-width characters narrowed.
func (r rowReader) code(key string) string {
	s, _ := r.cell(key)
	return narrow(s)
}

// required is a code that must be there.
func (r rowReader) required(key string) string {
	s, i := r.cell(key)
	if s == "" {
		r.fail(i, govdata.MsgRequired)
	}
	return narrow(s)
}

// choice is one value of v, as its code; "" when blank or unknown.
func (r rowReader) choice(key string, v vocabulary, required bool) string {
	s, i := r.cell(key)
	if s == "" {
		if required {
			r.fail(i, govdata.MsgRequired)
		}
		return ""
	}
	code, ok := v.lookup(s)
	if !ok {
		zh, en := v.describe()
		r.fail(i, MsgChoice, zh, en)
	}
	return code
}

// flag is 是/否; blank is no.
func (r rowReader) flag(key string) bool {
	s, i := r.cell(key)
	if s == "" {
		return false
	}
	code, ok := flags.lookup(s)
	if !ok {
		r.fail(i, MsgFlag)
	}
	return code == "true"
}

// integer is a whole number; blank is 0, and reported when required.
func (r rowReader) integer(key string, required bool) int {
	s, i := r.cell(key)
	if s == "" {
		if required {
			r.fail(i, govdata.MsgRequired)
		}
		return 0
	}
	n, ok := parseInteger(s)
	if !ok {
		r.fail(i, MsgNotInteger)
	}
	return n
}

// number is any number; blank is nil.
func (r rowReader) number(key string) *float64 {
	s, i := r.cell(key)
	if s == "" {
		return nil
	}
	f, ok := parseNumber(s)
	if !ok {
		r.fail(i, MsgNotNumber)
		return nil
	}
	return &f
}

// list is the values of a cell separated by ";" or "；".
func (r rowReader) list(key string) []string {
	s, _ := r.cell(key)
	return splitList(s)
}
