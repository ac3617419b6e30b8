package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

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

// Login implements govdata.AuthService.
func (s *AuthService) Login(ctx context.Context, username, pw string) (*govdata.Session, error) {
	// A login attempt is counted and recorded even if its client goes away.
	ctx = context.WithoutCancel(ctx)
	username = govdata.NormalizeUsername(username)
	actor := govdata.ActorFrom(ctx)
	actor.Username = username
	failed := func(object any, detail map[string]any, err error) (*govdata.Session, error) {
		werr := s.db.write(ctx, func(tx *Tx) error {
			return tx.auditAs(actor, govdata.AuditFailed, "auth.login", "user", object, detail)
		})
		if werr != nil {
			return nil, werr // an attempt that cannot be recorded is not answered as if it were
		}
		return nil, err
	}
	wrong := govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgLoginFailed)
	var r loginRow
	var disabledAt, dept sql.NullInt64
	err := sql.ErrNoRows
	if govdata.ValidUsername(username) {
		err = s.db.queryRow(ctx, `SELECT id, department_id, password_hash, must_change_password, password_changed_at,
			disabled_at, failed_logins, locked_until FROM users WHERE username = ?`, username).
			Scan(&r.id, &dept, &r.hash, &r.mustChange, &r.changed, &disabledAt, &r.failed, &r.lockedUntil)
	}
	if errors.Is(err, sql.ErrNoRows) {
		password.Verify(dummyHash(s.db.opts.Password), pw)
		return failed(username, map[string]any{"reason": "unknown user"}, wrong)
	}
	if err != nil {
		return nil, s.db.internal("login", err)
	}
	r.dept, r.disabled = dept.Int64, disabledAt.Valid
	if r.lockedUntil.Valid && fromDB(r.lockedUntil.Int64).After(s.db.clock.Now()) {
		return failed(r.id, map[string]any{"reason": "locked"}, lockedError(fromDB(r.lockedUntil.Int64)))
	}
	ok, err := password.Verify(r.hash, pw)
	if err != nil {
		return nil, s.db.internal("verify password", err)
	}
	if !ok {
		var lockedUntil time.Time
		werr := s.db.write(ctx, func(tx *Tx) error {
			var err error
			if lockedUntil, err = s.countFailure(tx, r.id); err != nil {
				return err
			}
			detail := map[string]any{"reason": "wrong password"}
			if !lockedUntil.IsZero() {
				detail["locked_until"] = lockedUntil
			}
			return tx.auditAs(actor, govdata.AuditFailed, "auth.login", "user", r.id, detail)
		})
		if werr != nil {
			return nil, werr
		}
		if !lockedUntil.IsZero() {
			return nil, lockedError(lockedUntil)
		}
		return nil, wrong
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
		return nil, lockedError(lockedUntil)
	}
	u, err := NewUserService(s.db).find(ctx, "id = ?", r.id)
	if err != nil {
		return nil, err
	}
	sess.User = u
	return sess, nil
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
	return until, nil
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
			return lockedError(lockedUntil)
		}
		fe.Add("old_password", govdata.MsgOldPassword)
		return fe.Err()
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
