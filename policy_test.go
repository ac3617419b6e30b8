package govdata_test

import (
	"testing"

	"github.com/govdata/govdata"
)

// allowed is PRODUCT.md §1 written out as permission → roles that hold it
// ("*" for every signed-in user), independently of the table in policy.go.
var allowed = map[govdata.Permission][]string{
	govdata.PermSignedIn:       {"*"},
	govdata.PermRegionRead:     {"*"},
	govdata.PermRegionWrite:    {"sysadmin"},
	govdata.PermDepartmentRead: {"*"},
	govdata.PermDepartmentEdit: {"sysadmin"},
	govdata.PermUserRead:       {"sysadmin", "secadmin"},
	govdata.PermUserWrite:      {"sysadmin", "secadmin"}, // each for the roles it manages
	govdata.PermRoleHistory:    {"sysadmin", "secadmin", "auditor"},
	govdata.PermUserUnlock:     {"sysadmin", "secadmin", "auditor"}, // CheckUnlock says whom
	// 等保 三员分立: the secadmin grants the business roles the sysadmin asks for.
	govdata.PermRoleConfirm:      {"secadmin"},
	govdata.PermCredentialManage: {"officer"},
	govdata.PermCredentialRevoke: {"officer", "secadmin"},
	govdata.PermCredentialRead:   {"officer", "secadmin"},
	govdata.PermAuditRead:        {"auditor"},
	// SHR-7, HLJ-28: the consumer records; both sides, the bureau, the
	// secadmin and the auditor (§1: "the audit log and usage records") read.
	govdata.PermUsageWrite: {"officer", "leader"},
	govdata.PermUsageRead:  {"officer", "leader", "reviewer", "secadmin", "auditor"},
}

func holds(p govdata.Permission, r govdata.Role) bool {
	for _, s := range allowed[p] {
		if s == "*" || s == string(r) {
			return true
		}
	}
	return false
}

// userWith is a signed-in user of department 3 holding role.
func userWith(r govdata.Role) govdata.Actor {
	a := govdata.Actor{UserID: 42, Username: "u42", Roles: []govdata.Role{r}}
	if r.NeedsDepartment() {
		a.DepartmentID = 3
	}
	return a
}

func TestAuthorizeEveryRole(t *testing.T) {
	for p := range allowed {
		for _, r := range govdata.Roles {
			err := govdata.Authorize(userWith(r), p)
			if holds(p, r) {
				if err != nil {
					t.Errorf("Authorize(%s, %s) = %v, want nil", r, p, err)
				}
				continue
			}
			if got := govdata.ErrorCodeOf(err); got != govdata.EFORBIDDEN {
				t.Errorf("Authorize(%s, %s) = %v, want forbidden", r, p, err)
			}
		}
	}
}

func TestAuthorizeSpecialActors(t *testing.T) {
	for p := range allowed {
		// The platform itself passes every check.
		if err := govdata.Authorize(govdata.SystemActor, p); err != nil {
			t.Errorf("Authorize(system, %s) = %v, want nil", p, err)
		}
		// Nobody signed in: unauthorized, even for what everyone may do.
		if got := govdata.ErrorCodeOf(govdata.Authorize(govdata.Actor{}, p)); got != govdata.EUNAUTHORIZED {
			t.Errorf("Authorize(anonymous, %s) = %s, want unauthorized", p, got)
		}
		// A session that must change its password may do nothing else (ORG-3).
		a := userWith(govdata.RoleSysadmin)
		a.PasswordChangeRequired = true
		err := govdata.Authorize(a, p)
		if e, ok := err.(*govdata.Error); !ok || e.Code != govdata.EFORBIDDEN || e.Message.Msg != govdata.MsgPasswordChange {
			t.Errorf("Authorize(password change required, %s) = %v, want forbidden: %s", p, err, govdata.MsgPasswordChange.EN)
		}
	}
	// A signed-in user with no role holds only what every user holds.
	none := govdata.Actor{UserID: 9, Username: "nobody"}
	if err := govdata.Authorize(none, govdata.PermRegionRead); err != nil {
		t.Errorf("Authorize(no roles, region.read) = %v, want nil", err)
	}
	if got := govdata.ErrorCodeOf(govdata.Authorize(none, govdata.PermUserRead)); got != govdata.EFORBIDDEN {
		t.Errorf("Authorize(no roles, user.read) = %s, want forbidden", got)
	}
	// An unknown permission is refused to everyone but the platform.
	const unknown = govdata.Permission("catalog.destroy")
	if got := govdata.ErrorCodeOf(govdata.Authorize(userWith(govdata.RoleSysadmin), unknown)); got != govdata.EFORBIDDEN {
		t.Errorf("Authorize(sysadmin, unknown) = %s, want forbidden", got)
	}
}

func TestAuthorizeIn(t *testing.T) {
	officer := govdata.Actor{UserID: 1, Username: "officer3", Roles: []govdata.Role{govdata.RoleOfficer}, DepartmentID: 3}
	leader := govdata.Actor{UserID: 2, Username: "leader3", Roles: []govdata.Role{govdata.RoleLeader}, DepartmentID: 3}
	secadmin := govdata.Actor{UserID: 3, Username: "sec", Roles: []govdata.Role{govdata.RoleSecadmin}}
	reviewer := govdata.Actor{UserID: 4, Username: "rev", Roles: []govdata.Role{govdata.RoleReviewer}, DepartmentID: 3}
	tests := []struct {
		name    string
		actor   govdata.Actor
		perm    govdata.Permission
		dept    int64
		want    govdata.ErrorCode
		wantMsg govdata.Msg
	}{
		{"officer in own department", officer, govdata.PermCredentialManage, 3, "", govdata.Msg{}},
		{"officer in any department", officer, govdata.PermCredentialManage, -1, "", govdata.Msg{}},
		{"officer of another department", officer, govdata.PermCredentialManage, 4, govdata.EFORBIDDEN, govdata.MsgOutOfScope},
		{"officer revokes in another department", officer, govdata.PermCredentialRevoke, 4, govdata.EFORBIDDEN, govdata.MsgOutOfScope},
		{"officer reads another department", officer, govdata.PermCredentialRead, 4, govdata.EFORBIDDEN, govdata.MsgOutOfScope},
		{"officer outside its role", officer, govdata.PermUserRead, 3, govdata.EFORBIDDEN, govdata.MsgForbidden},
		{"leader without the permission", leader, govdata.PermCredentialManage, 3, govdata.EFORBIDDEN, govdata.MsgForbidden},
		{"secadmin anywhere", secadmin, govdata.PermCredentialRevoke, 4, "", govdata.Msg{}},
		{"secadmin cannot manage", secadmin, govdata.PermCredentialManage, 4, govdata.EFORBIDDEN, govdata.MsgForbidden},
		{"everyone reads regions of any department", officer, govdata.PermRegionRead, 4, "", govdata.Msg{}},
		{"reviewer is not department scoped", reviewer, govdata.PermDepartmentRead, 4, "", govdata.Msg{}},
		{"system", govdata.SystemActor, govdata.PermCredentialManage, 4, "", govdata.Msg{}},
		{"anonymous", govdata.Actor{}, govdata.PermCredentialManage, 4, govdata.EUNAUTHORIZED, govdata.MsgUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := govdata.AuthorizeIn(tt.actor, tt.perm, tt.dept)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("AuthorizeIn = %v, want nil", err)
				}
				return
			}
			e, ok := err.(*govdata.Error)
			if !ok || e.Code != tt.want || e.Message.Msg != tt.wantMsg {
				t.Fatalf("AuthorizeIn = %v, want %s: %s", err, tt.want, tt.wantMsg.EN)
			}
		})
	}
}

func TestScopedTo(t *testing.T) {
	officer := govdata.Actor{UserID: 1, Username: "o", Roles: []govdata.Role{govdata.RoleOfficer}, DepartmentID: 3}
	officerOther := govdata.Actor{UserID: 2, Username: "p", Roles: []govdata.Role{govdata.RoleOfficer}, DepartmentID: 4}
	secadmin := govdata.Actor{UserID: 3, Username: "s", Roles: []govdata.Role{govdata.RoleSecadmin}}
	tests := []struct {
		name  string
		actor govdata.Actor
		perm  govdata.Permission
		want  int64
	}{
		{"officer credentials", officer, govdata.PermCredentialRead, 3},
		{"officer of another department", officerOther, govdata.PermCredentialRead, 4},
		{"secadmin credentials", secadmin, govdata.PermCredentialRead, 0},
		{"system", govdata.SystemActor, govdata.PermCredentialRead, 0},
		{"officer regions", officer, govdata.PermRegionRead, 0},
		{"officer departments", officer, govdata.PermDepartmentRead, 0},
	}
	for _, tt := range tests {
		if got := govdata.ScopedTo(tt.actor, tt.perm); got != tt.want {
			t.Errorf("%s: ScopedTo = %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestHeldPermissions: what the console is told a user holds is exactly
// what Authorize lets it do — no more (a menu item that ends in a 403), no
// fewer — and a session that must change its password holds nothing.
func TestHeldPermissions(t *testing.T) {
	for _, r := range govdata.Roles {
		a := userWith(r)
		held := map[govdata.Permission]bool{}
		for _, p := range govdata.HeldPermissions(a) {
			held[p] = true
		}
		for _, p := range govdata.AllPermissions() {
			if got, want := held[p], govdata.Authorize(a, p) == nil; got != want {
				t.Errorf("%s: holds %s = %v, Authorize says %v", r, p, got, want)
			}
		}
		for p := range allowed {
			if held[p] != holds(p, r) {
				t.Errorf("%s: holds %s = %v, PRODUCT.md §1 says %v", r, p, held[p], holds(p, r))
			}
		}
		a.PasswordChangeRequired = true
		if got := govdata.HeldPermissions(a); len(got) != 0 {
			t.Errorf("%s who must change the password holds %v, want nothing", r, got)
		}
	}
	if got := govdata.HeldPermissions(govdata.Actor{}); len(got) != 0 {
		t.Errorf("anonymous holds %v", got)
	}
}
