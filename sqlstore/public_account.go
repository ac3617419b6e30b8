package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govdata/govdata"
	"github.com/govdata/govdata/password"
)

// PublicAccountService implements govdata.PublicAccountService and
// govdata.PublicAuthService over the tables of 0027 (OPN-2) and the mail
// outbox of 0028.
type PublicAccountService struct {
	db *DB
	// auth counts failed logins under the staff's policy and rows (ORG-3).
	auth loginCounter
	// PublicURL is the portal's address, from which the confirmation link
	// is made (PUBLIC_URL/portal/confirm?token=…).
	PublicURL string
	// keyUsed remembers when a key's last_used_at was last written, so
	// that a key in heavy use costs one write a minute, not one a call.
	keyUsed sync.Map // key id → time.Time
}

// loginCounter is what a public login needs of the staff's: the address
// throttle and the rows of names that are no account (ORG-3).
type loginCounter interface {
	countAddressFailure(tx *Tx, addr string) (time.Time, error)
	countUsernameFailure(tx *Tx, nameKey string) (time.Time, error)
}

// NewPublicAccountService returns the public accounts of db; publicURL is
// the deployment's address as the public reaches it.
func NewPublicAccountService(db *DB, publicURL string) *PublicAccountService {
	return &PublicAccountService{db: db, auth: NewAuthService(db), PublicURL: strings.TrimRight(publicURL, "/")}
}

var (
	_ govdata.PublicAccountService = (*PublicAccountService)(nil)
	_ govdata.PublicAuthService    = (*PublicAccountService)(nil)
)

// keyUseEvery is how often a key's last_used_at is written at most.
const keyUseEvery = time.Minute

const publicAccountColumns = `id, kind, name, credit_code, email, confirmed_at, confirmed_by, state, state_reason,
	state_changed_at, terms_version, created_at`

func scanPublicAccount(row interface{ Scan(...any) error }) (*govdata.PublicAccount, error) {
	var a govdata.PublicAccount
	var confirmed, changed sql.NullInt64
	var created int64
	if err := row.Scan(&a.ID, &a.Kind, &a.Name, &a.CreditCode, &a.Email, &confirmed, &a.ConfirmedBy, &a.State, &a.StateReason,
		&changed, &a.TermsVersion, &created); err != nil {
		return nil, err
	}
	a.ConfirmedAt, a.Confirmed = fromDBNull(confirmed), confirmed.Valid
	a.StateChangedAt, a.CreatedAt = fromDBNull(changed), fromDB(created)
	return &a, nil
}

// emailActor names, in audit records, someone who gave an address that
// may name no account: a hash of it, never the address in clear.
func emailActor(email string) string {
	h := sha256.Sum256([]byte("govdata-public-email\x00" + email))
	return "public-email:" + hex.EncodeToString(h[:8])
}

// publicActor is the actor a write records for account id.
func publicActor(ctx context.Context, id int64) govdata.Actor {
	a := govdata.ActorFrom(ctx)
	a.PublicAccountID, a.Username = id, govdata.PublicActorName(id)
	return a
}

// confirmLink makes a confirmation token, stores its hash for
// PublicConfirmTTL and queues the mail with the link, all in tx.
func (s *PublicAccountService) confirmLink(tx *Tx, id int64, email, name string) error {
	token := rand.Text() + rand.Text()
	if _, err := tx.exec("INSERT INTO public_confirmations (token_hash, account_id, expires_at) VALUES (?, ?, ?)",
		tokenHash(token), id, toDB(tx.Now().Add(govdata.PublicConfirmTTL))); err != nil {
		return fmt.Errorf("insert confirmation: %w", err)
	}
	link := s.PublicURL + "/portal/confirm?token=" + token
	body := fmt.Sprintf("%s：\n\n请在 24 小时内打开以下链接，确认您在政务数据开放平台注册的邮箱：\n%s\n\n"+
		"Dear %s,\n\nOpen this link within 24 hours to confirm the address you registered on the open data portal:\n%s\n\n"+
		"如非本人操作，请忽略本邮件。/ If you did not register, ignore this mail.\n", name, link, name, link)
	return queueMail(tx, id, "confirm", email, "确认您的邮箱 / Confirm your e-mail address", body)
}

// queueMail writes a mail to the outbox, to be sent after the commit.
func queueMail(tx *Tx, account int64, kind, to, subject, body string) error {
	now := toDB(tx.Now())
	if _, err := tx.exec(`INSERT INTO public_mail (account_id, kind, to_addr, subject, body, created_at, next_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, account, kind, to, subject, body, now, now); err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	return nil
}

// Register implements govdata.PublicAccountService. A taken address is
// answered as a new one (no enumeration): its holder is mailed instead.
func (s *PublicAccountService) Register(ctx context.Context, in govdata.PublicRegistration) error {
	ctx = context.WithoutCancel(ctx)
	in.Email, in.Name, in.CreditCode = govdata.NormalizeEmail(in.Email), strings.TrimSpace(in.Name), strings.TrimSpace(in.CreditCode)
	if err := govdata.ValidatePublicRegistration(in, s.db.opts.Auth.Password); err != nil {
		return err
	}
	// Hashed whether or not the address is taken, so that both take as long.
	hash, err := s.db.opts.Password.Hash(in.Password)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		var id int64
		var name string
		err := tx.queryRow("SELECT id, name FROM public_accounts WHERE email = ?", in.Email).Scan(&id, &name)
		if err == nil {
			body := fmt.Sprintf("%s：\n\n有人试图用本邮箱在政务数据开放平台再次注册。本邮箱已有账号，未创建新账号。"+
				"如忘记密码或需确认邮箱，请在平台登录页操作。\n\n"+
				"Dear %s,\n\nSomeone tried to register on the open data portal with this address again. It already has an account; "+
				"no second one was made. Sign in, or ask for a new confirmation link, on the portal.\n", name, name)
			if err := queueMail(tx, id, "taken", in.Email, "注册提醒 / Registration attempt", body); err != nil {
				return err
			}
			return tx.auditAs(publicActor(ctx, id), govdata.AuditFailed, "public.register", "public_account", id,
				map[string]any{"reason": "address already registered"})
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find account: %w", err)
		}
		now := toDB(tx.Now())
		id, err = tx.insert(`INSERT INTO public_accounts (kind, name, credit_code, email, password_hash, password_changed_at,
			terms_version, terms_accepted_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Kind, in.Name, in.CreditCode, in.Email, hash, now, in.TermsVersion, now, now, now)
		if err != nil {
			return fmt.Errorf("insert account: %w", err)
		}
		if err := s.confirmLink(tx, id, in.Email, in.Name); err != nil {
			return err
		}
		return tx.auditAs(publicActor(ctx, id), govdata.AuditOK, "public.register", "public_account", id,
			map[string]any{"kind": in.Kind, "terms_version": in.TermsVersion})
	})
}

// Confirm implements govdata.PublicAccountService.
func (s *PublicAccountService) Confirm(ctx context.Context, token string) (*govdata.PublicAccount, error) {
	ctx = context.WithoutCancel(ctx)
	var id int64
	bad := false
	err := s.db.write(ctx, func(tx *Tx) error {
		var expires int64
		var used sql.NullInt64
		err := tx.queryRow("SELECT account_id, expires_at, used_at FROM public_confirmations WHERE token_hash = ?", tokenHash(token)).
			Scan(&id, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (used.Valid || fromDB(expires).Before(tx.Now()))) {
			bad = true
			detail := map[string]any{"reason": "unknown token"}
			if err == nil {
				detail["reason"] = "used or expired token"
			}
			return tx.auditAs(govdata.ActorFrom(ctx), govdata.AuditFailed, "public.confirm", "public_account", id, detail)
		}
		if err != nil {
			return fmt.Errorf("find confirmation: %w", err)
		}
		now := toDB(tx.Now())
		if _, err := tx.exec("UPDATE public_confirmations SET used_at = ? WHERE account_id = ? AND used_at IS NULL", now, id); err != nil {
			return fmt.Errorf("use confirmation: %w", err)
		}
		if _, err := tx.exec("UPDATE public_accounts SET confirmed_at = ?, confirmed_by = '', updated_at = ? WHERE id = ? AND confirmed_at IS NULL",
			now, now, id); err != nil {
			return fmt.Errorf("confirm: %w", err)
		}
		return tx.auditAs(publicActor(ctx, id), govdata.AuditOK, "public.confirm", "public_account", id, nil)
	})
	if err != nil {
		return nil, err
	}
	if bad {
		return nil, govdata.Audited(govdata.Errorf(govdata.EINVALID, govdata.MsgPublicConfirmBad))
	}
	return s.find(ctx, id)
}

// ResendConfirmation implements govdata.PublicAccountService.
func (s *PublicAccountService) ResendConfirmation(ctx context.Context, email string) error {
	ctx = context.WithoutCancel(ctx)
	email = govdata.NormalizeEmail(email)
	var fe govdata.FieldErrors
	if email == "" {
		fe.Add("email", govdata.MsgRequired)
	}
	govdata.CheckEmail(&fe, "email", email)
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		var id int64
		var name string
		var confirmed sql.NullInt64
		var state string
		err := tx.queryRow("SELECT id, name, confirmed_at, state FROM public_accounts WHERE email = ?", email).Scan(&id, &name, &confirmed, &state)
		if errors.Is(err, sql.ErrNoRows) {
			a := govdata.ActorFrom(ctx)
			a.Username = emailActor(email)
			return tx.auditAs(a, govdata.AuditFailed, "public.resend", "public_account", nil, map[string]any{"reason": "unknown address"})
		}
		if err != nil {
			return fmt.Errorf("find account: %w", err)
		}
		if confirmed.Valid || state != govdata.PublicActive {
			return tx.auditAs(publicActor(ctx, id), govdata.AuditFailed, "public.resend", "public_account", id,
				map[string]any{"reason": "confirmed or suspended"})
		}
		if err := s.confirmLink(tx, id, email, name); err != nil {
			return err
		}
		return tx.auditAs(publicActor(ctx, id), govdata.AuditOK, "public.resend", "public_account", id, nil)
	})
}

// Login implements govdata.PublicAccountService with the staff's lockout
// policy and address throttle (ORG-3), counted in the same rows: the
// address's row is the staff's (one client, one allowance), an unknown
// address's own row is keyed "public:"+email apart from usernames. Every
// answer is the same whether the address names an account.
func (s *PublicAccountService) Login(ctx context.Context, email, pw string) (*govdata.PublicSession, error) {
	ctx = context.WithoutCancel(ctx)
	email = govdata.NormalizeEmail(email)
	actor := govdata.ActorFrom(ctx)
	actor.Username = emailActor(email)
	auth := s.auth
	failed := func(a govdata.Actor, object any, detail map[string]any, err error) (*govdata.PublicSession, error) {
		werr := s.db.write(ctx, func(tx *Tx) error {
			return tx.auditAs(a, govdata.AuditFailed, "public.login", "public_account", object, detail)
		})
		if werr != nil {
			return nil, werr
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
		return failed(actor, nil, map[string]any{"reason": "address waits", "until": wait.blockedUntil}, throttledError(wait.blockedUntil))
	}
	var id int64
	var hash, state, reason string
	var lockedUntil sql.NullInt64
	err = s.db.queryRow(ctx, "SELECT id, password_hash, state, state_reason, locked_until FROM public_accounts WHERE email = ?", email).
		Scan(&id, &hash, &state, &reason, &lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		name := throttleKey(scopeUsername, "public:"+email)
		lock, err := readThrottle(s.db.queryRow(ctx, throttleQuery, scopeUsername, name))
		if err != nil {
			return nil, s.db.internal("read username throttle", err)
		}
		if lock.blockedUntil.After(now) {
			return failed(actor, nil, map[string]any{"reason": "locked"}, lockedError(lock.blockedUntil))
		}
		password.Verify(dummyHash(s.db.opts.Password), pw)
		return s.wrongPassword(ctx, auth, actor, nil, addr, 0, name, "unknown address")
	}
	if err != nil {
		return nil, s.db.internal("login", err)
	}
	actor = publicActor(ctx, id)
	if lockedUntil.Valid && fromDB(lockedUntil.Int64).After(now) {
		return failed(actor, id, map[string]any{"reason": "locked"}, lockedError(fromDB(lockedUntil.Int64)))
	}
	ok, err := password.Verify(hash, pw)
	if err != nil {
		return nil, s.db.internal("verify password", err)
	}
	if !ok {
		return s.wrongPassword(ctx, auth, actor, id, addr, id, "", "wrong password")
	}
	if state != govdata.PublicActive {
		// HLJ-43: told why, only once the password has proved who asks.
		return failed(actor, id, map[string]any{"reason": "suspended"}, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgPublicSuspended, reason))
	}
	token := govdata.PublicSessionPrefix + rand.Text() + rand.Text()
	sess := &govdata.PublicSession{Token: token, CSRFToken: govdata.CSRFToken(token)}
	var locked time.Time
	err = s.db.write(ctx, func(tx *Tx) error {
		var l sql.NullInt64
		if err := tx.queryRow("SELECT locked_until FROM public_accounts WHERE id = ?", id).Scan(&l); err != nil {
			return fmt.Errorf("read lock: %w", err)
		}
		if l.Valid && fromDB(l.Int64).After(tx.Now()) {
			locked = fromDB(l.Int64)
			return tx.auditAs(actor, govdata.AuditFailed, "public.login", "public_account", id, map[string]any{"reason": "locked"})
		}
		sess.ExpiresAt = tx.Now().Add(s.db.opts.Auth.SessionTTL).Truncate(time.Second)
		sid, err := tx.insert(`INSERT INTO public_sessions (account_id, token_hash, client_addr, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			id, tokenHash(token), actor.ClientAddr, toDB(tx.Now()), toDB(sess.ExpiresAt))
		if err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		if _, err := tx.exec("UPDATE public_accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?", id); err != nil {
			return fmt.Errorf("reset failures: %w", err)
		}
		a := actor
		a.SessionID = sid
		return tx.auditAs(a, govdata.AuditOK, "public.login", "public_session", sid, nil)
	})
	if err != nil {
		return nil, err
	}
	if !locked.IsZero() {
		return nil, govdata.Audited(lockedError(locked))
	}
	if sess.Account, err = s.find(ctx, id); err != nil {
		return nil, err
	}
	return sess, nil
}

// wrongPassword counts a failed login as AuthService.wrongPassword does,
// against the address and the account (id) or the unknown address's own
// row (nameKey).
func (s *PublicAccountService) wrongPassword(ctx context.Context, auth loginCounter, actor govdata.Actor, object any, addr string, id int64, nameKey, reason string) (*govdata.PublicSession, error) {
	var lockedUntil, waitUntil time.Time
	err := s.db.write(ctx, func(tx *Tx) error {
		var err error
		if waitUntil, err = auth.countAddressFailure(tx, addr); err != nil {
			return err
		}
		if id != 0 {
			lockedUntil, err = s.countFailure(tx, id)
		} else {
			lockedUntil, err = auth.countUsernameFailure(tx, nameKey)
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
		return tx.auditAs(actor, govdata.AuditFailed, "public.login", "public_account", object, detail)
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

// countFailure is AuthService.countFailure for a public account: the same
// lockout policy (ORG-3); a lock already in force is never shortened.
func (s *PublicAccountService) countFailure(tx *Tx, id int64) (time.Time, error) {
	var failures int
	var locked sql.NullInt64
	if err := tx.queryRow("SELECT failed_logins, locked_until FROM public_accounts WHERE id = ?", id).Scan(&failures, &locked); err != nil {
		return time.Time{}, fmt.Errorf("read failures: %w", err)
	}
	n, until := s.db.opts.Auth.Lockout.AfterFailure(failures, tx.Now())
	if locked.Valid && fromDB(locked.Int64).After(tx.Now()) && fromDB(locked.Int64).After(until) {
		until = fromDB(locked.Int64)
	}
	if _, err := tx.exec("UPDATE public_accounts SET failed_logins = ?, locked_until = ? WHERE id = ?", n, toDBNull(&until), id); err != nil {
		return time.Time{}, fmt.Errorf("count failure: %w", err)
	}
	return until, nil
}

// Logout implements govdata.PublicAccountService.
func (s *PublicAccountService) Logout(ctx context.Context) error {
	a := govdata.ActorFrom(ctx)
	if a.PublicAccountID == 0 || a.SessionID == 0 {
		return govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec("UPDATE public_sessions SET revoked_at = ? WHERE id = ? AND account_id = ? AND revoked_at IS NULL",
			toDB(tx.Now()), a.SessionID, a.PublicAccountID); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		return tx.audit("public.logout", "public_session", a.SessionID, nil)
	})
}

// AuthenticatePublic implements govdata.PublicAuthService. The account is
// read on every request: a suspension stops its sessions at once (HLJ-43).
func (s *PublicAccountService) AuthenticatePublic(ctx context.Context, token string) (govdata.Actor, error) {
	var a govdata.Actor
	if !strings.HasPrefix(token, govdata.PublicSessionPrefix) {
		return a, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgSessionInvalid)
	}
	err := s.db.queryRow(ctx, `SELECT s.id, a.id FROM public_sessions s JOIN public_accounts a ON a.id = s.account_id
		WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND a.state = ?`,
		tokenHash(token), toDB(s.db.clock.Now()), govdata.PublicActive).Scan(&a.SessionID, &a.PublicAccountID)
	if errors.Is(err, sql.ErrNoRows) {
		return govdata.Actor{}, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgSessionInvalid)
	}
	if err != nil {
		return govdata.Actor{}, s.db.internal("authenticate public", err)
	}
	a.Username = govdata.PublicActorName(a.PublicAccountID)
	return a, nil
}

// AuthenticateAPIKey implements govdata.PublicAuthService.
func (s *PublicAccountService) AuthenticateAPIKey(ctx context.Context, key string) (govdata.Actor, error) {
	var a govdata.Actor
	var state, reason string
	var last sql.NullInt64
	err := s.db.queryRow(ctx, `SELECT k.id, k.last_used_at, a.id, a.state, a.state_reason FROM public_api_keys k
		JOIN public_accounts a ON a.id = k.account_id WHERE k.key_hash = ? AND k.revoked_at IS NULL`, govdata.HashAPIKey(key)).
		Scan(&a.APIKeyID, &last, &a.PublicAccountID, &state, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		return govdata.Actor{}, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgSessionInvalid)
	}
	if err != nil {
		return govdata.Actor{}, s.db.internal("authenticate key", err)
	}
	a.Username = govdata.PublicActorName(a.PublicAccountID)
	if state != govdata.PublicActive {
		return a, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgPublicSuspended, reason)
	}
	now := s.db.clock.Now()
	seen := !last.Valid || now.Sub(fromDB(last.Int64)) >= keyUseEvery
	if t, ok := s.keyUsed.Load(a.APIKeyID); ok && now.Sub(t.(time.Time)) < keyUseEvery {
		seen = false
	}
	if seen {
		s.keyUsed.Store(a.APIKeyID, now)
		// Best effort: a key's use is recorded with each call elsewhere
		// (open_usage); this is the list's hint of when it was last used.
		id := a.APIKeyID
		err := s.db.write(context.WithoutCancel(ctx), func(tx *Tx) error {
			return tx.execLater("UPDATE public_api_keys SET last_used_at = ? WHERE id = ?", toDB(now), id)
		})
		if err != nil {
			s.keyUsed.Delete(id)
		}
	}
	return a, nil
}

// caller is the public account of ctx, or EUNAUTHORIZED.
func caller(ctx context.Context) (int64, error) {
	if id := govdata.ActorFrom(ctx).PublicAccountID; id != 0 {
		return id, nil
	}
	return 0, govdata.Errorf(govdata.EUNAUTHORIZED, govdata.MsgUnauthorized)
}

func (s *PublicAccountService) find(ctx context.Context, id int64) (*govdata.PublicAccount, error) {
	a, err := scanPublicAccount(s.db.queryRow(ctx, "SELECT "+publicAccountColumns+" FROM public_accounts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgPublicNotFound)
	}
	if err != nil {
		return nil, s.db.internal("find public account", err)
	}
	return a, nil
}

// Me implements govdata.PublicAccountService.
func (s *PublicAccountService) Me(ctx context.Context) (*govdata.PublicAccount, error) {
	id, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	return s.find(ctx, id)
}

const apiKeyColumns = "id, name, prefix, created_at, revoked_at, last_used_at"

func scanAPIKey(row interface{ Scan(...any) error }) (govdata.APIKey, error) {
	var k govdata.APIKey
	var created int64
	var revoked, used sql.NullInt64
	if err := row.Scan(&k.ID, &k.Name, &k.Prefix, &created, &revoked, &used); err != nil {
		return k, err
	}
	k.CreatedAt, k.RevokedAt, k.LastUsedAt = fromDB(created), fromDBNull(revoked), fromDBNull(used)
	return k, nil
}

// FindAPIKeys implements govdata.PublicAccountService.
func (s *PublicAccountService) FindAPIKeys(ctx context.Context) ([]govdata.APIKey, error) {
	id, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, "SELECT "+apiKeyColumns+" FROM public_api_keys WHERE account_id = ? ORDER BY id DESC", id)
	if err != nil {
		return nil, s.db.internal("find keys", err)
	}
	keys, err := scanAll(rows, scanAPIKey)
	if err != nil {
		return nil, s.db.internal("find keys", err)
	}
	if keys == nil {
		keys = []govdata.APIKey{}
	}
	return keys, nil
}

// CreateAPIKey implements govdata.PublicAccountService.
func (s *PublicAccountService) CreateAPIKey(ctx context.Context, in govdata.APIKeyInput) (*govdata.IssuedAPIKey, error) {
	id, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if err := govdata.ValidateAPIKeyInput(in); err != nil {
		return nil, err
	}
	key := govdata.APIKeyPrefix + rand.Text() + rand.Text()
	out := &govdata.IssuedAPIKey{Key: key}
	err = s.db.write(ctx, func(tx *Tx) error {
		var confirmed sql.NullInt64
		if err := tx.queryRow("SELECT confirmed_at FROM public_accounts WHERE id = ?", id).Scan(&confirmed); err != nil {
			return fmt.Errorf("read account: %w", err)
		}
		if !confirmed.Valid {
			// OPN-2: keys are for confirmed addresses only.
			return govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgPublicUnconfirmed)
		}
		var n int
		if err := tx.queryRow("SELECT COUNT(*) FROM public_api_keys WHERE account_id = ? AND revoked_at IS NULL", id).Scan(&n); err != nil {
			return fmt.Errorf("count keys: %w", err)
		}
		if n >= govdata.MaxAPIKeys {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgPublicKeyLimit, govdata.MaxAPIKeys)
		}
		out.Name, out.Prefix, out.CreatedAt = in.Name, key[:len(govdata.APIKeyPrefix)+6], time.UnixMicro(toDB(tx.Now())).UTC()
		kid, err := tx.insert("INSERT INTO public_api_keys (account_id, name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?, ?)",
			id, in.Name, out.Prefix, govdata.HashAPIKey(key), toDB(tx.Now()))
		if err != nil {
			return fmt.Errorf("insert key: %w", err)
		}
		out.ID = kid
		return tx.audit("public.key_create", "public_api_key", kid, map[string]any{"name": in.Name, "prefix": out.Prefix})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RevokeAPIKey implements govdata.PublicAccountService.
func (s *PublicAccountService) RevokeAPIKey(ctx context.Context, kid int64) error {
	id, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		res, err := tx.exec("UPDATE public_api_keys SET revoked_at = ?, revoke_reason = 'owner' WHERE id = ? AND account_id = ? AND revoked_at IS NULL",
			toDB(tx.Now()), kid, id)
		if err != nil {
			return fmt.Errorf("revoke key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return govdata.Hidden(govdata.MsgPublicKeyNotFound)
		}
		return tx.audit("public.key_revoke", "public_api_key", kid, nil)
	})
}

// FindMessages implements govdata.PublicAccountService.
func (s *PublicAccountService) FindMessages(ctx context.Context, p govdata.Page) (govdata.PublicMessageList, error) {
	var out govdata.PublicMessageList
	id, err := caller(ctx)
	if err != nil {
		return out, err
	}
	p = p.Normalize()
	before, err := decodeIDCursor(p.Cursor)
	if err != nil {
		return out, err
	}
	if before == 0 {
		before = 1<<63 - 1
	}
	rows, err := s.db.query(ctx, `SELECT id, kind, subject_zh, subject_en, body_zh, body_en, link, created_at, read_at
		FROM public_messages WHERE account_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, id, before, p.Limit+1)
	if err != nil {
		return out, s.db.internal("find messages", err)
	}
	items, err := scanAll(rows, func(row interface{ Scan(...any) error }) (govdata.PublicMessage, error) {
		var m govdata.PublicMessage
		var created int64
		var read sql.NullInt64
		err := row.Scan(&m.ID, &m.Kind, &m.Subject.ZH, &m.Subject.EN, &m.Body.ZH, &m.Body.EN, &m.Link, &created, &read)
		m.CreatedAt, m.ReadAt = fromDB(created), fromDBNull(read)
		return m, err
	})
	if err != nil {
		return out, s.db.internal("find messages", err)
	}
	out.List = page(items, p.Limit, func(m govdata.PublicMessage) string { return strconv.FormatInt(m.ID, 10) })
	if err := s.db.queryRow(ctx, "SELECT COUNT(*) FROM public_messages WHERE account_id = ? AND read_at IS NULL", id).Scan(&out.Unread); err != nil {
		return out, s.db.internal("count messages", err)
	}
	return out, nil
}

// MarkMessageRead implements govdata.PublicAccountService.
func (s *PublicAccountService) MarkMessageRead(ctx context.Context, mid int64) error {
	id, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		q, args := "UPDATE public_messages SET read_at = ? WHERE account_id = ? AND read_at IS NULL", []any{toDB(tx.Now()), id}
		if mid != 0 {
			var owner int64
			err := tx.queryRow("SELECT account_id FROM public_messages WHERE id = ?", mid).Scan(&owner)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != id) {
				return govdata.Hidden(govdata.MsgPublicMsgNotFound)
			}
			if err != nil {
				return fmt.Errorf("find message: %w", err)
			}
			q, args = q+" AND id = ?", append(args, mid)
		}
		if _, err := tx.exec(q, args...); err != nil {
			return fmt.Errorf("mark read: %w", err)
		}
		return nil // reading one's own inbox is no event for the audit log
	})
}

// FindPublicAccounts implements govdata.PublicAccountService.
func (s *PublicAccountService) FindPublicAccounts(ctx context.Context, f govdata.PublicAccountFilter) (govdata.List[govdata.PublicAccount], error) {
	var none govdata.List[govdata.PublicAccount]
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermPublicRead); err != nil {
		return none, err
	}
	f.Page = f.Page.Normalize()
	before, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	if before != 0 {
		w.add("id < ?", before)
	}
	switch f.State {
	case "":
	case govdata.PublicActive, govdata.PublicSuspended:
		w.add("state = ?", f.State)
	default:
		var fe govdata.FieldErrors
		fe.Add("state", govdata.MsgPublicState, f.State)
		return none, fe.Err()
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		pat := "%" + escapeLike(q) + "%"
		w.add("(email "+s.db.dialect.like+` ? ESCAPE '\' OR name `+s.db.dialect.like+` ? ESCAPE '\')`, pat, pat)
	}
	rows, err := s.db.query(ctx, "SELECT "+publicAccountColumns+" FROM public_accounts"+w.String()+" ORDER BY id DESC LIMIT ?", append(w.args, f.Limit+1)...)
	if err != nil {
		return none, s.db.internal("find public accounts", err)
	}
	items, err := scanAll(rows, func(row interface{ Scan(...any) error }) (govdata.PublicAccount, error) {
		a, err := scanPublicAccount(row)
		if err != nil {
			return govdata.PublicAccount{}, err
		}
		return *a, nil
	})
	if err != nil {
		return none, s.db.internal("find public accounts", err)
	}
	return page(items, f.Limit, func(a govdata.PublicAccount) string { return strconv.FormatInt(a.ID, 10) }), nil
}

// ConfirmByOperator implements govdata.PublicAccountService.
func (s *PublicAccountService) ConfirmByOperator(ctx context.Context, id int64) (*govdata.PublicAccount, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermPublicConfirm); err != nil {
		return nil, err
	}
	err := s.db.write(ctx, func(tx *Tx) error {
		var confirmed sql.NullInt64
		err := tx.queryRow("SELECT confirmed_at FROM public_accounts WHERE id = ?", id).Scan(&confirmed)
		if errors.Is(err, sql.ErrNoRows) {
			return govdata.Errorf(govdata.ENOTFOUND, govdata.MsgPublicNotFound)
		}
		if err != nil {
			return fmt.Errorf("read account: %w", err)
		}
		if confirmed.Valid {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgPublicAlreadyConf)
		}
		now := toDB(tx.Now())
		if _, err := tx.exec("UPDATE public_accounts SET confirmed_at = ?, confirmed_by = ?, updated_at = ? WHERE id = ?",
			now, a.Username, now, id); err != nil {
			return fmt.Errorf("confirm: %w", err)
		}
		if _, err := tx.exec("UPDATE public_confirmations SET used_at = ? WHERE account_id = ? AND used_at IS NULL", now, id); err != nil {
			return fmt.Errorf("use confirmations: %w", err)
		}
		if err := postPublicMessage(tx, id, govdata.PublicMsgConfirmed,
			govdata.Text{ZH: "邮箱已确认", EN: "E-mail address confirmed"},
			govdata.Text{ZH: "平台运维人员已确认您的邮箱，您现在可以创建 API 密钥、申请有条件开放数据。",
				EN: "The platform's operator has confirmed your address: you may now create API keys and apply for conditionally open data."},
			"/portal/account"); err != nil {
			return err
		}
		return tx.audit("public.confirm_by_operator", "public_account", id, nil)
	})
	if err != nil {
		return nil, err
	}
	return s.find(ctx, id)
}

// Suspend implements govdata.PublicAccountService (HLJ-43).
func (s *PublicAccountService) Suspend(ctx context.Context, id int64, reason string) (*govdata.PublicAccount, error) {
	return s.setState(ctx, id, reason, govdata.PublicSuspended)
}

// Resume implements govdata.PublicAccountService (HLJ-43).
func (s *PublicAccountService) Resume(ctx context.Context, id int64, reason string) (*govdata.PublicAccount, error) {
	return s.setState(ctx, id, reason, govdata.PublicActive)
}

func (s *PublicAccountService) setState(ctx context.Context, id int64, reason, state string) (*govdata.PublicAccount, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermPublicManage); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 2000 {
		var fe govdata.FieldErrors
		fe.Add("reason", govdata.MsgPublicReason)
		return nil, fe.Err()
	}
	err := s.db.write(ctx, func(tx *Tx) error {
		var cur string
		err := tx.queryRow("SELECT state FROM public_accounts WHERE id = ?", id).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return govdata.Errorf(govdata.ENOTFOUND, govdata.MsgPublicNotFound)
		}
		if err != nil {
			return fmt.Errorf("read account: %w", err)
		}
		if cur == state {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgPublicState, cur)
		}
		now := toDB(tx.Now())
		if _, err := tx.exec(`UPDATE public_accounts SET state = ?, state_reason = ?, state_changed_at = ?, state_changed_by = ?, updated_at = ?
			WHERE id = ?`, state, reason, now, a.Username, now, id); err != nil {
			return fmt.Errorf("set state: %w", err)
		}
		kind, subject, body, action := govdata.PublicMsgResumed,
			govdata.Text{ZH: "账号已恢复使用", EN: "Your account is in use again"},
			govdata.Text{ZH: "您的账号已恢复使用。理由：" + reason, EN: "Your account may be used again. Reason: " + reason}, "public.resume"
		if state == govdata.PublicSuspended {
			// HLJ-43: its sessions end now; its keys stop while it is
			// suspended (AuthenticateAPIKey reads the state every call).
			if _, err := tx.exec("UPDATE public_sessions SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL", now, id); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
			kind, subject, body, action = govdata.PublicMsgSuspended,
				govdata.Text{ZH: "账号已被暂停使用", EN: "Your account is suspended"},
				govdata.Text{ZH: "因违反平台服务条款，您的账号及其 API 密钥已被暂停使用。理由：" + reason,
					EN: "Your account and its API keys are suspended for misuse of the portal. Reason: " + reason}, "public.suspend"
		}
		if err := postPublicMessage(tx, id, kind, subject, body, "/portal/account/messages"); err != nil {
			return err
		}
		return tx.audit(action, "public_account", id, map[string]any{"reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return s.find(ctx, id)
}
