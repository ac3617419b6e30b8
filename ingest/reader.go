package ingest

import (
	"io"

	"github.com/govdata/govdata"
)

// Reader yields an upload's rows in the entry's item order (see
// govdata.RowReader); an error other than io.EOF ends the upload as a
// *govdata.Error naming where.
type Reader = govdata.RowReader

// NewReader opens src in format and matches it to items.
func NewReader(format govdata.BatchFormat, src io.Reader, items []govdata.Item) (Reader, error) {
	switch format {
	case govdata.FormatCSV:
		return NewCSV(src, items)
	case govdata.FormatJSON:
		return NewJSON(src, items)
	case govdata.FormatXLSX:
		return NewXLSX(src, items)
	}
	return nil, govdata.Errorf(govdata.EINVALID, govdata.MsgIngestType, string(format))
}

// present marks the items a header names.
func present(index []int, items int) []bool {
	out := make([]bool, items)
	for _, i := range index {
		out[i] = true
	}
	return out
}

// Present reports which items the file has columns for: an upsert leaves
// the others as they are.
func (c *CSV) Present() []bool { return present(c.index, c.items) }

// Present reports which items the sheet has columns for.
func (x *XLSX) Present() []bool { return present(x.index, len(x.row)) }

// Close implements Reader.
func (c *CSV) Close() error { return nil }

// Close implements Reader.
func (j *JSON) Close() error { return nil }
