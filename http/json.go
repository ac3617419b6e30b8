package http

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govdata/govdata"
)

var (
	msgBodyMalformed = govdata.Msg{ZH: "请求体不是有效的 JSON（第 %d 字节附近）", EN: "the request body is not valid JSON (near byte %d)"}
	msgBodyEmpty     = govdata.Msg{ZH: "请求体为空，需要 JSON 对象", EN: "the request body is empty; a JSON object is expected"}
	msgBodyType      = govdata.Msg{ZH: "字段 %s 的类型错误，应为 %s", EN: "field %s has the wrong type; expected %s"}
	msgBodyUnknown   = govdata.Msg{ZH: "未知字段：%s", EN: "unknown field: %s"}
	msgBodyTrailing  = govdata.Msg{ZH: "请求体中 JSON 对象之后还有多余内容", EN: "the request body has data after the JSON object"}
	msgBodyTooLarge  = govdata.Msg{ZH: "请求体过大，上限为 %d 字节", EN: "the request body is too large; the limit is %d bytes"}
	msgBadID         = govdata.Msg{ZH: "编号须为正整数", EN: "the ID must be a positive integer"}
	msgBadParam      = govdata.Msg{ZH: "参数 %s 无效", EN: "invalid parameter %s"}
	msgNUL           = govdata.Msg{ZH: "文本中不能含有 NUL（\\u0000）字符", EN: "text must not contain NUL (\\u0000) characters"}
	msgURLText       = govdata.Msg{ZH: "地址或查询参数须为不含 NUL 的 UTF-8 文本", EN: "the path and query parameters must be UTF-8 text without NUL"}
	msgNotFound      = govdata.Msg{ZH: "没有这个地址：%s", EN: "no such path: %s"}
	msgMethod        = govdata.Msg{ZH: "该地址不支持 %s 方法，可用：%s", EN: "%s is not allowed here; allowed: %s"}
)

// decode reads one JSON object into v: unknown fields, wrong types,
// trailing data and oversized bodies are refused with a clear message.
func (s *Server) decode(r *http.Request, v any) error {
	// The Content-Type is not checked: the body must be JSON whatever it says
	// (curl -d sends a form type), and cookie calls carry a CSRF token anyway.
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return s.decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return s.decodeError(err)
		}
		return govdata.Errorf(govdata.EINVALID, msgBodyTrailing)
	}
	if field, ok := findNUL(reflect.ValueOf(v), ""); ok {
		e := govdata.Errorf(govdata.EINVALID, msgNUL)
		e.Fields = map[string]govdata.Message{field: {Msg: msgNUL}}
		return e
	}
	return nil
}

// findNUL reports the first string inside v that holds a NUL character:
// no text field has a use for one, and PostgreSQL cannot store it.
func findNUL(v reflect.Value, path string) (string, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return findNUL(v.Elem(), path)
		}
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			return path, true
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if f, ok := findNUL(v.Index(i), path); ok {
				return f, true
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if f, ok := findNUL(k, path); ok {
				return f, true
			}
			if f, ok := findNUL(v.MapIndex(k), path); ok {
				return f, true
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if !t.Field(i).IsExported() {
				continue
			}
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" {
				name = t.Field(i).Name
			}
			if f, ok := findNUL(v.Field(i), name); ok {
				return f, true
			}
		}
	}
	return "", false
}

// badURLText reports whether the decoded path or a query name or value is
// not valid UTF-8 or holds a NUL: text that no filter can match and that
// PostgreSQL refuses to compare.
func badURLText(r *http.Request) bool {
	bad := func(s string) bool { return !utf8.ValidString(s) || strings.ContainsRune(s, 0) }
	if bad(r.URL.Path) {
		return true
	}
	for k, vs := range r.URL.Query() {
		if bad(k) {
			return true
		}
		for _, v := range vs {
			if bad(v) {
				return true
			}
		}
	}
	return false
}

func (s *Server) decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return &statusError{status: http.StatusRequestEntityTooLarge, err: govdata.Errorf(govdata.EINVALID, msgBodyTooLarge, tooLarge.Limit)}
	case errors.Is(err, io.EOF):
		return govdata.Errorf(govdata.EINVALID, msgBodyEmpty)
	case errors.As(err, &syntax):
		return govdata.Errorf(govdata.EINVALID, msgBodyMalformed, syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return govdata.Errorf(govdata.EINVALID, msgBodyMalformed, 0)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		e := govdata.Errorf(govdata.EINVALID, msgBodyType, field, jsonTypeName(typ.Type.Kind().String()))
		e.Fields = map[string]govdata.Message{field: {Msg: msgBodyType, Args: []any{field, jsonTypeName(typ.Type.Kind().String())}}}
		return e
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		e := govdata.Errorf(govdata.EINVALID, msgBodyUnknown, name)
		e.Fields = map[string]govdata.Message{name: {Msg: msgBodyUnknown, Args: []any{name}}}
		return e
	}
	return govdata.Errorf(govdata.EINVALID, msgBodyMalformed, 0)
}

func jsonTypeName(kind string) string {
	switch kind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "number"
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct", "ptr":
		return "object"
	}
	return kind
}

// pathID parses the {id} path value.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, govdata.Errorf(govdata.EINVALID, msgBadID)
	}
	return id, nil
}

// queryInt parses an optional integer query parameter (0 when absent).
func queryInt(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, badParam(name)
	}
	return n, nil
}

// badParam refuses query parameter name, marking it.
func badParam(name string) error {
	e := govdata.Errorf(govdata.EINVALID, msgBadParam, name)
	e.Fields = map[string]govdata.Message{name: {Msg: msgBadParam, Args: []any{name}}}
	return e
}

// queryEnum reads an optional query parameter that must be one of valid.
func queryEnum(r *http.Request, name string, valid func(string) bool) (string, error) {
	v := r.URL.Query().Get(name)
	if v != "" && !valid(v) {
		return "", badParam(name)
	}
	return v, nil
}

// queryBool reads an optional true/false query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	v, err := queryEnum(r, name, func(v string) bool { return v == "true" || v == "false" })
	return v == "true", err
}

// pageOf reads ?limit= and ?cursor= (PRODUCT.md §4: default 20, max 500).
func pageOf(r *http.Request) (govdata.Page, error) {
	p := govdata.Page{Cursor: r.URL.Query().Get("cursor")}
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > govdata.MaxLimit {
			e := govdata.Errorf(govdata.EINVALID, govdata.MsgBadLimit, govdata.MaxLimit)
			e.Fields = map[string]govdata.Message{"limit": {Msg: govdata.MsgBadLimit, Args: []any{govdata.MaxLimit}}}
			return p, e
		}
		p.Limit = n
	}
	return p, nil
}

// body decodes the request body into a new T.
func body[T any](s *Server, r *http.Request) (T, error) {
	var v T
	err := s.decode(r, &v)
	return v, err
}
