package govdata

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
)

// User is a person with an account (ORG-2).
type User struct {
	ID           int64  `json:"id"`
	Username     string `json:"username"`
	Name         string `json:"name"`
	DepartmentID int64  `json:"department_id,omitempty"`
	Email        string `json:"email,omitempty"` // where notices are mailed (CAL-3)
	Roles        []Role `json:"roles"`
	// PendingRoles are business roles the sysadmin asked for, which count
	// nowhere until a secadmin confirms them (等保 三员分立).
	PendingRoles       []RoleRequest `json:"pending_roles"`
	Disabled           bool          `json:"disabled"`
	MustChangePassword bool          `json:"must_change_password"`
	PasswordChangedAt  time.Time     `json:"password_changed_at"`
	LockedUntil        *time.Time    `json:"locked_until,omitempty"`
	CreatedAt          time.Time     `json:"created_at"`
	UpdatedAt          time.Time     `json:"updated_at"`
	// IssuedPassword is the password the platform made for the account,
	// in the one answer that issued it (UserInput without a password,
	// UserPatch.IssuePassword); it is never stored or shown again.
	IssuedPassword string `json:"issued_password,omitempty"`
}

// UserInput creates a user. A password given by an administrator must be
// changed at first login (ORG-3) unless the platform sets it itself with
// MustChange false (the operator's own GOVDATA_ADMIN_PASSWORD). Without a
// password the platform issues one (User.IssuedPassword).
type UserInput struct {
	Username     string `json:"username"`
	Password     string `json:"password,omitempty"`
	Name         string `json:"name"`
	DepartmentID int64  `json:"department_id,omitempty"`
	Email        string `json:"email,omitempty"`
	Roles        []Role `json:"roles"`
}

// UserPatch changes the fields that are set. Setting Password, or
// IssuePassword to have the platform make one (User.IssuedPassword),
// issues a new password that must be changed at next login. Disabled true off-boards the
// user: its sessions end at once (ORG-6).
type UserPatch struct {
	Name          *string `json:"name,omitempty"`
	DepartmentID  *int64  `json:"department_id,omitempty"`
	Email         *string `json:"email,omitempty"` // "" removes it
	Roles         *[]Role `json:"roles,omitempty"`
	Disabled      *bool   `json:"disabled,omitempty"`
	Password      *string `json:"password,omitempty"`
	IssuePassword bool    `json:"issue_password,omitempty"`
}

// RoleRequest is a business role asked for an account and waiting for a
// secadmin: who asked, when, and for which department.
type RoleRequest struct {
	Role         Role      `json:"role"`
	DepartmentID int64     `json:"department_id,omitempty"`
	RequestedBy  string    `json:"requested_by"`
	RequestedAt  time.Time `json:"requested_at"`
}

// RoleDecision confirms or rejects requested roles of an account.
// DepartmentID is the department the secadmin confirms them for: it must
// be the account's, so that a move made after the secadmin looked is not
// confirmed unseen.
type RoleDecision struct {
	Roles        []Role `json:"roles"`
	DepartmentID int64  `json:"department_id,omitempty"`
}

// PendingRoleNames returns the roles of u's pending requests.
func (u User) PendingRoleNames() []Role {
	out := make([]Role, len(u.PendingRoles))
	for i, p := range u.PendingRoles {
		out[i] = p.Role
	}
	return out
}

// UserFilter narrows a user list.
type UserFilter struct {
	DepartmentID int64
	Role         Role
	Query        string // username or name contains
	// Pending lists only accounts with roles waiting for confirmation.
	Pending bool
	Page
}

// RoleHolding is one period in which a user held a role (SJZ-S-7: who held
// what until when).
type RoleHolding struct {
	Role      Role       `json:"role"`
	GrantedAt time.Time  `json:"granted_at"`
	GrantedBy string     `json:"granted_by"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	RevokedBy string     `json:"revoked_by,omitempty"`
}

// UserService manages accounts.
type UserService interface {
	// CreateUser returns EINVALID (username, password policy, roles),
	// ECONFLICT (username taken), EFORBIDDEN. The roles the actor may not
	// grant itself wait in PendingRoles (RoleEffectOf).
	CreateUser(ctx context.Context, in UserInput) (*User, error)
	// CreateUserWithPassword creates a user whose password need not be
	// changed (first start with GOVDATA_ADMIN_PASSWORD); platform only:
	// EFORBIDDEN for anyone else unless mustChange. Otherwise CreateUser's
	// codes.
	CreateUserWithPassword(ctx context.Context, in UserInput, mustChange bool) (*User, error)
	// UpdateUser returns ENOTFOUND, EINVALID, EFORBIDDEN, ECONFLICT (the
	// last holder of an administrator role); see CheckUserUpdate for what
	// waits for a secadmin. Issuing a password notifies the holder and
	// every secadmin.
	UpdateUser(ctx context.Context, id int64, p UserPatch) (*User, error)
	// SetOwnEmail sets the acting user's own e-mail address, where notices
	// are mailed ("" removes it); EINVALID for a malformed address.
	SetOwnEmail(ctx context.Context, email string) (*User, error)
	// FindUserByID returns ENOTFOUND when there is none; EFORBIDDEN for
	// another's account without the right to read users (the sysadmin,
	// the secadmin).
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByUsername returns ENOTFOUND when there is none; EFORBIDDEN
	// but to the sysadmin and the secadmin.
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	// FindUsers lists accounts by ID; EFORBIDDEN but to the sysadmin and
	// the secadmin; EINVALID for a bad cursor.
	FindUsers(ctx context.Context, f UserFilter) (List[*User], error)
	// ConfirmRoles grants requested roles (secadmin): EFORBIDDEN,
	// ENOTFOUND, EINVALID, ECONFLICT (a role not pending, the account moved
	// or disabled).
	ConfirmRoles(ctx context.Context, id int64, d RoleDecision) (*User, error)
	// RejectRoles drops requested roles (secadmin): EFORBIDDEN, ENOTFOUND,
	// EINVALID, ECONFLICT (a role not pending).
	RejectRoles(ctx context.Context, id int64, d RoleDecision) (*User, error)
	// FindRoleHistory lists every period the user held each role;
	// EFORBIDDEN but to the sysadmin, the secadmin and the auditor;
	// ENOTFOUND when there is no such user.
	FindRoleHistory(ctx context.Context, id int64) ([]RoleHolding, error)
	// CountUsers counts all accounts (first start creates admin when zero);
	// it refuses no one.
	CountUsers(ctx context.Context) (int, error)
}

// Messages of users and passwords.
var (
	MsgUsernameFormat         = Msg{"用户名为 3–64 位小写字母、数字、点、下划线或连字符，以字母或数字开头", "a username has 3–64 lower-case letters, digits, dots, underscores or hyphens, starting with a letter or digit"}
	MsgUsernameTaken          = Msg{"用户名已被使用：%s", "username already taken: %s"}
	MsgUserNotFound           = Msg{"用户不存在", "user not found"}
	MsgPasswordShort          = Msg{"密码至少 %d 位", "a password has at least %d characters"}
	MsgPasswordLong           = Msg{"密码不能超过 %d 位", "a password has at most %d characters"}
	MsgPasswordClasses        = Msg{"密码须包含大写字母、小写字母、数字、符号中的至少 %d 类", "a password needs at least %d of: upper-case letters, lower-case letters, digits, symbols"}
	MsgPasswordUsername       = Msg{"密码不能包含用户名", "a password must not contain the username"}
	MsgPasswordGivenAndIssued = Msg{"请只选一种：给出密码，或由平台生成", "give a password or have one issued, not both"}
	MsgPasswordSame           = Msg{"新密码不能与旧密码相同", "the new password must differ from the old one"}
	// Security notices (等保 三员分立): the account, by whom, when, from where.
	MsgPasswordResetNotice = Msg{"安全事件：账号 %s 的密码已被 %s 于 %s 重置（来源地址 %s）；如非本人知悉，请立即联系安全管理员",
		"Security event: the password of account %s was reset by %s at %s (from address %s); if you did not expect this, tell the security administrator at once"}
	// Sent to the address being replaced, so that the holder learns of it
	// there: an administrator who changed it could otherwise receive the
	// holder's next security notice (a password reset) himself.
	MsgEmailChangedNotice = Msg{"安全事件：账号 %s 的电子邮箱已被 %s 于 %s 更改（来源地址 %s）；如非本人知悉，请立即联系安全管理员",
		"Security event: the e-mail address of account %s was changed by %s at %s (from address %s); if you did not expect this, tell the security administrator at once"}
	MsgRoleRequestNotice = Msg{"待确认：账号 %s 申请业务角色 %s（部门 %d），由 %s 提出，经安全管理员确认后生效",
		"To confirm: account %s is to have business roles %s (department %d), requested by %s; they take effect once a security administrator confirms them"}
)

// NormalizeUsername lower-cases and trims a username: usernames are
// compared without case so that "Admin" and "admin" are one account.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidUsername reports whether a normalized username has the allowed shape.
func ValidUsername(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for i, r := range s {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || (i > 0 && (r == '.' || r == '_' || r == '-'))
		if !ok {
			return false
		}
	}
	return true
}

// PasswordPolicy is the configurable password strength and expiry rule
// (ORG-3, HLJ-38).
type PasswordPolicy struct {
	MinLength  int           // characters, at least
	MinClasses int           // of upper, lower, digit, symbol
	MaxAge     time.Duration // 0: passwords do not expire
}

// DefaultPasswordPolicy is the policy when configuration says nothing:
// 10 characters of 3 classes, changed every 90 days (common 等保 level-3 practice).
var DefaultPasswordPolicy = PasswordPolicy{MinLength: 10, MinClasses: 3, MaxAge: 90 * 24 * time.Hour}

// maxPasswordLength bounds the work of hashing an attacker's input.
const maxPasswordLength = 128

// Check applies the policy to a new password for username. Problems are
// recorded on field.
func (p PasswordPolicy) Check(fe *FieldErrors, field, password, username string) {
	n := len([]rune(password))
	if n < p.MinLength {
		fe.Add(field, MsgPasswordShort, p.MinLength)
		return
	}
	if n > maxPasswordLength {
		fe.Add(field, MsgPasswordLong, maxPasswordLength)
		return
	}
	var upper, lower, digit, symbol int
	for _, r := range password {
		switch {
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			symbol = 1
		}
	}
	if upper+lower+digit+symbol < p.MinClasses {
		fe.Add(field, MsgPasswordClasses, p.MinClasses)
		return
	}
	if username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)) {
		fe.Add(field, MsgPasswordUsername)
	}
}

// Expired reports whether a password changed at changedAt has expired at now.
func (p PasswordPolicy) Expired(changedAt, now time.Time) bool {
	return p.MaxAge > 0 && now.Sub(changedAt) >= p.MaxAge
}

// ValidateUserInput checks a new user against the shape rules, the password
// policy and the separation of duties, for the acting user.
func ValidateUserInput(a Actor, in UserInput, policy PasswordPolicy) error {
	var fe FieldErrors
	if !ValidUsername(in.Username) {
		fe.Add("username", MsgUsernameFormat)
	}
	checkName(&fe, "name", in.Name, 100)
	CheckEmail(&fe, "email", in.Email)
	policy.Check(&fe, "password", in.Password, in.Username)
	CheckRoles(in.Roles, in.DepartmentID, &fe)
	if err := fe.Err(); err != nil {
		return err
	}
	return CheckManageRoles(a, nil, in.Roles)
}

// UserChange is a user patch resolved against the user's current state.
type UserChange struct {
	Roles          []Role // roles held after the change
	Added, Removed []Role // held roles granted and revoked now
	Pending        []Role // roles waiting for a secadmin after the change
	// Requested are roles asked for now: new requests, and every pending
	// role again when the account moves (it is asked for the new department).
	Requested []Role
	Withdrawn []Role // requests dropped: no longer wanted, or granted now
	// Suspended are held business roles that go back to waiting because
	// the sysadmin moved, re-enabled or issued a password to their holder
	// (also in Removed and Requested).
	Suspended    []Role
	DepartmentID int64 // department after the change
	Disable      bool  // the user is being disabled now
	Enable       bool  // the user is being enabled now
}

// RolesChanged reports whether the change touches held or requested roles.
func (c UserChange) RolesChanged() bool {
	return len(c.Added)+len(c.Removed)+len(c.Requested)+len(c.Withdrawn) > 0
}

// CheckUserUpdate decides whether the actor may apply p to user u and
// whether the result is valid: the separation of duties on who manages
// which roles, no one changing its own roles or disabling itself (so an
// account cannot lock the platform or itself out by mistake), the name, the
// password policy and the role rules. Roles in p are all the account is to
// have, held or waiting; what the actor gives takes effect or waits as
// RoleEffectOf says. A move to another department, a re-enabling or a new
// password by an actor whose business roles wait (the sysadmin) sends the
// held business roles back to waiting: what an officer or leader reaches
// is its department's, so the secadmin confirms the new reach, or the new
// holder of a password the sysadmin knows. Existence of the
// department and the last holder of an administrator role are for the store.
func CheckUserUpdate(a Actor, u User, p UserPatch, policy PasswordPolicy) (UserChange, error) {
	pending := u.PendingRoleNames()
	c := UserChange{DepartmentID: u.DepartmentID}
	want := append(slices.Clone(u.Roles), pending...)
	if p.Roles != nil {
		want = *p.Roles
	}
	if p.DepartmentID != nil {
		c.DepartmentID = *p.DepartmentID
	}
	var fe FieldErrors
	if p.Name != nil {
		checkName(&fe, "name", *p.Name, 100)
	}
	if p.Email != nil {
		CheckEmail(&fe, "email", *p.Email)
	}
	if p.Password != nil {
		policy.Check(&fe, "password", *p.Password, u.Username)
	}
	CheckRoles(want, c.DepartmentID, &fe)
	if err := fe.Err(); err != nil {
		return c, err
	}
	c.Disable = p.Disabled != nil && *p.Disabled && !u.Disabled
	c.Enable = p.Disabled != nil && !*p.Disabled && u.Disabled
	moved := c.DepartmentID != u.DepartmentID
	// A password the sysadmin issues is one it knows: the account's
	// business roles wait for the secadmin again, else the sysadmin signs
	// in as an officer and reads its department's sealed rows (等保 三员分立).
	reset := p.Password != nil
	for _, r := range want {
		held := slices.Contains(u.Roles, r)
		effect := RoleEffectOf(a, r)
		switch {
		case held && effect == RolePending && (moved || c.Enable || reset):
			c.Suspended = append(c.Suspended, r)
			c.Pending = append(c.Pending, r)
		case !held && (effect == RolePending || (p.Roles == nil && slices.Contains(pending, r))):
			// A patch that leaves roles alone grants no request.
			c.Pending = append(c.Pending, r)
		default: // held, granted, or refused by CheckManageRoles below
			c.Roles = append(c.Roles, r)
		}
	}
	for _, r := range u.Roles {
		if !slices.Contains(c.Roles, r) {
			c.Removed = append(c.Removed, r)
		}
	}
	for _, r := range c.Roles {
		if !slices.Contains(u.Roles, r) {
			c.Added = append(c.Added, r)
		}
	}
	for _, r := range c.Pending {
		if moved || !slices.Contains(pending, r) {
			c.Requested = append(c.Requested, r)
		}
	}
	for _, r := range pending {
		if !slices.Contains(c.Pending, r) {
			c.Withdrawn = append(c.Withdrawn, r)
		}
	}
	if a.UserID == u.ID && c.RolesChanged() {
		return c, Errorf(EFORBIDDEN, MsgRoleSelfChange)
	}
	if c.Disable && a.UserID == u.ID {
		return c, Errorf(EFORBIDDEN, MsgSelfDisable)
	}
	return c, CheckManageRoles(a, append(slices.Clone(u.Roles), pending...), want)
}

// CheckRoleDecision decides whether the actor may confirm (or reject) the
// roles of d requested for u: only an actor whose giving them grants them
// (RoleEffectOf: the secadmin, or the platform), each role waiting, and on
// confirming, the department the account is in now and an active account.
func CheckRoleDecision(a Actor, u User, d RoleDecision, confirm bool) error {
	var fe FieldErrors
	if len(d.Roles) == 0 {
		fe.Add("roles", MsgRolesEmpty)
	}
	seen := map[Role]bool{}
	for _, r := range d.Roles {
		switch {
		case !r.Valid():
			fe.Add("roles", MsgRoleUnknown, string(r))
		case seen[r]:
			fe.Add("roles", MsgRoleDuplicate, r.Name())
		}
		seen[r] = true
	}
	if err := fe.Err(); err != nil {
		return err
	}
	for _, r := range d.Roles {
		if RoleEffectOf(a, r) != RoleGranted {
			return Errorf(EFORBIDDEN, MsgRoleNotYours, r.Name(), RoleSecadmin.Name())
		}
	}
	pending := u.PendingRoleNames()
	for _, r := range d.Roles {
		if !slices.Contains(pending, r) {
			return Errorf(ECONFLICT, MsgRoleNotPending, r.Name())
		}
	}
	if !confirm {
		return nil
	}
	if d.DepartmentID != u.DepartmentID {
		return Errorf(ECONFLICT, MsgRoleMoved)
	}
	if u.Disabled {
		return Errorf(ECONFLICT, MsgRoleDisabled)
	}
	return nil
}
