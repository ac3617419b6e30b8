package govdata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Public accounts (OPN-2): natural persons and organisations who use the
// open-data portal. They are a kind apart from staff users — their own
// accounts, sessions and API keys — so that no staff role or endpoint can
// ever be reached through one.

// APIKeyPrefix starts every open-data API key, so that a key sent where a
// session token is expected (or the reverse) is recognised and refused
// with a clear message.
const APIKeyPrefix = "gdk_"

// HashAPIKey is how an open-data API key is stored: only its SHA-256,
// hex-encoded. A key is 32 random bytes, so a plain hash suffices (no
// password hashing: it cannot be guessed).
func HashAPIKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// PublicAuthService authenticates public accounts' sessions and API keys
// for the HTTP layer (OPN-2).
type PublicAuthService interface {
	// AuthenticatePublic returns the actor of a public session token:
	// PublicAccountID set, no roles. EUNAUTHORIZED for an unknown, expired
	// or revoked session, or a suspended account.
	AuthenticatePublic(ctx context.Context, token string) (Actor, error)
	// AuthenticateAPIKey returns the actor of an open-data API key:
	// PublicAccountID and APIKeyID set. EUNAUTHORIZED for an unknown or
	// revoked key; EFORBIDDEN for a suspended account (HLJ-43).
	AuthenticateAPIKey(ctx context.Context, key string) (Actor, error)
}

// PublicSessionPrefix starts every public session token, so that one sent
// to a staff endpoint is recognised without a lookup and refused with a
// clear message (OPN-2), never taken for a staff session.
const PublicSessionPrefix = "gdp_"

// Kinds of public account (OPN-2).
const (
	PublicPerson       = "person"
	PublicOrganization = "organization"
)

// States of a public account (HLJ-43: misuse suspends it).
const (
	PublicActive    = "active"
	PublicSuspended = "suspended"
)

// PublicTermsVersion is the version of the portal's terms of use that a
// registration accepts; a registration naming another is refused, so that
// nobody accepts terms the portal no longer shows.
const PublicTermsVersion = "2026-1"

// PublicConfirmTTL is how long an e-mail confirmation link works.
const PublicConfirmTTL = 24 * time.Hour

// PublicAccount is a natural person or an organisation using the portal.
type PublicAccount struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	Name        string     `json:"name"`
	CreditCode  string     `json:"credit_code"`
	Email       string     `json:"email"`
	Confirmed   bool       `json:"confirmed"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
	// ConfirmedBy is "" when confirmed by the link, else the operator.
	ConfirmedBy    string     `json:"confirmed_by"`
	State          string     `json:"state"`
	StateReason    string     `json:"state_reason"`
	StateChangedAt *time.Time `json:"state_changed_at,omitempty"`
	TermsVersion   string     `json:"terms_version"`
	CreatedAt      time.Time  `json:"created_at"`
}

// PublicRegistration is what the registration form sends.
type PublicRegistration struct {
	Kind         string `json:"kind"`
	Name         string `json:"name"`
	CreditCode   string `json:"credit_code"`
	Email        string `json:"email"`
	Password     string `json:"password"`
	AcceptTerms  bool   `json:"accept_terms"`
	TermsVersion string `json:"terms_version"`
}

// PublicSession is a public account's sign-in: the token (also set as the
// govdata_public cookie) and the CSRF token of unsafe requests sent with
// the cookie.
type PublicSession struct {
	Token     string         `json:"token"`
	CSRFToken string         `json:"csrf_token"`
	ExpiresAt time.Time      `json:"expires_at"`
	Account   *PublicAccount `json:"account"`
}

// APIKey is an open-data API key as listed: never the key itself.
type APIKey struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// IssuedAPIKey is a key just created: Key is shown this once.
type IssuedAPIKey struct {
	APIKey
	Key string `json:"key"`
}

// APIKeyInput names a new key.
type APIKeyInput struct {
	Name string `json:"name"`
}

// PublicMessage is one message in a public account's inbox.
type PublicMessage struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Subject   Text       `json:"subject"`
	Body      Text       `json:"body"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// PublicMessageList is a page of the inbox with the count of unread ones.
type PublicMessageList struct {
	List[PublicMessage]
	Unread int `json:"unread"`
}

// PublicAccountFilter narrows the staff's list of public accounts.
type PublicAccountFilter struct {
	Q     string // part of the e-mail or the name
	State string // active | suspended | ""
	Page
}

// Kinds of public message.
const (
	PublicMsgSuspended = "account.suspended"
	PublicMsgResumed   = "account.resumed"
	PublicMsgConfirmed = "account.confirmed"
)

// Messages of public accounts.
var (
	MsgPublicKind         = Msg{"账号类型应为 person（自然人）或 organization（法人或其他组织）", "kind must be person or organization"}
	MsgPublicTerms        = Msg{"须阅读并同意平台服务条款", "the terms of use must be accepted"}
	MsgPublicTermsVersion = Msg{"服务条款已更新，请重新阅读后同意（当前版本 %s）", "the terms of use have changed; read and accept version %s"}
	MsgPublicRegistered   = Msg{"已受理注册。请查收邮件，点击其中的链接确认邮箱（24 小时内有效）", "registration received: open the link in the e-mail we sent to confirm the address (valid for 24 hours)"}
	MsgPublicResent       = Msg{"如该邮箱已注册且尚未确认，确认邮件已重新发送", "if the address is registered and not yet confirmed, a confirmation e-mail has been sent again"}
	MsgPublicConfirmBad   = Msg{"确认链接无效或已过期，请重新发送确认邮件", "the confirmation link is invalid or has expired; ask for a new one"}
	MsgPublicUnconfirmed  = Msg{"请先确认邮箱后再使用此功能", "confirm your e-mail address before using this function"}
	MsgPublicSuspended    = Msg{"账号已被暂停使用：%s", "the account is suspended: %s"}
	MsgPublicNotStaff     = Msg{"社会用户账号不能使用政务人员功能", "public accounts cannot use staff functions"}
	MsgStaffNotPublic     = Msg{"政务人员账号不能使用社会用户功能，请使用社会用户账号登录", "staff accounts cannot use public account functions; sign in with a public account"}
	MsgPublicNotFound     = Msg{"社会用户账号不存在", "no such public account"}
	MsgPublicKeyNotFound  = Msg{"API 密钥不存在", "no such API key"}
	MsgPublicKeyLimit     = Msg{"每个账号最多 %d 个有效的 API 密钥，请先吊销不用的密钥", "an account may hold at most %d API keys in force; revoke one first"}
	MsgPublicState        = Msg{"账号当前状态为 %s，不能执行此操作", "the account is %s: this cannot be done"}
	MsgPublicAlreadyConf  = Msg{"账号已确认", "the account is already confirmed"}
	MsgPublicRateLimited  = Msg{"操作过于频繁，请 %d 秒后再试", "too many requests: try again in %d seconds"}
	MsgPublicReason       = Msg{"须填写理由", "a reason is required"}
	MsgPublicMsgNotFound  = Msg{"消息不存在", "no such message"}
)

// MaxAPIKeys bounds an account's keys in force.
const MaxAPIKeys = 10

// NormalizeEmail is how an e-mail address is kept and looked up: trimmed
// and lower-cased (one account per address).
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidatePublicRegistration checks a registration's shape; the password
// under the same policy as staff (policy), the e-mail with CheckEmail and
// an organisation's credit code with GB 32100's check character.
func ValidatePublicRegistration(in PublicRegistration, policy PasswordPolicy) error {
	var fe FieldErrors
	switch in.Kind {
	case PublicPerson, PublicOrganization:
	default:
		fe.Add("kind", MsgPublicKind)
	}
	checkName(&fe, "name", in.Name, 200)
	if in.Kind == PublicOrganization {
		if err := ValidateCreditCode(in.CreditCode); err != nil {
			fe.Add("credit_code", err.Message.Msg, err.Message.Args...)
		}
	} else if in.CreditCode != "" {
		fe.Add("credit_code", MsgPublicKind)
	}
	email := NormalizeEmail(in.Email)
	if email == "" {
		fe.Add("email", MsgRequired)
	} else {
		CheckEmail(&fe, "email", email)
	}
	if in.Password == "" {
		fe.Add("password", MsgRequired)
	} else {
		policy.Check(&fe, "password", in.Password, email)
	}
	if !in.AcceptTerms {
		fe.Add("accept_terms", MsgPublicTerms)
	} else if in.TermsVersion != PublicTermsVersion {
		fe.Add("terms_version", MsgPublicTermsVersion, PublicTermsVersion)
	}
	return fe.Err()
}

// ValidateAPIKeyInput checks a new key's name.
func ValidateAPIKeyInput(in APIKeyInput) error {
	var fe FieldErrors
	checkName(&fe, "name", in.Name, 100)
	return fe.Err()
}

// PublicAccountService is the public accounts' side (OPN-2) and the staff's
// oversight of them (HLJ-43).
type PublicAccountService interface {
	// Register creates an unconfirmed account and mails the confirmation
	// link. An address already registered gets a mail saying so and no
	// second account; the caller answers both alike. EINVALID for a bad form.
	Register(ctx context.Context, in PublicRegistration) error
	// Confirm confirms the account of a link's token. EINVALID for an
	// unknown, used or expired token.
	Confirm(ctx context.Context, token string) (*PublicAccount, error)
	// ResendConfirmation mails a new link to an unconfirmed account; it
	// does nothing, silently, for an unknown or confirmed address.
	ResendConfirmation(ctx context.Context, email string) error
	// Login signs a public account in. EUNAUTHORIZED for a wrong address or
	// password alike, a locked address or account (the staff's lockout
	// policy, ORG-3) and a suspended account (HLJ-43).
	Login(ctx context.Context, email, password string) (*PublicSession, error)
	// Logout ends the caller's session. EUNAUTHORIZED without one.
	Logout(ctx context.Context) error
	// Me is the caller's account. EUNAUTHORIZED when not a public actor.
	Me(ctx context.Context) (*PublicAccount, error)
	// FindAPIKeys lists the caller's keys, newest first.
	FindAPIKeys(ctx context.Context) ([]APIKey, error)
	// CreateAPIKey issues a key, shown once. EFORBIDDEN for an unconfirmed
	// account; ECONFLICT beyond MaxAPIKeys; EINVALID for a bad name.
	CreateAPIKey(ctx context.Context, in APIKeyInput) (*IssuedAPIKey, error)
	// RevokeAPIKey revokes one of the caller's keys. ENOTFOUND for
	// another's or a revoked one.
	RevokeAPIKey(ctx context.Context, id int64) error
	// FindMessages pages the caller's inbox, newest first.
	FindMessages(ctx context.Context, p Page) (PublicMessageList, error)
	// MarkMessageRead marks one of the caller's messages read (id 0: all).
	// ENOTFOUND for another's.
	MarkMessageRead(ctx context.Context, id int64) error

	// FindPublicAccounts lists accounts for the staff (PermPublicRead).
	FindPublicAccounts(ctx context.Context, f PublicAccountFilter) (List[PublicAccount], error)
	// ConfirmByOperator confirms an account by hand (PermPublicConfirm),
	// when mail cannot reach it. ECONFLICT when already confirmed.
	ConfirmByOperator(ctx context.Context, id int64) (*PublicAccount, error)
	// Suspend and Resume an account for misuse (HLJ-43, PermPublicManage),
	// with a reason; the account is told by a message, and its sessions
	// and keys stop at once. ECONFLICT when already in that state.
	Suspend(ctx context.Context, id int64, reason string) (*PublicAccount, error)
	Resume(ctx context.Context, id int64, reason string) (*PublicAccount, error)
}

// PublicActorName is how a public account is named in audit records:
// "public:<id>", never its e-mail.
func PublicActorName(id int64) string { return "public:" + strconv.FormatInt(id, 10) }
