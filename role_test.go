package govdata_test

import (
	"fmt"
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
				if len(m.Args) != 1 {
					t.Fatalf("message arguments %v, want [%s]", m.Args, tt.wantArg)
				}
				// A known role is named in the reader's language.
				arg := fmt.Sprint(m.Args[0])
				if name, ok := m.Args[0].(govdata.Message); ok {
					arg = name.Text("en")
				}
				if arg != tt.wantArg {
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

// 三员分立: the secadmin manages the security and audit roles and their
// holders; the sysadmin every other role; the platform itself all.
func TestCheckManageRoles(t *testing.T) {
	admin := govdata.Actor{UserID: 1, Roles: []govdata.Role{govdata.RoleSysadmin}}
	sec := govdata.Actor{UserID: 2, Roles: []govdata.Role{govdata.RoleSecadmin}}
	officer := govdata.Actor{UserID: 3, Roles: []govdata.Role{govdata.RoleOfficer}, DepartmentID: 1}
	r := func(rs ...govdata.Role) []govdata.Role { return rs }
	tests := []struct {
		name          string
		a             govdata.Actor
		current, next []govdata.Role
		ok            bool
	}{
		{"sysadmin grants officer", admin, nil, r(govdata.RoleOfficer), true},
		{"sysadmin grants sysadmin", admin, nil, r(govdata.RoleSysadmin), true},
		{"sysadmin grants auditor", admin, nil, r(govdata.RoleAuditor), false},
		{"sysadmin grants secadmin", admin, nil, r(govdata.RoleSecadmin), false},
		{"sysadmin edits an auditor", admin, r(govdata.RoleAuditor), r(govdata.RoleAuditor), false},
		{"sysadmin turns an auditor into an officer", admin, r(govdata.RoleAuditor), r(govdata.RoleOfficer), false},
		{"secadmin grants auditor", sec, nil, r(govdata.RoleAuditor), true},
		{"secadmin grants secadmin", sec, nil, r(govdata.RoleSecadmin), true},
		{"secadmin grants officer", sec, nil, r(govdata.RoleOfficer), false},
		{"secadmin edits an officer", sec, r(govdata.RoleOfficer), r(govdata.RoleOfficer), false},
		{"secadmin grants sysadmin", sec, nil, r(govdata.RoleSysadmin), false},
		{"officer grants officer", officer, nil, r(govdata.RoleOfficer), false},
		{"platform grants auditor", govdata.SystemActor, nil, r(govdata.RoleAuditor), true},
	}
	for _, tt := range tests {
		err := govdata.CheckManageRoles(tt.a, tt.current, tt.next)
		if got := err == nil; got != tt.ok {
			t.Errorf("%s: CheckManageRoles = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && govdata.ErrorCodeOf(err) != govdata.EFORBIDDEN {
			t.Errorf("%s: code %s, want forbidden", tt.name, govdata.ErrorCodeOf(err))
		}
	}
}

// 等保 三员分立: the sysadmin only asks for business roles, the secadmin
// grants them; administrator roles are given by their manager; the
// platform gives every role.
func TestRoleEffectOf(t *testing.T) {
	const (
		refused = govdata.RoleRefused
		pending = govdata.RolePending
		granted = govdata.RoleGranted
	)
	admin := govdata.Actor{UserID: 1, Roles: []govdata.Role{govdata.RoleSysadmin}}
	sec := govdata.Actor{UserID: 2, Roles: []govdata.Role{govdata.RoleSecadmin}}
	aud := govdata.Actor{UserID: 3, Roles: []govdata.Role{govdata.RoleAuditor}}
	officer := govdata.Actor{UserID: 4, Roles: []govdata.Role{govdata.RoleOfficer}, DepartmentID: 1}
	cli := govdata.SystemActor
	cli.Username = "cli:root"
	// Columns: sysadmin, secadmin, auditor, reviewer, officer, leader, supervisor.
	tests := []struct {
		name string
		a    govdata.Actor
		want [7]govdata.RoleEffect
	}{
		{"sysadmin", admin, [7]govdata.RoleEffect{granted, refused, refused, pending, pending, pending, pending}},
		{"secadmin", sec, [7]govdata.RoleEffect{refused, granted, granted, granted, granted, granted, granted}},
		{"auditor", aud, [7]govdata.RoleEffect{refused, refused, refused, refused, refused, refused, refused}},
		{"officer", officer, [7]govdata.RoleEffect{refused, refused, refused, refused, refused, refused, refused}},
		{"anonymous", govdata.Actor{}, [7]govdata.RoleEffect{refused, refused, refused, refused, refused, refused, refused}},
		{"platform", govdata.SystemActor, [7]govdata.RoleEffect{granted, granted, granted, granted, granted, granted, granted}},
		{"CLI on the server", cli, [7]govdata.RoleEffect{granted, granted, granted, granted, granted, granted, granted}},
	}
	for _, tt := range tests {
		for i, r := range govdata.Roles {
			if got := govdata.RoleEffectOf(tt.a, r); got != tt.want[i] {
				t.Errorf("%s gives %s: %d, want %d", tt.name, r, got, tt.want[i])
			}
		}
		if got := govdata.RoleEffectOf(tt.a, "root"); got != refused {
			t.Errorf("%s gives an unknown role: %d, want refused", tt.name, got)
		}
	}
	g, p := govdata.SplitRoleGrant(admin, []govdata.Role{govdata.RoleOfficer, govdata.RoleSysadmin, govdata.RoleAuditor, govdata.RoleLeader})
	if !slices.Equal(g, []govdata.Role{govdata.RoleSysadmin}) || !slices.Equal(p, []govdata.Role{govdata.RoleOfficer, govdata.RoleLeader}) {
		t.Errorf("SplitRoleGrant(sysadmin) = %v, %v", g, p)
	}
}
