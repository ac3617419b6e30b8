package ckan

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govdata/govdata"
)

// maxBody bounds a POST body: an action's parameters are a few fields.
const maxBody = 1 << 20

// Messages of parameter validation.
var (
	msgMissing    = govdata.Msg{ZH: "缺少参数", EN: "Missing value"}
	msgInteger    = govdata.Msg{ZH: "应为整数", EN: "Invalid integer"}
	msgNatural    = govdata.Msg{ZH: "应为非负整数", EN: "Must be a natural number"}
	msgRange      = govdata.Msg{ZH: "应在 %d 到 %d 之间", EN: "Must be between %d and %d"}
	msgString     = govdata.Msg{ZH: "应为一个字符串", EN: "Must be a single string"}
	msgBool       = govdata.Msg{ZH: "应为 true 或 false", EN: "Must be true or false"}
	msgText       = govdata.Msg{ZH: "应为不含 NUL 的 UTF-8 文本，且不超过 %d 个字符", EN: "Must be UTF-8 text without NUL, at most %d characters"}
	msgStringList = govdata.Msg{ZH: "应为字符串的 JSON 列表，如 [\"organization\",\"tags\"]", EN: "Must be a JSON list of strings, like [\"organization\",\"tags\"]"}
)

// params are an action's parameters: from the query string, and from a
// POST body on top. Query values are strings (or []string when repeated),
// body values whatever JSON held.
type params map[string]any

// readParams gathers a call's parameters as CKAN does: the query string,
// then a POST body that is a JSON object, or a form, or — as Python's
// urllib sends JSON — a form whose one key is the JSON object.
func readParams(w http.ResponseWriter, r *http.Request, lang string) (params, error) {
	p := params{}
	for k, vs := range r.URL.Query() {
		p.setStrings(k, vs)
	}
	if r.Method != http.MethodPost {
		return p, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &apiError{status: http.StatusRequestEntityTooLarge, typ: typeBadRequest, msg: msgBodyTooLarge.Text(lang, maxBody)}
		}
		return nil, &apiError{status: http.StatusBadRequest, typ: typeBadRequest, msg: msgBody.Text(lang, err.Error())}
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return p, nil
	}
	// A body that is (or starts as) JSON is JSON, and must be an object;
	// anything else is a form.
	if !json.Valid(body) && !startsJSON(string(body)) {
		form, ferr := url.ParseQuery(string(body))
		if ferr != nil {
			return nil, &apiError{status: http.StatusBadRequest, typ: typeBadRequest, msg: msgBody.Text(lang, ferr.Error())}
		}
		key, one := onlyKey(form)
		if !one || !startsJSON(strings.TrimSpace(key)) {
			for k, vs := range form {
				p.setStrings(k, vs)
			}
			return p, nil
		}
		body = []byte(key)
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil || obj == nil {
		reason := "null"
		if err != nil {
			reason = err.Error()
		}
		return nil, &apiError{status: http.StatusBadRequest, typ: typeBadRequest, msg: msgBody.Text(lang, reason)}
	}
	if dec.More() {
		return nil, &apiError{status: http.StatusBadRequest, typ: typeBadRequest, msg: msgBody.Text(lang, "trailing data")}
	}
	for k, v := range obj {
		p[k] = v
	}
	return p, nil
}

// startsJSON reports whether s starts as a JSON object, list or string
// does.
func startsJSON(s string) bool { return s != "" && strings.ContainsRune(`{["`, rune(s[0])) }

// onlyKey returns the form's key when it has exactly one, with an empty
// value or "1" (what a JSON object posted as a form looks like).
func onlyKey(form url.Values) (string, bool) {
	if len(form) != 1 {
		return "", false
	}
	for k, vs := range form {
		if len(vs) == 1 && (vs[0] == "" || vs[0] == "1") {
			return k, true
		}
	}
	return "", false
}

func (p params) setStrings(k string, vs []string) {
	if len(vs) == 1 {
		p[k] = vs[0]
	} else {
		p[k] = vs
	}
}

// str reads a text parameter of at most max characters. A JSON number is
// taken as its text; anything else is refused.
func (p params) str(v *validation, name string, max int) (string, bool) {
	raw, ok := p[name]
	if !ok || raw == nil {
		return "", false
	}
	var s string
	switch x := raw.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	default:
		v.add(name, msgString)
		return "", false
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || utf8.RuneCountInString(s) > max {
		v.add(name, msgText, max)
		return "", false
	}
	return s, true
}

// integer reads a whole number in [min, max]; def when absent or empty.
// clamp lowers a larger number to max instead of refusing it, as CKAN
// does with rows (limit_to_configured_maximum).
func (p params) integer(v *validation, name string, def, min, max int, clamp bool) int {
	raw, ok := p[name]
	if !ok || raw == nil {
		return def
	}
	var s string
	switch x := raw.(type) {
	case string:
		s = strings.TrimSpace(x)
	case json.Number:
		s = x.String()
	default:
		v.add(name, msgInteger)
		return def
	}
	if s == "" {
		return def
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// "1e3" and "10.0" are numbers JSON writers produce; take them
		// when they are whole.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1e15 {
			v.add(name, msgInteger)
			return def
		}
		n = int64(f)
	}
	switch {
	case n < int64(min) && min == 0:
		v.add(name, msgNatural)
		return def
	case n < int64(min) || (n > int64(max) && !clamp):
		v.add(name, msgRange, min, max)
		return def
	case n > int64(max):
		return max
	}
	return int(n)
}

// boolean reads true/false as JSON, or as the words CKAN's asbool takes.
func (p params) boolean(v *validation, name string, def bool) bool {
	raw, ok := p[name]
	if !ok || raw == nil {
		return def
	}
	switch x := raw.(type) {
	case bool:
		return x
	case json.Number:
		return x.String() != "0"
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "":
			return def
		case "true", "1", "yes", "y", "on", "t":
			return true
		case "false", "0", "no", "n", "off", "f":
			return false
		}
	}
	v.add(name, msgBool)
	return def
}

// stringList reads a list of names: a JSON list in the body, or a string
// holding one (facet.field=["organization"] in a query string).
func (p params) stringList(v *validation, name string) []string {
	raw, ok := p[name]
	if !ok || raw == nil {
		return nil
	}
	var list []any
	switch x := raw.(type) {
	case []any:
		list = x
	case string:
		if strings.TrimSpace(x) == "" {
			return nil
		}
		if err := json.Unmarshal([]byte(x), &list); err != nil {
			v.add(name, msgStringList)
			return nil
		}
	default:
		v.add(name, msgStringList)
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			v.add(name, msgStringList)
			return nil
		}
		out = append(out, s)
	}
	return out
}
