package sqlstore

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govdata/govdata"
)

// Cursors are opaque to clients: base64url of "v1:" and the last key seen.

func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + key))
}

func decodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	// The key is compared in SQL: text that is not UTF-8 or holds a NUL was
	// never a key we issued, and PostgreSQL refuses to compare it.
	if err != nil || !strings.HasPrefix(string(b), "v1:") || !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return "", govdata.Errorf(govdata.EINVALID, govdata.MsgBadCursor)
	}
	return string(b[3:]), nil
}

// decodeIDCursor decodes a cursor holding an integer key; 0 when empty.
func decodeIDCursor(c string) (int64, error) {
	s, err := decodeCursor(c)
	if err != nil || s == "" {
		return 0, err
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return 0, govdata.Errorf(govdata.EINVALID, govdata.MsgBadCursor)
	}
	return id, nil
}

// where builds a conjunction of conditions with their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// with returns a copy of w with one more condition; w is unchanged (the
// copies do not share their slices).
func (w where) with(cond string, args ...any) where {
	out := where{conds: append(slices.Clip(w.conds), cond), args: append(slices.Clip(w.args), args...)}
	return out
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// scanAll reads every row with scan and closes rows.
func scanAll[T any](rows *sql.Rows, scan func(row interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// page trims a result fetched with limit+1 rows and returns the next cursor.
func page[T any](items []T, limit int, key func(T) string) govdata.List[T] {
	l := govdata.List[T]{Items: items}
	if len(items) > limit {
		l.Items = items[:limit]
		l.NextCursor = encodeCursor(key(items[limit-1]))
	}
	if l.Items == nil {
		l.Items = []T{}
	}
	return l
}
