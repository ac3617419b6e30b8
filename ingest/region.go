package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/govdata/govdata"
)

// MsgRegionLineCSV: a line of a region list that is not CSV.
var MsgRegionLineCSV = govdata.Msg{ZH: "不是有效的 CSV：%s", EN: "not valid CSV: %s"}

// RegionLine is one region of a region list with where it stood in the file.
type RegionLine struct {
	Line   int    // 1-based line of the file
	Text   string // the line as the file holds it (decoded, without its line break)
	Region govdata.RegionInput
}

// RegionCSV reads a region list — code,name[,parent_code] a line, as the
// CLI's "govdata regions import" and the console's import take it — one
// line at a time, so that the national list (some 665,000 lines down to
// villages) is never held as a file besides the regions read from it.
// UTF-8 with or without a byte-order mark, or GBK/GB 18030 (Excel in
// Chinese offices), detected from the first bytes; an optional header line
// (its first field "code" or holding "代码"); blank lines are skipped.
// Fields may be quoted (RFC 4180) but a field spanning lines is refused:
// a region's code and name never hold a line break.
type RegionCSV struct {
	br    *bufio.Reader
	line  int
	first bool
}

// NewRegionCSV reads the region list src.
func NewRegionCSV(src io.Reader) *RegionCSV {
	br := bufio.NewReaderSize(src, 64<<10)
	head, _ := br.Peek(64 << 10)
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		br.Discard(3)
	case !utf8.Valid(trimPartialRune(head)):
		br = bufio.NewReaderSize(transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder()), 64<<10)
	}
	return &RegionCSV{br: br, first: true}
}

// maxRegionLine bounds a line of a region list: a code, a name of at most
// 100 characters and a parent code fit in far less.
const maxRegionLine = 4 << 10

// Next returns the next region, io.EOF after the last. A line that is not
// code,name[,parent_code] is an EINVALID error naming it (see
// govdata.RegionLineError); Next checks the shape only — the code and name
// are for govdata.ValidateRegionInput.
func (c *RegionCSV) Next() (RegionLine, error) {
	for {
		raw, err := c.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) || (len(raw) > maxRegionLine) {
			c.line++
			return RegionLine{}, govdata.Errorf(govdata.EINVALID, MsgLineTooLong, c.line, maxRegionLine)
		}
		if len(raw) == 0 && err != nil {
			if err == io.EOF {
				return RegionLine{}, io.EOF
			}
			return RegionLine{}, fmt.Errorf("ingest: read region list: %w", err)
		}
		if err != nil && err != io.EOF {
			return RegionLine{}, fmt.Errorf("ingest: read region list: %w", err)
		}
		c.line++
		text := strings.TrimRight(string(raw), "\r\n")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fields, perr := splitRegionLine(text)
		if perr != nil {
			return RegionLine{}, govdata.RegionLineError(c.line, text, govdata.Errorf(govdata.EINVALID, MsgRegionLineCSV, perr.Error()))
		}
		first := c.first
		c.first = false
		code := strings.TrimSpace(fields[0])
		if first && (strings.EqualFold(code, "code") || strings.Contains(code, "代码")) {
			continue // the header
		}
		if len(fields) < 2 {
			return RegionLine{}, govdata.RegionLineError(c.line, text, govdata.Errorf(govdata.EINVALID, govdata.MsgRegionLineFields, len(fields)))
		}
		in := govdata.RegionInput{Code: code, Name: strings.TrimSpace(fields[1])}
		if len(fields) > 2 {
			in.ParentCode = strings.TrimSpace(fields[2])
		}
		return RegionLine{Line: c.line, Text: text, Region: in}, nil
	}
}

// splitRegionLine splits a line at its commas; only a line with a quote
// goes through encoding/csv, the rest (every line of the published lists)
// costs one split.
func splitRegionLine(text string) ([]string, error) {
	if !strings.Contains(text, `"`) {
		return strings.Split(text, ","), nil
	}
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, pe.Err
	}
	return rec, err
}
