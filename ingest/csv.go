// Package ingest reads the files a department uploads into a dataset
// (AGG-1) as rows in the order of the entry's items, one row at a time, so
// that memory stays flat whatever the file's size. It knows nothing of
// storage; the quality package checks the rows it yields.
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

// MaxLineBytes bounds one line of a file, and one record: a single field
// of megabytes is refused, not held in memory, also when it is quoted and
// spans many short lines (encoding/csv holds a record whole: 150 MB of
// 1,000-byte lines in one quoted field took the server to 1.4 GB).
const MaxLineBytes = 1 << 20

// Messages of file reading.
var (
	MsgHeaderEmpty   = govdata.Msg{ZH: "文件为空或缺少表头行", EN: "the file is empty or has no header row"}
	MsgHeaderUnknown = govdata.Msg{ZH: "表头有目录中没有的信息项：%s", EN: "the header names columns the entry does not have: %s"}
	MsgHeaderMissing = govdata.Msg{ZH: "表头缺少必填信息项：%s", EN: "the header lacks required items: %s"}
	MsgHeaderRepeat  = govdata.Msg{ZH: "表头的列重复：%s", EN: "the header repeats a column: %s"}
	MsgLineTooLong   = govdata.Msg{ZH: "第 %d 行超过 %d 字节", EN: "line %d is longer than %d bytes"}
	MsgCSVSyntax     = govdata.Msg{ZH: "第 %d 行不是有效的 CSV：%s", EN: "line %d is not valid CSV: %s"}
)

// Reasons a row is rejected before its values are checked.
const (
	ReasonRagged = "ragged" // a row with more or fewer fields than the header
	ReasonNUL    = "nul"    // a field holding a NUL byte
)

// CSV reads a CSV upload: UTF-8 (with or without a byte-order mark) or
// GBK/GB 18030, detected from its first bytes; RFC 4180 quoting; a header
// row of item names, in any order and case, a subset of the entry's items
// that holds every required one.
type CSV struct {
	r      *csv.Reader
	index  []int // field position → item index
	items  int
	row    []string
	line   int
	Header []string // the header as read
	UTF8   bool     // false: the file was GBK and is decoded
}

// NewCSV reads the header of src and matches it to items. A header that
// does not match is a *govdata.Error (EINVALID) naming the columns.
func NewCSV(src io.Reader, items []govdata.Item) (*CSV, error) {
	br := bufio.NewReaderSize(src, 64<<10)
	head, _ := br.Peek(64 << 10)
	c := &CSV{items: len(items), row: make([]string, len(items)), UTF8: true}
	var in io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		br.Discard(3)
	case !utf8.Valid(trimPartialRune(head)):
		// Not UTF-8: Chinese offices' Excel writes GBK; GB 18030 reads it.
		c.UTF8 = false
		in = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	c.r = csv.NewReader(&lineLimit{r: in, max: MaxLineBytes})
	c.r.FieldsPerRecord = -1 // a ragged row is a rejected row, not the end of the file
	c.r.ReuseRecord = true
	header, err := c.r.Read()
	if err == io.EOF || (err == nil && len(header) == 1 && strings.TrimSpace(header[0]) == "") {
		return nil, govdata.Errorf(govdata.EINVALID, MsgHeaderEmpty)
	}
	if err != nil {
		return nil, c.readError(err)
	}
	c.Header = append([]string(nil), header...)
	if c.index, err = matchHeader(c.Header, items); err != nil {
		return nil, err
	}
	c.line = 1
	return c, nil
}

// matchHeader maps a header's columns to items by name, ignoring case and
// surrounding spaces: field position → item index.
func matchHeader(header []string, items []govdata.Item) ([]int, error) {
	byName := map[string]int{}
	for i, it := range items {
		byName[normalName(it.Name)] = i
	}
	seen := map[int]bool{}
	var unknown, repeated []string
	index := make([]int, len(header))
	for f, h := range header {
		i, ok := byName[normalName(h)]
		switch {
		case !ok:
			unknown = append(unknown, h)
		case seen[i]:
			repeated = append(repeated, h)
		}
		seen[i] = true
		index[f] = i
	}
	var missing []string
	for i, it := range items {
		if !seen[i] && it.Rules != nil && it.Rules.Required {
			missing = append(missing, it.Name)
		}
	}
	switch {
	case len(unknown) > 0:
		return nil, govdata.Errorf(govdata.EINVALID, MsgHeaderUnknown, strings.Join(unknown, "、"))
	case len(repeated) > 0:
		return nil, govdata.Errorf(govdata.EINVALID, MsgHeaderRepeat, strings.Join(repeated, "、"))
	case len(missing) > 0:
		return nil, govdata.Errorf(govdata.EINVALID, MsgHeaderMissing, strings.Join(missing, "、"))
	}
	return index, nil
}

func normalName(s string) string {
	return strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
}

// Next returns the next row in item order (absent columns empty), its line
// number, and a reason when the row cannot be read as values (ReasonRagged,
// ReasonNUL): the row is rejected and reading goes on. The row is reused by
// the next call. io.EOF ends the file; any other error ends it too, as a
// *govdata.Error naming the line.
func (c *CSV) Next() (row []string, line int, reason string, err error) {
	record, err := c.r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, 0, "", io.EOF
		}
		return nil, 0, "", c.readError(err)
	}
	line, _ = c.r.FieldPos(0)
	c.line = line
	for i := range c.row {
		c.row[i] = ""
	}
	if len(record) != len(c.index) {
		return c.row, line, ReasonRagged, nil
	}
	for f, v := range record {
		if strings.IndexByte(v, 0) >= 0 {
			return c.row, line, ReasonNUL, nil
		}
		c.row[c.index[f]] = v
	}
	return c.row, line, "", nil
}

// readError names the line of a read error.
func (c *CSV) readError(err error) error {
	var tooLong *lineTooLongError
	if errors.As(err, &tooLong) {
		return govdata.Errorf(govdata.EINVALID, MsgLineTooLong, c.line+1, MaxLineBytes)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return govdata.Errorf(govdata.EINVALID, MsgCSVSyntax, pe.StartLine, pe.Err.Error())
	}
	return fmt.Errorf("ingest: read csv: %w", err)
}

// trimPartialRune drops a rune cut off at the end of a peeked buffer, so
// that the UTF-8 test does not fail on it.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		if r, _ := utf8.DecodeLastRune(b[:len(b)-i+1]); r != utf8.RuneError {
			return b[:len(b)-i+1]
		}
	}
	return b
}

// lineLimit fails a read once max bytes pass without a newline that ends
// a record: one outside quotes. A quote flips the state ("" in a quoted
// field flips it twice), as the reader sees it; a quote that is not at a
// field's start fails the read there (csv.ErrBareQuote), so the count
// never goes astray for long.
type lineLimit struct {
	r      io.Reader
	max    int
	run    int
	quoted bool
}

type lineTooLongError struct{}

func (*lineTooLongError) Error() string { return "ingest: line too long" }

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for b := p[:n]; len(b) > 0; {
		i := bytes.IndexAny(b, "\n\"")
		if i < 0 {
			if l.run += len(b); l.run > l.max {
				return 0, &lineTooLongError{}
			}
			break
		}
		if l.run+i > l.max {
			return 0, &lineTooLongError{}
		}
		switch {
		case b[i] == '"':
			l.quoted, l.run = !l.quoted, l.run+i+1
		case l.quoted:
			l.run += i + 1 // a newline within a quoted field
		default:
			l.run = 0
		}
		b = b[i+1:]
	}
	return n, err
}
