package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/govdata/govdata"
)

// UserService implements govdata.UserService.
type UserService struct{ db *DB }

// NewUserService returns the user service of db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

var _ govdata.UserService = (*UserService)(nil)

const userColumns = "id, username, name, department_id, email, must_change_password, password_changed_at, disabled_at, locked_until, created_at, updated_at"

func scanUser(row interface{ Scan(...any) error }) (*govdata.User, error) {
	var u govdata.User
	var dept, disabled, locked sql.NullInt64
	var changed, created, updated int64
	if err := row.Scan(&u.ID, &u.Username, &u.Name, &dept, &u.Email, &u.MustChangePassword, &changed, &disabled, &locked, &created, &updated); err != nil {
		return nil, err
	}
	u.DepartmentID, u.Disabled = dept.Int64, disabled.Valid
	u.PasswordChangedAt, u.CreatedAt, u.UpdatedAt = fromDB(changed), fromDB(created), fromDB(updated)
	u.LockedUntil = fromDBNull(locked)
	return &u, nil
}

// CreateUser implements govdata.UserService: an issued password must be
// changed at first login (ORG-3).
func (s *UserService) CreateUser(ctx context.Context, in govdata.UserInput) (*govdata.User, error) {
	return s.create(ctx, in, true)
}

// CreateUserWithPassword implements govdata.UserService; only the platform
// itself (first start, CLI) may choose mustChange false.
func (s *UserService) CreateUserWithPassword(ctx context.Context, in govdata.UserInput, mustChange bool) (*govdata.User, error) {
	if !mustChange && !govdata.ActorFrom(ctx).IsSystem() {
		return nil, govdata.Errorf(govdata.EFORBIDDEN, govdata.MsgForbidden)
	}
	return s.create(ctx, in, mustChange)
}

func (s *UserService) create(ctx context.Context, in govdata.UserInput, mustChange bool) (*govdata.User, error) {
	actor := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(actor, govdata.PermUserWrite); err != nil {
		return nil, err
	}
	in.Username = govdata.NormalizeUsername(in.Username)
	issued := ""
	if in.Password == "" {
		issued = s.db.opts.Auth.Password.Issue(in.Username)
		in.Password = issued
	}
	if err := govdata.ValidateUserInput(actor, in, s.db.opts.Auth.Password); err != nil {
		return nil, err
	}
	hash, err := s.db.opts.Password.Hash(in.Password)
	if err != nil {
		return nil, err
	}
	var out *govdata.User
	err = s.db.write(ctx, func(tx *Tx) error {
		if err := checkUserDepartment(tx, in.DepartmentID); err != nil {
			return err
		}
		now := tx.Now()
		id, err := tx.insert(`INSERT INTO users (username, name, department_id, email, password_hash, must_change_password,
			password_changed_at, failed_logins, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
			in.Username, in.Name, nullID(in.DepartmentID), in.Email, hash, mustChange, toDB(now), toDB(now), toDB(now))
		if isUniqueViolation(err) {
			var fe govdata.FieldErrors
			fe.Add("username", govdata.MsgUsernameTaken, in.Username)
			e := fe.Err().(*govdata.Error)
			e.Code, e.Message = govdata.ECONFLICT, govdata.Message{Msg: govdata.MsgUsernameTaken, Args: []any{in.Username}}
			return e
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		// 等保 三员分立: business roles the sysadmin gives wait for a secadmin.
		granted, pending := govdata.SplitRoleGrant(actor, in.Roles)
		if err := grantRoles(tx, id, granted); err != nil {
			return err
		}
		out = &govdata.User{ID: id, Username: in.Username, Name: in.Name, DepartmentID: in.DepartmentID, Email: in.Email,
			MustChangePassword: mustChange, PasswordChangedAt: now, CreatedAt: now, UpdatedAt: now}
		if err := requestRoles(tx, out, in.DepartmentID, pending); err != nil {
			return err
		}
		if err := loadRoles(tx.query, out); err != nil {
			return err
		}
		detail := map[string]any{"username": in.Username, "name": in.Name, "department_id": in.DepartmentID, "email": in.Email,
			"roles": nonNil(granted)}
		if len(pending) > 0 {
			detail["roles_requested"] = pending
		}
		return tx.audit("user.create", "user", id, detail)
	})
	if err == nil {
		out.IssuedPassword = issued
	}
	return out, err
}

func checkUserDepartment(tx *Tx, id int64) error {
	if id == 0 {
		return nil
	}
	var one int
	err := tx.queryRow("SELECT 1 FROM departments WHERE id = ?", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		var fe govdata.FieldErrors
		fe.Add("department_id", govdata.MsgDepartmentNotFound, id)
		return fe.Err()
	}
	return err
}

func grantRoles(tx *Tx, userID int64, roles []govdata.Role) error {
	for _, r := range roles {
		if _, err := tx.exec("INSERT INTO user_roles (user_id, role, granted_at, granted_by) VALUES (?, ?, ?, ?)",
			userID, string(r), toDB(tx.Now()), actorName(tx.actor)); err != nil {
			return fmt.Errorf("grant role: %w", err)
		}
	}
	return nil
}

// nonNil keeps an empty role list a list in audit details.
func nonNil(roles []govdata.Role) []govdata.Role {
	if roles == nil {
		return []govdata.Role{}
	}
	return roles
}

func actorName(a govdata.Actor) string {
	if a.Username == "" {
		return "system"
	}
	return a.Username
}

// rolesOf loads the current roles of users.
func rolesOf(query func(string, ...any) (*sql.Rows, error), ids ...int64) (map[int64][]govdata.Role, error) {
	out := map[int64][]govdata.Role{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := query("SELECT user_id, role FROM user_roles WHERE revoked_at IS NULL AND user_id IN (?"+
		strings.Repeat(", ?", len(ids)-1)+") ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r string
		if err := rows.Scan(&id, &r); err != nil {
			return nil, err
		}
		out[id] = append(out[id], govdata.Role(r))
	}
	return out, rows.Err()
}

// SetOwnEmail implements govdata.UserService.
func (s *UserService) SetOwnEmail(ctx context.Context, email string) (*govdata.User, error) {
	a := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(a, govdata.PermSignedIn); err != nil {
		return nil, err
	}
	var fe govdata.FieldErrors
	govdata.CheckEmail(&fe, "email", email)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	err := s.db.write(ctx, func(tx *Tx) error {
		if _, err := tx.exec("UPDATE users SET email = ?, updated_at = ? WHERE id = ?", email, toDB(tx.Now()), a.UserID); err != nil {
			return fmt.Errorf("set e-mail: %w", err)
		}
		return tx.audit("user.email", "user", a.UserID, map[string]any{"email": email})
	})
	if err != nil {
		return nil, err
	}
	return s.FindUserByID(ctx, a.UserID)
}

// UpdateUser implements govdata.UserService. Disabling a user, removing a
// role or moving it to another department ends its sessions at once (ORG-6).
func (s *UserService) UpdateUser(ctx context.Context, id int64, p govdata.UserPatch) (*govdata.User, error) {
	actor := govdata.ActorFrom(ctx)
	if err := govdata.Authorize(actor, govdata.PermUserWrite); err != nil {
		return nil, err
	}
	issued := ""
	if p.IssuePassword {
		if p.Password != nil {
			var fe govdata.FieldErrors
			fe.Add("issue_password", govdata.MsgPasswordGivenAndIssued)
			return nil, fe.Err()
		}
		// The issued password must not hold the username (the policy):
		// read it first; an ID that names no one is answered by the write.
		var username string
		if err := s.db.queryRow(ctx, "SELECT username FROM users WHERE id = ?", id).Scan(&username); err == nil {
			issued = s.db.opts.Auth.Password.Issue(username)
			p.Password = &issued
		}
	}
	var hash string
	if p.Password != nil {
		// Hash outside the write: argon2id is slow on purpose, and the
		// committer serves everyone. The policy is checked in the write.
		var err error
		if hash, err = s.db.opts.Password.Hash(*p.Password); err != nil {
			return nil, err
		}
	}
	var out *govdata.User
	err := s.db.write(ctx, func(tx *Tx) error {
		u, err := tx.userWithRoles(id)
		if err != nil {
			return err
		}
		c, err := govdata.CheckUserUpdate(actor, *u, p, s.db.opts.Auth.Password)
		if err != nil {
			return err
		}
		if c.DepartmentID != u.DepartmentID {
			if err := checkUserDepartment(tx, c.DepartmentID); err != nil {
				return err
			}
		}
		if err := keepLastAdmins(tx, u, c); err != nil {
			return err
		}
		now := tx.Now()
		change := map[string]any{}
		endSessions := false
		for _, r := range c.Removed {
			if _, err := tx.exec("UPDATE user_roles SET revoked_at = ?, revoked_by = ? WHERE user_id = ? AND role = ? AND revoked_at IS NULL",
				toDB(now), actorName(tx.actor), id, string(r)); err != nil {
				return fmt.Errorf("revoke role: %w", err)
			}
		}
		if err := grantRoles(tx, id, c.Added); err != nil {
			return err
		}
		if err := dropRequests(tx, id, c.Withdrawn); err != nil {
			return err
		}
		if err := requestRoles(tx, u, c.DepartmentID, c.Requested); err != nil {
			return err
		}
		if c.RolesChanged() {
			change["roles_added"], change["roles_removed"] = nonNil(c.Added), nonNil(c.Removed)
			endSessions = len(c.Removed) > 0
		}
		if len(c.Requested) > 0 {
			change["roles_requested"] = c.Requested
		}
		if len(c.Withdrawn) > 0 {
			change["roles_withdrawn"] = c.Withdrawn
		}
		if len(c.Suspended) > 0 {
			// A move, re-enabling or issued password changes what a business
			// role reaches, or who holds it: it waits for the secadmin again
			// (等保 三员分立).
			change["roles_suspended"] = c.Suspended
		}
		name := u.Name
		if p.Name != nil && *p.Name != u.Name {
			name, change["name"] = *p.Name, *p.Name
		}
		if c.DepartmentID != u.DepartmentID {
			change["department_id"] = map[string]int64{"from": u.DepartmentID, "to": c.DepartmentID}
			endSessions = true
		}
		email := u.Email
		if p.Email != nil && *p.Email != u.Email {
			email, change["email"] = *p.Email, *p.Email
			// Told before the address changes, so that the copy goes to the
			// one being replaced.
			if u.Email != "" && actor.UserID != u.ID {
				if err := notifySecurityEvent(tx, u, govdata.MsgEmailChangedNotice); err != nil {
					return err
				}
				change["notified"] = "holder,secadmin"
			}
		}
		set := "name = ?, department_id = ?, email = ?, updated_at = ?"
		args := []any{name, nullID(c.DepartmentID), email, toDB(now)}
		if c.Disable {
			set += ", disabled_at = ?"
			args = append(args, toDB(now))
			change["disabled"], endSessions = true, true
		}
		if c.Enable {
			set += ", disabled_at = NULL, failed_logins = 0, locked_until = NULL"
			change["disabled"] = false
		}
		if p.Password != nil {
			// An administrator's password is issued, so it must be changed (ORG-3).
			set += ", password_hash = ?, must_change_password = ?, password_changed_at = ?, failed_logins = 0, locked_until = NULL"
			args = append(args, hash, true, toDB(now))
			change["password"], endSessions = "reset", true
		}
		if _, err := tx.exec("UPDATE users SET "+set+" WHERE id = ?", append(args, id)...); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if p.Password != nil {
			// A reset is a security event: the holder and every secadmin hear
			// of it in the same transaction.
			if err := notifyPasswordReset(tx, u); err != nil {
				return err
			}
			change["notified"] = "holder,secadmin"
		}
		if endSessions {
			if err := revokeSessions(tx, id, 0); err != nil {
				return err
			}
			change["sessions_ended"] = true
		}
		if out, err = tx.userWithRoles(id); err != nil {
			return err
		}
		return tx.audit("user.update", "user", id, change)
	})
	if err == nil {
		out.IssuedPassword = issued
	}
	return out, err
}

// keepLastAdmins refuses a change that leaves one of the administrator
// roles (sysadmin, secadmin, auditor) without an active holder, which no
// one could then restore through govdata.
func keepLastAdmins(tx *Tx, u *govdata.User, c govdata.UserChange) error {
	if u.Disabled {
		return nil
	}
	for _, r := range u.Roles {
		if !r.IsAdministrative() || (!c.Disable && slices.Contains(c.Roles, r)) {
			continue
		}
		var others int
		if err := tx.queryRow(`SELECT COUNT(*) FROM user_roles r JOIN users u ON u.id = r.user_id
			WHERE r.role = ? AND r.revoked_at IS NULL AND u.disabled_at IS NULL AND u.id <> ?`, string(r), u.ID).Scan(&others); err != nil {
			return fmt.Errorf("count %s holders: %w", r, err)
		}
		if others == 0 {
			return govdata.Errorf(govdata.ECONFLICT, govdata.MsgLastAdmin, r.Name())
		}
	}
	return nil
}

// revokeSessions ends every session of a user except keep (0: all).
func revokeSessions(tx *Tx, userID, keep int64) error {
	_, err := tx.exec("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id <> ?", toDB(tx.Now()), userID, keep)
	if err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	return nil
}

// userWithRoles reads, in tx, the account id with its roles and the
// business roles waiting for a secadmin.
func (tx *Tx) userWithRoles(id int64) (*govdata.User, error) {
	u, err := findUser(tx.queryRow, "id = ?", id)
	if err != nil {
		return nil, err
	}
	return u, loadRoles(tx.query, u)
}

func findUser(queryRow func(string, ...any) *sql.Row, cond string, arg any) (*govdata.User, error) {
	u, err := scanUser(queryRow("SELECT "+userColumns+" FROM users WHERE "+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, govdata.Errorf(govdata.ENOTFOUND, govdata.MsgUserNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	return u, nil
}

func (s *UserService) find(ctx context.Context, cond string, arg any) (*govdata.User, error) {
	u, err := findUser(func(q string, args ...any) *sql.Row { return s.db.queryRow(ctx, q, args...) }, cond, arg)
	if err != nil {
		if govdata.ErrorCodeOf(err) == govdata.EINTERNAL {
			return nil, s.db.internal("find user", err)
		}
		return nil, err
	}
	if err := loadRoles(func(q string, args ...any) (*sql.Rows, error) { return s.db.query(ctx, q, args...) }, u); err != nil {
		return nil, s.db.internal("load roles", err)
	}
	return u, nil
}

// FindUserByID implements govdata.UserService; users may read themselves.
func (s *UserService) FindUserByID(ctx context.Context, id int64) (*govdata.User, error) {
	if err := govdata.AuthorizeUserRead(govdata.ActorFrom(ctx), id); err != nil {
		return nil, err
	}
	return s.find(ctx, "id = ?", id)
}

// FindUserByUsername implements govdata.UserService.
func (s *UserService) FindUserByUsername(ctx context.Context, username string) (*govdata.User, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermUserRead); err != nil {
		return nil, err
	}
	return s.find(ctx, "username = ?", govdata.NormalizeUsername(username))
}

// CountUsers implements govdata.UserService.
func (s *UserService) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.queryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		return 0, s.db.internal("count users", err)
	}
	return n, nil
}

// FindUsers implements govdata.UserService.
func (s *UserService) FindUsers(ctx context.Context, f govdata.UserFilter) (govdata.List[*govdata.User], error) {
	var none govdata.List[*govdata.User]
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermUserRead); err != nil {
		return none, err
	}
	f.Page = f.Page.Normalize()
	after, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return none, err
	}
	var w where
	w.add("id > ?", after)
	if f.DepartmentID != 0 {
		w.add("department_id = ?", f.DepartmentID)
	}
	if f.Role != "" {
		w.add("id IN (SELECT user_id FROM user_roles WHERE role = ? AND revoked_at IS NULL)", string(f.Role))
	}
	if f.Pending {
		w.add("id IN (SELECT user_id FROM user_role_requests)")
	}
	if f.Query != "" {
		pat := "%" + escapeLike(f.Query) + "%"
		w.add("(username "+s.db.dialect.like+` ? ESCAPE '\' OR name `+s.db.dialect.like+` ? ESCAPE '\')`, pat, pat)
	}
	rows, err := s.db.query(ctx, "SELECT "+userColumns+" FROM users"+w.String()+" ORDER BY id LIMIT ?", append(w.args, f.Limit+1)...)
	if err != nil {
		return none, s.db.internal("find users", err)
	}
	defer rows.Close()
	var items []*govdata.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return none, s.db.internal("scan user", err)
		}
		items = append(items, u)
	}
	if err := rows.Err(); err != nil {
		return none, s.db.internal("find users", err)
	}
	rows.Close()
	if err := loadRoles(func(q string, args ...any) (*sql.Rows, error) { return s.db.query(ctx, q, args...) }, items...); err != nil {
		return none, s.db.internal("load roles", err)
	}
	return page(items, f.Limit, func(u *govdata.User) string { return strconv.FormatInt(u.ID, 10) }), nil
}

// FindRoleHistory implements govdata.UserService.
func (s *UserService) FindRoleHistory(ctx context.Context, id int64) ([]govdata.RoleHolding, error) {
	if err := govdata.Authorize(govdata.ActorFrom(ctx), govdata.PermRoleHistory); err != nil {
		return nil, err
	}
	if _, err := s.find(ctx, "id = ?", id); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, "SELECT role, granted_at, granted_by, revoked_at, revoked_by FROM user_roles WHERE user_id = ? ORDER BY id", id)
	if err != nil {
		return nil, s.db.internal("role history", err)
	}
	defer rows.Close()
	out := []govdata.RoleHolding{}
	for rows.Next() {
		var h govdata.RoleHolding
		var granted int64
		var revoked sql.NullInt64
		var revokedBy sql.NullString
		if err := rows.Scan(&h.Role, &granted, &h.GrantedBy, &revoked, &revokedBy); err != nil {
			return nil, s.db.internal("role history", err)
		}
		h.GrantedAt, h.RevokedAt, h.RevokedBy = fromDB(granted), fromDBNull(revoked), revokedBy.String
		out = append(out, h)
	}
	return out, rows.Err()
}
