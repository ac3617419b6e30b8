package govdata_test

import (
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
