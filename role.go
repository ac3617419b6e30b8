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

// Messages of roles and of the separation of duties.
var (
	MsgRoleUnknown    = Msg{"未知角色：%s", "unknown role: %s"}
	MsgRoleDuplicate  = Msg{"角色重复：%s", "role given twice: %s"}
	MsgRolesExclusive = Msg{"三员分立：%s 不能与其他角色由同一账号兼任", "separation of duties: %s cannot be held together with any other role on one account"}
	MsgRoleNeedsDept  = Msg{"角色 %s 必须属于某个部门", "role %s requires a department"}
	MsgRolesEmpty     = Msg{"至少指定一个角色", "give at least one role"}
	MsgRoleSelfChange = Msg{"不能修改自己的角色", "you cannot change your own roles"}
	MsgLastAdmin      = Msg{"这是最后一个可用的 %s 账号，不能停用或移除其角色", "this is the last active %s account; it cannot be disabled or lose that role"}
	MsgRoleNotYours   = Msg{"三员分立：%s 角色只能由%s授予、撤销或管理其持有人", "separation of duties: the %s role is granted, revoked and its holders managed only by the %s"}
	MsgSelfDisable    = Msg{"不能停用自己的账号", "you cannot disable your own account"}
	MsgPasswordChange = Msg{"请先修改密码", "change your password first"}
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
			fe.Add("roles", MsgRoleDuplicate, string(r))
			return
		}
		seen[r] = true
	}
	for _, r := range roles {
		if r.IsAdministrative() && len(roles) > 1 {
			fe.Add("roles", MsgRolesExclusive, string(r))
			return
		}
		if r.NeedsDepartment() && departmentID == 0 {
			fe.Add("department_id", MsgRoleNeedsDept, string(r))
		}
	}
}

// RoleManager is the role that grants and revokes r and manages its holders
// (等保 三员分立): the secadmin assigns the security and audit roles, so that
// the operator of the platform cannot make itself an auditor by proxy; the
// sysadmin assigns every other role.
func RoleManager(r Role) Role {
	if r == RoleSecadmin || r == RoleAuditor {
		return RoleSecadmin
	}
	return RoleSysadmin
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
				return Errorf(EFORBIDDEN, MsgRoleNotYours, string(r), string(m))
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
