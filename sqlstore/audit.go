package sqlstore

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/govdata/govdata"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
)

// AuditService implements govdata.AuditService.
type AuditService struct {
	db *DB
	// verifyChunk and progressEvery are verifyChunk and 100,000 when zero;
	// tests make them small to cross part boundaries with a few records.
	verifyChunk, progressEvery int64
}

// NewAuditService returns the audit service of db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

var _ govdata.AuditService = (*AuditService)(nil)

const auditColumns = `seq, at, actor_id, actor_name, actor_roles, department_id, credential_id, action, object_type,
	object_id, result, client_addr, request_id, detail, prev_hash, hash`

func scanAudit(row interface{ Scan(...any) error }, r *govdata.AuditRecord) error {
	var at int64
	var result string
	if err := row.Scan(&r.Seq, &at, &r.ActorID, &r.ActorName, &r.ActorRoles, &r.DepartmentID, &r.CredentialID, &r.Action,
		&r.ObjectType, &r.ObjectID, &result, &r.ClientAddr, &r.RequestID, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
		return err
	}
	r.Time, r.Result = fromDB(at), govdata.AuditResult(result)
	return nil
}

// FindAudit implements govdata.AuditService.
func (s *AuditService) FindAudit(ctx context.Context, f govdata.AuditFilter) (govdata.List[*govdata.AuditRecord], error) {
	var none govdata.List[*govdata.AuditRecord]
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermAuditRead); err != nil {
		return none, err
	}
	f.Page = f.Page.Normalize()
	before, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	if before > 0 {
		w.add("seq < ?", before)
	}
	if f.ActorName != "" {
		w.add("actor_name = ?", f.ActorName)
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			w.add(`action LIKE ? ESCAPE '\'`, escapeLike(f.Action)+"%")
		} else {
			w.add("action = ?", f.Action)
		}
	}
	if f.ObjectType != "" {
		w.add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		w.add("object_id = ?", f.ObjectID)
	}
	if f.Result != "" {
		w.add("result = ?", string(f.Result))
	}
	if !f.Since.IsZero() {
		w.add("at >= ?", toDB(f.Since))
	}
	if !f.Until.IsZero() {
		w.add("at < ?", toDB(f.Until))
	}
	rows, err := s.db.query(ctx, "SELECT "+auditColumns+" FROM audit_log"+w.String()+" ORDER BY seq DESC LIMIT ?", append(w.args, f.Limit+1)...)
	if err != nil {
		return none, s.db.internal("find audit", err)
	}
	defer rows.Close()
	var items []*govdata.AuditRecord
	for rows.Next() {
		r := new(govdata.AuditRecord)
		if err := scanAudit(rows, r); err != nil {
			return none, s.db.internal("scan audit", err)
		}
		items = append(items, r)
	}
	if err := rows.Err(); err != nil {
		return none, s.db.internal("find audit", err)
	}
	return page(items, f.Limit, func(r *govdata.AuditRecord) string { return strconv.FormatInt(r.Seq, 10) }), nil
}

// verifyChunk is how many records (by seq) one part of the verification
// reads: small enough to keep the workers evenly busy to the end and the
// progress moving, large enough that the query per part costs nothing.
const verifyChunk = 16384

// verifyWorkers bounds the parts checked at once, each on its own
// connection: PostgreSQL shares its pool with the requests.
const verifyWorkers = 4

// VerifyAudit implements govdata.AuditService: it walks the chain in seq
// order, then checks that it ends at the recorded head.
//
// §5 asks for at least 500,000 records/s, more than one core can read and
// hash, so the chain is checked in parts of verifyChunk records, up to
// GOMAXPROCS (at most verifyWorkers) parts at once on their own
// connections, each part from its own first record
// (govdata.ResumeChainVerifier). The parts are joined in order: the first
// record of each is checked again by the verifier of everything before it,
// which makes the outcome, the first break, the record count and the
// progress calls exactly those of one walk from seq 1.
func (s *AuditService) VerifyAudit(ctx context.Context, progress func(n int64)) (govdata.AuditVerification, error) {
	res := govdata.AuditVerification{Algorithm: s.db.opts.AuditHash}
	a := govdata.ActorFrom(ctx)
	if !a.IsSystem() {
		if err := govdata.Authorize(a, govdata.PermAuditRead); err != nil {
			return res, err
		}
	}
	// Read the last seq, then the head: records appended during the walk lie
	// beyond the head. A record commits with the head that covers it, so a
	// last seq read before the head and beyond it was written behind the
	// store's back; walk up to it so that the verifier names it.
	var lastSeq, headSeq int64
	var headHash []byte
	if err := s.db.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM audit_log").Scan(&lastSeq); err != nil {
		return res, s.db.internal("audit last", err)
	}
	if err := s.db.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return res, s.db.internal("audit head", err)
	}
	end := max(headSeq, lastSeq)
	// Part i holds seq in [1+i*chunk, (i+1)*chunk], the first part also
	// anything below 1 and the last part anything up to end: every row the
	// single walk would read, in the same order.
	chunk, every := cmp.Or(s.verifyChunk, verifyChunk), cmp.Or(s.progressEvery, 100000)
	parts := max(1, (end+chunk-1)/chunk)
	bounds := func(i int64) (lo, hi int64) {
		lo, hi = 1+i*chunk, (i+1)*chunk
		if i == 0 {
			lo = math.MinInt64
		}
		if i == parts-1 {
			hi = end
		}
		return lo, hi
	}
	workers := min(int64(runtime.GOMAXPROCS(0)), verifyWorkers, parts)
	// Parts more than window ahead of the join wait, so that a slow part
	// does not let the others run far ahead of it.
	window := 2 * workers

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	todo := make(chan int64)
	done := make(chan *verifyPart, window)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range todo {
				lo, hi := bounds(i)
				done <- s.verifyPart(ctx, i, lo, hi)
			}
		}()
	}
	// Stop the workers before returning, whatever the outcome.
	defer func() {
		cancel()
		close(todo)
		for range done {
		}
	}()
	go func() {
		wg.Wait()
		close(done)
	}()

	var v *govdata.ChainVerifier // everything joined so far
	var sent, joined int64
	reported := int64(0) // progress: the last multiple of every reported
	ready := make(map[int64]*verifyPart)
	for joined < parts {
		p, ok := ready[joined]
		if !ok {
			// Hand out parts up to the window while the next one is checked.
			var send chan<- int64
			if sent < parts && sent < joined+window {
				send = todo
			}
			select {
			case send <- sent:
				sent++
			case p := <-done:
				ready[p.index] = p
			}
			continue
		}
		delete(ready, joined)
		joined++
		if p.err != nil {
			return res, s.db.internal(p.op, p.err)
		}
		if p.first == nil {
			continue // no rows in this part
		}
		if v == nil {
			v = govdata.NewChainVerifier(s.db.newHash())
		}
		// The part's first record, checked against everything before it:
		// if it holds, the part's own walk is the single walk's.
		if b := v.Check(p.first); b != nil {
			res.Break = b
			break
		}
		res.Records += p.checked
		v = p.verifier
		if p.broken != nil {
			res.Break = p.broken
		}
		if progress != nil {
			for ; reported+every <= res.Records; reported += every {
				progress(reported + every)
			}
		}
		if res.Break != nil {
			break
		}
	}
	if res.Break != nil {
		return res, nil
	}
	if v == nil {
		v = govdata.NewChainVerifier(s.db.newHash())
	}
	if b := v.CheckEnd(headSeq, headHash); b != nil {
		res.Break = b
		return res, nil
	}
	res.Intact = true
	return res, nil
}

// verifyPart is the outcome of checking one part of the chain on its own.
type verifyPart struct {
	index    int64
	first    *govdata.AuditRecord   // the part's first record, nil if the part is empty
	verifier *govdata.ChainVerifier // at the end of the part (or at its break)
	checked  int64                  // records that passed, the first included
	broken   *govdata.ChainBreak    // the first break after the first record
	op       string                 // what failed, with err
	err      error
}

// verifyPart checks the records with lo <= seq <= hi in seq order, starting
// from the first one's own seq and link.
func (s *AuditService) verifyPart(ctx context.Context, index, lo, hi int64) *verifyPart {
	p := &verifyPart{index: index, op: "verify audit"}
	// check takes each record in order; it keeps nothing of r but a copy
	// of the first, so r and its slices may be reused for the next one.
	check := func(r *govdata.AuditRecord) bool {
		if p.first == nil {
			first := *r
			first.PrevHash, first.Hash = bytes.Clone(r.PrevHash), bytes.Clone(r.Hash)
			p.first = &first
			p.verifier = govdata.ResumeChainVerifier(s.db.newHash(), r.Seq, r.PrevHash)
		}
		if b := p.verifier.Check(r); b != nil {
			p.broken = b
			return false
		}
		p.checked++
		return true
	}
	query := "SELECT " + auditColumns + " FROM audit_log WHERE seq >= ? AND seq <= ? ORDER BY seq"
	if read := s.db.dialect.readAudit; read != nil {
		if done, err := read(ctx, s.db.read, s.db.dialect.q(query), lo, hi, check); done {
			p.err = err
			return p
		}
	}
	rows, err := s.db.query(ctx, query, lo, hi)
	if err != nil {
		p.err = err
		return p
	}
	defer rows.Close()
	var r govdata.AuditRecord
	var at int64
	var result string
	// The hashes are only compared, and the verifier copies what it keeps:
	// they can stay in the driver's buffers.
	var prevHash, hash sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&r.Seq, &at, &r.ActorID, &r.ActorName, &r.ActorRoles, &r.DepartmentID, &r.CredentialID, &r.Action,
			&r.ObjectType, &r.ObjectID, &result, &r.ClientAddr, &r.RequestID, &r.Detail, &prevHash, &hash); err != nil {
			p.op, p.err = "scan audit", err
			return p
		}
		r.Time, r.Result, r.PrevHash, r.Hash = fromDB(at), govdata.AuditResult(result), prevHash, hash
		if !check(&r) {
			return p
		}
	}
	p.err = rows.Err()
	return p
}

// auditColumnOIDs are the PostgreSQL types of auditColumns as migrated.
var auditColumnOIDs = [16]uint32{
	pgtype.Int8OID, pgtype.Int8OID, pgtype.Int8OID, pgtype.TextOID, pgtype.TextOID, pgtype.Int8OID, pgtype.Int8OID, pgtype.TextOID,
	pgtype.TextOID, pgtype.TextOID, pgtype.TextOID, pgtype.TextOID, pgtype.TextOID, pgtype.TextOID, pgtype.ByteaOID, pgtype.ByteaOID,
}

// readAuditPostgres reads audit records for verification straight off the
// PostgreSQL protocol, in binary format into reused buffers: database/sql
// would allocate and convert every column of every row, which costs more
// than hashing it. It hands each record to check until check returns false.
// done is false, and nothing has been read, when the columns are not of the
// migrated types (someone altered the table): the caller then reads through
// database/sql, whose conversions decide what such columns mean.
func readAuditPostgres(ctx context.Context, read *sql.DB, query string, lo, hi int64, check func(*govdata.AuditRecord) bool) (done bool, err error) {
	conn, err := read.Conn(ctx)
	if err != nil {
		return true, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return nil
		}
		params := [][]byte{binary.BigEndian.AppendUint64(nil, uint64(lo)), binary.BigEndian.AppendUint64(nil, uint64(hi))}
		rr := c.Conn().PgConn().ExecParams(ctx, query, params,
			[]uint32{pgtype.Int8OID, pgtype.Int8OID}, []int16{pgtype.BinaryFormatCode}, []int16{pgtype.BinaryFormatCode})
		fields := rr.FieldDescriptions()
		if len(fields) != len(auditColumnOIDs) {
			_, err := rr.Close()
			return err
		}
		for i, f := range fields {
			if f.DataTypeOID != auditColumnOIDs[i] {
				_, err := rr.Close()
				return err
			}
		}
		done = true
		var r govdata.AuditRecord
		var text []byte
		for rr.NextRow() {
			v := rr.Values()
			for i, b := range v {
				if b == nil {
					rr.Close()
					return fmt.Errorf("audit record column %d is NULL", i)
				}
			}
			var ints [5]int64
			for i, col := range [5]int{0, 1, 2, 5, 6} {
				if len(v[col]) != 8 {
					rr.Close()
					return fmt.Errorf("audit record column %d: %d bytes for a bigint", col, len(v[col]))
				}
				ints[i] = int64(binary.BigEndian.Uint64(v[col]))
			}
			r.Seq, r.Time, r.ActorID, r.DepartmentID, r.CredentialID = ints[0], fromDB(ints[1]), ints[2], ints[3], ints[4]
			// One string holds all text columns of the row; the fields are
			// slices of it (one allocation per row instead of nine).
			text = text[:0]
			var ends [9]int
			for i, col := range [9]int{3, 4, 7, 8, 9, 10, 11, 12, 13} {
				text = append(text, v[col]...)
				ends[i] = len(text)
			}
			all := string(text)
			r.ActorName, r.ActorRoles = all[:ends[0]], all[ends[0]:ends[1]]
			r.Action, r.ObjectType, r.ObjectID = all[ends[1]:ends[2]], all[ends[2]:ends[3]], all[ends[3]:ends[4]]
			r.Result = govdata.AuditResult(all[ends[4]:ends[5]])
			r.ClientAddr, r.RequestID, r.Detail = all[ends[5]:ends[6]], all[ends[6]:ends[7]], all[ends[7]:ends[8]]
			// The hashes stay in the connection's buffer, valid until the next row.
			r.PrevHash, r.Hash = v[14], v[15]
			if !check(&r) {
				break
			}
		}
		_, err := rr.Close()
		return err
	})
	return done, err
}

// RecordRefusal implements govdata.AuditService.
func (s *AuditService) RecordRefusal(ctx context.Context, action, objectType, objectID string, reason error) error {
	detail := map[string]string{}
	var e *govdata.Error
	if errors.As(reason, &e) {
		detail["code"], detail["reason"] = string(e.Code), e.Message.Text("en")
		// Which fields were refused tells what was attempted (a role name
		// spelled to slip past a check).
		for f, m := range e.Fields {
			detail["field."+f] = m.Text("en")
		}
		if govdata.IsHidden(e) {
			// Issue 11: the object exists; the caller was told it does not.
			detail["hidden"] = "true"
		}
	} else if reason != nil {
		detail["reason"] = reason.Error()
	}
	err := s.db.write(ctx, func(tx *Tx) error {
		return tx.auditAs(tx.actor, govdata.AuditRefused, action, objectType, objectID, detail)
	})
	if err != nil {
		return fmt.Errorf("sqlstore: record refusal: %w", err)
	}
	return nil
}

// RecordRead implements govdata.AuditService: one record, in one write
// group-committed with the others, durable when it returns (SEC-1: reads
// of stored values and of other people's records are on the record, as
// data-service calls are).
func (s *AuditService) RecordRead(ctx context.Context, action, objectType, objectID string, detail map[string]any) error {
	err := s.db.write(ctx, func(tx *Tx) error {
		return tx.auditAs(tx.actor, govdata.AuditOK, action, objectType, objectID, detail)
	})
	if err != nil {
		return fmt.Errorf("sqlstore: record read: %w", err)
	}
	return nil
}

// checkpointKey derives the Ed25519 key that signs checkpoints from the
// master key, so it lives outside the database like the master key itself.
func (db *DB) checkpointKey() (ed25519.PrivateKey, error) {
	if len(db.opts.MasterKey) < 32 {
		return nil, fmt.Errorf("sqlstore: no master key configured")
	}
	m := hmac.New(sha256.New, db.opts.MasterKey)
	m.Write([]byte("govdata/audit-checkpoint/v1"))
	return ed25519.NewKeyFromSeed(m.Sum(nil)), nil
}

// Checkpoint implements govdata.AuditService.
func (s *AuditService) Checkpoint(ctx context.Context) (govdata.Checkpoint, error) {
	var cp govdata.Checkpoint
	a := govdata.ActorFrom(ctx)
	if !a.IsSystem() {
		if err := govdata.Authorize(a, govdata.PermAuditRead); err != nil {
			return cp, err
		}
	}
	key, err := s.db.checkpointKey()
	if err != nil {
		return cp, err
	}
	// The export itself is recorded; the checkpoint names the head after that record.
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := tx.audit("audit.checkpoint", "audit", "", nil); err != nil {
			return err
		}
		cp = govdata.Checkpoint{Algorithm: s.db.opts.AuditHash, Seq: tx.head.seq, Hash: hex.EncodeToString(tx.head.hash), Time: tx.Now()}
		return nil
	})
	if err != nil {
		return govdata.Checkpoint{}, err
	}
	return govdata.SignCheckpoint(cp, key), nil
}

// VerifyCheckpoint implements govdata.AuditService.
func (s *AuditService) VerifyCheckpoint(ctx context.Context, cp govdata.Checkpoint) error {
	a := govdata.ActorFrom(ctx)
	if !a.IsSystem() {
		if err := govdata.Authorize(a, govdata.PermAuditRead); err != nil {
			return err
		}
	}
	key, err := s.db.checkpointKey()
	if err != nil {
		return err
	}
	if !govdata.VerifyCheckpointSignature(cp, hex.EncodeToString(key.Public().(ed25519.PublicKey))) {
		return govdata.Errorf(govdata.EINVALID, govdata.MsgCheckpointSignature)
	}
	if cp.Algorithm != s.db.opts.AuditHash {
		return govdata.Errorf(govdata.EINVALID, govdata.MsgCheckpointAlgorithm, cp.Algorithm, s.db.opts.AuditHash)
	}
	var h []byte
	err = s.db.queryRow(ctx, "SELECT hash FROM audit_log WHERE seq = ?", cp.Seq).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return govdata.Errorf(govdata.EINVALID, govdata.MsgCheckpointMissing, cp.Seq)
	}
	if err != nil {
		return s.db.internal("verify checkpoint", err)
	}
	if hex.EncodeToString(h) != cp.Hash {
		return govdata.Errorf(govdata.EINVALID, govdata.MsgCheckpointMismatch, cp.Seq)
	}
	return nil
}
