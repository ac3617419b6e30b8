package govdata

import (
	"slices"
	"strings"
)

// Role is what a user may do on the platform (PRODUCT.md §1).
type Role string

// The roles of PRODUCT.md §1.
const (
	RoleSysadmin   Role = "sysadmin"   // 系统管理员
	RoleSecadmin   Role = "secadmin"   // 安全管理员
	RoleAuditor    Role = "auditor"    // 安全审计员
	RoleReviewer   Role = "reviewer"   // 主管部门审核员
	RoleOfficer    Role = "officer"    // 数据专员
	RoleLeader     Role = "leader"     // 分管领导
	RoleSupervisor Role = "supervisor" // 销毁监督员
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleSysadmin, RoleSecadmin, RoleAuditor, RoleReviewer, RoleOfficer, RoleLeader, RoleSupervisor}

// roleNames are the roles' names as PRODUCT.md §1 and the console give
// them, for messages a person reads.
var roleNames = map[Role]Msg{
	RoleSysadmin:   {"系统管理员", "sysadmin"},
	RoleSecadmin:   {"安全管理员", "secadmin"},
	RoleAuditor:    {"安全审计员", "auditor"},
	RoleReviewer:   {"主管部门审核员", "reviewer"},
	RoleOfficer:    {"数据专员", "officer"},
	RoleLeader:     {"分管领导", "leader"},
	RoleSupervisor: {"销毁监督员", "supervisor"},
}

// Name is the role's name in a message: 安全审计员 in Chinese, the code
// (auditor) in English; an unknown role is shown as given.
func (r Role) Name() Message {
	if m, ok := roleNames[r]; ok {
		return Message{Msg: m}
	}
	return Message{Msg: Msg{"%s", "%s"}, Args: []any{string(r)}}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// IsAdministrative reports whether r is one of the three administrator roles
// of 三员分立 (sysadmin, secadmin, auditor).
func (r Role) IsAdministrative() bool {
	return r == RoleSysadmin || r == RoleSecadmin || r == RoleAuditor
}

// DepartmentScoped reports whether a holder of r acts only within its own
// department (PRODUCT.md §1: officer and leader are scoped to one department).
func (r Role) DepartmentScoped() bool { return r == RoleOfficer || r == RoleLeader }

// NeedsDepartment reports whether a holder of r must belong to a department.
func (r Role) NeedsDepartment() bool {
	return r == RoleOfficer || r == RoleLeader || r == RoleReviewer || r == RoleSupervisor
}

// IsBusiness reports whether r is a business role (officer, leader,
// reviewer, supervisor): one that reaches the departments' data and
// decisions, so that 三员分立 has the secadmin confirm every grant of it.
func (r Role) IsBusiness() bool { return r.NeedsDepartment() }

// Messages of roles and of the separation of duties.
var (
	MsgRoleUnknown    = Msg{"未知角色：%s", "unknown role: %s"}
	MsgRoleDuplicate  = Msg{"角色重复：%s", "role given twice: %s"}
	MsgRolesExclusive = Msg{"三员分立：%s不能与其他角色由同一账号兼任", "separation of duties: the %s role cannot be held together with any other role on one account"}
	MsgRoleNeedsDept  = Msg{"%s须属于某个部门", "the %s role requires a department"}
	MsgRolesEmpty     = Msg{"至少指定一个角色", "give at least one role"}
	MsgRoleSelfChange = Msg{"不能修改自己的角色", "you cannot change your own roles"}
	MsgLastAdmin      = Msg{"这是最后一个可用的%s账号，不能停用或移除其角色", "this is the last active %s account; it cannot be disabled or lose that role"}
	MsgRoleNotYours   = Msg{"三员分立：%s角色只能由%s授予、撤销或管理其持有人", "separation of duties: the %s role is granted, revoked and its holders managed only by the %s"}
	MsgSelfDisable    = Msg{"不能停用自己的账号", "you cannot disable your own account"}
	MsgPasswordChange = Msg{"请先修改密码", "change your password first"}
	MsgRoleNotPending = Msg{"角色 %s 不在待确认之列", "role %s is not awaiting confirmation"}
	MsgRoleMoved      = Msg{"该账号已调往其他部门，请按其现部门重新确认", "the account has moved to another department; confirm for its present department"}
	MsgRoleDisabled   = Msg{"账号已停用，不能确认其角色", "the account is disabled; its roles cannot be confirmed"}
)

// CheckRoles applies the separation-of-duties rule (ORG-2, 等保 三员分立):
// sysadmin, secadmin and auditor each stand alone on an account, so that no
// one account both operates the platform and audits or secures it; officers,
// leaders, reviewers and supervisors belong to a department.
// The field name of any problem is "roles" (or "department_id").
func CheckRoles(roles []Role, departmentID int64, fe *FieldErrors) {
	if len(roles) == 0 {
		fe.Add("roles", MsgRolesEmpty)
		return
	}
	seen := map[Role]bool{}
	for _, r := range roles {
		switch {
		case !r.Valid():
			fe.Add("roles", MsgRoleUnknown, string(r))
			return
		case seen[r]:
			fe.Add("roles", MsgRoleDuplicate, r.Name())
			return
		}
		seen[r] = true
	}
	for _, r := range roles {
		if r.IsAdministrative() && len(roles) > 1 {
			fe.Add("roles", MsgRolesExclusive, r.Name())
			return
		}
		if r.NeedsDepartment() && departmentID == 0 {
			fe.Add("department_id", MsgRoleNeedsDept, r.Name())
		}
	}
}

// RoleManager is the role that gives and revokes r and manages its holders'
// accounts (等保 三员分立): the secadmin assigns the security and audit
// roles, so that the operator of the platform cannot make itself an auditor
// by proxy; the sysadmin every other role — but a business role it gives
// only waits for the secadmin's confirmation (RoleEffectOf).
func RoleManager(r Role) Role {
	if r == RoleSecadmin || r == RoleAuditor {
		return RoleSecadmin
	}
	return RoleSysadmin
}

// RoleEffect is what giving a role to an account does, by who gives it.
type RoleEffect int

// The effects of giving a role.
const (
	// RoleRefused: the actor may not give the role.
	RoleRefused RoleEffect = iota
	// RolePending: the role is recorded as requested and counts nowhere
	// until a secadmin confirms it.
	RolePending
	// RoleGranted: the role counts at once.
	RoleGranted
)

// RoleEffectOf decides what actor a giving role r to an account does. It
// is the rule of 等保 三员分立 on business roles: the sysadmin manages
// accounts and the system, the secadmin grants permissions. So a business
// role the sysadmin gives an account — at creation, by a change of roles,
// or by moving, re-enabling or issuing a password to a holder, which
// changes what data the role reaches or who holds it — only waits for the secadmin, who grants it by confirming; else
// the sysadmin could make an officer of an account it controls and read
// the department's sealed data. The administrator roles are given by their
// manager (RoleManager). The platform itself (first start, the CLI run on
// the server, whose user already holds the database and the master key)
// grants every role.
func RoleEffectOf(a Actor, r Role) RoleEffect {
	switch {
	case !r.Valid():
		return RoleRefused
	case a.IsSystem():
		return RoleGranted
	case r.IsBusiness() && a.Has(RoleSecadmin):
		return RoleGranted
	case r.IsBusiness() && a.Has(RoleSysadmin):
		return RolePending
	case !r.IsBusiness() && a.Has(RoleManager(r)):
		return RoleGranted
	}
	return RoleRefused
}

// SplitRoleGrant splits the roles an actor gives an account into those
// that count at once and those that wait for a secadmin (RoleEffectOf);
// a refused role is in neither (CheckManageRoles refuses it first).
func SplitRoleGrant(a Actor, roles []Role) (granted, pending []Role) {
	for _, r := range roles {
		switch RoleEffectOf(a, r) {
		case RoleGranted:
			granted = append(granted, r)
		case RolePending:
			pending = append(pending, r)
		}
	}
	return granted, pending
}

// CheckManageRoles returns EFORBIDDEN unless the actor may manage every role
// a user holds now (current) and every role it is to hold (next). The
// platform itself (first start, the CLI on the server) may manage all.
func CheckManageRoles(a Actor, current, next []Role) error {
	if a.IsSystem() {
		return nil
	}
	for _, roles := range [][]Role{current, next} {
		for _, r := range roles {
			if m := RoleManager(r); !a.Has(m) {
				return Errorf(EFORBIDDEN, MsgRoleNotYours, r.Name(), m.Name())
			}
		}
	}
	return nil
}

// JoinRoles renders roles as a comma-separated list (storage and audit).
func JoinRoles(roles []Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// SplitRoles parses JoinRoles output.
func SplitRoles(s string) []Role {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	roles := make([]Role, len(parts))
	for i, p := range parts {
		roles[i] = Role(p)
	}
	return roles
}
