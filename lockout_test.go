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
		{"fourth failure", def, 3, 4, time.Time{}},
		{"fifth failure locks", def, 4, 0, now.Add(15 * time.Minute)},
		{"beyond the maximum locks", def, 9, 0, now.Add(15 * time.Minute)},
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
