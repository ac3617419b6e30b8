package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/password"
)

// AuthService implements govdata.AuthService.
type AuthService struct{ db *DB }

// NewAuthService returns the auth service of db.
func NewAuthService(db *DB) *AuthService {
	dummyHash(db.opts.Password) // made now, not in the first unknown user's login
	return &AuthService{db: db}
}

var _ govdata.AuthService = (*AuthService)(nil)

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// loginRow is what a login needs of a user.
type loginRow struct {
	id, dept    int64
	hash        string
	mustChange  bool
	changed     int64
	disabled    bool
	failed      int
	lockedUntil sql.NullInt64
}

// dummyHashes keep the time of a login for an unknown user like that of a
// known one: a hash at the store's own argon2id cost, made once per cost
// (password.Params → PHC string), so that timing does not tell which
// usernames exist.
var dummyHashes sync.Map

func dummyHash(p password.Params) string {
	if h, ok := dummyHashes.Load(p); ok {
		return h.(string)
	}
	h, _ := p.Hash("govdata-dummy-password")
	dummyHashes.Store(p, h)
	return h
}

// printable is s with control characters and bytes that are not UTF-8
// replaced by U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
}

// Throttle scopes of login_throttle (ORG-3).
const (
	scopeAddress  = "address"
	scopeUsername = "username"
)

// throttleKey is the stored key of an address or a username: a hash, so
// that a row is small whatever a caller types, and text that is not UTF-8
// never reaches PostgreSQL.
func throttleKey(scope, v string) string {
	h := sha256.Sum256([]byte(scope + "\x00" + v))
	return hex.EncodeToString(h[:])
}

// addressKey is the throttle key of a client address. An IPv6 client is
// counted by its /64: one subscriber holds a whole /64 and could otherwise
// start afresh from each of its addresses.
func addressKey(addr string) string {
	if a, err := netip.ParseAddr(addr); err == nil {
		if a = a.Unmap().WithZone(""); a.Is6() {
			p, _ := a.Prefix(64)
			addr = p.String()
		} else {
			addr = a.String()
		}
	}
	return throttleKey(scopeAddress, addr)
}

// throttle is one row of login_throttle; the zero value when there is none.
type throttle struct {
	failures, waits int
	blockedUntil    time.Time
}

func readThrottle(row *sql.Row) (throttle, error) {
	var t throttle
	var until sql.NullInt64
	err := row.Scan(&t.failures, &t.waits, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return throttle{}, nil
	}
	if until.Valid {
		t.blockedUntil = fromDB(until.Int64)
	}
	return t, err
}

const throttleQuery = "SELECT failures, waits, blocked_until FROM login_throttle WHERE scope = ? AND key_hash = ?"

// Login implements govdata.AuthService. Every answer is the same for a
// username that names no account as for one that does (ORG-3): a waiting
// address is refused before the username is looked up; an unknown
// username is counted, locked and answered as an account is, and its
// password is checked against a dummy hash so that it takes as long.
func (s *AuthService) Login(ctx context.Context, username, pw string) (*govdata.Session, error) {
	// A login attempt is counted and recorded even if its client goes away.
	ctx = context.WithoutCancel(ctx)
	username = govdata.NormalizeUsername(username)
	actor := govdata.ActorFrom(ctx)
	actor.Username = username
	if !govdata.ValidUsername(username) {
		// Recorded as typed but printable: PostgreSQL refuses NUL and
		// text that is not UTF-8, and an attempt that cannot be recorded
		// would not be counted either.
		username = printable(username)
		actor.Username = username
	}
	failed := func(object any, detail map[string]any, err error) (*govdata.Session, error) {
		werr := s.db.write(ctx, func(tx *Tx) error {
			return tx.auditAs(actor, govdata.AuditFailed, "auth.login", "user", object, detail)
		})
		if werr != nil {
			return nil, werr // an attempt that cannot be recorded is not answered as if it were
		}
		return nil, govdata.Audited(err)
	}
	now := s.db.clock.Now()
	addr := addressKey(actor.ClientAddr)
	wait, err := readThrottle(s.db.queryRow(ctx, throttleQuery, scopeAddress, addr))
	if err != nil {
		return nil, s.db.internal("read address throttle", err)
	}
	if wait.blockedUntil.After(now) {
		return failed(username, map[string]any{"reason": "address waits", "until": wait.blockedUntil}, throttledError(wait.blockedUntil))
	}
	var r loginRow
	var disabledAt, dept sql.NullInt64
	err = sql.ErrNoRows
	if govdata.ValidUsername(username) {
		err = s.db.queryRow(ctx, `SELECT id, department_id, password_hash, must_change_password, password_changed_at,
			disabled_at, failed_logins, locked_until FROM users WHERE username = ?`, username).
			Scan(&r.id, &dept, &r.hash, &r.mustChange, &r.changed, &disabledAt, &r.failed, &r.lockedUntil)
	}
	if errors.Is(err, sql.ErrNoRows) {
		name := throttleKey(scopeUsername, username)
		lock, err := readThrottle(s.db.queryRow(ctx, throttleQuery, scopeUsername, name))
		if err != nil {
			return nil, s.db.internal("read username throttle", err)
		}
		if lock.blockedUntil.After(now) {
			return failed(username, map[string]any{"reason": "locked"}, lockedError(lock.blockedUntil))
		}
		password.Verify(dummyHash(s.db.opts.Password), pw)
		return s.wrongPassword(ctx, actor, username, addr, 0, name, "unknown user")
	}
	if err != nil {
		return nil, s.db.internal("login", err)
	}
	r.dept, r.disabled = dept.Int64, disabledAt.Valid
	if r.lockedUntil.Valid && fromDB(r.lockedUntil.Int64).After(now) {
		return failed(r.id, map[string]any{"reason": "locked"}, lockedError(fromDB(r.lockedUntil.Int64)))
	}
	ok, err := password.Verify(r.hash, pw)
	if err != nil {
		return nil, s.db.internal("verify password", err)
	}
	if !ok {
		return s.wrongPassword(ctx, actor, r.id, addr, r.id, "", "wrong password")
	}
	if r.disabled {
		return failed(r.id, map[string]any{"reason": "disabled"}, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgAccountDisabled))
	}
	token := rand.Text() + rand.Text()
	sess := &govdata.Session{Token: token, CSRFToken: govdata.CSRFToken(token)}
	var lockedUntil time.Time
	err = s.db.write(ctx, func(tx *Tx) error {
		now := tx.Now()
		// Guesses racing this one may have locked the account since it was
		// read: the lock wins over a correct password (ORG-3).
		var locked sql.NullInt64
		if err := tx.queryRow("SELECT locked_until FROM users WHERE id = ?", r.id).Scan(&locked); err != nil {
			return fmt.Errorf("read lock: %w", err)
		}
		if locked.Valid && fromDB(locked.Int64).After(now) {
			lockedUntil = fromDB(locked.Int64)
			return tx.auditAs(actor, govdata.AuditFailed, "auth.login", "user", r.id, map[string]any{"reason": "locked"})
		}
		sess.PasswordChangeRequired = r.mustChange || s.db.opts.Auth.Password.Expired(fromDB(r.changed), now)
		sess.ExpiresAt = now.Add(s.db.opts.Auth.SessionTTL).Truncate(time.Second)
		sid, err := tx.insert(`INSERT INTO sessions (user_id, token_hash, password_change_only, client_addr, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, r.id, tokenHash(token), sess.PasswordChangeRequired, actor.ClientAddr, toDB(now), toDB(sess.ExpiresAt))
		if err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		// The account's count starts again; the address's does not, or a
		// guesser with an account of its own could clear its address's
		// count between guesses at another.
		if _, err := tx.exec("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", r.id); err != nil {
			return fmt.Errorf("reset failures: %w", err)
		}
		roles, err := rolesOf(tx.query, r.id)
		if err != nil {
			return fmt.Errorf("load roles: %w", err)
		}
		a := actor
		a.UserID, a.Roles, a.DepartmentID, a.SessionID = r.id, roles[r.id], r.dept, sid
		return tx.auditAs(a, govdata.AuditOK, "auth.login", "session", sid,
			map[string]any{"password_change_required": sess.PasswordChangeRequired})
	})
	if err != nil {
		return nil, err
	}
	if !lockedUntil.IsZero() {
		return nil, govdata.Audited(lockedError(lockedUntil))
	}
	u, err := NewUserService(s.db).find(ctx, "id = ?", r.id)
	if err != nil {
		return nil, err
	}
	sess.User = u
	return sess, nil
}

// wrongPassword counts a failed password check, against the client address
// and against the account (userID) or, for a username that names none, the
// username's own row (nameKey), records it and answers: the lock when this
// failure locked the username, the wait when it made the address wait,
// else the plain wrong-username-or-password.
func (s *AuthService) wrongPassword(ctx context.Context, actor govdata.Actor, object any, addr string, userID int64, nameKey, reason string) (*govdata.Session, error) {
	var lockedUntil, waitUntil time.Time
	err := s.db.write(ctx, func(tx *Tx) error {
		// Rows quiet for ThrottleMemory are forgotten here, where rows
		// are made, so that the table holds at most a day's failures.
		horizon := toDB(tx.Now().Add(-govdata.ThrottleMemory))
		if _, err := tx.exec("DELETE FROM login_throttle WHERE updated_at < ? AND (blocked_until IS NULL OR blocked_until < ?)",
			horizon, toDB(tx.Now())); err != nil {
			return fmt.Errorf("expire throttle: %w", err)
		}
		var err error
		if waitUntil, err = s.countAddressFailure(tx, addr); err != nil {
			return err
		}
		if userID != 0 {
			lockedUntil, err = s.countFailure(tx, userID)
		} else {
			lockedUntil, err = s.countUsernameFailure(tx, nameKey)
		}
		if err != nil {
			return err
		}
		detail := map[string]any{"reason": reason}
		if !lockedUntil.IsZero() {
			detail["locked_until"] = lockedUntil
		}
		if !waitUntil.IsZero() {
			detail["address_waits_until"] = waitUntil
		}
		return tx.auditAs(actor, govdata.AuditFailed, "auth.login", "user", object, detail)
	})
	switch {
	case err != nil:
		return nil, err
	case !lockedUntil.IsZero():
		return nil, govdata.Audited(lockedError(lockedUntil))
	case !waitUntil.IsZero():
		return nil, govdata.Audited(throttledError(waitUntil))
	}
	return nil, govdata.Audited(govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgLoginFailed))
}

// putThrottle writes a throttle row.
func putThrottle(tx *Tx, scope, key string, t throttle) error {
	_, err := tx.exec(`INSERT INTO login_throttle (scope, key_hash, failures, waits, blocked_until, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (scope, key_hash) DO UPDATE SET failures = excluded.failures, waits = excluded.waits,
		blocked_until = excluded.blocked_until, updated_at = excluded.updated_at`,
		scope, key, t.failures, t.waits, toDBNull(&t.blockedUntil), toDB(tx.Now()))
	if err != nil {
		return fmt.Errorf("write %s throttle: %w", scope, err)
	}
	return nil
}

// countAddressFailure counts one more failure from a client address and
// returns until when the address now waits, zero when it need not.
// (Writes are serialised across instances: see chainHead.)
func (s *AuthService) countAddressFailure(tx *Tx, addr string) (time.Time, error) {
	t, err := readThrottle(tx.queryRow(throttleQuery, scopeAddress, addr))
	if err != nil {
		return time.Time{}, fmt.Errorf("read address throttle: %w", err)
	}
	var until time.Time
	t.failures, t.waits, until = s.db.opts.Auth.Lockout.AfterAddressFailure(t.failures, t.waits, tx.Now())
	if !until.IsZero() {
		t.blockedUntil = until
	}
	return until, putThrottle(tx, scopeAddress, addr, t)
}

// countUsernameFailure is countFailure for a username that names no
// account: the same policy on a row of its own.
func (s *AuthService) countUsernameFailure(tx *Tx, nameKey string) (time.Time, error) {
	t, err := readThrottle(tx.queryRow(throttleQuery, scopeUsername, nameKey))
	if err != nil {
		return time.Time{}, fmt.Errorf("read username throttle: %w", err)
	}
	n, until := s.db.opts.Auth.Lockout.AfterFailure(t.failures, tx.Now())
	if t.blockedUntil.After(tx.Now()) && t.blockedUntil.After(until) {
		until = t.blockedUntil
	}
	t.failures, t.blockedUntil = n, until
	return until, putThrottle(tx, scopeUsername, nameKey, t)
}

// countFailure counts one more failed password check of user id and returns
// when the account is locked until, zero when it is not. Concurrent failures
// all count, and a lock already in force is never shortened.
func (s *AuthService) countFailure(tx *Tx, id int64) (time.Time, error) {
	var failures int
	var locked sql.NullInt64
	if err := tx.queryRow("SELECT failed_logins, locked_until FROM users WHERE id = ?", id).Scan(&failures, &locked); err != nil {
		return time.Time{}, fmt.Errorf("read failures: %w", err)
	}
	n, until := s.db.opts.Auth.Lockout.AfterFailure(failures, tx.Now())
	if locked.Valid && fromDB(locked.Int64).After(tx.Now()) && fromDB(locked.Int64).After(until) {
		until = fromDB(locked.Int64)
	}
	if _, err := tx.exec("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", n, toDBNull(&until), id); err != nil {
		return time.Time{}, fmt.Errorf("count failure: %w", err)
	}
	if !until.IsZero() && !(locked.Valid && fromDB(locked.Int64).After(tx.Now())) {
		// A new lock is a security event, and those who can lift it
		// early should know (ORG-3): the sysadmin and the secadmin.
		var name string
		if err := tx.queryRow("SELECT username FROM users WHERE id = ?", id).Scan(&name); err != nil {
			return time.Time{}, fmt.Errorf("read username: %w", err)
		}
		at := until.UTC().Format(time.RFC3339)
		title := govdata.Text{ZH: govdata.MsgAccountLockedNotice.Text("zh", name, at), EN: govdata.MsgAccountLockedNotice.Text("en", name, at)}
		for _, r := range []govdata.Role{govdata.RoleSysadmin, govdata.RoleSecadmin} {
			if _, err := notifyRoleHolders(tx, r, govdata.NoticeSecurity, title, fmt.Sprintf("account-locked:%d:%d", id, toDB(until))); err != nil {
				return time.Time{}, err
			}
		}
	}
	return until, nil
}

// throttledError answers a login from an address that must wait.
func throttledError(until time.Time) error {
	e := govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgLoginThrottled, until.UTC().Format(time.RFC3339))
	e.Details = map[string]any{"retry_after": until.UTC().Format(time.RFC3339)}
	return e
}

func lockedError(until time.Time) error {
	e := govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgAccountLocked, until.UTC().Format(time.RFC3339))
	e.Details = map[string]any{"locked_until": until.UTC().Format(time.RFC3339)}
	return e
}

// Authenticate implements govdata.AuthService. It reads the user afresh on
// every request, so a disabled user or a removed role takes effect at once (ORG-6).
func (s *AuthService) Authenticate(ctx context.Context, token string) (govdata.Actor, error) {
	var a govdata.Actor
	var dept sql.NullInt64
	var changeOnly, mustChange bool
	var changed int64
	now := s.db.clock.Now()
	err := s.db.queryRow(ctx, `SELECT s.id, s.password_change_only, u.id, u.username, u.department_id,
		u.must_change_password, u.password_changed_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.disabled_at IS NULL`,
		tokenHash(token), toDB(now)).Scan(&a.SessionID, &changeOnly, &a.UserID, &a.Username, &dept, &mustChange, &changed)
	if errors.Is(err, sql.ErrNoRows) {
		return a, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgSessionInvalid)
	}
	if err != nil {
		return a, s.db.internal("authenticate", err)
	}
	roles, err := rolesOf(func(q string, args ...any) (*sql.Rows, error) { return s.db.query(ctx, q, args...) }, a.UserID)
	if err != nil {
		return a, s.db.internal("load roles", err)
	}
	// A password that expires, or is reset, during a session limits that
	// session to changing it from then on (ORG-3, HLJ-38).
	a.Roles, a.DepartmentID = roles[a.UserID], dept.Int64
	a.PasswordChangeRequired = changeOnly || mustChange || s.db.opts.Auth.Password.Expired(fromDB(changed), now)
	return a, nil
}

// Logout implements govdata.AuthService.
func (s *AuthService) Logout(ctx context.Context, token string) error {
	return s.db.write(ctx, func(tx *Tx) error {
		var id int64
		err := tx.queryRow("SELECT id FROM sessions WHERE token_hash = ? AND revoked_at IS NULL", tokenHash(token)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgSessionInvalid)
		}
		if err != nil {
			return fmt.Errorf("find session: %w", err)
		}
		if _, err := tx.exec("UPDATE sessions SET revoked_at = ? WHERE id = ?", toDB(tx.Now()), id); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		return tx.audit("auth.logout", "session", id, nil)
	})
}

// ChangePassword implements govdata.AuthService. The current session
// becomes a full one; every other session of the user ends.
func (s *AuthService) ChangePassword(ctx context.Context, oldPassword, newPassword string) error {
	a := govdata.ActorFrom(ctx)
	if a.UserID == 0 {
		return govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
	}
	var hash string
	if err := s.db.queryRow(ctx, "SELECT password_hash FROM users WHERE id = ?", a.UserID).Scan(&hash); err != nil {
		return s.db.internal("change password", err)
	}
	ok, err := password.Verify(hash, oldPassword)
	if err != nil {
		return s.db.internal("verify password", err)
	}
	var fe govdata.FieldErrors
	if !ok {
		// A wrong current password counts like a failed login, so a stolen
		// session cannot guess the password without limit (ORG-3).
		var lockedUntil time.Time
		werr := s.db.write(context.WithoutCancel(ctx), func(tx *Tx) error {
			var err error
			if lockedUntil, err = s.countFailure(tx, a.UserID); err != nil {
				return err
			}
			detail := map[string]any{"reason": "wrong current password"}
			if !lockedUntil.IsZero() {
				detail["locked_until"] = lockedUntil
				if err := revokeSessions(tx, a.UserID, 0); err != nil {
					return err
				}
			}
			return tx.auditAs(a, govdata.AuditFailed, "auth.password_change", "user", a.UserID, detail)
		})
		if werr != nil {
			return werr
		}
		if !lockedUntil.IsZero() {
			return govdata.Audited(lockedError(lockedUntil))
		}
		fe.Add("old_password", govdata.MsgOldPassword)
		return govdata.Audited(fe.Err())
	}
	s.db.opts.Auth.Password.Check(&fe, "new_password", newPassword, a.Username)
	if newPassword == oldPassword {
		fe.Add("new_password", govdata.MsgPasswordSame)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	newHash, err := s.db.opts.Password.Hash(newPassword)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		now := toDB(tx.Now())
		if _, err := tx.exec(`UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ?, updated_at = ?
			WHERE id = ?`, newHash, false, now, now, a.UserID); err != nil {
			return fmt.Errorf("update password: %w", err)
		}
		if err := revokeSessions(tx, a.UserID, a.SessionID); err != nil {
			return err
		}
		if _, err := tx.exec("UPDATE sessions SET password_change_only = ? WHERE id = ?", false, a.SessionID); err != nil {
			return fmt.Errorf("update session: %w", err)
		}
		return tx.audit("auth.password_change", "user", a.UserID, nil)
	})
}

// UnlockUser implements govdata.AuthService (ORG-3). The decision is made
// on the user as it stands in the write, so a role changed meanwhile is
// seen.
func (s *AuthService) UnlockUser(ctx context.Context, id int64) (*govdata.User, error) {
	a := govdata.ActorFrom(ctx)
	if !a.IsSystem() {
		if err := govdata.Authorize(a, govdata.PermUserUnlock); err != nil {
			return nil, err
		}
	}
	err := s.db.write(ctx, func(tx *Tx) error {
		u, err := tx.userWithRoles(id)
		if err != nil {
			return err
		}
		if err := govdata.CheckUnlock(a, *u); err != nil {
			return err
		}
		var failures int
		if err := tx.queryRow("SELECT failed_logins FROM users WHERE id = ?", id).Scan(&failures); err != nil {
			return fmt.Errorf("read failures: %w", err)
		}
		if _, err := tx.exec("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?", id); err != nil {
			return fmt.Errorf("unlock: %w", err)
		}
		detail := map[string]any{"failures": failures, "was_locked": u.LockedUntil != nil && u.LockedUntil.After(tx.Now())}
		if u.LockedUntil != nil {
			detail["locked_until"] = *u.LockedUntil
		}
		return tx.audit("user.unlock", "user", id, detail)
	})
	if err != nil {
		return nil, err
	}
	return NewUserService(s.db).find(ctx, "id = ?", id)
}

// FindSessions implements govdata.AuthService.
func (s *AuthService) FindSessions(ctx context.Context) ([]govdata.SessionInfo, error) {
	a := govdata.ActorFrom(ctx)
	if a.UserID == 0 {
		return nil, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
	}
	rows, err := s.db.query(ctx, `SELECT id, created_at, expires_at, client_addr, password_change_only FROM sessions
		WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY id DESC`, a.UserID, toDB(s.db.clock.Now()))
	if err != nil {
		return nil, s.db.internal("find sessions", err)
	}
	defer rows.Close()
	out := []govdata.SessionInfo{}
	for rows.Next() {
		var si govdata.SessionInfo
		var created, expires int64
		if err := rows.Scan(&si.ID, &created, &expires, &si.ClientAddr, &si.PasswordChangeOnly); err != nil {
			return nil, s.db.internal("find sessions", err)
		}
		si.CreatedAt, si.ExpiresAt, si.Current = fromDB(created), fromDB(expires), si.ID == a.SessionID
		out = append(out, si)
	}
	if err := rows.Err(); err != nil {
		return nil, s.db.internal("find sessions", err)
	}
	return out, nil
}

// EndSession implements govdata.AuthService. Another user's session
// answers as a missing one, and that refusal is recorded by the caller's
// route (a security change, SJZ-S-22).
func (s *AuthService) EndSession(ctx context.Context, id int64) error {
	a := govdata.ActorFrom(ctx)
	if a.UserID == 0 {
		return govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
	}
	return s.db.write(ctx, func(tx *Tx) error {
		var created int64
		var addr string
		var owner int64
		err := tx.queryRow("SELECT user_id, created_at, client_addr FROM sessions WHERE id = ? AND revoked_at IS NULL AND expires_at > ?",
			id, toDB(tx.Now())).Scan(&owner, &created, &addr)
		if errors.Is(err, sql.ErrNoRows) {
			return govdata.Errorf(govdata.ENOTFOUND, govdata.MsgSessionNotFound)
		}
		if err != nil {
			return fmt.Errorf("find session: %w", err)
		}
		if owner != a.UserID {
			// Issue 11: another's session answers as a missing one, and is
			// a refusal on the record all the same.
			return govdata.Hidden(govdata.MsgSessionNotFound)
		}
		if _, err := tx.exec("UPDATE sessions SET revoked_at = ? WHERE id = ?", toDB(tx.Now()), id); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		return tx.audit("auth.session_end", "session", id, map[string]any{
			"created_at": fromDB(created), "client_addr": addr, "own": id == a.SessionID})
	})
}
