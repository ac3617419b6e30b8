package govdata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// CSRFToken derives the CSRF token of a session token. A page of ours learns
// it from the login answer; a cross-site page cannot, because it cannot read
// the HttpOnly session cookie it would be derived from (ORG-4).
func CSRFToken(sessionToken string) string {
	h := sha256.Sum256([]byte("govdata-csrf\x00" + sessionToken))
	return hex.EncodeToString(h[:16])
}

// Session is what a successful login returns (ORG-4). Token is shown once:
// the store keeps only its hash.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	// CSRFToken must accompany unsafe requests authenticated by the session
	// cookie, in the X-CSRF-Token header.
	CSRFToken string `json:"csrf_token"`
	// PasswordChangeRequired: the token works for nothing but
	// POST /api/v1/auth/password (ORG-3).
	PasswordChangeRequired bool  `json:"password_change_required"`
	User                   *User `json:"user"`
}

// LockoutPolicy locks an account after repeated failed logins (ORG-3).
type LockoutPolicy struct {
	MaxFailures int           // consecutive failures that lock the account; 0 disables
	Duration    time.Duration // how long the lock lasts
}

// DefaultLockoutPolicy: five failures lock the account for 15 minutes.
var DefaultLockoutPolicy = LockoutPolicy{MaxFailures: 5, Duration: 15 * time.Minute}

// AfterFailure returns the failure count and lock time after one more
// failed login: when the count reaches the maximum the account locks and
// the count starts again.
func (p LockoutPolicy) AfterFailure(failures int, now time.Time) (int, time.Time) {
	failures++
	if p.MaxFailures > 0 && failures >= p.MaxFailures {
		return 0, now.Add(p.Duration)
	}
	return failures, time.Time{}
}

// AuthConfig gathers the access rules a deployment configures.
type AuthConfig struct {
	Password PasswordPolicy
	Lockout  LockoutPolicy
	// SessionTTL is how long a login token lives.
	SessionTTL time.Duration
}

// DefaultAuthConfig is used where configuration is silent.
var DefaultAuthConfig = AuthConfig{Password: DefaultPasswordPolicy, Lockout: DefaultLockoutPolicy, SessionTTL: 8 * time.Hour}

// AuthService signs users in and out.
type AuthService interface {
	// Login returns EUNAUTHORIZED for a wrong username or password (the same
	// message for both), and for a disabled or locked account (the lock
	// error's Details carry "locked_until").
	Login(ctx context.Context, username, password string) (*Session, error)
	// Authenticate resolves a session token to its actor; EUNAUTHORIZED when
	// the token is unknown, expired or revoked.
	Authenticate(ctx context.Context, token string) (Actor, error)
	// Logout ends the session of the token.
	Logout(ctx context.Context, token string) error
	// ChangePassword changes the acting user's password and ends its other
	// sessions; EINVALID when the old password is wrong or the new one fails the policy.
	ChangePassword(ctx context.Context, oldPassword, newPassword string) error
}

// Messages of sign-in and sessions.
var (
	MsgLoginFailed     = Msg{"用户名或密码错误", "wrong username or password"}
	MsgAccountLocked   = Msg{"登录失败次数过多，账号已锁定，将于 %s 解锁", "too many failed logins; the account is locked until %s"}
	MsgAccountDisabled = Msg{"账号已停用", "this account is disabled"}
	MsgSessionInvalid  = Msg{"登录已失效，请重新登录", "your session has ended; sign in again"}
	MsgOldPassword     = Msg{"原密码错误", "the current password is wrong"}
	MsgCSRF            = Msg{"缺少或错误的 CSRF 令牌（X-CSRF-Token）", "missing or wrong CSRF token (X-CSRF-Token)"}
)
