package govdata_test

import (
	"slices"
	"testing"

	"github.com/govdata/govdata"
)

func TestCheckRoles(t *testing.T) {
	const dept = 3
	type R = []govdata.Role
	tests := []struct {
		name    string
		roles   R
		dept    int64
		want    map[string]govdata.Msg
		wantArg string // the role the message names, if any
	}{
		{"none", nil, dept, map[string]govdata.Msg{"roles": govdata.MsgRolesEmpty}, ""},
		{"empty", R{}, 0, map[string]govdata.Msg{"roles": govdata.MsgRolesEmpty}, ""},
		// 三员分立: each administrator role stands alone.
		{"sysadmin alone", R{govdata.RoleSysadmin}, 0, nil, ""},
		{"sysadmin alone in a department", R{govdata.RoleSysadmin}, dept, nil, ""},
		{"secadmin alone", R{govdata.RoleSecadmin}, 0, nil, ""},
		{"auditor alone", R{govdata.RoleAuditor}, 0, nil, ""},
		{"sysadmin+auditor", R{govdata.RoleSysadmin, govdata.RoleAuditor}, 0,
			map[string]govdata.Msg{"roles": govdata.MsgRolesExclusive}, "sysadmin"},
		{"auditor+sysadmin", R{govdata.RoleAuditor, govdata.RoleSysadmin}, 0,
			map[string]govdata.Msg{"roles": govdata.MsgRolesExclusive}, "auditor"},
		{"sysadmin+secadmin", R{govdata.RoleSysadmin, govdata.RoleSecadmin}, 0,
			map[string]govdata.Msg{"roles": govdata.MsgRolesExclusive}, "sysadmin"},
		{"secadmin+auditor", R{govdata.RoleSecadmin, govdata.RoleAuditor}, 0,
			map[string]govdata.Msg{"roles": govdata.MsgRolesExclusive}, "secadmin"},
		{"all three", R{govdata.RoleSysadmin, govdata.RoleSecadmin, govdata.RoleAuditor}, 0,
			map[string]govdata.Msg{"roles": govdata.MsgRolesExclusive}, "sysadmin"},
		{"officer+secadmin", R{govdata.RoleOfficer, govdata.RoleSecadmin}, dept,
			map[string]govdata.Msg{"roles": govdata.MsgRolesExclusive}, "secadmin"},
		{"auditor+reviewer", R{govdata.RoleAuditor, govdata.RoleReviewer}, dept,
			map[string]govdata.Msg{"roles": govdata.MsgRolesExclusive}, "auditor"},
		// Department roles.
		{"officer", R{govdata.RoleOfficer}, dept, nil, ""},
		{"officer+leader", R{govdata.RoleOfficer, govdata.RoleLeader}, dept, nil, ""},
		{"reviewer+supervisor", R{govdata.RoleReviewer, govdata.RoleSupervisor}, dept, nil, ""},
		{"officer without department", R{govdata.RoleOfficer}, 0,
			map[string]govdata.Msg{"department_id": govdata.MsgRoleNeedsDept}, "officer"},
		{"leader without department", R{govdata.RoleLeader}, 0,
			map[string]govdata.Msg{"department_id": govdata.MsgRoleNeedsDept}, "leader"},
		{"reviewer without department", R{govdata.RoleReviewer}, 0,
			map[string]govdata.Msg{"department_id": govdata.MsgRoleNeedsDept}, "reviewer"},
		{"supervisor without department", R{govdata.RoleSupervisor}, 0,
			map[string]govdata.Msg{"department_id": govdata.MsgRoleNeedsDept}, "supervisor"},
		// Malformed lists.
		{"duplicate", R{govdata.RoleOfficer, govdata.RoleOfficer}, dept,
			map[string]govdata.Msg{"roles": govdata.MsgRoleDuplicate}, "officer"},
		{"duplicate sysadmin", R{govdata.RoleSysadmin, govdata.RoleSysadmin}, 0,
			map[string]govdata.Msg{"roles": govdata.MsgRoleDuplicate}, "sysadmin"},
		{"unknown", R{"root"}, 0, map[string]govdata.Msg{"roles": govdata.MsgRoleUnknown}, "root"},
		{"unknown among known", R{govdata.RoleOfficer, "Officer"}, dept,
			map[string]govdata.Msg{"roles": govdata.MsgRoleUnknown}, "Officer"},
		{"empty name", R{""}, dept, map[string]govdata.Msg{"roles": govdata.MsgRoleUnknown}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fe govdata.FieldErrors
			govdata.CheckRoles(tt.roles, tt.dept, &fe)
			err := fe.Err()
			checkFields(t, err, tt.want)
			if tt.wantArg == "" {
				return
			}
			for _, m := range err.(*govdata.Error).Fields {
				if len(m.Args) != 1 || m.Args[0] != tt.wantArg {
					t.Fatalf("message arguments %v, want [%s]", m.Args, tt.wantArg)
				}
			}
		})
	}
}

func TestRolePredicates(t *testing.T) {
	tests := []struct {
		role                                  govdata.Role
		valid, admin, scoped, needsDepartment bool
	}{
		{govdata.RoleSysadmin, true, true, false, false},
		{govdata.RoleSecadmin, true, true, false, false},
		{govdata.RoleAuditor, true, true, false, false},
		{govdata.RoleReviewer, true, false, false, true},
		{govdata.RoleOfficer, true, false, true, true},
		{govdata.RoleLeader, true, false, true, true},
		{govdata.RoleSupervisor, true, false, false, true},
		{"admin", false, false, false, false},
		{"", false, false, false, false},
	}
	for _, tt := range tests {
		got := [4]bool{tt.role.Valid(), tt.role.IsAdministrative(), tt.role.DepartmentScoped(), tt.role.NeedsDepartment()}
		want := [4]bool{tt.valid, tt.admin, tt.scoped, tt.needsDepartment}
		if got != want {
			t.Errorf("%q: valid, administrative, scoped, needs department = %v, want %v", tt.role, got, want)
		}
	}
	if got, want := len(govdata.Roles), 7; got != want {
		t.Errorf("len(Roles) = %d, want %d", got, want)
	}
}

func TestJoinSplitRoles(t *testing.T) {
	tests := []struct {
		roles []govdata.Role
		s     string
	}{
		{nil, ""},
		{[]govdata.Role{govdata.RoleSysadmin}, "sysadmin"},
		{[]govdata.Role{govdata.RoleOfficer, govdata.RoleLeader}, "officer,leader"},
	}
	for _, tt := range tests {
		if got := govdata.JoinRoles(tt.roles); got != tt.s {
			t.Errorf("JoinRoles(%v) = %q, want %q", tt.roles, got, tt.s)
		}
		if got := govdata.SplitRoles(tt.s); !slices.Equal(got, tt.roles) {
			t.Errorf("SplitRoles(%q) = %v, want %v", tt.s, got, tt.roles)
		}
	}
}
