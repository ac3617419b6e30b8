package govdata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
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

// LockoutPolicy throttles failed logins (ORG-3) twice over: by the client
// address, so that one guesser is slowed at once, and by the username as
// typed — an account's or not — so that guesses spread over many addresses
// still lock the account. The address waits long before the account locks
// (AddressMaxFailures < MaxFailures), so that one caller cannot keep an
// administrator out; an administrator lifts a lock early (UnlockUser). An
// unknown username is counted and locked exactly like a known one, so that
// no answer tells which usernames exist.
type LockoutPolicy struct {
	MaxFailures int           // consecutive failures that lock the username; 0 disables
	Duration    time.Duration // how long the lock lasts
	// AddressMaxFailures failures from one client address make it wait
	// AddressDelay before the next attempt is even checked; each further
	// round doubles the wait, up to AddressMaxDelay. 0 disables.
	AddressMaxFailures int
	AddressDelay       time.Duration
	AddressMaxDelay    time.Duration
}

// DefaultLockoutPolicy: five failures from one address make it wait a
// minute, then 2, 4, … up to an hour; twenty failures on one username lock
// it for 15 minutes. One address thus needs seven minutes to lock an
// account once and ever longer to lock it again.
var DefaultLockoutPolicy = LockoutPolicy{MaxFailures: 20, Duration: 15 * time.Minute,
	AddressMaxFailures: 5, AddressDelay: time.Minute, AddressMaxDelay: time.Hour}

// ThrottleMemory is how long a throttle row outlives its last failure:
// after a quiet day an address starts again from the shortest wait, and
// the store forgets it (the table stays bounded).
const ThrottleMemory = 24 * time.Hour

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

// AfterAddressFailure returns an address's failure count, its number of
// waits so far and until when it waits after one more failed login: every
// AddressMaxFailures-th failure starts a wait twice as long as the last.
func (p LockoutPolicy) AfterAddressFailure(failures, waits int, now time.Time) (int, int, time.Time) {
	failures++
	if p.AddressMaxFailures <= 0 || failures < p.AddressMaxFailures {
		return failures, waits, time.Time{}
	}
	d := p.AddressDelay
	for i := 0; i < waits && (p.AddressMaxDelay <= 0 || d < p.AddressMaxDelay); i++ {
		d *= 2
	}
	if p.AddressMaxDelay > 0 && d > p.AddressMaxDelay {
		d = p.AddressMaxDelay
	}
	return 0, waits + 1, now.Add(d)
}

// Validate refuses a policy whose address throttle would not come first:
// then one caller could lock any account, an administrator's too.
func (p LockoutPolicy) Validate() error {
	if p.MaxFailures < 0 || p.AddressMaxFailures < 0 || p.Duration < 0 || p.AddressDelay < 0 || p.AddressMaxDelay < 0 {
		return fmt.Errorf("lockout: negative setting")
	}
	if p.MaxFailures > 0 && p.AddressMaxFailures > 0 && p.AddressMaxFailures >= p.MaxFailures {
		return fmt.Errorf("lockout: an address must wait (after %d failures) before an account locks (after %d)", p.AddressMaxFailures, p.MaxFailures)
	}
	if p.AddressMaxFailures > 0 && p.AddressDelay <= 0 {
		return fmt.Errorf("lockout: the address wait must be positive")
	}
	return nil
}

// CheckUnlock decides whether the actor may lift the login lock of u
// (ORG-3). An ordinary account is unlocked by the manager of its roles, as
// it is managed (RoleManager: the sysadmin). A sysadmin, secadmin or
// auditor is unlocked by any other holder of those three roles: unlocking
// gives no power, and with one holder of each role, a lock that only its
// own manager could lift would keep the one sysadmin out for good. Nobody
// unlocks itself; the platform (the CLI on the server) unlocks anyone.
func CheckUnlock(a Actor, u User) error {
	if a.IsSystem() {
		return nil
	}
	if a.UserID == u.ID {
		return Errorf(EFORBIDDEN, MsgUnlockSelf)
	}
	if slices.ContainsFunc(u.Roles, Role.IsAdministrative) {
		if !slices.ContainsFunc(a.Roles, Role.IsAdministrative) {
			return Errorf(EFORBIDDEN, MsgForbidden)
		}
		return nil
	}
	return CheckManageRoles(a, u.Roles, u.Roles)
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
	// message for both), for a disabled account, for a locked username —
	// an account's or not (Details "locked_until") — and for a client
	// address that must wait (MsgLoginThrottled, Details "retry_after").
	// Every answer is the same whether the username names an account.
	Login(ctx context.Context, username, password string) (*Session, error)
	// Authenticate resolves a session token to its actor; EUNAUTHORIZED when
	// the token is unknown, expired or revoked.
	Authenticate(ctx context.Context, token string) (Actor, error)
	// Logout ends the session of the token; EUNAUTHORIZED when it is
	// unknown or already ended.
	Logout(ctx context.Context, token string) error
	// FindSessions lists the acting user's own sessions still in force
	// (neither ended nor expired), newest first, the calling one marked;
	// never a token. EUNAUTHORIZED when not signed in.
	FindSessions(ctx context.Context) ([]SessionInfo, error)
	// EndSession ends one of the acting user's own sessions (ORG-4: a
	// session left open on another computer is closed from this one);
	// audited. ENOTFOUND for a session that is not the user's, or is
	// already ended or expired: another's sessions are not told apart
	// from missing ones.
	EndSession(ctx context.Context, id int64) error
	// UnlockUser lifts the login lock of a user's account before it
	// expires; audited. Who may: for an ordinary account the manager of
	// its roles (the sysadmin); for a sysadmin, secadmin or auditor any
	// other holder of those three roles, so that a locked administrator
	// is never left without one who can let it in; the platform (the CLI
	// on the server) always. ENOTFOUND, EFORBIDDEN.
	UnlockUser(ctx context.Context, id int64) (*User, error)
	// ChangePassword changes the acting user's password and ends its other
	// sessions; EUNAUTHORIZED when not signed in, or when the wrong old
	// password locks the account; EINVALID when the old password is wrong
	// or the new one fails the policy.
	ChangePassword(ctx context.Context, oldPassword, newPassword string) error
}

// SessionInfo is one session as its holder sees it: when and from where
// it began and when it ends. The token is never shown again after login
// (the store keeps only its hash).
type SessionInfo struct {
	ID         int64     `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	ClientAddr string    `json:"client_addr"`
	// Current: the session of the request that asked.
	Current bool `json:"current"`
	// PasswordChangeOnly: a session that may only change the password (ORG-3).
	PasswordChangeOnly bool `json:"password_change_only"`
}

// Messages of sign-in and sessions.
var (
	MsgLoginFailed         = Msg{"用户名或密码错误", "wrong username or password"}
	MsgAccountLocked       = Msg{"登录失败次数过多，账号已锁定，将于 %s 解锁", "too many failed logins; the account is locked until %s"}
	MsgLoginThrottled      = Msg{"登录失败次数过多，请于 %s 之后再试", "too many failed logins; try again after %s"}
	MsgAccountLockedNotice = Msg{"账号 %s 登录失败次数过多，已锁定至 %s；可由其他管理员提前解锁", "account %s is locked until %s after repeated failed logins; another administrator can unlock it earlier"}
	MsgUnlockSelf          = Msg{"不能解锁自己的账号", "you cannot unlock your own account"}
	MsgAccountDisabled     = Msg{"账号已停用", "this account is disabled"}
	MsgSessionInvalid      = Msg{"登录已失效，请重新登录", "your session has ended; sign in again"}
	MsgOldPassword         = Msg{"原密码错误", "the current password is wrong"}
	MsgSessionNotFound     = Msg{"会话不存在或已结束", "no such session, or it has ended"}
	MsgCSRF                = Msg{"缺少或错误的 CSRF 令牌（X-CSRF-Token）", "missing or wrong CSRF token (X-CSRF-Token)"}
)
