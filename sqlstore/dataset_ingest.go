package sqlstore

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/datakey"
	"github.com/govdata/govdata/ingest"
	"github.com/govdata/govdata/quality"
	"github.com/jackc/pgx/v5/stdlib"
)

// chunkRows is how many rows travel together from the reader to the
// writer: one SQLite transaction, one progress step.
const chunkRows = 4096

// runningBatch is a batch this process is loading: its live counters
// (GET /api/v1/batches/{id} while it runs) and how to cancel it.
type runningBatch struct {
	cancel             context.CancelFunc
	read, rejected     atomic.Int64
	bytes              atomic.Int64
	cancelledByRequest atomic.Bool
}

type runningBatches struct {
	mu sync.Mutex
	m  map[int64]*runningBatch
}

func (r *runningBatches) get(id int64) *runningBatch {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[id]
}

func (r *runningBatches) put(id int64, b *runningBatch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if b == nil {
		delete(r.m, id)
		return
	}
	r.m[id] = b
}

// loadTarget is what a batch loads into.
type loadTarget struct {
	entry, dept, batch int64
	version            int
	name, region       string // the published version's name; the provider's region
	items              []govdata.Item
	cols               []dsColumn // every column, retired ones too
	active             []dsColumn // one per item, in item order
	keys               *datakey.Keyring
	sealRejects        bool
	copyText           bool      // PostgreSQL: rows staged as COPY text
	present            []bool    // the items the input has columns for; nil: all
	contexts           [][]byte  // of the active columns, made by encode
	now                time.Time // the platform's clock when the load began: rules that depend on the date (a citizen ID's birth date) judge by it
}

// chunk is rows ready for the staging table and the rejects among them.
type chunk struct {
	rows    [][]any
	rejects []reject
	// copyText holds the rows already in COPY text format (PostgreSQL),
	// copyRows how many: no value is boxed on the way.
	copyText []byte
	copyRows int
}

// size is how many rows the chunk carries.
func (c *chunk) size() int { return len(c.rows) + c.copyRows + len(c.rejects) }

type reject struct {
	row, line int64
	reasons   []govdata.ViolationCount
	values    []string
}

// counter counts and hashes the bytes of an upload (AGG-3: its SHA-256).
type counter struct {
	h hash.Hash
	n *atomic.Int64
}

func (c counter) Write(p []byte) (int, error) {
	c.h.Write(p)
	c.n.Add(int64(len(p)))
	return len(p), nil
}

// produce reads, checks and encodes rows, sending them in chunks.
func (t *loadTarget) produce(ctx context.Context, rd ingest.Reader, run *runningBatch, out chan<- chunk, counts map[[2]string]int64) error {
	defer close(out)
	checker, err := t.checker()
	if err != nil {
		return err
	}
	var viol []quality.Violation
	var n int64
	c := chunk{}
	for {
		row, line, reason, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		n++
		run.read.Add(1)
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err() // cancelled: stop reading now
		}
		viol = viol[:0]
		if reason == "" {
			viol = t.checkKeys(row, checker.Check(row, viol))
		}
		if reason != "" || len(viol) > 0 {
			rj := reject{row: n, line: int64(line), values: append([]string(nil), row...)}
			if reason != "" {
				rj.reasons = append(rj.reasons, govdata.ViolationCount{Rule: reason})
				counts[[2]string{"", reason}]++
			}
			for _, v := range viol {
				rj.reasons = append(rj.reasons, govdata.ViolationCount{Item: t.items[v.Item].Name, Rule: string(v.Rule)})
				counts[[2]string{t.items[v.Item].Name, string(v.Rule)}]++
			}
			run.rejected.Add(1)
			c.rejects = append(c.rejects, rj)
		} else {
			if t.copyText {
				c.copyText, c.copyRows = t.appendCopyRow(c.copyText, row, rowID(t.batch, n)), c.copyRows+1
			} else {
				c.rows = append(c.rows, t.encode(row, rowID(t.batch, n)))
			}
		}
		if c.size() >= chunkRows {
			select {
			case out <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
			// The next chunk's text is about as long as this one's.
			c = chunk{copyText: make([]byte, 0, len(c.copyText)+len(c.copyText)/8)}
		}
	}
	if c.size() > 0 {
		select {
		case out <- c:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// checker checks rows against the items; a key item is required (a row
// without its key could never be found again).
func (t *loadTarget) checker() (*quality.Checker, error) {
	items := make([]govdata.Item, len(t.items))
	copy(items, t.items)
	for i := range items {
		if items[i].Key {
			r := govdata.Rules{}
			if items[i].Rules != nil {
				r = *items[i].Rules
			}
			r.Required = true
			items[i].Rules = &r
		}
	}
	return quality.Compile(items, t.now)
}

// encode turns a row in item order into the values of insertColumns:
// empty values NULL, sensitive ones sealed with their blind index.
func (t *loadTarget) encode(row []string, id int64) []any {
	t.makeContexts()
	vals := make([]any, 0, 1+2*len(t.active))
	vals = append(vals, id)
	for i, col := range t.active {
		v := row[i]
		switch {
		case v == "" && col.encrypted:
			vals = append(vals, nil, nil)
		case v == "":
			vals = append(vals, nil)
		case col.encrypted:
			vals = append(vals, t.keys.Seal(nil, []byte(v), t.contexts[i]), t.keys.Index(nil, t.contexts[i], v))
		default:
			vals = append(vals, v)
		}
	}
	return vals
}

// maxKeyBytes bounds a plain key value: an index entry has a size limit
// (PostgreSQL's btree about 2,700 bytes), and a key is an identifier.
const maxKeyBytes = 1000

// checkKeys rejects a row whose plain key value is too long to index.
func (t *loadTarget) checkKeys(row []string, viol []quality.Violation) []quality.Violation {
	for i, c := range t.active {
		if c.key && !c.encrypted && len(row[i]) > maxKeyBytes {
			viol = append(viol, quality.Violation{Item: i, Rule: quality.RuleLength})
		}
	}
	return viol
}

// makeContexts binds the sealing of each active column to it, once.
func (t *loadTarget) makeContexts() {
	if t.contexts == nil {
		t.contexts = make([][]byte, len(t.active))
		for i, col := range t.active {
			t.contexts[i] = col.context(t.entry)
		}
	}
}

// insertColumns are the staging table's columns a load fills.
func (t *loadTarget) insertColumns() []string {
	names := []string{"_row"}
	for _, c := range t.active {
		names = append(names, c.value())
		if c.encrypted {
			names = append(names, c.index())
		}
	}
	return names
}

// rejectArgs encodes a rejected row for batch_rejects.
func (t *loadTarget) rejectArgs(r reject) ([]any, error) {
	reasons, err := json.Marshal(r.reasons)
	if err != nil {
		return nil, err
	}
	values, err := json.Marshal(r.values)
	if err != nil {
		return nil, err
	}
	sealed := 0
	if t.sealRejects {
		// The row may hold sensitive values: sealed like the dataset's (SEC-2).
		values, sealed = t.keys.Seal(nil, values, t.rejectContext()), 1
	}
	return []any{t.batch, r.row, r.line, string(reasons), sealed, values}, nil
}

func (t *loadTarget) rejectContext() []byte {
	return []byte(fmt.Sprintf("govdata/batch/%d/rejects", t.batch))
}

const rejectInsert = "INSERT INTO batch_rejects (batch_id, row_no, line, reasons, sealed, row_values) VALUES "

// stage writes the chunks into the staging table: SQLite in one
// transaction per chunk on the writer connection, PostgreSQL by COPY.
func (db *DB) stage(ctx context.Context, t *loadTarget, table string, in <-chan chunk) error {
	cols := t.insertColumns()
	if db.dialect.copyText {
		return db.copyStage(ctx, t, table, cols, in)
	}
	// Rows per INSERT: 256 measured fastest on this driver (a minimal
	// program: 1 row 127k rows/s, 256 rows 195–209k, 2,048 rows 154k);
	// fewer for a wide table (SQLite takes at most 32,766 placeholders);
	// a power of two, so it divides a chunk and every statement of a full
	// chunk is the prepared one.
	per := 256
	for per > 1 && per*len(cols) > 30000 {
		per /= 2
	}
	full := multiInsert(table, cols, per)
	for {
		// A group of chunks is gathered first, then written in one
		// transaction on a connection of its own for that long: the one
		// SQLite writer is never held while the upload or the provider is
		// waited for (a trickling client would stop every write). A
		// staging table needs no fsync per commit: a crash fails the batch
		// anyway; synchronous=NORMAL in WAL mode skips it and keeps the
		// database consistent, and the connection is set back to FULL
		// before anything else uses it.
		var group []chunk
		rows := 0
		for rows < stageRowsPerCommit {
			c, ok := <-in
			if !ok {
				break
			}
			group, rows = append(group, c), rows+c.size()
		}
		if len(group) == 0 {
			return ctx.Err()
		}
		if err := db.stageGroup(ctx, t, group, table, cols, per, full); err != nil {
			return err
		}
	}
}

// stageRowsPerCommit: rows of one staging transaction on SQLite.
const stageRowsPerCommit = 4 * chunkRows

func (db *DB) stageGroup(ctx context.Context, t *loadTarget, group []chunk, table string, cols []string, per int, full string) (err error) {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err != nil {
		return err
	}
	defer func() {
		if _, e := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = FULL"); e != nil && err == nil {
			err = e
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, full)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, c := range group {
		if err := insertChunk(ctx, tx, stmt, table, cols, per, c.rows); err != nil {
			return err
		}
		if err := db.insertRejects(ctx, tx, t, c.rejects); err != nil {
			return err
		}
	}
	return tx.Commit()
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func multiInsert(table string, cols []string, rows int) string {
	one := "(" + placeholders(len(cols)) + ")"
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

func insertChunk(ctx context.Context, tx *sql.Tx, full *sql.Stmt, table string, cols []string, per int, rows [][]any) error {
	args := make([]any, 0, per*len(cols))
	for len(rows) > 0 {
		n := min(per, len(rows))
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		var err error
		if n == per {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, multiInsert(table, cols, n), args...)
		}
		if err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func (db *DB) insertRejects(ctx context.Context, ex execer, t *loadTarget, rejects []reject) error {
	rows := make([][]any, 0, len(rejects))
	for _, r := range rejects {
		a, err := t.rejectArgs(r)
		if err != nil {
			return err
		}
		rows = append(rows, a)
	}
	return db.insertRejectRows(ctx, ex, rows)
}

// insertRejectRows inserts rows of rejectArgs, 500 to a statement.
func (db *DB) insertRejectRows(ctx context.Context, ex execer, rows [][]any) error {
	for len(rows) > 0 {
		n := min(500, len(rows))
		var args []any
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		q := rejectInsert + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", n), ", ")
		if _, err := ex.ExecContext(ctx, db.dialect.q(q), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// copyStage streams the chunks into the staging table with one COPY in
// PostgreSQL's text format — the same path as a raw COPY of a file, so the
// server parses as fast as it can and the client only escapes; the rejects
// of each chunk are inserted on another connection as they pass.
func (db *DB) copyStage(ctx context.Context, t *loadTarget, table string, cols []string, in <-chan chunk) error {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Rejected rows wait in a file until the COPY is done, then go in on
	// the same connection: a batch takes one connection of the pool, not
	// two (batches waiting for a second one would starve the platform).
	spool, err := os.CreateTemp("", "govdata-rejects-*")
	if err != nil {
		return err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	pr, pw := io.Pipe()
	fed := make(chan error, 1)
	go func() {
		err := feedCopy(t, pw, json.NewEncoder(spool), in)
		pw.CloseWithError(err)
		fed <- err
	}()
	err = conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().PgConn().CopyFrom(ctx, pr, "COPY "+table+" ("+strings.Join(cols, ", ")+") FROM STDIN")
		return err
	})
	pr.CloseWithError(errors.New("copy ended"))
	if ferr := <-fed; ferr != nil {
		return ferr
	}
	if err != nil {
		return err
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReader(spool))
	var batch [][]any
	for {
		var r spooledReject
		err := dec.Decode(&r)
		if err == nil {
			batch = append(batch, []any{t.batch, r.Row, r.Line, r.Reasons, r.Sealed, r.Values})
		}
		if len(batch) == 500 || (err != nil && len(batch) > 0) {
			if err := db.insertRejectRows(ctx, conn, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// spooledReject is a rejected row waiting in the spool file, as it will
// be stored: its values sealed where the entry is sensitive.
type spooledReject struct {
	Row, Line int64
	Reasons   string
	Sealed    int
	Values    []byte
}

// feedCopy writes the chunks' rows, already in COPY text, and spools
// their rejected rows.
func feedCopy(t *loadTarget, w io.Writer, spool *json.Encoder, in <-chan chunk) error {
	for c := range in {
		for _, r := range c.rejects {
			a, err := t.rejectArgs(r)
			if err == nil {
				err = spool.Encode(spooledReject{Row: r.row, Line: r.line, Reasons: a[3].(string), Sealed: a[4].(int), Values: a[5].([]byte)})
			}
			if err != nil {
				for range in {
				}
				return err
			}
		}
		if _, err := w.Write(c.copyText); err != nil {
			for range in {
			}
			return err
		}
	}
	return nil
}

// appendCopyRow appends a row in item order as a line of COPY text, the
// columns of insertColumns: tab-separated, \N for NULL, bytea as \\x and
// hex; backslash, tab, newline and carriage return escaped.
func (t *loadTarget) appendCopyRow(buf []byte, row []string, id int64) []byte {
	t.makeContexts()
	buf = strconv.AppendInt(buf, id, 10)
	var sealed []byte
	for i, col := range t.active {
		v := row[i]
		switch {
		case v == "" && col.encrypted:
			buf = append(buf, "\t\\N\t\\N"...)
		case v == "":
			buf = append(buf, "\t\\N"...)
		case col.encrypted:
			sealed = t.keys.Seal(sealed[:0], []byte(v), t.contexts[i])
			buf = hex.AppendEncode(append(buf, "\t\\\\x"...), sealed)
			sealed = t.keys.Index(sealed[:0], t.contexts[i], v)
			buf = hex.AppendEncode(append(buf, "\t\\\\x"...), sealed)
		default:
			buf = appendCopyString(append(buf, '\t'), v)
		}
	}
	return append(buf, '\n')
}

func appendCopyString(buf []byte, x string) []byte {
	start := 0
	for i := 0; i < len(x); i++ {
		var esc byte
		switch x[i] {
		case '\\':
			esc = '\\'
		case '\t':
			esc = 't'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		default:
			continue
		}
		buf = append(append(buf, x[start:i]...), '\\', esc)
		start = i + 1
	}
	return append(buf, x[start:]...)
}

// reportOf turns the rule counts into a report's list, items in the
// entry's order.
func reportOf(items []govdata.Item, counts map[[2]string]int64) []govdata.ViolationCount {
	out := []govdata.ViolationCount{}
	order := map[string]int{"": -1}
	for i, it := range items {
		order[it.Name] = i
	}
	for k, n := range counts {
		out = append(out, govdata.ViolationCount{Item: k[0], Rule: k[1], Count: n})
	}
	sortViolations(out, order)
	return out
}
