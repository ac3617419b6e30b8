package govdata

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash"
	"strconv"
	"time"
)

// AuditResult is how an audited action ended.
type AuditResult string

// Audit results.
const (
	AuditOK      AuditResult = "ok"      // done
	AuditRefused AuditResult = "refused" // access refused (401/403, SJZ-S-22), or a workflow decision refused
	AuditFailed  AuditResult = "failed"  // attempted and failed, e.g. a wrong password
)

// AuditRecord is one entry of the append-only, hash-chained audit log (SEC-1).
type AuditRecord struct {
	Seq          int64       `json:"seq"`
	Time         time.Time   `json:"time"`
	ActorID      int64       `json:"actor_id,omitempty"`
	ActorName    string      `json:"actor"`
	ActorRoles   string      `json:"roles,omitempty"`
	DepartmentID int64       `json:"department_id,omitempty"`
	CredentialID int64       `json:"credential_id,omitempty"`
	Action       string      `json:"action"`
	ObjectType   string      `json:"object_type,omitempty"`
	ObjectID     string      `json:"object_id,omitempty"`
	Result       AuditResult `json:"result"`
	ClientAddr   string      `json:"client_addr,omitempty"`
	RequestID    string      `json:"request_id,omitempty"`
	Detail       string      `json:"detail,omitempty"` // JSON
	PrevHash     []byte      `json:"-"`
	Hash         []byte      `json:"-"`
}

// AuditFilter narrows the audit log for the auditor.
type AuditFilter struct {
	ActorName  string
	Action     string // exact, or a prefix ending in "." (e.g. "user.")
	ObjectType string
	ObjectID   string
	Result     AuditResult
	Since      time.Time
	Until      time.Time
	Page
}

// AuditVerification is the outcome of verifying the whole chain.
type AuditVerification struct {
	Records   int64       `json:"records"`
	Algorithm string      `json:"algorithm"`
	Intact    bool        `json:"intact"`
	Break     *ChainBreak `json:"break,omitempty"`
}

// AuditService reads and verifies the audit log. Appending is not a
// service: every write of the store appends its own record in its own transaction.
type AuditService interface {
	// FindAudit lists records newest first; EFORBIDDEN for all but the
	// auditor, EINVALID for a bad cursor.
	FindAudit(ctx context.Context, f AuditFilter) (List[*AuditRecord], error)
	// VerifyAudit walks the whole chain; progress, if not nil, is called with
	// the number of records checked so far. EFORBIDDEN for all but the
	// auditor and the platform; a broken chain is reported in the result,
	// not as an error.
	VerifyAudit(ctx context.Context, progress func(n int64)) (AuditVerification, error)
	// RecordRefusal appends a record of refused access (SJZ-S-22, HLJ-38);
	// it refuses no one, and fails only as EINTERNAL.
	RecordRefusal(ctx context.Context, action, objectType, objectID string, reason error) error
	// RecordRead appends the record of a read that returns stored values
	// or records of other people (SEC-1): detail says what was read (the
	// filter, the rows, the sealed items opened). It returns only once the
	// record is durable; the caller answers nothing when it fails (only as
	// EINTERNAL: it refuses no one).
	RecordRead(ctx context.Context, action, objectType, objectID string, detail map[string]any) error
	// Checkpoint signs the current head of the chain; the export is
	// audited. EFORBIDDEN for all but the auditor and the platform.
	Checkpoint(ctx context.Context) (Checkpoint, error)
	// VerifyCheckpoint checks that c is signed by this platform and that the
	// chain still holds its record unchanged: EINVALID says what does not
	// hold. EFORBIDDEN for all but the auditor and the platform.
	VerifyCheckpoint(ctx context.Context, c Checkpoint) error
}

// Audit hash algorithms (SEC-1). SM3 is the default.
const (
	HashSM3    = "sm3"
	HashSHA256 = "sha256"
)

// ChainHash computes a record's hash: H(prev hash ‖ canonical encoding of
// every field but the hashes). Any change to a field, the order or the link
// to the previous record changes it.
func ChainHash(h hash.Hash, prev []byte, r *AuditRecord) []byte {
	var buf [512]byte
	return chainSum(h, appendChainInput(buf[:0], prev, r), nil)
}

// chainSum hashes the canonical input in one Write and appends the sum to dst.
func chainSum(h hash.Hash, input, dst []byte) []byte {
	h.Reset()
	h.Write(input)
	return h.Sum(dst)
}

// appendChainInput appends what ChainHash hashes: prev, then every field
// but the hashes, each length-prefixed (strings, bytes) or varint-encoded
// (integers). Building it in one buffer and hashing it with one Write gives
// the same sum as writing the pieces one by one, without a copy per field.
func appendChainInput(buf, prev []byte, r *AuditRecord) []byte {
	buf = appendChainBytes(buf, prev)
	buf = binary.AppendVarint(buf, r.Seq)
	buf = binary.AppendVarint(buf, r.Time.UnixMicro())
	buf = binary.AppendVarint(buf, r.ActorID)
	buf = appendChainString(buf, r.ActorName)
	buf = appendChainString(buf, r.ActorRoles)
	buf = binary.AppendVarint(buf, r.DepartmentID)
	buf = binary.AppendVarint(buf, r.CredentialID)
	buf = appendChainString(buf, r.Action)
	buf = appendChainString(buf, r.ObjectType)
	buf = appendChainString(buf, r.ObjectID)
	buf = appendChainString(buf, string(r.Result))
	buf = appendChainString(buf, r.ClientAddr)
	buf = appendChainString(buf, r.RequestID)
	buf = appendChainString(buf, r.Detail)
	return buf
}

func appendChainBytes(buf, b []byte) []byte {
	return append(binary.AppendUvarint(buf, uint64(len(b))), b...)
}

func appendChainString(buf []byte, s string) []byte {
	return append(binary.AppendUvarint(buf, uint64(len(s))), s...)
}

// ChainBreak names the first record where the chain does not hold.
type ChainBreak struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// Error describes the break.
func (b *ChainBreak) Error() string {
	return "audit chain broken at record " + strconv.FormatInt(b.Seq, 10) + ": " + b.Reason
}

// ChainVerifier checks records one after another, in sequence order. The
// first record is seq 1 with an empty previous hash.
type ChainVerifier struct {
	h     hash.Hash
	prev  []byte // the previous record's hash (a copy: callers may reuse theirs)
	next  int64
	input []byte // reused for each record's canonical encoding
	sum   []byte // reused for each record's computed hash
}

// NewChainVerifier starts a verification with a fresh hash of the chain's algorithm.
func NewChainVerifier(h hash.Hash) *ChainVerifier { return &ChainVerifier{h: h, next: 1} }

// ResumeChainVerifier starts a verification in the middle of the chain: the
// next record to check is seq next, and the record before it has hash prev.
// A long chain can so be checked in parts at once: each part is checked
// from its own first record, and the parts are joined in order by checking
// that first record with the verifier of everything before it (see
// sqlstore's VerifyAudit). The result is the same as one walk from seq 1.
func ResumeChainVerifier(h hash.Hash, next int64, prev []byte) *ChainVerifier {
	return &ChainVerifier{h: h, next: next, prev: bytes.Clone(prev)}
}

// Check verifies the next record; it returns the first break found. A
// missing record shows as a gap in seq, an inserted or reordered one as a
// wrong link, an altered one as a wrong hash. Check keeps nothing of r, so
// the caller may reuse r and its slices for the next record.
func (v *ChainVerifier) Check(r *AuditRecord) *ChainBreak {
	switch {
	case r.Seq != v.next:
		return &ChainBreak{Seq: v.next, Reason: "record " + strconv.FormatInt(v.next, 10) + " is missing (next present is " + strconv.FormatInt(r.Seq, 10) + ")"}
	case !bytes.Equal(r.PrevHash, v.prev):
		return &ChainBreak{Seq: r.Seq, Reason: "link to the previous record does not match"}
	}
	v.input = appendChainInput(v.input[:0], v.prev, r)
	v.sum = chainSum(v.h, v.input, v.sum[:0])
	if !bytes.Equal(v.sum, r.Hash) {
		return &ChainBreak{Seq: r.Seq, Reason: "record content does not match its hash"}
	}
	v.prev = append(v.prev[:0], r.Hash...)
	v.next++
	return nil
}

// CheckEnd verifies, after the last record, that the chain reaches the head
// the store recorded separately (a truncated tail shows here). The break
// names the first record that is missing, extra, or not the head.
func (v *ChainVerifier) CheckEnd(headSeq int64, headHash []byte) *ChainBreak {
	last, head := strconv.FormatInt(v.next-1, 10), strconv.FormatInt(headSeq, 10)
	switch {
	case v.next-1 < headSeq:
		return &ChainBreak{Seq: v.next, Reason: "chain ends at record " + last + " but the head says " + head}
	case v.next-1 > headSeq:
		return &ChainBreak{Seq: headSeq + 1, Reason: "chain goes on to record " + last + " beyond the head at " + head}
	case !bytes.Equal(v.prev, headHash):
		return &ChainBreak{Seq: headSeq, Reason: "record " + head + " does not match the head's hash"}
	}
	return nil
}
