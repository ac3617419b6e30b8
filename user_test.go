package govdata_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govdata/govdata"
)

func TestPasswordPolicyCheck(t *testing.T) {
	def := govdata.DefaultPasswordPolicy
	tests := []struct {
		name     string
		policy   govdata.PasswordPolicy
		password string
		username string
		want     govdata.Msg // zero: accepted
	}{
		{"three classes", def, "Abcdefgh12", "", govdata.Msg{}},
		{"upper digit symbol", def, "ABCDEFGH1!", "", govdata.Msg{}},
		{"four classes", def, "Ab1!Ab1!Ab", "", govdata.Msg{}},
		{"nine characters", def, "Abcdefg12", "", govdata.MsgPasswordShort},
		{"empty", def, "", "", govdata.MsgPasswordShort},
		{"two classes lower digit", def, "abcdefgh12", "", govdata.MsgPasswordClasses},
		{"two classes lower symbol", def, "abcdefgh!!", "", govdata.MsgPasswordClasses},
		{"one class", def, "aaaaaaaaaaaaaaaa", "", govdata.MsgPasswordClasses},
		{"longest", def, "Ab1" + strings.Repeat("x", 125), "", govdata.Msg{}},
		{"too long", def, "Ab1" + strings.Repeat("x", 126), "", govdata.MsgPasswordLong},
		// Length counts characters, not bytes: nine Chinese characters are short.
		{"nine runes", def, "密码密码密码Ab1", "", govdata.MsgPasswordShort},
		// Chinese characters count as symbols.
		{"Chinese as symbols", def, "密码密码密码密码ab1", "", govdata.Msg{}},
		{"contains username", def, "zhangsan12A!", "zhangsan", govdata.MsgPasswordUsername},
		{"contains username in other case", def, "ZhangSan12!x", "zhangsan", govdata.MsgPasswordUsername},
		{"no username given", def, "zhangsan12A!", "", govdata.Msg{}},
		{"username elsewhere", def, "Zhang-San12!", "zhangsan", govdata.Msg{}},
		{"custom four classes", govdata.PasswordPolicy{MinLength: 8, MinClasses: 4}, "Abcdefg1", "", govdata.MsgPasswordClasses},
		{"custom four classes met", govdata.PasswordPolicy{MinLength: 8, MinClasses: 4}, "Abcdef1!", "", govdata.Msg{}},
		{"custom short", govdata.PasswordPolicy{MinLength: 16, MinClasses: 1}, "Abcdefghijklmn1", "", govdata.MsgPasswordShort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fe govdata.FieldErrors
			tt.policy.Check(&fe, "pw", tt.password, tt.username)
			var want map[string]govdata.Msg
			if tt.want != (govdata.Msg{}) {
				want = map[string]govdata.Msg{"pw": tt.want}
			}
			checkFields(t, fe.Err(), want)
		})
	}
}

func TestPasswordPolicyExpired(t *testing.T) {
	changed := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name   string
		policy govdata.PasswordPolicy
		now    time.Time
		want   bool
	}{
		{"just changed", govdata.DefaultPasswordPolicy, changed, false},
		{"a nanosecond before 90 days", govdata.DefaultPasswordPolicy, changed.Add(90*day - 1), false},
		{"at 90 days", govdata.DefaultPasswordPolicy, changed.Add(90 * day), true},
		{"a year later", govdata.DefaultPasswordPolicy, changed.Add(365 * day), true},
		{"no expiry", govdata.PasswordPolicy{MinLength: 10}, changed.Add(3650 * day), false},
		{"clock behind", govdata.DefaultPasswordPolicy, changed.Add(-day), false},
	}
	for _, tt := range tests {
		if got := tt.policy.Expired(changed, tt.now); got != tt.want {
			t.Errorf("%s: Expired = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestUsernames(t *testing.T) {
	tests := []struct {
		in, normalized string
		valid          bool
	}{
		{"zhangsan", "zhangsan", true},
		{"  Zhang.San ", "zhang.san", true},
		{"ADMIN", "admin", true},
		{"a_b-c.d", "a_b-c.d", true},
		{"9lives", "9lives", true},
		{"ab", "ab", false},
		{strings.Repeat("a", 64), strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), strings.Repeat("a", 65), false},
		{".hidden", ".hidden", false},
		{"-dash", "-dash", false},
		{"zhang san", "zhang san", false},
		{"张三丰", "张三丰", false},
		{"a@b.cn", "a@b.cn", false},
		{"", "", false},
	}
	for _, tt := range tests {
		n := govdata.NormalizeUsername(tt.in)
		if n != tt.normalized {
			t.Errorf("NormalizeUsername(%q) = %q, want %q", tt.in, n, tt.normalized)
		}
		if got := govdata.ValidUsername(n); got != tt.valid {
			t.Errorf("ValidUsername(%q) = %v, want %v", n, got, tt.valid)
		}
	}
}

func TestValidateUserInput(t *testing.T) {
	ok := govdata.UserInput{Username: "zhangsan", Password: "Correct-Horse-9", Name: "张三", DepartmentID: 3,
		Roles: []govdata.Role{govdata.RoleOfficer}}
	tests := []struct {
		name   string
		change func(*govdata.UserInput)
		want   map[string]govdata.Msg
	}{
		{"valid", func(*govdata.UserInput) {}, nil},
		{"username", func(in *govdata.UserInput) { in.Username = "Zhang San" },
			map[string]govdata.Msg{"username": govdata.MsgUsernameFormat}},
		{"name", func(in *govdata.UserInput) { in.Name = "" },
			map[string]govdata.Msg{"name": govdata.MsgRequired}},
		{"password", func(in *govdata.UserInput) { in.Password = "short" },
			map[string]govdata.Msg{"password": govdata.MsgPasswordShort}},
		{"password with username", func(in *govdata.UserInput) { in.Password = "Zhangsan-2026" },
			map[string]govdata.Msg{"password": govdata.MsgPasswordUsername}},
		{"roles", func(in *govdata.UserInput) { in.Roles = []govdata.Role{govdata.RoleSysadmin, govdata.RoleAuditor} },
			map[string]govdata.Msg{"roles": govdata.MsgRolesExclusive}},
		{"department", func(in *govdata.UserInput) { in.DepartmentID = 0 },
			map[string]govdata.Msg{"department_id": govdata.MsgRoleNeedsDept}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.change(&in)
			checkFields(t, govdata.ValidateUserInput(govdata.SystemActor, in, govdata.DefaultPasswordPolicy), tt.want)
		})
	}
}

// 等保 三员分立 on every way a patch can give an account the reach of a
// business role: adding it, moving its holder, re-enabling its holder. The
// sysadmin's business roles wait for the secadmin; nothing else changes.
func TestCheckUserUpdateBusinessRoles(t *testing.T) {
	type R = []govdata.Role
	admin := govdata.Actor{UserID: 1, Username: "admin", Roles: R{govdata.RoleSysadmin}}
	sec := govdata.Actor{UserID: 2, Username: "sec", Roles: R{govdata.RoleSecadmin}}
	const dept, other = 3, 4
	officer := govdata.User{ID: 9, Username: "zhangsan", DepartmentID: dept, Roles: R{govdata.RoleOfficer}}
	waiting := govdata.User{ID: 9, Username: "zhangsan", DepartmentID: dept, Roles: R{govdata.RoleLeader},
		PendingRoles: []govdata.RoleRequest{{Role: govdata.RoleOfficer, DepartmentID: dept, RequestedBy: "admin"}}}
	disabled := officer
	disabled.Disabled = true
	plain := govdata.User{ID: 9, Username: "zhangsan", DepartmentID: dept, Roles: R{govdata.RoleSysadmin}}
	roles := func(r ...govdata.Role) *[]govdata.Role { return &r }
	id := func(v int64) *int64 { return &v }
	yes, no, name, reissued := true, false, "张三", "Reissued#Pw-2026"
	type want struct {
		roles, added, removed, pending, requested, withdrawn, suspended R
		code                                                            govdata.ErrorCode
	}
	tests := []struct {
		name string
		a    govdata.Actor
		u    govdata.User
		p    govdata.UserPatch
		want want
	}{
		{"sysadmin adds officer: waits", admin, waiting, govdata.UserPatch{Roles: roles(govdata.RoleLeader, govdata.RoleOfficer, govdata.RoleReviewer)},
			want{roles: R{govdata.RoleLeader}, pending: R{govdata.RoleOfficer, govdata.RoleReviewer}, requested: R{govdata.RoleReviewer}}},
		{"sysadmin removes a held role at once", admin, officer, govdata.UserPatch{Roles: roles(govdata.RoleLeader)},
			want{removed: R{govdata.RoleOfficer}, pending: R{govdata.RoleLeader}, requested: R{govdata.RoleLeader}}},
		{"sysadmin withdraws a request", admin, waiting, govdata.UserPatch{Roles: roles(govdata.RoleLeader)},
			want{roles: R{govdata.RoleLeader}, withdrawn: R{govdata.RoleOfficer}}},
		{"sysadmin renames: roles and requests stay", admin, waiting, govdata.UserPatch{Name: &name},
			want{roles: R{govdata.RoleLeader}, pending: R{govdata.RoleOfficer}}},
		{"sysadmin moves a holder: its roles wait again", admin, waiting, govdata.UserPatch{DepartmentID: id(other)},
			want{removed: R{govdata.RoleLeader}, pending: R{govdata.RoleLeader, govdata.RoleOfficer},
				requested: R{govdata.RoleLeader, govdata.RoleOfficer}, suspended: R{govdata.RoleLeader}}},
		{"sysadmin moves and re-lists the role", admin, officer, govdata.UserPatch{DepartmentID: id(other), Roles: roles(govdata.RoleOfficer)},
			want{removed: R{govdata.RoleOfficer}, pending: R{govdata.RoleOfficer}, requested: R{govdata.RoleOfficer}, suspended: R{govdata.RoleOfficer}}},
		{"sysadmin re-enables a holder: its roles wait again", admin, disabled, govdata.UserPatch{Disabled: &no},
			want{removed: R{govdata.RoleOfficer}, pending: R{govdata.RoleOfficer}, requested: R{govdata.RoleOfficer}, suspended: R{govdata.RoleOfficer}}},
		{"sysadmin issues a holder a password: its roles wait again", admin, officer, govdata.UserPatch{Password: &reissued},
			want{removed: R{govdata.RoleOfficer}, pending: R{govdata.RoleOfficer}, requested: R{govdata.RoleOfficer}, suspended: R{govdata.RoleOfficer}}},
		{"sysadmin disables a holder: roles stay", admin, officer, govdata.UserPatch{Disabled: &yes},
			want{roles: R{govdata.RoleOfficer}}},
		{"sysadmin gives itself-type role at once", admin, plain, govdata.UserPatch{Name: &name},
			want{roles: R{govdata.RoleSysadmin}}},
		{"sysadmin turns a sysadmin into an officer", admin, plain, govdata.UserPatch{Roles: roles(govdata.RoleOfficer)},
			want{removed: R{govdata.RoleSysadmin}, pending: R{govdata.RoleOfficer}, requested: R{govdata.RoleOfficer}}},
		{"secadmin cannot patch a business account", sec, officer, govdata.UserPatch{Roles: roles(govdata.RoleOfficer, govdata.RoleLeader)},
			want{code: govdata.EFORBIDDEN}},
		{"secadmin cannot move a holder", sec, officer, govdata.UserPatch{DepartmentID: id(other)}, want{code: govdata.EFORBIDDEN}},
		{"platform moves a holder: roles stay", govdata.SystemActor, officer, govdata.UserPatch{DepartmentID: id(other)},
			want{roles: R{govdata.RoleOfficer}}},
		{"platform re-enables a holder: roles stay", govdata.SystemActor, disabled, govdata.UserPatch{Disabled: &no},
			want{roles: R{govdata.RoleOfficer}}},
		{"platform disables: a request is not granted", govdata.SystemActor, waiting, govdata.UserPatch{Disabled: &yes},
			want{roles: R{govdata.RoleLeader}, pending: R{govdata.RoleOfficer}}},
		{"platform grants a role at once", govdata.SystemActor, waiting, govdata.UserPatch{Roles: roles(govdata.RoleLeader, govdata.RoleOfficer)},
			want{roles: R{govdata.RoleLeader, govdata.RoleOfficer}, added: R{govdata.RoleOfficer}, withdrawn: R{govdata.RoleOfficer}}},
		{"the holder cannot ask for roles itself", govdata.Actor{UserID: 9, Roles: R{govdata.RoleSysadmin}}, plain,
			govdata.UserPatch{Roles: roles(govdata.RoleOfficer)}, want{code: govdata.EFORBIDDEN}},
	}
	norm := func(r R) R {
		if len(r) == 0 {
			return nil
		}
		return r
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := govdata.CheckUserUpdate(tt.a, tt.u, tt.p, govdata.DefaultPasswordPolicy)
			if got := govdata.ErrorCodeOf(err); tt.want.code != "" || err != nil {
				if got != tt.want.code {
					t.Fatalf("error %v, want code %q", err, tt.want.code)
				}
				return
			}
			got := [7]R{c.Roles, c.Added, c.Removed, c.Pending, c.Requested, c.Withdrawn, c.Suspended}
			w := [7]R{tt.want.roles, tt.want.added, tt.want.removed, tt.want.pending, tt.want.requested, tt.want.withdrawn, tt.want.suspended}
			for i, field := range []string{"roles", "added", "removed", "pending", "requested", "withdrawn", "suspended"} {
				if !slices.Equal(norm(got[i]), norm(w[i])) {
					t.Errorf("%s = %v, want %v", field, got[i], w[i])
				}
			}
		})
	}
}

func TestCheckRoleDecision(t *testing.T) {
	type R = []govdata.Role
	admin := govdata.Actor{UserID: 1, Roles: R{govdata.RoleSysadmin}}
	sec := govdata.Actor{UserID: 2, Roles: R{govdata.RoleSecadmin}}
	aud := govdata.Actor{UserID: 3, Roles: R{govdata.RoleAuditor}}
	const dept = 3
	u := govdata.User{ID: 9, DepartmentID: dept, Roles: R{govdata.RoleLeader},
		PendingRoles: []govdata.RoleRequest{{Role: govdata.RoleOfficer, DepartmentID: dept}, {Role: govdata.RoleReviewer, DepartmentID: dept}}}
	off := u
	off.Disabled = true
	tests := []struct {
		name    string
		a       govdata.Actor
		u       govdata.User
		d       govdata.RoleDecision
		confirm bool
		code    govdata.ErrorCode
	}{
		{"secadmin confirms", sec, u, govdata.RoleDecision{Roles: R{govdata.RoleOfficer}, DepartmentID: dept}, true, ""},
		{"secadmin confirms both", sec, u, govdata.RoleDecision{Roles: R{govdata.RoleReviewer, govdata.RoleOfficer}, DepartmentID: dept}, true, ""},
		{"secadmin rejects", sec, u, govdata.RoleDecision{Roles: R{govdata.RoleOfficer}}, false, ""},
		{"platform confirms", govdata.SystemActor, u, govdata.RoleDecision{Roles: R{govdata.RoleOfficer}, DepartmentID: dept}, true, ""},
		{"sysadmin confirms its own request", admin, u, govdata.RoleDecision{Roles: R{govdata.RoleOfficer}, DepartmentID: dept}, true, govdata.EFORBIDDEN},
		{"auditor confirms", aud, u, govdata.RoleDecision{Roles: R{govdata.RoleOfficer}, DepartmentID: dept}, true, govdata.EFORBIDDEN},
		{"a role not asked for", sec, u, govdata.RoleDecision{Roles: R{govdata.RoleSupervisor}, DepartmentID: dept}, true, govdata.ECONFLICT},
		{"a role already held", sec, u, govdata.RoleDecision{Roles: R{govdata.RoleLeader}, DepartmentID: dept}, true, govdata.ECONFLICT},
		{"an administrator role", sec, u, govdata.RoleDecision{Roles: R{govdata.RoleAuditor}, DepartmentID: dept}, true, govdata.ECONFLICT},
		{"the account moved since", sec, u, govdata.RoleDecision{Roles: R{govdata.RoleOfficer}, DepartmentID: dept + 1}, true, govdata.ECONFLICT},
		{"no department given", sec, u, govdata.RoleDecision{Roles: R{govdata.RoleOfficer}}, true, govdata.ECONFLICT},
		{"a disabled account", sec, off, govdata.RoleDecision{Roles: R{govdata.RoleOfficer}, DepartmentID: dept}, true, govdata.ECONFLICT},
		{"rejecting for a disabled account", sec, off, govdata.RoleDecision{Roles: R{govdata.RoleOfficer}}, false, ""},
		{"no roles", sec, u, govdata.RoleDecision{DepartmentID: dept}, true, govdata.EINVALID},
		{"unknown role", sec, u, govdata.RoleDecision{Roles: R{"root"}, DepartmentID: dept}, true, govdata.EINVALID},
		{"twice", sec, u, govdata.RoleDecision{Roles: R{govdata.RoleOfficer, govdata.RoleOfficer}, DepartmentID: dept}, false, govdata.EINVALID},
	}
	for _, tt := range tests {
		err := govdata.CheckRoleDecision(tt.a, tt.u, tt.d, tt.confirm)
		if got := govdata.ErrorCodeOf(err); got != tt.code && !(tt.code == "" && err == nil) {
			t.Errorf("%s: %v, want code %q", tt.name, err, tt.code)
		}
	}
}
