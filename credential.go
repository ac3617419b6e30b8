package govdata

import (
	"context"
	"time"
)

// Credential is a system credential of a department's business system
// (ORG-5): an app key and a secret used to sign data-service calls.
type Credential struct {
	ID           int64      `json:"id"`
	AppKey       string     `json:"app_key"`
	Name         string     `json:"name"`
	DepartmentID int64      `json:"department_id"`
	CreatedAt    time.Time  `json:"created_at"`
	RotatedAt    *time.Time `json:"rotated_at,omitempty"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	RevokeReason string     `json:"revoke_reason,omitempty"`
	LastUsedAt   *time.Time `json:"last_used_at,omitempty"`
	// Stamp names the secret CredentialSecret returned (a digest of what it
	// was derived from): a signed call carries it (Actor.CredentialStamp),
	// and its write refuses it once the credential is rotated or revoked.
	Stamp string `json:"-"`
}

// IssuedCredential is a credential with its secret, returned once when the
// credential is issued or rotated and never again.
type IssuedCredential struct {
	Credential
	Secret string `json:"secret"`
}

// CredentialInput issues a credential for a system of a department.
type CredentialInput struct {
	Name         string `json:"name"`
	DepartmentID int64  `json:"department_id"`
}

// CredentialFilter narrows a credential list.
type CredentialFilter struct {
	DepartmentID   int64
	IncludeRevoked bool
	Page
}

// CredentialService issues, rotates, revokes and verifies system credentials.
type CredentialService interface {
	// CreateCredential returns EINVALID, EFORBIDDEN (not the actor's department).
	CreateCredential(ctx context.Context, in CredentialInput) (*IssuedCredential, error)
	// RotateCredential replaces the secret; the old one stops working at
	// once. ENOTFOUND as FindCredentialByID's; EFORBIDDEN: not an officer
	// of its department; ECONFLICT: revoked.
	RotateCredential(ctx context.Context, id int64) (*IssuedCredential, error)
	// RevokeCredential ends the credential for good (its department's
	// officer or the secadmin). ENOTFOUND as FindCredentialByID's;
	// EFORBIDDEN for anyone else; EINVALID without a reason; ECONFLICT:
	// already revoked.
	RevokeCredential(ctx context.Context, id int64, reason string) (*Credential, error)
	// FindCredentialByID returns ENOTFOUND for no such credential and for
	// another department's, to an officer; EFORBIDDEN for a role that
	// reads no credentials.
	FindCredentialByID(ctx context.Context, id int64) (*Credential, error)
	// FindCredentials lists credentials, an officer its department's only.
	// EFORBIDDEN for a role that reads none, or an officer asking for
	// another department's; EINVALID for a bad cursor.
	FindCredentials(ctx context.Context, f CredentialFilter) (List[*Credential], error)
	// CredentialSecret returns an active credential and its secret for
	// verifying a signature; EUNAUTHORIZED when the key is unknown or
	// revoked. The service may answer from memory (PRODUCT.md §5: a signed
	// call then reads the database once less) unless fresh is set: a
	// signature that does not verify against a remembered secret is checked
	// again with fresh. A remembered credential may since have been rotated
	// or revoked by another instance: the call's write refuses it then
	// (EUNAUTHORIZED, the call recorded refused), so nothing of its answer
	// leaves.
	CredentialSecret(ctx context.Context, appKey string, fresh bool) (*Credential, []byte, error)
	// UseNonce is the write of a verified signed call whose route writes
	// nothing else (whoami): it spends the nonce the call's actor carries
	// (Actor.Nonce; ORG-5: once within the replay window), records the
	// credential's last use and an audit record naming call (method and
	// path), in one transaction; EUNAUTHORIZED when the nonce was used
	// within the window (replay), or when the credential has been revoked
	// or rotated since the call was verified (Actor.CredentialStamp). A
	// data-service call spends its nonce with its own record instead
	// (DataService).
	UseNonce(ctx context.Context, call string) error
}

// ValidateCredentialInput checks a credential to issue: the system's name
// and its department.
func ValidateCredentialInput(in CredentialInput) error {
	var fe FieldErrors
	checkName(&fe, "name", in.Name, 100)
	if in.DepartmentID == 0 {
		fe.Add("department_id", MsgRequired)
	}
	return fe.Err()
}

// Messages of system credentials and signed calls.
var (
	MsgCredentialNotFound = Msg{"应用凭证不存在", "credential not found"}
	MsgCredentialRevoked  = Msg{"应用凭证已吊销", "this credential has been revoked"}
	MsgReasonRequired     = Msg{"请说明原因", "give a reason"}
	MsgSignatureMissing   = Msg{"缺少签名请求头：%s", "missing signature header: %s"}
	MsgSignatureBad       = Msg{"签名错误", "the signature does not match"}
	MsgSignatureTime      = Msg{"请求时间戳（X-Timestamp，Unix 秒）无效或超出允许的 %d 秒窗口", "the request timestamp (X-Timestamp, Unix seconds) is malformed or outside the %d-second window"}
	MsgSignatureNonce     = Msg{"X-Nonce 须为 1–%d 个可打印 ASCII 字符", "X-Nonce must be 1–%d printable ASCII characters"}
	MsgSignatureReplay    = Msg{"重复的请求（nonce 已使用）", "replayed request: the nonce was already used"}
	MsgSignatureUnknown   = Msg{"未知或已吊销的应用凭证", "unknown or revoked app key"}
	MsgSignatureMethod    = Msg{"不支持的签名算法：%s（可用 HMAC-SHA256、HMAC-SM3）", "unsupported signing method: %s (use HMAC-SHA256 or HMAC-SM3)"}
)
