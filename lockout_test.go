package govdata_test

import (
	"testing"
	"time"

	"github.com/govdata/govdata"
)

func TestLockoutPolicyAfterFailure(t *testing.T) {
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	def := govdata.DefaultLockoutPolicy
	tests := []struct {
		name         string
		policy       govdata.LockoutPolicy
		failures     int
		wantFailures int
		wantLocked   time.Time
	}{
		{"first failure", def, 0, 1, time.Time{}},
		{"nineteenth failure", def, 18, 19, time.Time{}},
		{"twentieth failure locks", def, 19, 0, now.Add(15 * time.Minute)},
		{"beyond the maximum locks", def, 29, 0, now.Add(15 * time.Minute)},
		{"lock on the first failure", govdata.LockoutPolicy{MaxFailures: 1, Duration: time.Hour}, 0, 0, now.Add(time.Hour)},
		{"disabled", govdata.LockoutPolicy{}, 99, 100, time.Time{}},
	}
	for _, tt := range tests {
		gotFailures, gotLocked := tt.policy.AfterFailure(tt.failures, now)
		if gotFailures != tt.wantFailures || !gotLocked.Equal(tt.wantLocked) {
			t.Errorf("%s: AfterFailure(%d) = %d, %v; want %d, %v", tt.name, tt.failures, gotFailures, gotLocked, tt.wantFailures, tt.wantLocked)
		}
	}
	// Counting from zero, exactly MaxFailures failures lock the account.
	failures, locks := 0, 0
	for i := 1; i <= 2*def.MaxFailures; i++ {
		var until time.Time
		failures, until = def.AfterFailure(failures, now)
		if !until.IsZero() {
			locks++
			if i%def.MaxFailures != 0 {
				t.Errorf("locked after failure %d, want only after every %d", i, def.MaxFailures)
			}
		}
	}
	if locks != 2 {
		t.Errorf("%d locks in %d failures, want 2", locks, 2*def.MaxFailures)
	}
}

// TestLockoutPolicyAddress: an address waits after every fifth failure,
// twice as long each round, never longer than the maximum (ORG-3).
func TestLockoutPolicyAddress(t *testing.T) {
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	def := govdata.DefaultLockoutPolicy
	tests := []struct {
		name            string
		policy          govdata.LockoutPolicy
		failures, waits int
		wantFailures    int
		wantWaits       int
		wantBlockedFor  time.Duration // 0: no wait
	}{
		{"first failure", def, 0, 0, 1, 0, 0},
		{"fourth failure", def, 3, 0, 4, 0, 0},
		{"fifth failure waits a minute", def, 4, 0, 0, 1, time.Minute},
		{"second round waits two", def, 4, 1, 0, 2, 2 * time.Minute},
		{"third round waits four", def, 4, 2, 0, 3, 4 * time.Minute},
		{"seventh round reaches the hour", def, 4, 6, 0, 7, time.Hour},
		{"many rounds stay at the hour", def, 4, 500, 0, 501, time.Hour},
		{"disabled", govdata.LockoutPolicy{MaxFailures: 5}, 99, 0, 100, 0, 0},
		{"no maximum", govdata.LockoutPolicy{AddressMaxFailures: 1, AddressDelay: time.Second}, 0, 3, 0, 4, 8 * time.Second},
	}
	for _, tt := range tests {
		f, w, until := tt.policy.AfterAddressFailure(tt.failures, tt.waits, now)
		var want time.Time
		if tt.wantBlockedFor > 0 {
			want = now.Add(tt.wantBlockedFor)
		}
		if f != tt.wantFailures || w != tt.wantWaits || !until.Equal(want) {
			t.Errorf("%s: AfterAddressFailure(%d, %d) = %d, %d, %v; want %d, %d, %v", tt.name, tt.failures, tt.waits, f, w, until, tt.wantFailures, tt.wantWaits, want)
		}
	}
}

// TestLockoutPolicyValidate: a policy under which one address could lock
// an account before it waits is refused.
func TestLockoutPolicyValidate(t *testing.T) {
	tests := []struct {
		name   string
		policy govdata.LockoutPolicy
		ok     bool
	}{
		{"default", govdata.DefaultLockoutPolicy, true},
		{"account lock off", govdata.LockoutPolicy{AddressMaxFailures: 5, AddressDelay: time.Minute}, true},
		{"address throttle off", govdata.LockoutPolicy{MaxFailures: 5, Duration: time.Minute}, true},
		{"address equal to account", govdata.LockoutPolicy{MaxFailures: 5, Duration: time.Minute, AddressMaxFailures: 5, AddressDelay: time.Minute}, false},
		{"address above account", govdata.LockoutPolicy{MaxFailures: 5, Duration: time.Minute, AddressMaxFailures: 10, AddressDelay: time.Minute}, false},
		{"no address wait", govdata.LockoutPolicy{MaxFailures: 20, AddressMaxFailures: 5}, false},
		{"negative", govdata.LockoutPolicy{MaxFailures: -1}, false},
	}
	for _, tt := range tests {
		if err := tt.policy.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

// TestCheckUnlock: who may lift a login lock (ORG-3).
func TestCheckUnlock(t *testing.T) {
	actor := func(id int64, r govdata.Role) govdata.Actor {
		return govdata.Actor{UserID: id, Username: "u", Roles: []govdata.Role{r}, DepartmentID: 3}
	}
	user := func(id int64, r govdata.Role) govdata.User {
		return govdata.User{ID: id, Roles: []govdata.Role{r}, DepartmentID: 3}
	}
	tests := []struct {
		name  string
		actor govdata.Actor
		user  govdata.User
		want  govdata.ErrorCode
	}{
		{"sysadmin unlocks an officer", actor(1, govdata.RoleSysadmin), user(9, govdata.RoleOfficer), ""},
		{"secadmin does not unlock an officer", actor(2, govdata.RoleSecadmin), user(9, govdata.RoleOfficer), govdata.EFORBIDDEN},
		{"auditor does not unlock an officer", actor(3, govdata.RoleAuditor), user(9, govdata.RoleOfficer), govdata.EFORBIDDEN},
		{"secadmin unlocks the sysadmin", actor(2, govdata.RoleSecadmin), user(1, govdata.RoleSysadmin), ""},
		{"auditor unlocks the sysadmin", actor(3, govdata.RoleAuditor), user(1, govdata.RoleSysadmin), ""},
		{"sysadmin unlocks the secadmin", actor(1, govdata.RoleSysadmin), user(2, govdata.RoleSecadmin), ""},
		{"sysadmin unlocks the auditor", actor(1, govdata.RoleSysadmin), user(3, govdata.RoleAuditor), ""},
		{"another sysadmin unlocks a sysadmin", actor(4, govdata.RoleSysadmin), user(1, govdata.RoleSysadmin), ""},
		{"nobody unlocks itself", actor(1, govdata.RoleSysadmin), user(1, govdata.RoleSysadmin), govdata.EFORBIDDEN},
		{"an officer does not unlock the sysadmin", actor(5, govdata.RoleOfficer), user(1, govdata.RoleSysadmin), govdata.EFORBIDDEN},
		{"a reviewer does not unlock an officer", actor(6, govdata.RoleReviewer), user(9, govdata.RoleOfficer), govdata.EFORBIDDEN},
		{"the platform unlocks anyone", govdata.SystemActor, user(1, govdata.RoleSysadmin), ""},
	}
	for _, tt := range tests {
		if got := govdata.ErrorCodeOf(govdata.CheckUnlock(tt.actor, tt.user)); got != tt.want {
			t.Errorf("%s: CheckUnlock = %q, want %q", tt.name, got, tt.want)
		}
	}
}
