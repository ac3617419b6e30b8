package govdata

import (
	"crypto/ed25519"
	"encoding/hex"
	"strconv"
	"time"
)

// Checkpoint is a signed statement of the audit chain's head: "record Seq
// has hash Hash". An auditor exports checkpoints and keeps them away from
// the platform; whoever later rewrites the whole audit table, recomputing
// every hash, cannot make it agree with a checkpoint without the signing key
// (SEC-1).
type Checkpoint struct {
	Algorithm string    `json:"algorithm"`
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"` // hex
	Time      time.Time `json:"time"`
	PublicKey string    `json:"public_key"` // hex Ed25519 key that signed it
	Signature string    `json:"signature"`  // hex Ed25519 signature of Message()
}

// Message is the exact byte string a checkpoint's signature covers.
func (c Checkpoint) Message() []byte {
	return []byte("govdata-audit-checkpoint/v1\n" + c.Algorithm + "\n" + strconv.FormatInt(c.Seq, 10) + "\n" +
		c.Hash + "\n" + c.Time.UTC().Format(time.RFC3339Nano))
}

// SignCheckpoint fills in the public key and signature.
func SignCheckpoint(c Checkpoint, key ed25519.PrivateKey) Checkpoint {
	c.PublicKey = hex.EncodeToString(key.Public().(ed25519.PublicKey))
	c.Signature = hex.EncodeToString(ed25519.Sign(key, c.Message()))
	return c
}

// VerifyCheckpointSignature reports whether c is signed by the key whose
// public half is want (hex).
func VerifyCheckpointSignature(c Checkpoint, want string) bool {
	pub, err := hex.DecodeString(want)
	if err != nil || len(pub) != ed25519.PublicKeySize || c.PublicKey != want {
		return false
	}
	sig, err := hex.DecodeString(c.Signature)
	if err != nil {
		return false
	}
	return ed25519.Verify(ed25519.PublicKey(pub), c.Message(), sig)
}

// Messages of audit checkpoints.
var (
	MsgCheckpointSignature = Msg{"检查点签名无效，或不是本平台的密钥签发的", "the checkpoint's signature is invalid or not made by this platform's key"}
	MsgCheckpointMissing   = Msg{"审计链中没有检查点所指的第 %d 条记录", "the audit chain has no record %d that the checkpoint names"}
	MsgCheckpointMismatch  = Msg{"第 %d 条审计记录与检查点不一致：记录已被改写", "audit record %d differs from the checkpoint: the log was rewritten"}
	MsgCheckpointAlgorithm = Msg{"检查点使用 %s，本平台审计链使用 %s", "the checkpoint uses %s but this platform's chain uses %s"}
)
