package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/govdata/govdata"
)

// MaxXLSXBytes bounds an XLSX upload. A workbook is a zip that must be read
// whole before its first row (its directory is at the end), and a sheet
// holds at most 1,048,576 rows anyway: larger data comes as CSV.
const MaxXLSXBytes = 100 << 20

// Messages of XLSX uploads.
var (
	MsgXLSXTooLarge = govdata.Msg{ZH: "XLSX 文件超过 %d MB，请改用 CSV 上传", EN: "the XLSX file is larger than %d MB; upload CSV instead"}
	MsgXLSXBad      = govdata.Msg{ZH: "不是可读取的 XLSX 文件（旧版 .xls 或加密的文件请另存为 .xlsx）", EN: "not a readable XLSX file (save a legacy .xls or a password-protected file as .xlsx)"}
)

// XLSX reads the first sheet of a workbook: a header row of item names,
// then one row per record, as CSV does. Cells hold their shown text
// (formulas: their cached value).
type XLSX struct {
	file   *excelize.File
	rows   *excelize.Rows
	index  []int
	row    []string
	line   int
	Header []string
}

// NewXLSX reads src (at most MaxXLSXBytes) and its header row; a workbook
// beyond DatasetXLSXLimits is refused before it is unzipped.
func NewXLSX(src io.Reader, items []govdata.Item) (*XLSX, error) {
	data, err := io.ReadAll(io.LimitReader(src, MaxXLSXBytes+1))
	if err != nil {
		return nil, fmt.Errorf("ingest: read xlsx: %w", err)
	}
	if len(data) > MaxXLSXBytes {
		return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXTooLarge, MaxXLSXBytes>>20)
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXBad)
	}
	// What the parts inflate to is bounded before excelize inflates them.
	if _, err := CheckXLSX(bytes.NewReader(data), int64(len(data)), DatasetXLSXLimits); err != nil {
		var e *govdata.Error
		if errors.As(err, &e) {
			return nil, e
		}
		return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXBad)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), DatasetXLSXLimits.Options())
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXBad)
	}
	x := &XLSX{file: f, row: make([]string, len(items))}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		x.Close()
		return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXBad)
	}
	if x.rows, err = f.Rows(sheets[0]); err != nil {
		x.Close()
		return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXBad)
	}
	for x.rows.Next() {
		x.line++
		cells, err := x.rows.Columns()
		if err != nil {
			x.Close()
			return nil, govdata.Errorf(govdata.EINVALID, MsgXLSXBad)
		}
		cells = trimEmpty(cells)
		if len(cells) == 0 {
			continue // blank rows above the header
		}
		x.Header = cells
		if x.index, err = matchHeader(cells, items); err != nil {
			x.Close()
			return nil, err
		}
		return x, nil
	}
	x.Close()
	return nil, govdata.Errorf(govdata.EINVALID, MsgHeaderEmpty)
}

func trimEmpty(cells []string) []string {
	for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

// Next returns the next row in item order and its sheet row number, as
// CSV.Next does; entirely blank rows are skipped.
func (x *XLSX) Next() (row []string, line int, reason string, err error) {
	for x.rows.Next() {
		x.line++
		cells, err := x.rows.Columns()
		if err != nil {
			return nil, 0, "", govdata.Errorf(govdata.EINVALID, MsgXLSXBad)
		}
		cells = trimEmpty(cells)
		if len(cells) == 0 {
			continue
		}
		for i := range x.row {
			x.row[i] = ""
		}
		if len(cells) > len(x.index) {
			return x.row, x.line, ReasonRagged, nil
		}
		for f, v := range cells {
			if strings.IndexByte(v, 0) >= 0 {
				return x.row, x.line, ReasonNUL, nil
			}
			x.row[x.index[f]] = v
		}
		return x.row, x.line, "", nil
	}
	if err := x.rows.Error(); err != nil {
		return nil, 0, "", govdata.Errorf(govdata.EINVALID, MsgXLSXBad)
	}
	return nil, 0, "", io.EOF
}

// Close releases the workbook and its temporary files.
func (x *XLSX) Close() error {
	if x.rows != nil {
		x.rows.Close()
	}
	return x.file.Close()
}
