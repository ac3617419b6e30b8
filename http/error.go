package http

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/govdata/govdata"
)

// statusOf maps an error code to its HTTP status (PRODUCT.md §4).
var statusOf = map[govdata.ErrorCode]int{
	govdata.EINVALID:      http.StatusBadRequest,
	govdata.ENOTFOUND:     http.StatusNotFound,
	govdata.ECONFLICT:     http.StatusConflict,
	govdata.EUNAUTHORIZED: http.StatusUnauthorized,
	govdata.EFORBIDDEN:    http.StatusForbidden,
	govdata.EINTERNAL:     http.StatusInternalServerError,
	govdata.ETOOMANY:      http.StatusTooManyRequests,
}

// errorBody is the error envelope: {"error": {...}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      govdata.ErrorCode `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	Details   map[string]any    `json:"details,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// statusError is a domain error with a status other than its code's default
// (413 for an oversized body, 405 for a wrong method).
type statusError struct {
	status int
	err    *govdata.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// writeError writes err as the error envelope in the request's language.
// Anything but a domain error is internal: logged with the request ID and
// shown as a generic message, never its text (no SQL, no stack, no secret).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	lang := govdata.Language(r.Header.Get("Accept-Language"))
	reqID := requestID(r)
	var e *govdata.Error
	status := 0
	var se *statusError
	if errors.As(err, &se) {
		status = se.status
	}
	if (!errors.As(err, &e) || e.Code == govdata.EINTERNAL) && r.Context().Err() != nil {
		// The client went away first (the console stops the facet counts
		// of a search it no longer shows), so the store stopped too: no
		// failure of the server, and no one to answer.
		s.log.Info("request abandoned by the client", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	if !errors.As(err, &e) || e.Code == govdata.EINTERNAL {
		s.log.Error("request failed", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "err", err)
		e = govdata.Errorf(govdata.EINTERNAL, govdata.MsgInternal, reqID)
	}
	if status == 0 {
		status = statusOf[e.Code]
	}
	body := errorBody{Error: errorDetail{Code: e.Code, Message: e.Message.Text(lang), Details: e.Details, RequestID: reqID}}
	if len(e.Fields) > 0 {
		body.Error.Fields = map[string]string{}
		for k, m := range e.Fields {
			body.Error.Fields[k] = m.Text(lang)
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="govdata"`)
	}
	if after, ok := e.Details["retry_after"].(int); ok {
		w.Header().Set("Retry-After", strconv.Itoa(after))
	}
	writeJSON(w, status, body)
}

// writeJSON writes v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	countJSON(w, v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
