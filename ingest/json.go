package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// MaxRowBytes bounds one row of a JSON upload (a body has no line to
// bound: compact JSON is one line however many rows it holds).
const MaxRowBytes = 16 << 20

// rowBudget fails a read once more than max bytes pass within one row
// (the decoder reads ahead a little; the bound is generous).
type rowBudget struct {
	r         io.Reader
	max, used int
}

func (b *rowBudget) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if b.used += n; b.used > b.max {
		return 0, &lineTooLongError{}
	}
	return n, err
}

// Messages of JSON uploads.
var (
	MsgJSONRowTooLong = govdata.Msg{ZH: "第 %d 行超过 %d 字节", EN: "row %d is longer than %d bytes"}
	MsgJSONShape      = govdata.Msg{ZH: "请求体应为 {\"rows\": [{信息项: 值, …}, …]}", EN: `the body must be {"rows": [{item: value, …}, …]}`}
	MsgJSONAt         = govdata.Msg{ZH: "JSON 在第 %d 字节处有误：%s", EN: "the JSON is malformed at byte %d: %s"}
)

// Reasons a JSON row is rejected before its values are checked.
const (
	ReasonUnknownItem = "unknown_item" // a key the entry has no item for
	ReasonNotScalar   = "not_scalar"   // a value that is an object or an array
)

// JSON reads {"rows": [{item name: value, …}, …]} one row at a time, in the
// entry's item order. Values are strings, numbers (kept as written),
// booleans or null (absent).
type JSON struct {
	dec    *json.Decoder
	budget *rowBudget
	byName map[string]int
	row    []string
	n      int
}

// NewJSON reads up to the start of the rows array.
func NewJSON(src io.Reader, items []govdata.Item) (*JSON, error) {
	b := &rowBudget{r: src, max: MaxRowBytes}
	j := &JSON{dec: json.NewDecoder(b), budget: b, byName: map[string]int{}, row: make([]string, len(items))}
	j.dec.UseNumber()
	for i, it := range items {
		j.byName[normalName(it.Name)] = i
	}
	if err := j.expect(json.Delim('{')); err != nil {
		return nil, err
	}
	for {
		tok, err := j.token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, govdata.Errorf(govdata.EINVALID, MsgJSONShape)
		}
		if key == "rows" {
			return j, j.expect(json.Delim('['))
		}
		// Another member: skip its value.
		var skip json.RawMessage
		if err := j.dec.Decode(&skip); err != nil {
			return nil, j.syntax(err)
		}
	}
}

// Next returns the next row (reused by the next call), its position in
// the array (1-based), and a reason when the row cannot be read as values;
// io.EOF after the last.
func (j *JSON) Next() (row []string, n int, reason string, err error) {
	if !j.dec.More() {
		if err := j.expect(json.Delim(']')); err != nil {
			return nil, 0, "", err
		}
		return nil, 0, "", io.EOF
	}
	j.n++
	j.budget.used = 0
	for i := range j.row {
		j.row[i] = ""
	}
	var obj map[string]json.RawMessage
	if err := j.dec.Decode(&obj); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return nil, 0, "", govdata.Errorf(govdata.EINVALID, MsgJSONShape)
		}
		return nil, 0, "", j.syntax(err)
	}
	for k, raw := range obj {
		i, ok := j.byName[normalName(k)]
		if !ok {
			return j.row, j.n, ReasonUnknownItem, nil
		}
		v, ok := Scalar(raw)
		if !ok {
			return j.row, j.n, ReasonNotScalar, nil
		}
		if strings.IndexByte(v, 0) >= 0 {
			return j.row, j.n, ReasonNUL, nil
		}
		j.row[i] = v
	}
	return j.row, j.n, "", nil
}

// Scalar is a JSON value as the text a CSV would hold: strings unquoted,
// numbers as written, booleans true/false, null empty.
func Scalar(raw json.RawMessage) (string, bool) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "null":
		return "", true
	case s == "true" || s == "false":
		return s, true
	case strings.HasPrefix(s, `"`):
		v, err := strconv.Unquote(s)
		if err != nil {
			var out string
			if json.Unmarshal(raw, &out) != nil {
				return "", false
			}
			return out, true
		}
		return v, true
	case strings.HasPrefix(s, "{") || strings.HasPrefix(s, "["):
		return "", false
	}
	return s, true // a number, as written
}

func (j *JSON) token() (json.Token, error) {
	tok, err := j.dec.Token()
	if err != nil {
		return nil, j.syntax(err)
	}
	return tok, nil
}

func (j *JSON) expect(want json.Delim) error {
	tok, err := j.token()
	if err != nil {
		return err
	}
	if tok != want {
		return govdata.Errorf(govdata.EINVALID, MsgJSONShape)
	}
	return nil
}

func (j *JSON) syntax(err error) error {
	var se *json.SyntaxError
	var tooLong *lineTooLongError
	switch {
	case errors.As(err, &se):
		return govdata.Errorf(govdata.EINVALID, MsgJSONAt, se.Offset, se.Error())
	case errors.As(err, &tooLong):
		return govdata.Errorf(govdata.EINVALID, MsgJSONRowTooLong, j.n, MaxRowBytes)
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return govdata.Errorf(govdata.EINVALID, MsgJSONShape)
	}
	return fmt.Errorf("ingest: read json: %w", err)
}
