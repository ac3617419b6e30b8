package govdata

import "testing"

// TestAllowedOnGrant: what the console offers each role on a grant is what
// the services would take from it (SHR-3, HLJ-27, HLJ-28, ORG-5).
func TestAllowedOnGrant(t *testing.T) {
	const consumer, provider, other = 10, 20, 30
	who := func(dept int64, roles ...Role) Actor { return Actor{UserID: 1, DepartmentID: dept, Roles: roles} }
	type A = GrantAllowed
	for _, tc := range []struct {
		name  string
		actor Actor
		state GrantState
		want  A
	}{
		{"consumer officer, active", who(consumer, RoleOfficer), GrantActive,
			A{BindCredential: true, UnbindCredential: true, RecordUsage: true, ResolveIdle: true}},
		{"consumer officer, suspended: no new credential", who(consumer, RoleOfficer), GrantSuspended,
			A{UnbindCredential: true, RecordUsage: true, ResolveIdle: true}},
		{"consumer leader", who(consumer, RoleLeader), GrantActive, A{RecordUsage: true, ResolveIdle: true}},
		{"provider officer, active", who(provider, RoleOfficer), GrantActive, A{Suspend: true, Revoke: true, ResolveVolume: true}},
		{"provider leader, suspended", who(provider, RoleLeader), GrantSuspended, A{Resume: true, Revoke: true, ResolveVolume: true}},
		{"provider officer, revoked", who(provider, RoleOfficer), GrantRevoked, A{ResolveVolume: true}},
		{"provider officer, expired", who(provider, RoleOfficer), GrantExpired, A{ResolveVolume: true}},
		{"reviewer", who(other, RoleReviewer), GrantActive, A{Suspend: true, Revoke: true, ResolveVolume: true}},
		{"secadmin", who(0, RoleSecadmin), GrantSuspended, A{Resume: true, Revoke: true, ResolveVolume: true}},
		{"auditor reads only", who(0, RoleAuditor), GrantActive, A{}},
		{"another department's officer", who(other, RoleOfficer), GrantActive, A{}},
		{"password change pending", Actor{UserID: 1, DepartmentID: provider, Roles: []Role{RoleOfficer}, PasswordChangeRequired: true}, GrantActive, A{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &Grant{ConsumerDepartment: consumer, ProviderDepartment: provider, State: tc.state}
			if got := AllowedOnGrant(tc.actor, g); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
