package http

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/govdata/govdata"
)

// readKind is what a GET route answers, and so whether each answer is
// audited (SEC-1, SJZ-S-22). Every GET route says which in the route
// table: the zero value is no kind, and buildMux refuses such a route, so
// that a new route cannot forget to decide.
type readKind int

const (
	readUnclassified readKind = iota
	// readPlain: metadata, public data, or the caller's own things (its
	// session, tasks, notifications); not audited.
	readPlain
	// readAudited: stored values or records of other people. Each answer
	// is recorded — what was read: the object, the filter, the rows and
	// the sealed items opened — durably before its first byte leaves; if
	// the record cannot be written, nothing of the answer is sent.
	readAudited
	// readSelf: the service records each read itself, as the data
	// service does with its grant in the write that spends its nonce
	// (SHR-4), and a live query with what the provider answered (AGG-5).
	readSelf
)

// String names the kind, for tests and messages.
func (k readKind) String() string {
	switch k {
	case readPlain:
		return "plain"
	case readAudited:
		return "audited"
	case readSelf:
		return "self"
	}
	return "unclassified"
}

// readNote is what a handler tells the read's audit record beyond the
// request itself.
type readNote struct {
	rows    int64
	counted bool
	opened  []string
	where   map[string]string // the filter as the store shows it (sealed values as blind indexes)
	extra   map[string]any
}

type readNoteKey struct{}

func noteOf(r *http.Request) *readNote {
	n, _ := r.Context().Value(readNoteKey{}).(*readNote)
	return n
}

// noteRows sets how many rows or records the answer holds; a handler that
// streams calls it before its first byte.
func noteRows(r *http.Request, n int64) {
	if note := noteOf(r); note != nil {
		note.rows, note.counted = n, true
	}
}

// noteOpened names the sealed items (SEC-2) whose values the answer holds
// decrypted.
func noteOpened(r *http.Request, items []string) {
	if note := noteOf(r); note != nil {
		note.opened = items
	}
}

// noteRowList notes what a page of dataset rows opened and the filter it
// answered, as the store shows it: the record then holds no sealed value
// of the query in clear (SEC-2).
func noteRowList(r *http.Request, l govdata.RowList) {
	if note := noteOf(r); note != nil {
		note.opened, note.where = l.Opened, l.Filter
	}
}

// noteDetail adds one more fact to the read's record.
func noteDetail(r *http.Request, key string, v any) {
	if note := noteOf(r); note != nil {
		if note.extra == nil {
			note.extra = map[string]any{}
		}
		note.extra[key] = v
	}
}

// errReadNotRecorded stops a handler writing once its read could not be
// recorded: the answer has been replaced by a 500.
var errReadNotRecorded = errors.New("http: the read was not recorded; nothing is answered")

// auditedWriter holds back a readAudited route's answer until its record
// is written: the first WriteHeader or Write of a successful status writes
// the record, with what the handler has noted by then; an error status
// passes through (refusals are recorded by serveRoute).
type auditedWriter struct {
	http.ResponseWriter
	s     *Server
	r     *http.Request
	rt    route
	note  *readNote
	state int // 0 pending, 1 recorded or passed through, 2 failed
}

// withReadAudit prepares r and w of an audited read.
func (s *Server) withReadAudit(w http.ResponseWriter, r *http.Request, rt route) (*auditedWriter, *http.Request) {
	note := &readNote{}
	r = r.WithContext(context.WithValue(r.Context(), readNoteKey{}, note))
	return &auditedWriter{ResponseWriter: w, s: s, r: r, rt: rt, note: note}, r
}

func (w *auditedWriter) WriteHeader(code int) {
	if w.state == 2 {
		return
	}
	if w.state == 0 {
		w.state = 1
		if code >= 200 && code < 300 {
			if err := w.record(); err != nil {
				w.state = 2
				// Nothing the handler prepared may go out with the error.
				h := w.ResponseWriter.Header()
				for k := range h {
					if k != "X-Request-Id" {
						delete(h, k)
					}
				}
				w.s.writeError(w.ResponseWriter, w.r, fmt.Errorf("audit read %s: %w", w.rt.action, err))
				return
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *auditedWriter) Write(b []byte) (int, error) {
	if w.state == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.state == 2 {
		return 0, errReadNotRecorded
	}
	return w.ResponseWriter.Write(b)
}

func (w *auditedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// failed reports whether the answer was replaced by the 500 of a record
// that could not be written.
func (w *auditedWriter) failed() bool { return w.state == 2 }

// record writes the read's audit record: the object of the path, the
// query (the filter, the page), the rows and the sealed items opened.
func (w *auditedWriter) record() error {
	detail := map[string]any{"rows": w.note.rows}
	q := w.r.URL.Query()
	if w.note.where != nil {
		q.Del("where")
		detail["where"] = w.note.where
	}
	if len(q) > 0 {
		detail["query"] = q
	}
	if len(w.note.opened) > 0 {
		detail["opened"] = w.note.opened
	}
	for k, v := range w.note.extra {
		detail[k] = v
	}
	return w.s.svc.Audit.RecordRead(w.r.Context(), w.rt.action, w.rt.objectType, pathObject(w.r), detail)
}

// pathObject is the object a path names, for audit records of reads and
// refusals: its {id}, {code}, {trace} or {year}.
func pathObject(r *http.Request) string {
	for _, name := range []string{"id", "code", "trace", "year"} {
		if v := r.PathValue(name); v != "" {
			return v
		}
	}
	return ""
}

// countJSON counts the rows of a JSON answer about to be written to w, if
// w is an audited read whose handler did not count them itself: the items
// of a list, the elements of a slice, else one object.
func countJSON(w http.ResponseWriter, v any) {
	aw, ok := w.(*auditedWriter)
	if !ok || aw.note.counted {
		return
	}
	n := int64(1)
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			break
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		n = int64(rv.Len())
	case reflect.Struct:
		if items := rv.FieldByName("Items"); items.IsValid() && items.Kind() == reflect.Slice {
			n = int64(items.Len())
		}
	}
	aw.note.rows, aw.note.counted = n, true
}
