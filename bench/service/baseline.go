package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
	_ "modernc.org/sqlite"
)

// The baseline is the yardstick of PRODUCT.md §5: a minimal Go program
// doing only the essential work of an authorised query, in its own
// process like govdata. Per request it reads up to 20 rows from a table of
// the same shape and size (the sealed items as govdata stores them:
// SM4-GCM values and an HMAC-SM3 blind index, the key's index unique),
// opens the sealed values, masks with govdata's Masker and the default
// masks, appends one audit row through a group committer on one writer
// connection, and answers JSON once that row is durable.
//
// On SQLite it opens the database as govdata's sqlstore does (WAL,
// busy_timeout, foreign_keys, synchronous=FULL; one writer, eight
// readers). On PostgreSQL (-db) it reads through a pool of 16 connections,
// as sqlstore's, and commits through one more with synchronous_commit on:
// the committer takes every audit row queued and writes them in one
// multi-row INSERT and one commit, so a call pays a share of one
// round trip and one WAL flush — what issue 13 asks of govdata.
//
// It leaves out what govdata adds on top: checking the signature and
// spending its nonce, finding the credential, the entry, the grant and the
// masking policy, the audit record's hash chain and indexes, the grant's
// usage counters, and the router's middleware.

// baselineCol is one item as the baseline stores and serves it.
type baselineCol struct {
	name    string
	sealed  bool
	context []byte
	mask    govdata.Mask
}

type baseline struct {
	store   baselineStore
	read    *sql.DB
	keys    *datakey.Keyring
	masker  govdata.Masker
	cols    []baselineCol
	sel     string
	idCtx   []byte
	commits chan *auditJob
}

// auditJob is one request's audit row waiting for its commit.
type auditJob struct {
	at     int64
	actor  string
	object string
	detail string
	done   chan error
}

// maxAuditBatch bounds the rows of one commit, as govdata's committer does.
const maxAuditBatch = 256

// baselineStore is the baseline's database on one engine: its pools and
// the few words of SQL in which the engines differ.
type baselineStore struct {
	write, read *sql.DB
	// blob and text are column types; row and seq the primary keys of the
	// data and audit tables.
	blob, text, row, seq string
	// after is run once the rows are in: PostgreSQL's planner needs the
	// table's statistics, and autovacuum may be off (it is on this
	// machine) or late.
	after []string
	// ph is the n-th placeholder (from 1).
	ph func(n int) string
}

// openBaselineSQLite opens dir/baseline.db as govdata's sqlstore opens
// its SQLite database.
func openBaselineSQLite(dir string) (baselineStore, error) {
	path := filepath.Join(dir, "baseline.db")
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	writer, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_txlock=immediate&"+common)
	if err != nil {
		return baselineStore{}, err
	}
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)&"+common)
	if err != nil {
		return baselineStore{}, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	return baselineStore{write: writer, read: read, blob: "BLOB", text: "TEXT",
		row: "_row INTEGER PRIMARY KEY", seq: "seq INTEGER PRIMARY KEY",
		ph: func(int) string { return "?" }}, nil
}

// openBaselinePostgres opens the database at dsn: 16 readers as
// sqlstore's pool, and one writer whose commits wait for the WAL on disk
// (synchronous_commit on, whatever the server's default).
func openBaselinePostgres(dsn string) (baselineStore, error) {
	writer, err := openPostgres(dsn, map[string]string{"synchronous_commit": "on"})
	if err != nil {
		return baselineStore{}, err
	}
	writer.SetMaxOpenConns(1)
	writer.SetConnMaxIdleTime(0)
	read, err := openPostgres(dsn, nil)
	if err != nil {
		return baselineStore{}, err
	}
	read.SetMaxOpenConns(16)
	read.SetMaxIdleConns(16)
	return baselineStore{write: writer, read: read, blob: "BYTEA", text: `TEXT COLLATE "C"`,
		row: "_row BIGINT PRIMARY KEY", seq: "seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
		after: []string{"ANALYZE"},
		ph:    func(n int) string { return "$" + strconv.Itoa(n) }}, nil
}

// serveBaseline builds the baseline's database (in dir on SQLite, at dsn
// on PostgreSQL) with rows rows and serves it on a free port of 127.0.0.1
// until the process is stopped.
func serveBaseline(dir, dsn string, rows int) error {
	f, err := datakey.New(datakey.SM4GCM, time.Now())
	if err != nil {
		return err
	}
	keys, err := datakey.Open(f)
	if err != nil {
		return err
	}
	var st baselineStore
	if dsn != "" {
		st, err = openBaselinePostgres(dsn)
	} else {
		st, err = openBaselineSQLite(dir)
	}
	if err != nil {
		return err
	}
	key := make([]byte, 32)
	rand.Read(key)
	b := &baseline{store: st, read: st.read, keys: keys, masker: govdata.Masker{Key: key}, commits: make(chan *auditJob, 4*maxAuditBatch)}
	var ddl, sel []string
	for i, it := range benchItems {
		c := baselineCol{name: it.Name, sealed: it.Sensitivity >= 3, context: []byte("bench/ds/c" + strconv.Itoa(i+1)), mask: govdata.DefaultMasks[it.Sensitivity]}
		col := "c" + strconv.Itoa(i+1)
		sel = append(sel, col)
		if c.sealed {
			ddl = append(ddl, col+" "+st.blob, "h"+strconv.Itoa(i+1)+" "+st.blob)
		} else {
			ddl = append(ddl, col+" "+st.text)
		}
		if it.Name == idItem {
			b.idCtx = c.context
		}
		b.cols = append(b.cols, c)
	}
	b.sel = "SELECT _row, " + strings.Join(sel, ", ") + " FROM ds"
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE ds (" + st.row + ", " + strings.Join(ddl, ", ") + ")",
		"CREATE TABLE audit_log (" + st.seq + ", at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, object_id TEXT NOT NULL, result TEXT NOT NULL, detail TEXT NOT NULL)",
	} {
		if _, err := st.write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("baseline: %s: %w", q, err)
		}
	}
	if err := b.load(ctx, st.write, rows); err != nil {
		return err
	}
	for _, q := range append([]string{"CREATE UNIQUE INDEX ds_key ON ds (h1)"}, st.after...) {
		if _, err := st.write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("baseline: %s: %w", q, err)
		}
	}
	go b.commit(st.write)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("baseline listening on http://%s\n", ln.Addr())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /records", b.records)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	return hs.Serve(ln)
}

// load inserts the generated rows, sealed, in transactions of 10,000.
func (b *baseline) load(ctx context.Context, w *sql.DB, rows int) error {
	const perTx, perInsert = 10000, 100
	ph := b.store.ph
	for from := 0; from < rows; from += perTx {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for i := from; i < min(from+perTx, rows); i += perInsert {
			n := min(perInsert, rows-i, from+perTx-i)
			var q strings.Builder
			q.WriteString("INSERT INTO ds VALUES ")
			var args []any
			for k := range n {
				if k > 0 {
					q.WriteString(", ")
				}
				args = append(args, i+k+1)
				q.WriteString("(" + ph(len(args)))
				for j, v := range rowOf(i + k) {
					c := b.cols[j]
					if c.sealed {
						args = append(args, b.keys.Seal(nil, []byte(v), c.context), b.keys.Index(nil, c.context, v))
						q.WriteString(", " + ph(len(args)-1) + ", " + ph(len(args)))
					} else {
						args = append(args, v)
						q.WriteString(", " + ph(len(args)))
					}
				}
				q.WriteString(")")
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				tx.Rollback()
				return fmt.Errorf("baseline: load: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// records answers GET /records?limit=20[&id=…|&after=…].
func (b *baseline) records(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ctx := r.Context()
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit < 1 || limit > govdata.MaxLimit {
		http.Error(w, "bad limit", http.StatusBadRequest)
		return
	}
	query, args := b.sel, []any{}
	switch {
	case q.Get("id") != "":
		query += " WHERE h1 = " + b.store.ph(1)
		args = append(args, b.keys.Index(nil, b.idCtx, q.Get("id")))
	case q.Get("after") != "":
		after, err := strconv.ParseInt(q.Get("after"), 10, 64)
		if err != nil {
			http.Error(w, "bad after", http.StatusBadRequest)
			return
		}
		query += " WHERE _row > " + b.store.ph(1)
		args = append(args, after)
	}
	query += " ORDER BY _row LIMIT " + strconv.Itoa(limit+1)
	items, last, err := b.read20(ctx, query, args, limit)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	out := govdata.ServiceRecords{GrantID: 1, Items: items}
	if len(items) == limit && last > 0 {
		out.NextCursor = strconv.FormatInt(last, 10)
	}
	detail, err := json.Marshal(map[string]any{"resource_code": "bench", "items": itemNames(), "rows": len(items),
		"latency_ms": float64(time.Since(start).Microseconds()) / 1000})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	// The record is durable before the answer leaves.
	j := &auditJob{at: time.Now().UnixMicro(), actor: "app:" + r.Header.Get("X-App-Key"), object: "bench", detail: string(detail), done: make(chan error, 1)}
	b.commits <- j
	if err := <-j.done; err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(out)
}

// read20 reads up to limit rows (one more tells whether a next page
// exists), opened and masked; last is the _row of the last one returned
// when there are more.
func (b *baseline) read20(ctx context.Context, query string, args []any, limit int) ([]govdata.Record, int64, error) {
	rows, err := b.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	items := []govdata.Record{}
	raw := make([][]byte, len(b.cols))
	dest := make([]any, len(b.cols)+1)
	var row, last int64
	dest[0] = &row
	for i := range raw {
		dest[i+1] = &raw[i]
	}
	for rows.Next() {
		if len(items) == limit {
			return items, last, rows.Close()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, err
		}
		rec := make(govdata.Record, len(b.cols))
		for i, c := range b.cols {
			var v *string
			switch {
			case raw[i] == nil:
			case c.sealed:
				plain, err := b.keys.Open(nil, raw[i], c.context)
				if err != nil {
					return nil, 0, err
				}
				s := string(plain)
				v = &s
			default:
				s := string(raw[i])
				v = &s
			}
			rec[c.name] = b.masker.Apply(v, c.mask)
		}
		items = append(items, rec)
		last = row
	}
	return items, 0, rows.Err()
}

// commit is the one writer: it takes the first waiting row and whatever
// else has queued meanwhile, and commits them in one transaction.
func (b *baseline) commit(w *sql.DB) {
	for first := range b.commits {
		batch := []*auditJob{first}
	gather:
		for len(batch) < maxAuditBatch {
			select {
			case j := <-b.commits:
				batch = append(batch, j)
			default:
				break gather
			}
		}
		err := b.insertAudit(w, batch)
		for _, j := range batch {
			j.done <- err
		}
	}
}

func (b *baseline) insertAudit(w *sql.DB, batch []*auditJob) error {
	ctx := context.Background()
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	var q strings.Builder
	q.WriteString("INSERT INTO audit_log (at, actor, action, object_id, result, detail) VALUES ")
	args := make([]any, 0, 4*len(batch))
	ph := b.store.ph
	for i, j := range batch {
		if i > 0 {
			q.WriteString(", ")
		}
		n := len(args)
		q.WriteString("(" + ph(n+1) + ", " + ph(n+2) + ", 'service.records', " + ph(n+3) + ", 'ok', " + ph(n+4) + ")")
		args = append(args, j.at, j.actor, j.object, j.detail)
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return errors.Join(errors.New("baseline: audit commit"), err)
	}
	return nil
}

// runBaselineMain is the baseline process: main re-runs its own binary
// with -baseline-serve (and -baseline-db on PostgreSQL).
func runBaselineMain(dir, dsn string, rows int) {
	if err := serveBaseline(dir, dsn, rows); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}
