package sqlstore

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// AuditService implements govdata.AuditService.
type AuditService struct{ db *DB }

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

// VerifyAudit implements govdata.AuditService: it walks the chain in seq
// order, then checks that it ends at the recorded head.
func (s *AuditService) VerifyAudit(ctx context.Context, progress func(n int64)) (govdata.AuditVerification, error) {
	res := govdata.AuditVerification{Algorithm: s.db.opts.AuditHash}
	a := govdata.ActorFrom(ctx)
	if !a.IsSystem() {
		if err := govdata.Authorize(a, govdata.PermAuditRead); err != nil {
			return res, err
		}
	}
	// Read the head first: records appended during the walk lie beyond it.
	var headSeq int64
	var headHash []byte
	if err := s.db.queryRow(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return res, s.db.internal("audit head", err)
	}
	rows, err := s.db.query(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE seq <= ? ORDER BY seq", headSeq)
	if err != nil {
		return res, s.db.internal("verify audit", err)
	}
	defer rows.Close()
	v := govdata.NewChainVerifier(s.db.newHash())
	var r govdata.AuditRecord
	for rows.Next() {
		if err := scanAudit(rows, &r); err != nil {
			return res, s.db.internal("scan audit", err)
		}
		if b := v.Check(&r); b != nil {
			res.Break = b
			return res, nil
		}
		res.Records++
		if progress != nil && res.Records%100000 == 0 {
			progress(res.Records)
		}
	}
	if err := rows.Err(); err != nil {
		return res, s.db.internal("verify audit", err)
	}
	if b := v.CheckEnd(headSeq, headHash); b != nil {
		res.Break = b
		return res, nil
	}
	res.Intact = true
	return res, nil
}

// RecordRefusal implements govdata.AuditService.
func (s *AuditService) RecordRefusal(ctx context.Context, action, objectType, objectID string, reason error) error {
	detail := map[string]string{}
	var e *govdata.Error
	if errors.As(reason, &e) {
		detail["code"], detail["reason"] = string(e.Code), e.Message.Text("en")
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
