package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"time"
)

// The peer (-peer) is the second yardstick of issue 13: what a bureau
// would put up in an afternoon in front of the same table — a plain
// paging server like pREST's GET /db/public/table?_page=N&_page_size=20.
// It is the harness's own few dozen lines, in its own process: it reads
// govdata's dataset table (ds_<entry>, the rows govdata's data service
// serves) in govdata's database and answers the rows as JSON, sealed
// values as they are stored. No authentication, no masking, no audit: the
// difference between it and govdata is what govdata's guarantees cost.
//
//	GET /rows?page=N&page_size=20      LIMIT 20 OFFSET (N-1)*20, as pREST pages
//	GET /rows?after=R&page_size=20     the 20 rows after _row R (keyset)

// peerTableRE keeps the table name, which the peer writes into its SQL,
// an identifier.
var peerTableRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// servePeer serves table of the database at dsn (a PostgreSQL URL, or the
// path of govdata's SQLite file, opened read-only) on a free port of
// 127.0.0.1 until the process is stopped.
func servePeer(dsn, table string) error {
	if !peerTableRE.MatchString(table) {
		return fmt.Errorf("peer: table %q is not an identifier", table)
	}
	var db *sql.DB
	var err error
	ph := func(n int) string { return "$" + strconv.Itoa(n) }
	if isPostgresURL(dsn) {
		db, err = openPostgres(dsn, nil)
	} else {
		db, err = sql.Open("sqlite", "file:"+dsn+"?_pragma=query_only(1)&_pragma=busy_timeout(10000)")
		ph = func(int) string { return "?" }
	}
	if err != nil {
		return err
	}
	// As many connections as govdata's pool on PostgreSQL.
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	sel := "SELECT * FROM " + table
	byPage := sel + " ORDER BY _row LIMIT " + ph(1) + " OFFSET " + ph(2)
	byKey := sel + " WHERE _row > " + ph(1) + " ORDER BY _row LIMIT " + ph(2)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("peer listening on http://%s\n", ln.Addr())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rows", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		size, err := strconv.Atoi(q.Get("page_size"))
		if err != nil || size < 1 || size > 1000 {
			size = 20
		}
		var rows *sql.Rows
		if a := q.Get("after"); a != "" {
			after, err := strconv.ParseInt(a, 10, 64)
			if err != nil {
				http.Error(w, "bad after", http.StatusBadRequest)
				return
			}
			rows, err = db.QueryContext(r.Context(), byKey, after, size)
		} else {
			page, err := strconv.Atoi(q.Get("page"))
			if err != nil || page < 1 {
				page = 1
			}
			rows, err = db.QueryContext(r.Context(), byPage, size, (page-1)*size)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		out, err := peerRows(rows)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	return hs.Serve(ln)
}

// peerRows turns any result into JSON objects by column name, as a
// generic REST layer over a database does.
func peerRows(rows *sql.Rows) ([]map[string]any, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			m[c] = vals[i]
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// runPeerMain is the peer process: main re-runs its own binary with
// -peer-serve.
func runPeerMain(dsn, table string) {
	if err := servePeer(dsn, table); err != nil {
		fmt.Fprintln(os.Stderr, "peer:", err)
		os.Exit(1)
	}
}

// peerPositions reads the _row of every row of govdata's table, in order,
// for the peer's keyset pages: the harness asks for the page after the
// same rows on every server.
func peerPositions(ctx context.Context, db *sql.DB, table string) ([]int64, error) {
	if !peerTableRE.MatchString(table) {
		return nil, fmt.Errorf("table %q is not an identifier", table)
	}
	rows, err := db.QueryContext(ctx, "SELECT _row FROM "+table+" ORDER BY _row")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// peerQuery is the mix for the peer: a third the first page, a third the
// page after a random row, a third the page after one of govdata's cursor
// positions (row (k+1)·stride) — the same rows govdata's mix asks for but
// for the ID equality, which a plain table server cannot ask of a sealed
// column. With offset the pages are asked by number, as pREST asks them
// (OFFSET makes the database walk the rows it skips).
func (m mix) peerQuery(positions []int64, offset bool) func(int, *rand.Rand) url.Values {
	return func(n int, r *rand.Rand) url.Values {
		q := url.Values{"page_size": {"20"}}
		kind, arg := m.pick(n, r)
		skip := 0 // rows before the page
		switch kind {
		case 0:
			q.Set("page", "1")
			return q
		case 1:
			skip = arg + 1
		case 2:
			skip = (arg + 1) * m.stride
		}
		skip = min(skip, len(positions)-1)
		if offset {
			q.Set("page", strconv.Itoa(skip/20+1))
		} else {
			q.Set("after", strconv.FormatInt(positions[skip-1], 10))
		}
		return q
	}
}

// checkPeer asks the peer for its first page and a keyset page and
// compares them with the table's positions.
func checkPeer(t *target, positions []int64) error {
	var first []map[string]any
	if err := t.getJSON(url.Values{"page": {"1"}, "page_size": {"20"}}, &first); err != nil {
		return err
	}
	if len(first) != 20 {
		return fmt.Errorf("first page: %d rows, want 20", len(first))
	}
	if got, ok := first[0]["_row"].(float64); !ok || int64(got) != positions[0] {
		return fmt.Errorf("first page: _row %v, want %d", first[0]["_row"], positions[0])
	}
	var next []map[string]any
	if err := t.getJSON(url.Values{"after": {strconv.FormatInt(positions[19], 10)}, "page_size": {"20"}}, &next); err != nil {
		return err
	}
	if len(next) != 20 {
		return fmt.Errorf("page after row 20: %d rows, want 20", len(next))
	}
	if got, ok := next[0]["_row"].(float64); !ok || int64(got) != positions[20] {
		return fmt.Errorf("page after row 20: _row %v, want %d", next[0]["_row"], positions[20])
	}
	return nil
}
