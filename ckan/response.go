package ckan

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"

	"github.com/govdata/govdata"
)

// CKAN's error types (the "__type" of an error) and the statuses CKAN
// answers them with; clients such as ckanapi raise by the type.
const (
	typeNotFound   = "Not Found Error"       // 404
	typeValidation = "Validation Error"      // 409
	typeBadRequest = "Bad Request"           // 400: unknown action, body not JSON
	typeInternal   = "Internal Server Error" // 500
)

// Messages a person reads in an error.
var (
	msgNoPath        = govdata.Msg{ZH: "没有这个地址：%s", EN: "no such path: %s"}
	msgMethod        = govdata.Msg{ZH: "不支持 %s 方法，请用 GET 或 POST", EN: "%s is not allowed; use GET or POST"}
	msgUnknownAction = govdata.Msg{ZH: "未知的操作：%s", EN: "Action name not known: %s"}
	msgBody          = govdata.Msg{ZH: "请求体不是 JSON 对象：%s", EN: "JSON Error: the request body is not a JSON object: %s"}
	msgBodyTooLarge  = govdata.Msg{ZH: "请求体过大，上限为 %d 字节", EN: "the request body is too large; the limit is %d bytes"}
	msgNotFound      = govdata.Msg{ZH: "未找到", EN: "Not found"}
	msgInternal      = govdata.Msg{ZH: "服务器内部错误", EN: "Internal Server Error"}
)

// apiError is an answer other than success: CKAN's error object.
type apiError struct {
	status int
	typ    string
	msg    string
	// fields are a Validation Error's messages per parameter.
	fields map[string][]string
}

func (e *apiError) Error() string { return e.typ + ": " + e.msg }

// notFound is CKAN's Not Found Error.
func notFound(lang string) *apiError {
	return &apiError{status: http.StatusNotFound, typ: typeNotFound, msg: msgNotFound.Text(lang)}
}

// envelope is CKAN's response: help, success and result or error.
type envelope struct {
	Help    string         `json:"help"`
	Success bool           `json:"success"`
	Result  any            `json:"result,omitempty"`
	Error   map[string]any `json:"error,omitempty"`
}

func (h *Handler) help(action string) string {
	if action == "" {
		action = "help_show"
	}
	return h.cfg.SiteURL + PathV3 + "help_show?name=" + action
}

func (h *Handler) writeResult(w http.ResponseWriter, action string, result any) {
	writeJSON(w, http.StatusOK, envelope{Help: h.help(action), Success: true, Result: result})
}

// writeError answers err in CKAN's shape. A domain error keeps its meaning
// (not found, invalid); anything else is internal: logged, and shown only
// as "Internal Server Error".
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, action string, err error) {
	lang := govdata.Language(r.Header.Get("Accept-Language"))
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = h.domainError(r, err, lang)
	}
	body := map[string]any{"__type": ae.typ}
	if ae.msg != "" {
		body["message"] = ae.msg
	}
	for f, msgs := range ae.fields {
		if f != "__type" && f != "message" {
			body[f] = msgs
		}
	}
	writeJSON(w, ae.status, envelope{Help: h.help(action), Success: false, Error: body})
}

// domainError maps an error of the open catalog to CKAN's error.
func (h *Handler) domainError(r *http.Request, err error, lang string) *apiError {
	var e *govdata.Error
	if errors.As(err, &e) {
		switch e.Code {
		case govdata.ENOTFOUND:
			return notFound(lang)
		case govdata.EINVALID:
			ae := &apiError{status: http.StatusConflict, typ: typeValidation, msg: e.Message.Text(lang), fields: map[string][]string{}}
			for f, m := range e.Fields {
				ae.fields[f] = []string{m.Text(lang)}
			}
			return ae
		}
	}
	h.log.Error("ckan: action failed", "method", r.Method, "path", r.URL.Path, "err", err)
	return &apiError{status: http.StatusInternalServerError, typ: typeInternal, msg: msgInternal.Text(lang)}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// validation collects the problems of a call's parameters into one
// Validation Error, as CKAN reports them: {"rows": ["…"]}.
type validation struct {
	lang   string
	fields map[string][]string
}

func (v *validation) add(field string, m govdata.Msg, args ...any) {
	v.addText(field, m.Text(v.lang, args...))
}

// addText records a message already rendered.
func (v *validation) addText(field, text string) {
	if v.fields == nil {
		v.fields = map[string][]string{}
	}
	v.fields[field] = append(v.fields[field], text)
}

// err returns nil or the Validation Error.
func (v *validation) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &apiError{status: http.StatusConflict, typ: typeValidation, fields: v.fields}
}

// sortedKeys returns m's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
