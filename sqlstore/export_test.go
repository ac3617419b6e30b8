package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/govdata/govdata"
)

// This file is compiled only by `go test`: it gives the benchmarks and
// tests of package sqlstore_test a fast way to fill the audit log, and what
// TestVerifyAuditParts needs to hold VerifyAudit to a plain walk.

// appendAuditChunk is how many records one bulk write appends; it keeps each
// transaction well inside the committer's per-batch timeout.
const appendAuditChunk = 10000

// AppendAuditForTest appends n refusal records by actor to the audit chain,
// through the committer like every write, many records per write, so that
// a benchmark can fill hundreds of thousands of records in seconds.
// The records are built and hashed as Tx.auditAs builds them. Test-only.
func (db *DB) AppendAuditForTest(ctx context.Context, actor govdata.Actor, n int) error {
	ctx = govdata.WithActor(ctx, actor)
	for done := 0; done < n; {
		k := min(appendAuditChunk, n-done)
		base := done
		if err := db.write(ctx, func(tx *Tx) error { return tx.appendAuditBulk(base, k) }); err != nil {
			return fmt.Errorf("append audit for test: %w", err)
		}
		done += k
	}
	// Leave the table as a long-running store would have it, so that the
	// first verification does not pay for the fill: PostgreSQL's first read
	// of fresh rows sets their hint bits, and SQLite's WAL holds pages not
	// yet copied into the database file.
	settle := "VACUUM (ANALYZE) audit_log"
	if db.Engine() == "sqlite" {
		settle = "PRAGMA wal_checkpoint(TRUNCATE)"
	}
	if _, err := db.writer.ExecContext(ctx, settle); err != nil {
		return fmt.Errorf("append audit for test: %s: %w", settle, err)
	}
	return nil
}

// appendAuditBulk appends k records to the write, which inserts them with
// the batch (in statements of auditInsertRows rows).
func (t *Tx) appendAuditBulk(base, k int) error {
	a := t.actor
	if t.hasher == nil {
		t.hasher = t.db.newHash()
	}
	for n := base; n < base+k; n++ {
		r := &govdata.AuditRecord{
			Seq:          t.head.seq + 1,
			Time:         time.UnixMicro(t.now.UnixMicro()).UTC(),
			ActorID:      a.UserID,
			ActorName:    a.Username,
			ActorRoles:   govdata.JoinRoles(a.Roles),
			DepartmentID: a.DepartmentID,
			CredentialID: a.CredentialID,
			Action:       []string{"dataset.read", "catalog.export", "user.update", "application.decide"}[n%4],
			ObjectType:   []string{"dataset", "catalog", "user", "application"}[n%4],
			ObjectID:     strconv.Itoa(n + 1),
			Result:       govdata.AuditRefused,
			ClientAddr:   a.ClientAddr,
			RequestID:    a.RequestID,
			Detail:       `{"code":"forbidden","reason":"you may not do this (missing permission)"}`,
			PrevHash:     t.head.hash,
		}
		if r.PrevHash == nil {
			r.PrevHash = []byte{}
		}
		r.Hash = govdata.ChainHash(t.hasher, r.PrevHash, r)
		t.records = append(t.records, r)
		t.head = chainHead{seq: r.Seq, hash: r.Hash}
	}
	return nil
}

// NewAuditServiceForTest returns an audit service that verifies the chain
// in parts of chunk records and reports progress every progressEvery
// records, so that a test crosses part boundaries with a short chain.
func NewAuditServiceForTest(db *DB, chunk, progressEvery int64) *AuditService {
	return &AuditService{db: db, verifyChunk: chunk, progressEvery: progressEvery}
}

// ExecVerifyForTest runs one statement on the writer connection, outside
// the committer (to tamper with the audit log). Test-only.
func (db *DB) ExecVerifyForTest(ctx context.Context, query string, args ...any) error {
	_, err := db.writer.ExecContext(ctx, db.dialect.q(query), args...)
	return err
}

// VerifyAuditSequentialForTest is the plain verification VerifyAudit must
// agree with: one query, one walk from seq 1 up to the head or the last
// record, whichever is further, progress every progressEvery records. It
// follows VerifyAudit's rules, read in one pass. Test-only.
func (s *AuditService) VerifyAuditSequentialForTest(ctx context.Context, progressEvery int64, progress func(n int64)) (govdata.AuditVerification, error) {
	res := govdata.AuditVerification{Algorithm: s.db.opts.AuditHash}
	var lastSeq, headSeq int64
	var headHash []byte
	if err := s.db.queryRow(ctx, "SELECT COALESCE(MAX(seq), 0) FROM audit_log").Scan(&lastSeq); err != nil {
		return res, err
	}
	if err := s.db.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return res, err
	}
	rows, err := s.db.query(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE seq <= ? ORDER BY seq", max(headSeq, lastSeq))
	if err != nil {
		return res, err
	}
	defer rows.Close()
	v := govdata.NewChainVerifier(s.db.newHash())
	for rows.Next() {
		var r govdata.AuditRecord
		if err := scanAudit(rows, &r); err != nil {
			return res, err
		}
		if b := v.Check(&r); b != nil {
			res.Break = b
			return res, nil
		}
		res.Records++
		if progress != nil && res.Records%progressEvery == 0 {
			progress(res.Records)
		}
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	if b := v.CheckEnd(headSeq, headHash); b != nil {
		res.Break = b
		return res, nil
	}
	res.Intact = true
	return res, nil
}
