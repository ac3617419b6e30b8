package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/govdata/govdata"
)

// maxBatch bounds how many writes share one commit.
const maxBatch = 256

// job is one write waiting for the committer.
type job struct {
	actor govdata.Actor
	fn    func(tx *Tx) error
	done  chan error
	// long: the job may take minutes (a batch's apply); its commit may
	// take that long.
	long bool
	// signed: the write of a signed call. The rules of signed calls are
	// applied to a batch's signed writes together before they run
	// (checkSigned): a write refused by them does not run fn but refused,
	// when set, which records the call refused with the error it answers.
	signed  bool
	refused func(tx *Tx, err error) error
}

// commitTimeout bounds a commit; longCommitTimeout one holding a long job.
const (
	commitTimeout     = 60 * time.Second
	longCommitTimeout = 30 * time.Minute
)

// committer runs every write of the store on one goroutine. While one batch
// commits, new writes queue; the next batch takes them all, so concurrent
// requests share one durable commit (group commit) without any added delay.
// The single writer also orders the audit chain.
type committer struct {
	db      *DB
	jobs    chan *job
	quit    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

func newCommitter(db *DB) *committer {
	c := &committer{db: db, jobs: make(chan *job, 4*maxBatch), quit: make(chan struct{}), stopped: make(chan struct{})}
	go c.run()
	return c
}

// QueuedWrites is how many writes wait for the committer: how far writes
// are behind (and how a test gathers writes it knows into one batch).
func (db *DB) QueuedWrites() int { return len(db.commit.jobs) }

// errClosed is returned for writes submitted after Close.
var errClosed = errors.New("sqlstore: store is closed")

// stop lets the committer finish the writes it has accepted, then returns.
func (c *committer) stop() {
	c.once.Do(func() { close(c.quit) })
	<-c.stopped
}

func (c *committer) run() {
	defer close(c.stopped)
	for {
		select {
		case j := <-c.jobs:
			c.commitBatch(c.gather(j))
		case <-c.quit:
			// Commit what was accepted before stopping; refuse the rest.
			for {
				select {
				case j := <-c.jobs:
					c.commitBatch(c.gather(j))
				default:
					return
				}
			}
		}
	}
}

// gather takes first and whatever else is already queued.
func (c *committer) gather(first *job) []*job {
	batch := []*job{first}
	for len(batch) < maxBatch {
		select {
		case j := <-c.jobs:
			batch = append(batch, j)
		default:
			return batch
		}
	}
	return batch
}

// writeResult runs fn as a write (see write) and returns what it made.
func writeResult[T any](ctx context.Context, db *DB, fn func(tx *Tx) (T, error)) (T, error) {
	var out T
	err := db.write(ctx, func(tx *Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

// write runs fn in a transaction shared with other concurrent writes and
// returns once it is durably committed (or failed). fn's audit records commit
// with it. fn must not keep tx after returning. The request context only
// bounds the wait: once accepted, a write runs to its commit so that the
// client's disconnect cannot abort other requests' transaction.
func (db *DB) write(ctx context.Context, fn func(tx *Tx) error) error {
	return db.submit(ctx, &job{actor: govdata.ActorFrom(ctx), fn: fn, done: make(chan error, 1)})
}

// writeSigned is write for the one write of a signed call (ORG-5): fn
// runs once the rules of signed calls let it (checkSigned: its credential
// still the one that verified it, its nonce unspent); when they refuse it,
// refused (if not nil) runs instead and the write answers their error.
func (db *DB) writeSigned(ctx context.Context, fn func(tx *Tx) error, refused func(tx *Tx, err error) error) error {
	return db.submit(ctx, &job{actor: govdata.ActorFrom(ctx), fn: fn, done: make(chan error, 1), signed: true, refused: refused})
}

// writeLong is write for a job that may take minutes: applying a batch
// of a million changed rows.
func (db *DB) writeLong(ctx context.Context, fn func(tx *Tx) error) error {
	return db.submit(ctx, &job{actor: govdata.ActorFrom(ctx), fn: fn, done: make(chan error, 1), long: true})
}

func (db *DB) submit(ctx context.Context, j *job) error {
	select {
	case <-db.commit.quit:
		return errClosed
	default:
	}
	select {
	case db.commit.jobs <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.commit.quit:
		return errClosed
	}
	select {
	case err := <-j.done:
		return err
	case <-db.commit.stopped:
		// The committer has drained and returned: a job queued just before
		// it checked last is answered; one queued after it never runs.
		select {
		case err := <-j.done:
			return err
		default:
			return errClosed
		}
	}
}

// commitBatch runs the jobs in one transaction, each inside a savepoint so
// that one failing job leaves the others intact.
func (c *committer) commitBatch(batch []*job) {
	db := c.db
	start := time.Now()
	// Between transactions the writer's connection is free to prepare
	// the statements the last ones used.
	defer db.writeStmts.preparePending(context.Background())
	timeout := commitTimeout
	for _, j := range batch {
		if j.long {
			timeout = longCommitTimeout
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	results := make([]error, len(batch))
	fail := func(err error) {
		err = db.internal("commit", err)
		for i, j := range batch {
			if results[i] == nil {
				j.done <- err
			} else {
				j.done <- results[i]
			}
		}
	}
	// One connection for the batch: its transaction, and the pipeline
	// that sends its closing statements (laterStmts) inside it.
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		fail(err)
		return
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}

	// The batch's own statements: its signed calls' nonces, spent together
	// before any job runs, and the usage its calls counted, written once
	// per grant and day before a job that might read it, and at the end.
	later := &laterStmts{}
	own := &Tx{ctx: ctx, tx: sqlTx, conn: conn, db: db, now: db.clock.Now().UTC().Truncate(time.Microsecond), later: later}
	var records []*govdata.AuditRecord
	// The chain's head, locked and read with the credentials and nonces.
	var head chainHead
	headRead := false
	refusals, err := checkSigned(own, batch, []laterStmt{{query: db.dialect.headQuery, scan: func(r rowScanner) error {
		headRead = true
		return r.Scan(&head.seq, &head.hash)
	}}})
	if err == nil && !headRead {
		err = errors.New("the audit chain's head is missing")
	}
	if err != nil {
		sqlTx.Rollback()
		fail(err)
		return
	}
	tallies := batchTallies{usage: usageCounts{}, verifies: verifyTallies{}}
	// writeTallies writes what the batch's calls counted so far: at once
	// before a write that might read it, with the closing statements at
	// the end (last).
	writeTallies := func(last bool) error {
		w := &Tx{ctx: ctx, tx: sqlTx, db: db, actor: govdata.SystemActor, now: own.now, head: head}
		if last {
			w.later = later
		}
		if err := tallies.write(w); err != nil {
			return err
		}
		head = w.head
		records = append(records, w.records...)
		return nil
	}
	// A savepoint isolates each write from the others of its batch; it is
	// opened at the write's first statement, so a write that only appends
	// audit records (a refusal, a data-service call) costs no round trip of
	// its own, and a write alone in its batch needs none at all.
	isolate := len(batch) > 1
	for i, j := range batch {
		if !j.signed && !tallies.empty() {
			if err := writeTallies(false); err != nil {
				sqlTx.Rollback()
				fail(err)
				return
			}
		}
		tx := &Tx{ctx: ctx, tx: sqlTx, db: db, actor: j.actor, now: db.clock.Now().UTC().Truncate(time.Microsecond),
			head: head, isolate: isolate}
		var err error
		if refusal := refusals[i]; refusal != nil {
			if j.refused != nil {
				err = runJob(tx, func(tx *Tx) error { return j.refused(tx, refusal) })
			}
			if err == nil && tx.err == nil && !tx.wrote {
				// The refusal wrote nothing but its records: they commit,
				// and the call is answered with the refusal.
				results[i] = refusal
				head = tx.head
				records = append(records, tx.records...)
				continue
			}
			if err == nil {
				err = refusal // its recording wrote more than records: dropped
			}
		} else {
			err = runJob(tx, j.fn)
		}
		if tx.err != nil { // a savepoint failed: the transaction is unusable
			sqlTx.Rollback()
			fail(tx.err)
			return
		}
		if err != nil && govdata.ErrorCodeOf(err) == govdata.EINTERNAL {
			err = db.internal("write", err)
		}
		if err != nil && !isolate {
			sqlTx.Rollback()
			j.done <- err
			return
		}
		if err != nil {
			// Its records are dropped with it; the chain goes on from the last good write.
			if tx.savepoint {
				if _, rbErr := sqlTx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT job"); rbErr != nil {
					sqlTx.Rollback()
					fail(rbErr)
					return
				}
			}
			results[i] = err
		} else {
			head = tx.head
			records = append(records, tx.records...)
			tallies.merge(tx)
		}
		if tx.savepoint {
			if _, err := sqlTx.ExecContext(ctx, "RELEASE SAVEPOINT job"); err != nil {
				sqlTx.Rollback()
				fail(err)
				return
			}
		}
	}
	if err := writeTallies(true); err != nil {
		sqlTx.Rollback()
		fail(err)
		return
	}
	if len(records) > 0 {
		db.insertAudit(later, records)
		later.add(db.dialect, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", head.seq, head.hash)
	}
	if err := later.run(ctx, db.dialect, conn, sqlTx); err != nil {
		sqlTx.Rollback()
		if isUniqueViolation(err) {
			// Only a record written behind the store's back can hold one of
			// the batch's seqs: refuse every write until an operator has
			// looked (fail closed).
			err = fmt.Errorf("audit append: the batch's records collide with records beyond the chain head; the audit log was altered outside govdata, run govdata audit verify: %w", err)
		}
		fail(err)
		return
	}
	if err := sqlTx.Commit(); err != nil {
		fail(err)
		return
	}
	db.commits.Add(1)
	if h := db.opts.Hooks.AuditAppended; h != nil && len(records) > 0 {
		h(len(records))
	}
	if h := db.opts.Hooks.CommitDone; h != nil {
		h(time.Since(start), len(batch))
	}
	for i, j := range batch {
		j.done <- results[i]
	}
}

// runJob runs fn, turning a panic into an error so one bad write cannot stop
// the committer.
func runJob(tx *Tx, fn func(tx *Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in write: %v\n%s", p, debug.Stack())
		}
	}()
	return fn(tx)
}

// chainHead is the last record of the audit chain.
type chainHead struct {
	seq  int64
	hash []byte
}

// newHash returns a hash of the chain's algorithm.
func (db *DB) newHash() hash.Hash {
	if db.opts.AuditHash == govdata.HashSHA256 {
		return sha256.New()
	}
	return sm3.New()
}

// Tx is one write's view of the shared transaction.
type Tx struct {
	ctx     context.Context
	tx      *sql.Tx
	conn    *sql.Conn // the connection tx is open on (the batch's pipelines)
	db      *DB
	actor   govdata.Actor
	now     time.Time
	head    chainHead
	hasher  hash.Hash
	records []*govdata.AuditRecord // appended by this write, inserted with the batch
	// isolate: open a savepoint before the first statement; savepoint: it is open.
	isolate, savepoint bool
	// wrote: the write ran a statement.
	wrote bool
	err   error // a failed savepoint
	// usage and verifies: what the calls of this write counted
	// (countUsage, countVerification), written with the batch's others
	// once it succeeds.
	usage    usageCounts
	verifies verifyTallies
	// later, when set, keeps the statements of execLater for the end of
	// the batch (laterStmts).
	later *laterStmts
}

// Now is the time of this write.
func (t *Tx) Now() time.Time { return t.now }

// begin opens the write's savepoint before its first statement.
func (t *Tx) begin() {
	t.wrote = true
	if t.isolate && !t.savepoint && t.err == nil {
		if _, err := t.tx.ExecContext(t.ctx, "SAVEPOINT job"); err != nil {
			t.err = fmt.Errorf("savepoint: %w", err)
			return
		}
		t.savepoint = true
	}
}

func (t *Tx) exec(query string, args ...any) (sql.Result, error) {
	t.begin()
	if st := t.db.writeStmts.get(t.ctx, query); st != nil {
		return t.tx.StmtContext(t.ctx, st).ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, t.db.dialect.q(query), args...)
}

// execLater runs a statement whose result no one reads: kept for the end
// of the batch when t keeps such (later), else at once.
func (t *Tx) execLater(query string, args ...any) error {
	if t.later != nil {
		t.later.add(t.db.dialect, query, args...)
		return nil
	}
	t.begin()
	_, err := t.tx.ExecContext(t.ctx, t.db.dialect.q(query), args...)
	return err
}

func (t *Tx) queryRow(query string, args ...any) *sql.Row {
	t.begin()
	if st := t.db.writeStmts.get(t.ctx, query); st != nil {
		return t.tx.StmtContext(t.ctx, st).QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, t.db.dialect.q(query), args...)
}

func (t *Tx) query(query string, args ...any) (*sql.Rows, error) {
	t.begin()
	if st := t.db.writeStmts.get(t.ctx, query); st != nil {
		return t.tx.StmtContext(t.ctx, st).QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, t.db.dialect.q(query), args...)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (t *Tx) insert(query string, args ...any) (int64, error) {
	var id int64
	err := t.queryRow(query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// audit appends a record of a successful action by the write's actor.
func (t *Tx) audit(action, objectType string, objectID any, detail any) error {
	return t.auditAs(t.actor, govdata.AuditOK, action, objectType, objectID, detail)
}

// auditAs appends a record for actor with the given result.
func (t *Tx) auditAs(a govdata.Actor, result govdata.AuditResult, action, objectType string, objectID any, detail any) error {
	var detailJSON string
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return fmt.Errorf("audit detail: %w", err)
		}
		detailJSON = string(b)
	}
	name := a.Username
	if name == "" && a.CredentialID == 0 {
		name = "anonymous"
	}
	// Names and object IDs can come from a stranger's input (a login name,
	// a path); bound them so that every record fits its indexed columns.
	name, object := boundText(name), boundText(objectIDString(objectID))
	r := &govdata.AuditRecord{
		Seq:          t.head.seq + 1,
		Time:         time.UnixMicro(t.now.UnixMicro()).UTC(),
		ActorID:      a.UserID,
		ActorName:    name,
		ActorRoles:   govdata.JoinRoles(a.Roles),
		DepartmentID: a.DepartmentID,
		CredentialID: a.CredentialID,
		Action:       action,
		ObjectType:   objectType,
		ObjectID:     object,
		Result:       result,
		ClientAddr:   a.ClientAddr,
		RequestID:    a.RequestID,
		Detail:       detailJSON,
		PrevHash:     t.head.hash,
	}
	if r.PrevHash == nil {
		r.PrevHash = []byte{} // the first record links to the empty hash
	}
	if t.hasher == nil {
		t.hasher = t.db.newHash()
	}
	r.Hash = govdata.ChainHash(t.hasher, r.PrevHash, r)
	t.records = append(t.records, r)
	t.head = chainHead{seq: r.Seq, hash: r.Hash}
	return nil
}

// auditInsertRows bounds the rows of one INSERT: 16 parameters each stays
// well under SQLite's 32,766 and PostgreSQL's 65,535.
const auditInsertRows = 200

// insertAudit keeps the statements that append the batch's records, in
// chunks of auditInsertRows, for the end of the batch.
func (db *DB) insertAudit(later *laterStmts, records []*govdata.AuditRecord) {
	for len(records) > 0 {
		n := min(len(records), auditInsertRows)
		var q strings.Builder
		q.WriteString(`INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_roles, department_id, credential_id,
		action, object_type, object_id, result, client_addr, request_id, detail, prev_hash, hash) VALUES `)
		args := make([]any, 0, 16*n)
		for i, r := range records[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, r.Seq, toDB(r.Time), r.ActorID, r.ActorName, r.ActorRoles, r.DepartmentID, r.CredentialID,
				r.Action, r.ObjectType, r.ObjectID, string(r.Result), r.ClientAddr, r.RequestID, r.Detail, r.PrevHash, r.Hash)
		}
		later.add(db.dialect, q.String(), args...)
		records = records[n:]
	}
}

// boundText cuts s to 128 characters, marking the cut with the SHA-256 of
// the whole so that different long values stay distinguishable.
func boundText(s string) string {
	const max = 128
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return string(r[:max-17]) + "…" + hex.EncodeToString(sum[:8])
}

func objectIDString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	default:
		return fmt.Sprint(x)
	}
}
